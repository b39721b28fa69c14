// The `@azure/functions-core` seam: the Node worker hands the library a built-in module by putting a Proxy on
// `Module.prototype.require` (azure-functions-nodejs-worker src/setupCoreModule.ts). We do the same, once per
// process, and keep what the library registers (function metadata + wrapped handlers, hooks, the programming model).
import Module from "node:module";
import type { CoreHookCallback, CoreProgrammingModel, FunctionMetadata, HookName, Registration } from "./core-types.js";

export const CORE_MODULE_NAME = "@azure/functions-core";
const HOOK_NAMES: readonly HookName[] = ["appStart", "appTerminate", "preInvocation", "postInvocation", "log"];

/** The worker's `Disposable` (types-core): calls its callback once on dispose. */
export class Disposable {
  #callback: (() => void) | undefined;
  constructor(callOnDispose: () => void) {
    this.#callback = callOnDispose;
  }
  static from(...items: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => items.forEach((i) => i.dispose()));
  }
  dispose(): void {
    const cb = this.#callback;
    this.#callback = undefined;
    cb?.();
  }
}

/** What the library captured in this process. One per process, like the worker. */
export class CoreRegistry {
  readonly functions = new Map<string, Registration>();
  readonly hooks: Record<HookName, CoreHookCallback[]> = {
    appStart: [],
    appTerminate: [],
    preInvocation: [],
    postInvocation: [],
    log: [],
  };
  programmingModel: CoreProgrammingModel | undefined;
  /** Startup is over: registrations throw like the worker's. */
  locked = false;
  /** Tests that re-import the app (vi.resetModules) replace instead of throwing on a duplicate. */
  replaceDuplicates = false;
  /** Hooks from an earlier load; dropped when a replacing load re-registers (the app module ran again). */
  private staleHooks = new Set<CoreHookCallback>();
  /** True while probing whether the library reaches this registry (the probe must not count as a re-registration). */
  private probing = false;
  /** Receives `coreApi.log` calls (system logs from the library). */
  systemLog: (level: string, category: string, message: string) => void = () => {};

  /** Unlocks registration for a (re)load of the app. */
  beginLoad(replace: boolean): void {
    this.locked = false;
    this.replaceDuplicates = replace;
    this.staleHooks = replace ? new Set(Object.values(this.hooks).flat()) : new Set();
  }

  private dropStaleHooks(): void {
    if (this.staleHooks.size === 0) return;
    for (const list of Object.values(this.hooks)) {
      for (let i = list.length - 1; i >= 0; i--) if (this.staleHooks.has(list[i]!)) list.splice(i, 1);
    }
    this.staleHooks.clear();
  }

  registerFunction(metadata: FunctionMetadata, handler: Registration["handler"]): Disposable {
    if (this.locked) throw new Error("A function can only be registered during app startup.");
    this.dropStaleHooks();
    // The worker keys by `functionId || name`; function names are case-insensitive to the host, so keys are too.
    const functionId = String(metadata["functionId"] ?? metadata.name);
    const key = functionId.toLowerCase();
    if (this.functions.has(key) && !this.replaceDuplicates) {
      throw new Error(`A function with id "${functionId}" has already been registered.`);
    }
    this.functions.set(key, { metadata, handler });
    return new Disposable(() => {
      if (this.locked) throw new Error("A function can only be disposed during app startup.");
      if (this.functions.get(key)?.handler === handler) this.functions.delete(key);
    });
  }

  registerHook(hookName: string, callback: CoreHookCallback): Disposable {
    if (!HOOK_NAMES.includes(hookName as HookName)) throw new RangeError(`Unrecognized hook "${hookName}"`);
    if (!this.probing) this.dropStaleHooks();
    const list = this.hooks[hookName as HookName];
    list.push(callback);
    return new Disposable(() => {
      const i = list.indexOf(callback);
      if (i >= 0) list.splice(i, 1);
    });
  }

  /** Runs `register` (which registers one appStart hook through the library and returns its Disposable); true when it got here. */
  probeHook(register: () => { dispose(): unknown }): boolean {
    const before = this.hooks.appStart.length;
    this.probing = true;
    try {
      const disposable = register();
      const reached = this.hooks.appStart.length > before;
      disposable.dispose();
      return reached;
    } finally {
      this.probing = false;
    }
  }

  get(name: string): Registration | undefined {
    return this.functions.get(name.toLowerCase());
  }
}

let installed: { registry: CoreRegistry } | undefined;

/** The object `require("@azure/functions-core")` returns, bound to a registry. */
function createCoreApi(registry: CoreRegistry): Record<string, unknown> {
  return {
    version: "4.0.0-sandbox",
    hostVersion: "4.1000.0-sandbox",
    Disposable,
    registerHook: (name: string, cb: CoreHookCallback) => registry.registerHook(name, cb),
    setProgrammingModel: (model: CoreProgrammingModel) => {
      registry.programmingModel = model;
    },
    getProgrammingModel: () => {
      if (!registry.programmingModel) throw new Error("No programming model has been set.");
      return registry.programmingModel;
    },
    registerFunction: (metadata: FunctionMetadata, handler: Registration["handler"]) =>
      registry.registerFunction(metadata, handler),
    log: (level: string, category: string, message: string) => registry.systemLog(level, category, message),
  };
}

/**
 * Installs the `@azure/functions-core` module for this process (idempotent) and returns its registry.
 * Must run before anything requires `@azure/functions`: the library caches a missing core API as `null` for good.
 */
export function installCoreModule(): CoreRegistry {
  if (installed) return installed.registry;
  const registry = new CoreRegistry();
  const coreApi = createCoreApi(registry);
  const proto = Module.prototype as unknown as { require: (id: string) => unknown };
  proto.require = new Proxy(proto.require, {
    apply(target, thisArg, argArray: unknown[]) {
      if (argArray[0] === CORE_MODULE_NAME) return coreApi;
      return Reflect.apply(target, thisArg, argArray);
    },
  });
  installed = { registry };
  return registry;
}
