// The connection store over Azure Tables (Azurite locally).
import { tableClientOf } from "../azure/ownStorage.js";
import { createDependencyTable } from "./dependencyTable.js";
import { createDryrunTable } from "./dryrunTable.js";
import { createLinkerTable } from "./linkerTable.js";
import { createOperationTable } from "./operationTable.js";
import { createStepJournal } from "./stepJournal.js";
import { createConnectionTables, ensureTables, type TableStoreOptions } from "./tableClients.js";
import type { ConnectionStore } from "./types.js";

export type { TableStoreOptions } from "./tableClients.js";

/** Table of the dry runs (Microsoft.ServiceLinker/dryruns), next to the connection tables. */
export function dryrunTableName(prefix: string): string {
  return `${prefix}linkerdryruns`;
}

/** Creates the tables if needed and returns the repositories. */
export async function createTableStore(options: TableStoreOptions): Promise<ConnectionStore> {
  const tables = createConnectionTables(options);
  const dryruns = tableClientOf(options, dryrunTableName(options.tablePrefix));
  await Promise.all([ensureTables(tables), dryruns.createTable()]);
  return {
    linkers: createLinkerTable(tables.linkers),
    operations: createOperationTable(tables.operations),
    dependencies: createDependencyTable(tables.dependencies),
    dryruns: createDryrunTable(dryruns),
    journal: createStepJournal(tables.operations),
  };
}
