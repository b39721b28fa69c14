// The Functions dev host: loads an app's real registrations through the `@azure/functions-core` seam and runs
// them behind HTTP, timers, storage queues and the Event Grid webhook; durable functions go to sandbox/host/durable.
import path from "node:path";
import { systemClock, type Clock } from "../clock.js";
import { EnvScope, readHostJson, readLocalSettings, type HostJson } from "./app-settings.js";
import { keysFromSettings, type FunctionKeys } from "./auth-keys.js";
import { triggerOf } from "./catalog.js";
import type { CoreRegistry } from "./core-module.js";
import type { RpcBindingInfo, RpcTypedData } from "./core-types.js";
import { createFunctionRuntime, type TriggerInvokeOptions } from "./function-runtime.js";
import { buildHttpRoutes, createHttpTriggerHandler, type HttpRoute } from "./http-trigger.js";
import { rawHeadersOf, startFrontDoor } from "./http-server.js";
import type { HostHandler } from "./http-types.js";
import { createInvoker, type InvocationResult } from "./invoker.js";
import { loadApp } from "./loader.js";
import { consoleLogger, type HostLogger } from "./logger.js";
import { createOutputWriter, unsupportedOutputTypes } from "./output-bindings.js";
import { StorageClients } from "./storage-connection.js";
import { createAdminHandler } from "./admin-api.js";
import { createEventGridHandler } from "./eventgrid-webhook.js";
import { startQueueListeners, type QueueListeners } from "./queue-trigger.js";
import { startTimers, type TimerService } from "./timer-service.js";
import { createDurableIntegration, type DurableIntegration } from "./durable-integration.js";
import type { DurableRuntime } from "./durable/index.js";

export interface StartFunctionHostOptions {
  /** The app folder: package.json, host.json, local.settings.json. */
  appDir: string;
  /** Overrides `package.json#main` (glob relative to appDir), e.g. `src/functions/*.ts` under vitest. */
  entry?: string;
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Settings applied to process.env before local.settings.json (which never overwrites); restored on stop. */
  env?: Record<string, string>;
  /** Drives timer triggers (FakeClock in tests). */
  clock?: Clock;
  logger?: HostLogger;
  /** Replace duplicate registrations instead of throwing (tests that re-import the app). */
  replaceRegistrations?: boolean;
  /** Function/admin keys; when absent (and no FUNCTIONS_SANDBOX_*_KEY settings) keys are not enforced, as in Core Tools. */
  keys?: FunctionKeys;
  /** Turn trigger listeners off (e.g. a test that drives invocations itself). All on by default. */
  listeners?: { timers?: boolean; queues?: boolean };
  /** Host id used in the timer status blob path (azure-webjobs-hosts/timers/<hostId>/…). */
  hostId?: string;
}

export interface FunctionInfo {
  name: string;
  triggerType: string;
  bindings: (RpcBindingInfo & { name: string })[];
}

export interface FunctionHost {
  baseUrl: string;
  port: number;
  hostJson: HostJson;
  /**
   * Low-level invoke: one trigger input (RpcTypedData-like), through the library's invocation model; extra inputs
   * (durableClient) are supplied and output bindings written. Resolves `{ returnValue, outputData }`; rejects with the
   * handler's error.
   */
  invoke(functionName: string, inputData: RpcTypedData, triggerMetadata?: Record<string, RpcTypedData>, options?: Omit<TriggerInvokeOptions, "triggerMetadata">): Promise<InvocationResult>;
  functions(): FunctionInfo[];
  /**
   * The durable runtime when the app uses durable bindings (cast to sandbox/host/durable's DurableRuntime for its
   * test helpers such as waitForStatus); undefined otherwise.
   */
  durable: DurableRuntime | undefined;
  /** Runs appTerminate hooks, stops listeners and the durable runtime, closes the server, restores process.env. */
  stop(): Promise<void>;
}

export function describeFunctions(registry: CoreRegistry): FunctionInfo[] {
  return [...registry.functions.values()].map((reg) => ({
    name: reg.metadata.name,
    triggerType: String(triggerOf(reg).binding.type),
    bindings: Object.entries(reg.metadata.bindings).map(([name, b]) => ({ ...b, name })),
  }));
}

