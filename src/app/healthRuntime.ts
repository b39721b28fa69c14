// Connection health as the deployment runs it (issue 6): linkwright's ARM clients, the connection store, the health
// history table, the `connection-health` queue, and one long-lived Event Grid reactor per worker. Built by
// src/app/runtime.ts; the function registrations (src/functions/health*.ts) only bind and delegate here.
import { randomUUID } from "node:crypto";
import type { ArmClients } from "../azure/clients.js";
import type { StorageConnection } from "../azure/ownStorage.js";
import type { HealthSettings } from "../config/settings.js";
import type { CreateOrUpdateStart } from "../model/operations.js";
import type { Caller } from "../model/caller.js";
import type { StoredLinker } from "../model/connection.js";
import type { Sealer } from "../secrets/seal.js";
import type { TableStoreOptions } from "../store/tableStore.js";
import type { ConnectionStore } from "../store/types.js";
import { createOperationRecords } from "../store/operationRecords.js";
import { linkerPages } from "../store/pages.js";
import { createHealthChangePublisher, HEALTH_QUEUE, type HealthChangePublisher } from "../health/changes.js";
import { createEventReactor, type EventReaction } from "../health/events.js";
import { createHealthHistory, type HealthHistory } from "../health/history.js";
import { recordHealth, type RecordOutcome } from "../health/record.js";
import { revalidateConnections, type RevalidateDeps, type RevalidationStats } from "../health/revalidate.js";
import type { ConnectionHealth } from "../health/types.js";

/** Storage queue for Event Grid subscriptions that deliver resource events to a queue. */
export const HEALTH_EVENTS_QUEUE = "health-events";

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

export interface HealthRuntimeParts {
  settings: HealthSettings;
  /** Region segment of operation records (LINKWRIGHT_REGION). */
  region: string;
  store: ConnectionStore;
  tables: TableStoreOptions;
  hostStorage: StorageConnection;
  clients: ArmClients;
  sealer: Sealer;
  /** Where database servers are reached (LINKWRIGHT_DATABASE_*). */
  databases?: RevalidateDeps["databases"];
  clock: () => Date;
  log: (message: string) => void;
}

/** Who linkwright acts as when it heals (systemData / the orchestration's caller). */
function selfCaller(settings: HealthSettings): Caller {
  return { objectId: settings.ignoreCallers[0] ?? "linkwright", tenantId: "", principalType: "Application", ...(settings.ignoreCallers[0] ? { appId: settings.ignoreCallers[0] } : {}) };
}



export async function createHealthRuntime(parts: HealthRuntimeParts): Promise<HealthRuntime> {
  const { settings, store, clock, log } = parts;
  const records = createOperationRecords({ store, clock, newId: randomUUID, location: parts.region });
  const [history, publisher] = await Promise.all([
    createHealthHistory(parts.tables),
    createHealthChangePublisher({ ...parts.hostStorage, queueName: HEALTH_QUEUE }),
  ]);
  const revalidateDeps: RevalidateDeps = {
    clients: parts.clients,
    sealer: parts.sealer,
    ...(parts.databases ? { databases: parts.databases } : {}),
    attribution: { ignoreCallers: settings.ignoreCallers },
    now: clock,
    propagationWindowMs: settings.propagationWindowMs,
  };

  const revalidateAndRecord: HealthRuntime["revalidateAndRecord"] = async (linkers) => {
    const run = await revalidateConnections(linkers, revalidateDeps);
    const recorded = await recordHealth(run.results, { linkers: store.linkers, history, publisher });
    return { results: run.results, stats: run.stats, recorded };
  };

  const heal: HealthRuntime["heal"] = async (linker, start) => {
    const operation = await records.record(records.draft({ kind: "createOrUpdate", linkerId: linker.id, sourceId: linker.sourceId }));
    const operationId = operation.id;
    // record() accepts an outcome only from the linker's last operation: claim it before starting.
    const claimed = await store.linkers.update(linker.sourceId, linker.name, (l) => ({ ...l, provisioningState: "Accepted", lastOperationId: operationId }));
    if (!claimed) {
      await records.end(operationId, { status: "Canceled", error: { code: "ResourceNotFound", message: `Linker ${linker.id} was deleted before auto-heal started.` } });
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
      await records.failToStart(operation, linker);
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
      for await (const page of linkerPages(store.linkers, undefined, { pageSize: settings.pageSize })) {
        const linkers = page.filter((l) => l.provisioningState === "Succeeded");
        if (linkers.length) {
          const run = await revalidateAndRecord(linkers);
          connections += linkers.length;
          stats.push(run.stats);
          recorded.recorded += run.recorded.recorded;
          recorded.changed.push(...run.recorded.changed);
          recorded.gone.push(...run.recorded.gone);
        }
      }
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

/** The history for the API deps, built on first use (requests that never touch healthHistory never need it). */
export function lazyHealthHistory(runtime: () => Promise<HealthRuntime>): HealthHistory {
  return {
    record: async (entry) => (await runtime()).history.record(entry),
    list: async (linkerId, options) => (await runtime()).history.list(linkerId, options),
    removeAll: async (linkerId) => (await runtime()).history.removeAll(linkerId),
  };
}
