// Builds the TableClients the repositories use, from one connection string.
import { TableClient, type TableServiceClientOptions } from "@azure/data-tables";

export interface TableStoreOptions {
  /** Storage connection string (AzureWebJobsStorage, Azurite's, or a real account's). */
  connectionString: string;
  /** Prefix for table names (letters/digits), so several apps or tests share one account. */
  tablePrefix: string;
  /** Permit http:// endpoints (Azurite). Never inferred: set it explicitly from configuration. */
  allowInsecureConnection: boolean;
}

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
  const clientOptions: TableServiceClientOptions = { allowInsecureConnection: options.allowInsecureConnection };
  const make = (name: string) => TableClient.fromConnectionString(options.connectionString, name, clientOptions);
  return { linkers: make(names.linkers), operations: make(names.operations), dependencies: make(names.dependencies) };
}

/** Creates the tables if missing (idempotent). */
export async function ensureTables(tables: ConnectionTables): Promise<void> {
  await Promise.all(Object.values(tables).map((client: TableClient) => client.createTable()));
}
