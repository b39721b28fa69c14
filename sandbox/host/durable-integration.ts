// Wires the durable engine (sandbox/host/durable, built separately) to this host: when the app registers
// orchestration/activity/entity triggers or a durableClient input, create the runtime with the bridge, route
// /runtime/webhooks/durabletask/ to it, and supply the durableClient binding value.
import type { Clock } from "../clock.js";
import { resolveSettingReference, type HostJson } from "./app-settings.js";
import type { CoreRegistry } from "./core-module.js";
import { triggerOf, usesDurable } from "./catalog.js";
import type { FunctionRuntime } from "./function-runtime.js";
import type { HostHandler } from "./http-types.js";
import type { HostLogger } from "./logger.js";
import { resolveStorageConnection } from "./storage-connection.js";
import type { DurableHostBridge, DurableRuntime } from "./durable/index.js";

/** The engine module; imported lazily so apps without durable functions never load it. */
type DurableModule = typeof import("./durable/index.js");

export const DURABLE_WEBHOOK_PREFIX = "/runtime/webhooks/durabletask/";

export interface DurableIntegration {
  /** The engine's runtime object (sandbox/host/durable's DurableRuntime has more methods than the contract lists). */
  runtime: DurableRuntime;
  handler: HostHandler;
  clientBindingValue(): string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createBridge(registry: CoreRegistry, runtime: FunctionRuntime): DurableHostBridge {
  return {
    async invoke(functionName, input) {
      const data = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
      const result = await runtime.invoke(functionName, data);
      const rv = result.returnValue;
      if (rv === undefined || rv === null) return undefined;
      const out: { string?: string; json?: string; bytes?: Uint8Array; int?: number; double?: number } = {};
      if (rv.string !== undefined && rv.string !== null) out.string = rv.string;
      if (rv.json !== undefined && rv.json !== null) out.json = rv.json;
      if (rv.bytes) out.bytes = rv.bytes;
      if (rv.int !== undefined && rv.int !== null) out.int = Number(rv.int);
      if (rv.double !== undefined && rv.double !== null) out.double = rv.double;
      return out;
    },
    functions() {
      return [...registry.functions.values()].map((reg) => ({ name: reg.metadata.name, triggerType: String(triggerOf(reg).binding.type) }));
    },
  };
}

async function importDurable(): Promise<DurableModule> {
  try {
    return await import("./durable/index.js");
  } catch (err) {
    throw new Error(
      `The app registers durable functions, but the durable engine (sandbox/host/durable/index.ts) could not be loaded: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

/** Creates (does not start) the durable runtime when the app uses durable bindings; undefined otherwise. */
export async function createDurableIntegration(options: {
  registry: CoreRegistry;
  runtime: FunctionRuntime;
  hostJson: HostJson;
  baseUrl: string;
  clock: Clock;
  logger: HostLogger;
}): Promise<DurableIntegration | undefined> {
  if (!usesDurable(options.registry.functions.values())) return undefined;
  const mod = await importDurable();
  const durableTask = options.hostJson.extensions?.durableTask ?? {};
  // host.json may name the hub through an app setting ("%MyTaskHub%"), as the Durable extension allows.
  const hubName = resolveSettingReference(durableTask.hubName ?? "TestHubName");
  const connectionName = durableTask.storageProvider?.connectionStringName ?? "AzureWebJobsStorage";
  const runtime = await mod.createDurableRuntime({
    hubName,
    // Either form: a connection string, or identity-based (the app's managed identity), as the Durable extension takes.
    storage: resolveStorageConnection(connectionName),
    bridge: createBridge(options.registry, options.runtime),
    hostBaseUrl: options.baseUrl,
    clock: options.clock,
    log: (line) => options.logger.log("information", line, { category: "DurableTask" }),
  });
  return {
    runtime,
    handler: async (req) => {
      if (!req.url.pathname.toLowerCase().startsWith(DURABLE_WEBHOOK_PREFIX)) return undefined;
      const res = await runtime.handleHttp({ method: req.method, url: req.url.toString(), headers: req.headers, body: req.body });
      return res ?? undefined;
    },
    clientBindingValue: () => runtime.clientBindingValue(),
    async start() {
      await runtime.start();
      options.logger.log("information", `Durable runtime started (hub "${hubName}")`);
    },
    stop: () => runtime.stop(),
  };
}