export async function startFunctionHost(options: StartFunctionHostOptions): Promise<FunctionHost> {
  const appDir = path.resolve(options.appDir);
  const logger = options.logger ?? consoleLogger();
  const clock = options.clock ?? systemClock;
  const env = new EnvScope();
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) {
      try {
        await stop();
      } catch (err) {
        logger.log("error", `Error while stopping: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    stops.length = 0;
    env.restore();
  };

  try {
    for (const [k, v] of Object.entries(options.env ?? {})) env.set(k, v);
    const settings = readLocalSettings(appDir);
    for (const [k, v] of Object.entries(settings.Values ?? {})) env.setDefault(k, String(v));
    const hostJson = readHostJson(appDir);
    const routePrefix = hostJson.extensions?.http?.routePrefix ?? "api";
    const keys = keysFromSettings(options.keys);
    if (!keys) logger.log("information", "No function keys configured: authLevel is not enforced (as in Core Tools).");

    // The listener comes first so the app (and getClient) can see WEBSITE_HOSTNAME with the real port.
    const stages: HostHandler[] = [];
    let ready = false;
    const frontDoor = await startFrontDoor({
      port: options.port ?? 0,
      logger,
      handlers: [async () => (ready ? undefined : { status: 503, body: "Host is starting" }), ...wrapStages(stages)],
    });
    stops.push(() => frontDoor.close());
    env.set("WEBSITE_HOSTNAME", `127.0.0.1:${frontDoor.port}`);

    const loaded = await loadApp({
      appDir,
      ...(options.entry ? { entry: options.entry } : {}),
      replaceRegistrations: options.replaceRegistrations ?? false,
      logger,
    });
    const registry = loaded.registry;
    stops.push(async () => {
      for (const hook of [...registry.hooks.appTerminate]) await hook({ hookData: loaded.appHookData, appHookData: loaded.appHookData });
    });
    for (const reg of registry.functions.values()) {
      const bad = unsupportedOutputTypes(reg);
      if (bad.length) logger.log("warning", `Function "${reg.metadata.name}" has output bindings the sandbox cannot write: ${bad.join(", ")}`);
    }

    const queueEncoding = hostJson.extensions?.queues?.messageEncoding?.toLowerCase() === "none" ? "none" : "base64";
    const clients = new StorageClients();
    let queueListeners: QueueListeners | undefined;
    const writeOutputs = createOutputWriter({
      clients,
      queueMessageEncoding: queueEncoding,
      onQueueWrite: (name) => queueListeners?.notify(name),
      now: () => new Date(clock.now()),
    });
    let durable: DurableIntegration | undefined;
    const runtime = createFunctionRuntime({
      registry,
      rawInvoke: createInvoker({ registry, logger, appHookData: loaded.appHookData }),
      writeOutputs,
      durableClientValue: () => durable?.clientBindingValue(),
    });

    durable = await createDurableIntegration({ registry, runtime, hostJson, baseUrl: frontDoor.baseUrl, clock, logger });
    if (durable) stages.push(durable.handler);

    const routes: HttpRoute[] = buildHttpRoutes(registry);
    stages.push(
      createAdminHandler({ registry, runtime, keys, logger, clock, describe: () => describeFunctions(registry) }),
      createEventGridHandler({ registry, runtime, logger, keys }),
      createHttpTriggerHandler({ routes: () => routes, routePrefix, runtime, keys, logger, rawHeaders: rawHeadersOf }),
    );

    // Serve HTTP before anything can run: resumed orchestrations and startup timers may call back (durable client).
    ready = true;
    if (durable) {
      const d = durable;
      await d.start();
      stops.push(() => d.stop());
    }
    if (options.listeners?.queues !== false) {
      queueListeners = startQueueListeners({ registry, runtime, clients, hostJson, logger });
      const q = queueListeners;
      stops.push(() => q.stop());
    }
    if (options.listeners?.timers !== false) {
      const timers: TimerService = await startTimers({
        registry,
        runtime,
        clock,
        logger,
        clients,
        hostId: options.hostId ?? process.env["AzureFunctionsWebHost__hostid"] ?? "sandbox-host",
      });
      stops.push(() => timers.stop());
    }
    logger.log("information", `Functions host listening on ${frontDoor.baseUrl} with ${registry.functions.size} function(s)`);

    return {
      baseUrl: frontDoor.baseUrl,
      port: frontDoor.port,
      hostJson,
      invoke: (name, inputData, triggerMetadata, invokeOptions = {}) =>
        runtime.invoke(name, inputData, { ...invokeOptions, ...(triggerMetadata ? { triggerMetadata } : {}) }),
      functions: () => describeFunctions(registry),
      durable: durable?.runtime,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** Stages are added after the listener starts; this keeps the handler list live. */
function wrapStages(stages: HostHandler[]): HostHandler[] {
  return [
    async (req) => {
      for (const stage of stages) {
        const res = await stage(req);
        if (res) return res;
      }
      return undefined;
    },
  ];
}


export type { Clock };
export type { HostLogger, LogLevel } from "./logger.js";
export type { FunctionKeys } from "./auth-keys.js";
export type { HostJson } from "./app-settings.js";
export type { InvocationResult } from "./invoker.js";
export type { RpcTypedData } from "./core-types.js";
export type { DurableHostBridge, DurableRuntime } from "./durable/index.js";
export { consoleLogger, memoryLogger, silentLogger } from "./logger.js";
