// Production wiring of connection health (issue 6): linkwright's managed identity + the one ARM client factory,
// the connection store, the health history table, the `connection-health` queue, and one long-lived Event Grid
// reactor per worker. Function registrations (src/functions/health*.ts) only bind and delegate here.
//
// App settings read (besides those of src/api/deps.ts: AzureWebJobsStorage / LINKWRIGHT_STORAGE,
// LINKWRIGHT_STORAGE_ALLOW_INSECURE, LINKWRIGHT_TABLE_PREFIX, LINKWRIGHT_SEAL_KEY, LINKWRIGHT_REGION):
//   LINKWRIGHT_HEALTH_SCHEDULE            NCRONTAB of the revalidation timer; default every 15 minutes
//   LINKWRIGHT_AUTOHEAL_DEFAULT           "true" = auto-heal connections without their own `state.autoHeal`; default false
//   LINKWRIGHT_HEALTH_EVENT_WINDOW_MS     debounce window for resource-change bursts; default 500
//   LINKWRIGHT_HEALTH_PAGE_SIZE           linkers per store page during a timer run; default 500
//   LINKWRIGHT_ROLE_PROPAGATION_SECONDS   a role assignment this young that is missing is inconclusive; default 480
//   LINKWRIGHT_IDENTITY_CLIENT_ID         linkwright's user-assigned identity; an extra ignored caller. The principal
//                                         behind linkwright's credential is ignored in attribution in any case
//                                         (learned from its token, src/health/ownIdentity.ts)
import { requireSubscriptionOf } from "../azure/resourceId.js";
import { randomUUID } from "node:crypto";
import { readApiSettings } from "../api/deps.js";
import type { CreateOrUpdateStart } from "../model/operations.js";
import type { Caller } from "../api/types.js";
import { armClientsFromSettings } from "../azure/fromSettings.js";
import type { ArmClients } from "../azure/clients.js";
import type { Env } from "../config/settings.js";
import { createSealer, type Sealer } from "../secrets/seal.js";
import { createTableStore } from "../store/tableStore.js";
import type { ConnectionStore } from "../store/types.js";
import type { StoredLinker } from "../model/connection.js";
import { createHealthChangePublisher, HEALTH_QUEUE, type HealthChangePublisher } from "./changes.js";
import { createEventReactor, type EventReaction } from "./events.js";
import { createHealthHistory, type HealthHistory } from "./history.js";
import { recordHealth, type RecordOutcome } from "./record.js";
import { revalidateConnections, type RevalidateDeps, type RevalidationStats } from "./revalidate.js";
import type { ConnectionHealth } from "./types.js";

export const HEALTH_SCHEDULE_SETTING = "LINKWRIGHT_HEALTH_SCHEDULE";
export const DEFAULT_HEALTH_SCHEDULE = "0 */15 * * * *";
/** Storage queue for Event Grid subscriptions that deliver resource events to a queue. */
export const HEALTH_EVENTS_QUEUE = "health-events";

/** The timer's schedule binding: the setting by reference (as Functions resolves `%NAME%`), else the default. */
export function healthSchedule(env: Env): string {
  return env[HEALTH_SCHEDULE_SETTING] ? `%${HEALTH_SCHEDULE_SETTING}%` : DEFAULT_HEALTH_SCHEDULE;
}

export interface HealthSettings {
  storageConnectionString: string;
  allowInsecureStorage: boolean;
  tablePrefix: string;
  sealKey: string;
  region: string;
  autoHealDefault: boolean;
  eventWindowMs: number;
  pageSize: number;
  propagationWindowMs?: number;
  /** Callers whose activity-log entries are linkwright's own (never reported as who broke a connection). */
  ignoreCallers: string[];
}

