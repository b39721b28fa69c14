// The durable engine of the Functions dev host: orchestrations, activities, entities and critical sections by
// history replay of the real durable-functions code, with state in Azurite tables (see runtime.ts, replay.ts).
import { DurableEngine } from "./runtime.js";
import { DurableStore } from "./store.js";
import { DURABLE_PREFIX, handleDurableHttp } from "./http-api.js";
import type { HistoryEvent } from "./history.js";
import type { EntityRow, OrchestrationRow, RuntimeStatus } from "./store.js";
import type { DurableHostBridge, DurableRuntimeOptions, HttpRequestLike, HttpResponseLike } from "./types.js";

export type { DurableHostBridge, DurableRuntimeOptions, HttpRequestLike, HttpResponseLike, RpcValue } from "./types.js";
export type { HistoryEvent } from "./history.js";
export type { OrchestrationRow, EntityRow, RuntimeStatus } from "./store.js";
export { EventType, describeEvent } from "./history.js";
export { replayActions, ActionType } from "./replay.js";

export interface DurableRuntime {
  /** Handles durable HTTP paths (the management API under /runtime/webhooks/durabletask/…); undefined when not durable's path. */
  handleHttp(req: HttpRequestLike): Promise<HttpResponseLike | undefined>;
  /** The JSON string value for a durableClient input binding. */
  clientBindingValue(): string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Resolves with the instance once its status is one of `statuses`; rejects after `timeoutMs`. */
  waitForStatus(instanceId: string, statuses: RuntimeStatus[], timeoutMs: number): Promise<OrchestrationRow>;
  /** The instance row and the history of its current execution. */
  readInstance(instanceId: string): Promise<{ row: OrchestrationRow; history: HistoryEvent[] } | undefined>;
  readEntity(name: string, key: string): Promise<EntityRow | undefined>;
  startNew(name: string, options?: { instanceId?: string; input?: unknown }): Promise<string>;
  raiseEvent(instanceId: string, eventName: string, data: unknown): Promise<void>;
}

export function clientBindingValue(hubName: string, hostBaseUrl: string): string {
  const base = hostBaseUrl.replace(/\/+$/, "");
  const webhook = `${base}/runtime/webhooks/durabletask`;
  const instance = `${webhook}/instances/INSTANCEID`;
  const qs = `taskHub=${encodeURIComponent(hubName)}&connection=Storage`;
  return JSON.stringify({
    taskHubName: hubName,
    creationUrls: {
      createNewInstancePostUri: `${webhook}/orchestrators/{functionName}[/{instanceId}]?${qs}`,
      createAndWaitOnNewInstancePostUri: `${webhook}/orchestrators/{functionName}[/{instanceId}]?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}&${qs}`,
    },
    managementUrls: {
      id: "INSTANCEID",
      statusQueryGetUri: `${instance}?${qs}`,
      sendEventPostUri: `${instance}/raiseEvent/{eventName}?${qs}`,
      terminatePostUri: `${instance}/terminate?reason={text}&${qs}`,
      rewindPostUri: `${instance}/rewind?reason={text}&${qs}`,
      purgeHistoryDeleteUri: `${instance}?${qs}`,
      restartPostUri: `${instance}/restart?${qs}`,
      suspendPostUri: `${instance}/suspend?reason={text}&${qs}`,
      resumePostUri: `${instance}/resume?reason={text}&${qs}`,
    },
    baseUrl: webhook,
    requiredQueryStringParameters: qs,
    rpcBaseUrl: `${base}${DURABLE_PREFIX}`,
    httpBaseUrl: webhook,
  });
}

export async function createDurableRuntime(options: DurableRuntimeOptions): Promise<DurableRuntime> {
  const storage = options.storage ?? (options.storageConnectionString !== undefined
    ? { name: "AzureWebJobsStorage", kind: "connectionString" as const, connectionString: options.storageConnectionString } : undefined);
  if (!storage) throw new Error("The durable runtime needs its storage: storage or storageConnectionString.");
  const store = await DurableStore.open(storage, options.hubName);
  const engine = new DurableEngine(store, options);
  const binding = clientBindingValue(options.hubName, options.hostBaseUrl);
  const terminalOrWanted = async (instanceId: string, statuses: RuntimeStatus[]) => {
    const found = await engine.readOrchestration(instanceId);
    return found && statuses.includes(found.row.status) ? found.row : undefined;
  };
  return {
    handleHttp: (req) => handleDurableHttp(engine, req),
    clientBindingValue: () => binding,
    start: () => engine.start(),
    stop: () => engine.stop(),
    async waitForStatus(instanceId, statuses, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const row = await terminalOrWanted(instanceId, statuses);
        if (row) return row;
        const left = deadline - Date.now();
        if (left <= 0) {
          const current = await engine.readOrchestration(instanceId);
          throw new Error(`instance ${instanceId} did not reach ${statuses.join("/")} within ${timeoutMs} ms (status ${current?.row.status ?? "unknown"})`);
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, Math.min(left, 250));
          const off = engine.onChange(done);
          function done() {
            clearTimeout(timer);
            off();
            resolve();
          }
        });
      }
    },
    readInstance: (instanceId) => engine.readOrchestration(instanceId),
    readEntity: (name, key) => engine.readEntity(`@${name.toLowerCase()}@${key}`),
    async startNew(name, opts = {}) {
      const instanceId = opts.instanceId ?? crypto.randomUUID().replace(/-/g, "");
      await engine.startOrchestration(name, instanceId, opts.input === undefined ? undefined : JSON.stringify(opts.input));
      return instanceId;
    },
    raiseEvent: (instanceId, eventName, data) => engine.raiseEvent(instanceId, eventName, data === undefined ? undefined : JSON.stringify(data)),
  };
}
