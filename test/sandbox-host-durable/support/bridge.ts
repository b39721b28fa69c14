// A minimal DurableHostBridge for the engine's tests: orchestrators and entities are wrapped by the real
// durable-functions code (`new Orchestrator(fn).listen()` / `new Entity(fn).listen()` via its testingUtils) and
// invoked with a fresh InvocationContext per call, with RpcTypedData converted the way @azure/functions does
// (functions-local-host.md §1.4/§1.5). Activity executions are counted per function name.
import { createRequire } from "node:module";
import type { InvocationContext as InvocationContextType } from "@azure/functions";
import type { EntityHandler, OrchestrationHandler } from "durable-functions";
import type { DurableHostBridge, RpcValue } from "../../../sandbox/host/durable/index.js";

const require = createRequire(import.meta.url);
// Loaded through require: the bundled CJS @azure/functions has no named ESM exports under plain Node (the kill test's child).
const { InvocationContext } = require("@azure/functions") as typeof import("@azure/functions");
type InvocationContext = InvocationContextType;
type Wrapped = (trigger: unknown, context: InvocationContext) => Promise<unknown>;
const testingUtils = require("durable-functions/lib/src/util/testingUtils.js") as {
  createOrchestrator(fn: OrchestrationHandler): Wrapped;
  createEntityFunction(fn: EntityHandler<unknown>): Wrapped;
};

export interface TestApp {
  orchestrations?: Record<string, OrchestrationHandler>;
  activities?: Record<string, (input: unknown, context: InvocationContext) => unknown>;
  entities?: Record<string, EntityHandler<unknown>>;
}

export interface TestBridge extends DurableHostBridge {
  /** Executions per activity name. */
  activityCalls: Map<string, number>;
}

function fromRpc(input: { string?: string; json?: string; bytes?: Uint8Array }): unknown {
  if (input.json !== undefined) return JSON.parse(input.json);
  if (input.string !== undefined) {
    try {
      return JSON.parse(input.string);
    } catch {
      return input.string;
    }
  }
  if (input.bytes !== undefined) return Buffer.from(input.bytes);
  return undefined;
}

function toRpc(value: unknown): RpcValue | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return { string: value };
  if (typeof value === "number") return Number.isInteger(value) ? { int: value } : { double: value };
  if (Buffer.isBuffer(value)) return { bytes: value };
  return { json: JSON.stringify(value) };
}

export function createTestBridge(app: TestApp): TestBridge {
  const handlers = new Map<string, { type: string; handler: Wrapped }>();
  for (const [name, fn] of Object.entries(app.orchestrations ?? {})) handlers.set(name, { type: "orchestrationTrigger", handler: testingUtils.createOrchestrator(fn) });
  for (const [name, fn] of Object.entries(app.entities ?? {})) handlers.set(name, { type: "entityTrigger", handler: testingUtils.createEntityFunction(fn) });
  const activityCalls = new Map<string, number>();
  for (const [name, fn] of Object.entries(app.activities ?? {})) {
    handlers.set(name, {
      type: "activityTrigger",
      handler: async (input, ctx) => {
        activityCalls.set(name, (activityCalls.get(name) ?? 0) + 1);
        return fn(input, ctx);
      },
    });
  }
  let n = 0;
  return {
    activityCalls,
    async invoke(functionName, input) {
      const entry = handlers.get(functionName);
      if (!entry) throw new Error(`test bridge: no function '${functionName}' registered`);
      const context = new InvocationContext({ functionName, invocationId: `test-${++n}`, logHandler: () => undefined });
      const result = await entry.handler(fromRpc(input), context);
      return toRpc(result);
    },
    functions() {
      return [...handlers].map(([name, h]) => ({ name, triggerType: h.type }));
    },
  };
}
