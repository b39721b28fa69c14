// A connection as linkwright keeps it: the linker resource (its properties as the caller sent them, secret-free), what
// the last successful run configured (`state`), who authorized the last change, and the operations that change it.
import type { Caller, CallerCredential } from "./caller.js";
import type { ConnectionError } from "./errors.js";
import type { LinkerProperties, SystemData } from "./linker.js";
import type { AppliedStepRecord, ConnectionPlan } from "./plan.js";

/** Who asked for a change and what linkwright checked they may do (audit; the saga stays within it). */
export interface AuthorizationRecord {
  caller: Caller;
  /** How the caller's permissions were learnt: their ARM token, on their behalf, or their role assignments. */
  via: CallerCredential["kind"];
  decidedAt: string;
  /** Every permission checked and granted. */
  permissions: { scope: string; action: string; dataAction?: boolean }[];
}

export interface StoredLinker {
  /** Linker id with the casing of the first PUT. */
  id: string;
  sourceId: string;
  name: string;
  /** Secret-free properties (see api/model/secrets.ts). */
  properties: LinkerProperties;
  provisioningState: string;
  systemData: SystemData;
  /** Names (not values) of the secret fields the user supplied, e.g. "authInfo.secretInfo.value". */
  secretPaths: string[];
  /** Where the orchestration put the secret (Key Vault secret id, app-setting name, …); written by the orchestration. */
  secretReference?: string;
  /** The operation that last changed this linker. */
  lastOperationId?: string;
  /** Error of the last failed operation (ARM error detail). */
  lastError?: ConnectionError;
  /** What the last successful run configured (written by the saga's record activity), and the last health check. */
  state?: ConnectionState;
  /** The caller and permission decision of the last accepted change (what auto-heal may re-apply). */
  authorization?: AuthorizationRecord;
  /** Store ETag (set on read and after a write). */
  etag?: string;
}

export type OperationKind = "createOrUpdate" | "delete" | "validate";

export type OperationStatus = "InProgress" | "Succeeded" | "Failed" | "Canceled";

export interface StoredOperation {
  /** Operation id (GUID), the last segment of the operationStatuses URL. */
  id: string;
  kind: OperationKind;
  /** The linker the operation acts on. */
  resourceId: string;
  subscriptionId: string;
  location: string;
  status: OperationStatus;
  startTime: string;
  endTime?: string;
  error?: ConnectionError & { details?: unknown[] };
  /** Result document (validateLinker: the ValidateResult `properties`). */
  result?: Record<string, unknown>;
  /** Who started the operation (they may poll it), and what was checked for them. */
  requestedBy?: Caller;
  authorization?: AuthorizationRecord;
  etag?: string;
}

/** Healthy: no failure. Unhealthy: at least one failure. Unknown: no failure, but some check was inconclusive. */
export type HealthStatus = "Healthy" | "Unhealthy" | "Unknown";

/** What a linker carries as `state.health`. */
export interface LinkerHealth {
  status: HealthStatus;
  checkedAt: string;
  failingChecks: string[];
}

/** What a connection's runs configured, as the saga records it (JSON, secret-free). */
export interface ConnectionState {
  /** The steps the connection applied, with what undoing each needs (merged over runs: src/connections/mergeApplied.ts). */
  applied?: AppliedStepRecord[];
  /** The configuration the connection wrote (names; values for non-secrets only). */
  configurations?: ConnectionPlan["configurations"];
  targetFacts?: Record<string, string>;
  sourceKind?: string;
  targetKind?: string;
  warnings?: string[];
  /** When the last successful run recorded (role assignments propagate from then on). */
  configuredAt?: string;
  /** The principal the connection's identity steps produced or used. */
  principalId?: string;
  /** The last health check (src/health/history.ts). */
  health?: LinkerHealth;
  /** This connection's own auto-heal switch; absent = the deployment's default (LINKWRIGHT_AUTOHEAL_DEFAULT). */
  autoHeal?: boolean;
}

/** The steps a stored linker applied (linker.state.applied), newest run's records. */
export function appliedOf(linker: Pick<StoredLinker, "state"> | undefined): AppliedStepRecord[] {
  return linker?.state?.applied ?? [];
}
