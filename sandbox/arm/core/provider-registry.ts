// What the providers registry (sandbox/arm/providers/index.ts) may list: a Provider, or a factory for the
// core-owned providers that need the emulator's internals (activity log, RBAC, directory).
import type { Provider } from "./contract.js";
import type { ActivityLog } from "./activity-log.js";
import type { RbacEvaluator } from "./rbac.js";
import type { Directory } from "../identity/principals.js";
import type { OperationTracker } from "./lro.js";

export interface CoreProviderDeps {
  activity: ActivityLog;
  rbac: RbacEvaluator;
  directory: Directory;
  operations: OperationTracker;
  tenantId: string;
}

export type ProviderEntry = Provider | ((deps: CoreProviderDeps) => Provider);

export function instantiate(entry: ProviderEntry, deps: CoreProviderDeps): Provider {
  return typeof entry === "function" ? entry(deps) : entry;
}
