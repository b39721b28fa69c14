// One invocation as the host performs it: trigger input + extra inputs the host supplies (durableClient), the
// library invocation (invoker.ts), then the output bindings written to storage.
import type { CoreRegistry } from "./core-module.js";
import type { RpcParameterBinding, RpcRetryContext, RpcTypedData, Registration } from "./core-types.js";
import { bindingType, DURABLE_CLIENT_TYPES, inputBindings, triggerOf } from "./catalog.js";
import type { InvocationResult, RawInvoke } from "./invoker.js";
import type { OutputWriter } from "./output-bindings.js";

export interface TriggerInvokeOptions {
  triggerMetadata?: Record<string, RpcTypedData>;
  retryContext?: RpcRetryContext;
  /** Values binding expressions in output bindings may reference (route params, queue message, …). */
  bindingData?: Record<string, unknown>;
}

export interface FunctionRuntimeOptions {
  registry: CoreRegistry;
  rawInvoke: RawInvoke;
  writeOutputs: OutputWriter;
  /** The durableClient input value; undefined while no durable runtime is running. */
  durableClientValue: () => string | undefined;
}

export interface FunctionRuntime {
  registration(name: string): Registration;
  invoke(functionName: string, triggerData: RpcTypedData, options?: TriggerInvokeOptions): Promise<InvocationResult>;
}

export function createFunctionRuntime(options: FunctionRuntimeOptions): FunctionRuntime {
  const registration = (name: string): Registration => {
    const reg = options.registry.get(name);
    if (!reg) throw new Error(`Function "${name}" is not registered`);
    return reg;
  };

  const extraInputs = (reg: Registration): RpcParameterBinding[] =>
    inputBindings(reg).map(({ name, binding }) => {
      const type = bindingType(binding);
      if (DURABLE_CLIENT_TYPES.includes(type)) {
        const value = options.durableClientValue();
        if (value === undefined) throw new Error(`Function "${reg.metadata.name}" needs a durable client but the durable runtime is not running`);
        return { name, data: { string: value } };
      }
      throw new Error(`Input binding type "${binding.type}" (function "${reg.metadata.name}") is not supported by the sandbox host`);
    });

  return {
    registration,
    async invoke(functionName, triggerData, invokeOptions = {}) {
      const reg = registration(functionName);
      const trigger = triggerOf(reg);
      const inputData = [{ name: trigger.name, data: triggerData }, ...extraInputs(reg)];
      const result = await options.rawInvoke(reg.metadata.name, inputData, {
        ...(invokeOptions.triggerMetadata ? { triggerMetadata: invokeOptions.triggerMetadata } : {}),
        ...(invokeOptions.retryContext ? { retryContext: invokeOptions.retryContext } : {}),
      });
      // A non-http `$return` binding (e.g. `return: output.storageQueue(...)`) is written like any output binding.
      const returnBinding = reg.metadata.bindings["$return"];
      const outputs =
        returnBinding && bindingType(returnBinding) !== "http" && result.returnValue !== undefined && result.returnValue !== null
          ? [...result.outputData, { name: "$return", data: result.returnValue }]
          : result.outputData;
      await options.writeOutputs(reg, outputs, invokeOptions.bindingData ?? {});
      return result;
    },
  };
}