function positiveInt(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer.`);
  return n;
}

export function readHealthSettings(env: Env): HealthSettings {
  const api = readApiSettings(env);
  const autoHeal = (env["LINKWRIGHT_AUTOHEAL_DEFAULT"] ?? "false").toLowerCase();
  if (autoHeal !== "true" && autoHeal !== "false") throw new Error("LINKWRIGHT_AUTOHEAL_DEFAULT must be true or false.");
  const propagation = env["LINKWRIGHT_ROLE_PROPAGATION_SECONDS"];
  const ownClientId = env["LINKWRIGHT_IDENTITY_CLIENT_ID"];
  return {
    storageConnectionString: api.storageConnectionString,
    allowInsecureStorage: api.allowInsecureStorage,
    tablePrefix: api.tablePrefix,
    sealKey: api.sealKey,
    region: api.region,
    autoHealDefault: autoHeal === "true",
    eventWindowMs: positiveInt(env, "LINKWRIGHT_HEALTH_EVENT_WINDOW_MS", 500),
    pageSize: positiveInt(env, "LINKWRIGHT_HEALTH_PAGE_SIZE", 500),
    ...(propagation ? { propagationWindowMs: positiveInt(env, "LINKWRIGHT_ROLE_PROPAGATION_SECONDS", 480) * 1000 } : {}),
    ignoreCallers: ownClientId ? [ownClientId] : [],
  };
}

/** Starts the createOrUpdate orchestration (the invocation's Durable client; see src/functions/health*.ts). */
export type StartCreateOrUpdate = (input: CreateOrUpdateStart) => Promise<void>;

export interface HealthRuntime {
  settings: HealthSettings;
  store: ConnectionStore;
  history: HealthHistory;
  publisher: HealthChangePublisher;
  /** Revalidates these linkers (one batched snapshot) and records history, last health and change messages. */
  revalidateAndRecord(linkers: StoredLinker[]): Promise<{ results: ConnectionHealth[]; stats: RevalidationStats; recorded: RecordOutcome }>;
  /** Timer run: every linker of every source, page by page. */
  revalidateAll(): Promise<{ connections: number; recorded: RecordOutcome; stats: RevalidationStats[] }>;
  /**
   * Event Grid / queue delivery: parse, debounce with the other deliveries of this worker, and wait until the burst
   * holding these events was handled. `start` is the invocation's way to start orchestrations (auto-heal).
   */
  react(body: unknown, start: StartCreateOrUpdate | undefined): Promise<number>;
  /** Re-runs the create orchestration for a drifted connection: a new operation, recorded first. */
  heal(linker: StoredLinker, start: StartCreateOrUpdate): Promise<string>;
}

export interface HealthRuntimeOptions {
  clients?: ArmClients;
  clock?: () => Date;
  log?: (message: string) => void;
}

/** Who linkwright acts as when it heals (systemData / the orchestration's caller). */
function selfCaller(settings: HealthSettings): Caller {
  return { objectId: settings.ignoreCallers[0] ?? "linkwright", tenantId: "", principalType: "Application", ...(settings.ignoreCallers[0] ? { appId: settings.ignoreCallers[0] } : {}) };
}



export async function healthRuntimeFromSettings(env: Env, options: HealthRuntimeOptions = {}): Promise<HealthRuntime> {
  const settings = readHealthSettings(env);
  const clock = options.clock ?? (() => new Date());
  const log = options.log ?? (() => undefined);
  const tables = { connectionString: settings.storageConnectionString, tablePrefix: settings.tablePrefix, allowInsecureConnection: settings.allowInsecureStorage };
  const [store, history, publisher] = await Promise.all([
    createTableStore(tables),
    createHealthHistory(tables),
    createHealthChangePublisher({ connectionString: env["AzureWebJobsStorage"] || settings.storageConnectionString, queueName: HEALTH_QUEUE }),
  ]);
  const sealer: Sealer = createSealer(settings.sealKey);
  const revalidateDeps: RevalidateDeps = {
    clients: options.clients ?? armClientsFromSettings(env),
    sealer,
    attribution: { ignoreCallers: settings.ignoreCallers },
    now: clock,
    ...(settings.propagationWindowMs !== undefined ? { propagationWindowMs: settings.propagationWindowMs } : {}),
  };

  const revalidateAndRecord: HealthRuntime["revalidateAndRecord"] = async (linkers) => {
    const run = await revalidateConnections(linkers, revalidateDeps);
    const recorded = await recordHealth(run.results, { linkers: store.linkers, history, publisher });
    return { results: run.results, stats: run.stats, recorded };
  };

  const heal: HealthRuntime["heal"] = async (linker, start) => {
    const operationId = randomUUID();
    await store.operations.create({
      id: operationId, kind: "createOrUpdate", resourceId: linker.id, subscriptionId: requireSubscriptionOf(linker.sourceId),
      location: settings.region, status: "InProgress", startTime: clock().toISOString(),
    });
    // record() accepts an outcome only from the linker's last operation: claim it before starting.
    const claimed = await store.linkers.update(linker.sourceId, linker.name, (l) => ({ ...l, provisioningState: "Accepted", lastOperationId: operationId }));
    if (!claimed) {
      await store.operations.update(operationId, { status: "Canceled", endTime: clock().toISOString(), error: { code: "ResourceNotFound", message: `Linker ${linker.id} was deleted before auto-heal started.` } });
      throw new Error(`linker ${linker.id} is gone`);
    }
    try {
      await start({
        operationId, linkerId: claimed.id, sourceId: claimed.sourceId, linkerName: claimed.name, apiVersion: "2024-04-01",
        caller: selfCaller(settings), properties: claimed.properties, previousProperties: claimed.properties,
        keptSecretPaths: [...claimed.secretPaths],
        // A heal does what its caller was authorized for and nothing more (the target may have changed since: a
        // firewall closed, a role scope moved); the saga refuses a plan beyond it.
        ...(claimed.authorization ? { authorized: claimed.authorization.permissions } : {}),
      });
    } catch (error) {
      const detail = { code: "InternalServerError", message: "The auto-heal operation could not be started." };
      await store.operations.update(operationId, { status: "Failed", endTime: clock().toISOString(), error: detail });
      await store.linkers.update(linker.sourceId, linker.name, (l) => l.lastOperationId === operationId ? { ...l, provisioningState: "Failed", lastError: detail } : undefined);
      throw error;
    }
    return operationId;
  };

  // The Durable client of the most recent delivery: any invocation's client can start an orchestration.
  let starter: StartCreateOrUpdate | undefined;
  const reactor = createEventReactor({
    store,
    revalidate: async (linkers) => (await revalidateAndRecord(linkers)).results,
    startHeal: async (linker) => {
      if (!starter) throw new Error("auto-heal needs a Durable client; none was bound to this delivery");
      const operationId = await heal(linker, starter);
      log(`health: auto-heal of ${linker.id} started as operation ${operationId}`);
    },
    autoHeal: { defaultEnabled: settings.autoHealDefault },
    windowMs: settings.eventWindowMs,
    onReaction: (r: EventReaction) => log(`health: ${r.linkerIds.length} connection(s) revalidated after resource events; healed ${r.healed.length}; not healed ${r.notHealed.map((n) => `${n.linkerId} (${n.reason})`).join(", ") || "none"}`),
    onError: (e) => log(`health: reacting to resource events failed: ${e instanceof Error ? e.message : String(e)}`),
  });

  return {
    settings, store, history, publisher, revalidateAndRecord, heal,
    async revalidateAll() {
      const stats: RevalidationStats[] = [];
      const recorded: RecordOutcome = { recorded: 0, changed: [], gone: [] };
      let connections = 0;
      let token: string | undefined;
      do {
        const page = await store.linkers.listAll({ pageSize: settings.pageSize, ...(token ? { continuationToken: token } : {}) });
        const linkers = page.items.filter((l) => l.provisioningState === "Succeeded");
        if (linkers.length) {
          const run = await revalidateAndRecord(linkers);
          connections += linkers.length;
          stats.push(run.stats);
          recorded.recorded += run.recorded.recorded;
          recorded.changed.push(...run.recorded.changed);
          recorded.gone.push(...run.recorded.gone);
        }
        token = page.continuationToken;
      } while (token);
      return { connections, recorded, stats };
    },
    async react(body, start) {
      if (start) starter = start;
      const accepted = reactor.accept(body);
      if (!accepted) return 0;
      // Wait for this burst: the window ends within maxWait (4 × window), then its flush completes.
      const deadline = Date.now() + settings.eventWindowMs * 4 + 1_000;
      while (reactor.debouncer.pending > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await reactor.debouncer.settled();
      return accepted;
    },
  };
}

/** One runtime per distinct configuration (invocations share it; a changed setting builds a new one). */
export function memoizedHealthRuntime(options: HealthRuntimeOptions = {}): (env: Env) => Promise<HealthRuntime> {
  let key: string | undefined;
  let runtime: Promise<HealthRuntime> | undefined;
  const RELEVANT = /^(AzureWebJobsStorage|LINKWRIGHT_.*|IDENTITY_ENDPOINT|IDENTITY_HEADER|WEBSITE_OWNER_NAME)$/;
  return (env) => {
    const next = JSON.stringify(Object.entries(env).filter(([k]) => RELEVANT.test(k)).sort(([a], [b]) => (a < b ? -1 : 1)));
    if (runtime === undefined || next !== key) {
      key = next;
      runtime = healthRuntimeFromSettings(env, options).catch((error: unknown) => {
        runtime = undefined;
        throw error;
      });
    }
    return runtime;
  };
}

/** The history for the API deps, built on first use (requests that never touch healthHistory never need it). */
export function lazyHealthHistory(runtime: () => Promise<HealthRuntime>): HealthHistory {
  return {
    record: async (entry) => (await runtime()).history.record(entry),
    list: async (linkerId, options) => (await runtime()).history.list(linkerId, options),
    removeAll: async (linkerId) => (await runtime()).history.removeAll(linkerId),
  };
}
