// Production wiring of the loop scan: linkwright's managed identity + the one ARM client factory, the connection
// store (linkwright's own connections as writers), the findings tables and the `connection-health` queue.
import { armClientsFromSettings } from "../azure/fromSettings.js";
import type { ArmClients } from "../azure/clients.js";
import type { Env } from "../config/settings.js";
import { createTableStore } from "../store/tableStore.js";
import { createLoopFindingsStore } from "./findings-store.js";
import { readLoopSettings, type LoopSettings } from "./loop-settings.js";
import { createLoopPublisher } from "./notify.js";
import { createLoopScanService, type LoopScanService } from "./service.js";

export interface LoopRuntime {
  settings: LoopSettings;
  service: LoopScanService;
}

export async function loopRuntimeFromSettings(env: Env, options: { clients?: ArmClients; clock?: () => Date } = {}): Promise<LoopRuntime> {
  const settings = readLoopSettings(env);
  const tables = { connectionString: settings.tableConnectionString, tablePrefix: settings.tablePrefix, allowInsecureConnection: settings.allowInsecureStorage };
  const [connections, store, publisher] = await Promise.all([
    createTableStore(tables),
    createLoopFindingsStore(tables),
    createLoopPublisher({ connectionString: settings.queueConnectionString, allowInsecureConnection: settings.allowInsecureStorage }),
  ]);
  const service = createLoopScanService({
    clients: options.clients ?? armClientsFromSettings(env),
    linkers: connections.linkers,
    store, publisher,
    allowList: settings.allowList,
    clock: options.clock ?? (() => new Date()),
    concurrency: settings.concurrency,
  });
  return { settings, service };
}

/** One runtime per distinct configuration (function invocations share it; a changed setting builds a new one). */
export function memoizedLoopRuntime(): (env: Env) => Promise<LoopRuntime> {
  let key: string | undefined;
  let runtime: Promise<LoopRuntime> | undefined;
  const RELEVANT = /^(AzureWebJobsStorage|LINKWRIGHT_.*|IDENTITY_ENDPOINT|IDENTITY_HEADER|WEBSITE_OWNER_NAME)$/;
  return (env) => {
    const next = JSON.stringify(Object.entries(env).filter(([k]) => RELEVANT.test(k)).sort(([a], [b]) => (a < b ? -1 : 1)));
    if (runtime === undefined || next !== key) {
      key = next;
      runtime = loopRuntimeFromSettings(env).catch((error: unknown) => {
        runtime = undefined;
        throw error;
      });
    }
    return runtime;
  };
}

/**
 * A LoopScanService that builds its runtime on first use: for the API deps, so that requests which never touch the
 * loop routes never need its settings. Wire it as `loops: lazyLoopScanService(() => runtimeFor(process.env))`.
 */
export function lazyLoopScanService(runtime: () => Promise<LoopRuntime>): LoopScanService {
  return {
    scan: async (scope) => (await runtime()).service.scan(scope),
    healthOf: async (appId) => (await runtime()).service.healthOf(appId),
  };
}
