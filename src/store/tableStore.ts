// The connection store over Azure Tables (Azurite locally).
import { createDependencyTable } from "./dependencyTable.js";
import { createLinkerTable } from "./linkerTable.js";
import { createOperationTable } from "./operationTable.js";
import { createConnectionTables, ensureTables, type TableStoreOptions } from "./tableClients.js";
import type { ConnectionStore } from "./types.js";

export type { TableStoreOptions } from "./tableClients.js";

/** Creates the tables if needed and returns the repositories. */
export async function createTableStore(options: TableStoreOptions): Promise<ConnectionStore> {
  const tables = createConnectionTables(options);
  await ensureTables(tables);
  return {
    linkers: createLinkerTable(tables.linkers),
    operations: createOperationTable(tables.operations),
    dependencies: createDependencyTable(tables.dependencies),
  };
}
