// Builds the TableClients the repositories use, on linkwright's own storage (src/azure/ownStorage.ts).
import type { TableClient } from "@azure/data-tables";
import { tableClientOf, type StorageConnection } from "../azure/ownStorage.js";

/** linkwright's storage (connection string or keyless) and the prefix of its table names (letters/digits), so
 *  several apps or tests share one account. */
export type TableStoreOptions = StorageConnection & { tablePrefix: string };

export interface ConnectionTables {
  linkers: TableClient;
  operations: TableClient;
  dependencies: TableClient;
}

export function tableNames(prefix: string): { linkers: string; operations: string; dependencies: string } {
  if (!/^[A-Za-z][A-Za-z0-9]{0,40}$|^$/.test(prefix)) throw new Error(`invalid table prefix '${prefix}' (letters and digits, starting with a letter)`);
  return { linkers: `${prefix}linkers`, operations: `${prefix}linkeroperations`, dependencies: `${prefix}linkerdependencies` };
}

export function createConnectionTables(options: TableStoreOptions): ConnectionTables {
  const names = tableNames(options.tablePrefix);
  const make = (name: string) => tableClientOf(options, name);
  return { linkers: make(names.linkers), operations: make(names.operations), dependencies: make(names.dependencies) };
}

/** Creates the tables if missing (idempotent). */
export async function ensureTables(tables: ConnectionTables): Promise<void> {
  await Promise.all(Object.values(tables).map((client: TableClient) => client.createTable()));
}
