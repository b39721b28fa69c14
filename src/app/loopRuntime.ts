// The loop scan as the deployment runs it: linkwright's ARM clients, the connection store (linkwright's own
// connections as writers), the findings tables and the `connection-health` queue. Built by src/app/runtime.ts.
import type { ArmClients } from "../azure/clients.js";
import type { StorageConnection } from "../azure/ownStorage.js";
import type { LoopSettings } from "../config/settings.js";
import { createLoopFindingsStore } from "../loops/findingsStore.js";
import { createLoopPublisher } from "../loops/notify.js";
import { createLoopScanService, type LoopScanService } from "../loops/service.js";
import type { TableStoreOptions } from "../store/tableStore.js";
import type { ConnectionStore } from "../store/types.js";

export interface LoopRuntime {
  settings: LoopSettings;
  service: LoopScanService;
}

export interface LoopRuntimeParts {
  settings: LoopSettings;
  store: ConnectionStore;
  tables: TableStoreOptions;
  hostStorage: StorageConnection;
  clients: ArmClients;
  clock: () => Date;
}

export async function createLoopRuntime(parts: LoopRuntimeParts): Promise<LoopRuntime> {
  const [findings, publisher] = await Promise.all([createLoopFindingsStore(parts.tables), createLoopPublisher(parts.hostStorage)]);
  const service = createLoopScanService({
    clients: parts.clients,
    linkers: parts.store.linkers,
    store: findings, publisher,
    allowList: parts.settings.allowList,
    clock: parts.clock,
    concurrency: parts.settings.concurrency,
  });
  return { settings: parts.settings, service };
}

/** A LoopScanService that builds its runtime on first use: requests which never touch the loop routes never build it. */
export function lazyLoopScanService(runtime: () => Promise<LoopRuntime>): LoopScanService {
  return {
    scan: async (scope) => (await runtime()).service.scan(scope),
    healthOf: async (appId) => (await runtime()).service.healthOf(appId),
  };
}
