// Invokes a registered function through the library's own ProgrammingModel → InvocationModel, with the worker's
// hook sequence (azure-functions-nodejs-worker InvocationHandler): getArguments → preInvocation hooks →
// invokeFunction → postInvocation hooks → getResponse. The library builds HttpRequest, InvocationContext,
// extraInputs/extraOutputs and the RpcTypedData of the return value and outputs.
import { randomUUID } from "node:crypto";
import type { CoreRegistry } from "./core-module.js";
import type {
  CoreInvocationContext,
  FunctionCallback,
  RpcParameterBinding,
  RpcRetryContext,
  RpcTypedData,
} from "./core-types.js";
import { normalizeLevel, type HostLogger } from "./logger.js";

export interface InvokeOptions {
  triggerMetadata?: Record<string, RpcTypedData>;
  retryContext?: RpcRetryContext;
  invocationId?: string;
}

export interface InvocationResult {
  invocationId: string;
  returnValue?: RpcTypedData | null;
  outputData: RpcParameterBinding[];
}

export interface InvokerOptions {
  registry: CoreRegistry;
  logger: HostLogger;
  appHookData: Record<string, unknown>;
}

export type RawInvoke = (functionName: string, inputData: RpcParameterBinding[], options?: InvokeOptions) => Promise<InvocationResult>;

export function createInvoker(options: InvokerOptions): RawInvoke {
  const { registry, logger, appHookData } = options;

  return async function invoke(functionName, inputData, invokeOptions = {}) {
    const registration = registry.get(functionName);
    if (!registration) throw new Error(`Function "${functionName}" is not registered`);
    const model = registry.programmingModel;
    if (!model) throw new Error("No programming model is set");
    const name = registration.metadata.name;
    const invocationId = invokeOptions.invocationId ?? randomUUID();
    const started = Date.now();
    // Set after getArguments, as the worker's coreCtx.logContext: log hooks see the invocation's hookData and context.
    let invocationContext: unknown;
    let invocationHookData: Record<string, unknown> = {};

    const coreCtx: CoreInvocationContext = {
      invocationId,
      request: {
        invocationId,
        functionId: name,
        inputData,
        ...(invokeOptions.triggerMetadata ? { triggerMetadata: invokeOptions.triggerMetadata } : {}),
        ...(invokeOptions.retryContext ? { retryContext: invokeOptions.retryContext } : {}),
      },
      metadata: registration.metadata,
      state: undefined,
      log(level, category, message) {
        // Log hooks see (and may rewrite, e.g. redact) the entry before it is written, as in the worker.
        const entry: Record<string, unknown> = { hookData: invocationHookData, appHookData, level, category, message, invocationContext };
        for (const hook of registry.hooks.log) {
          try {
            hook(entry);
          } catch (err) {
            logger.log("warning", `A log hook failed: ${err instanceof Error ? err.message : String(err)}`, { functionName: name, invocationId });
          }
        }
        logger.log(normalizeLevel(String(entry["level"])), String(entry["message"]), { functionName: name, invocationId, category });
      },
    };

    logger.log("information", `Executing 'Functions.${name}' (Reason='${reasonFor(registration.metadata)}', Id=${invocationId})`, {
      functionName: name,
      invocationId,
    });
    try {
      const invocationModel = model.getInvocationModel(coreCtx);
      const { context, inputs: initialInputs } = await invocationModel.getArguments();
      const hookData: Record<string, unknown> = {};
      invocationContext = context;
      invocationHookData = hookData;

      const preContext: Record<string, unknown> = {
        hookData,
        appHookData,
        invocationContext: context,
        functionCallback: registration.handler,
        inputs: initialInputs,
      };
      coreCtx.state = "preInvocationHooks";
      try {
        for (const hook of [...registry.hooks.preInvocation]) await hook(preContext);
      } finally {
        coreCtx.state = undefined;
      }
      const inputs = preContext.inputs as unknown[];
      const handler = preContext.functionCallback as FunctionCallback;

      const postContext: Record<string, unknown> = { hookData, appHookData, invocationContext: context, inputs, result: null, error: null };
      coreCtx.state = "invocation";
      try {
        postContext.result = await invocationModel.invokeFunction(context, inputs, handler);
      } catch (err) {
        postContext.error = err;
      } finally {
        coreCtx.state = undefined;
      }
      coreCtx.state = "postInvocationHooks";
      try {
        for (const hook of [...registry.hooks.postInvocation]) await hook(postContext);
      } finally {
        coreCtx.state = undefined;
      }
      if (postContext.error !== undefined && postContext.error !== null) throw postContext.error;

      const response = await invocationModel.getResponse(context, postContext.result);
      logger.log("information", `Executed 'Functions.${name}' (Succeeded, Id=${invocationId}, Duration=${Date.now() - started}ms)`, {
        functionName: name,
        invocationId,
        durationMs: Date.now() - started,
      });
      return { invocationId, returnValue: response.returnValue, outputData: response.outputData ?? [] };
    } catch (err) {
      logger.log("error", `Exception while executing function: Functions.${name}. ${err instanceof Error ? err.message : String(err)}`, {
        functionName: name,
        invocationId,
      });
      logger.log("error", `Executed 'Functions.${name}' (Failed, Id=${invocationId}, Duration=${Date.now() - started}ms)`, {
        functionName: name,
        invocationId,
        durationMs: Date.now() - started,
        error: err instanceof Error ? err.message : String(err),
      });
      throw err;
    }
  };
}

function reasonFor(metadata: { bindings: Record<string, { type?: string; direction?: string }> }): string {
  const trigger = Object.values(metadata.bindings).find((b) => b.type?.toLowerCase().endsWith("trigger"));
  switch (trigger?.type?.toLowerCase()) {
    case "httptrigger":
      return "This function was programmatically called via the host APIs.";
    case "timertrigger":
      return "Timer fired";
    case "queuetrigger":
      return "New queue message detected";
    case "eventgridtrigger":
      return "EventGrid trigger fired";
    default:
      return "Triggered";
  }
}
