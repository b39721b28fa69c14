// The seam to the durable orchestrations (the "worker"). The API records the operation and the
// linker (provisioningState Accepted/Deleting) and calls one of these; the orchestration drives
// the Azure changes and then updates the linker and the operation record in the store
// (through the operation records, src/store/operationRecords.ts).
// The production implementation wraps the Durable client; it belongs to the orchestration layer.
import type { LinkerProperties } from "./linker.js";
import type { Caller } from "./caller.js";
import type { ConnectionError } from "./errors.js";
import type { AppliedStepRecord, ConnectionPlan } from "./plan.js";

interface StartBase {
  operationId: string;
  linkerId: string;
  sourceId: string;
  linkerName: string;
  apiVersion: string;
  caller: Caller;
}

export interface CreateOrUpdateStart extends StartBase {
  /** Secret-free properties as persisted. */
  properties: LinkerProperties;
  /** Secret-free properties before this change; undefined on create. */
  previousProperties?: LinkerProperties;
  /**
   * New secret values: `sealer.seal(JSON.stringify({ [SecretPath]: value }))` (src/secrets/seal.ts), keys
   * "authInfo.secretInfo.value", "authInfo.secret", "authInfo.certificate". Never persisted by the API.
   * The orchestrator must pass it through to the activity that writes the secret and open it only there.
   */
  sealedSecrets?: string;
  /** Secret paths whose previously stored secret stays in place (the update omitted them). */
  keptSecretPaths: string[];
  /** What the caller was authorized for (src/authorization): the saga's plan must need nothing beyond it.
   *  Absent only for connections accepted before caller authorization existed. */
  authorized?: { scope: string; action: string; dataAction?: boolean }[];
  /** The plan authorization was decided on, and when it was made: the saga uses it instead of planning again unless
   *  another operation changed the source since (src/activities: plan). Secret-free like every plan. */
  plan?: ConnectionPlan;
  plannedAt?: string;
  /** Why planning failed when the caller was authorized (then only the linker write was required). */
  planErrorWhenAuthorized?: string;
}

export interface DeleteStart extends StartBase {
  properties: LinkerProperties;
}

export interface ValidateStart extends StartBase {
  properties: LinkerProperties;
}

export interface ConnectionOrchestrations {
  startCreateOrUpdate(input: CreateOrUpdateStart): Promise<void>;
  startDelete(input: DeleteStart): Promise<void>;
  startValidate(input: ValidateStart): Promise<void>;
}

/** What undoing a connection's applied steps may do (a delete, or an update's cleanup): what is undone, newest first,
 *  and what is kept because other connections rely on it (said in the outcome). */
export interface DeletePlan {
  undo: AppliedStepRecord[];
  kept: string[];
  /** An update's current records that take over part of an obsolete record's change (by index into the run's records,
   *  with the prior they now undo). */
  inherited?: { index: number; prior: unknown }[];
}

/** The record an orchestration hands to the `record` activity when an operation ends. */
export interface OperationOutcome {
  kind: "createOrUpdate" | "delete" | "validate";
  operationId: string;
  linkerId: string;
  sourceId: string;
  linkerName: string;
  status: "Succeeded" | "Failed";
  error?: ConnectionError;
  /** createOrUpdate: what was applied (kept for delete/validate/revalidation) and planned. */
  applied?: AppliedStepRecord[];
  plan?: ConnectionPlan;
  principalId?: string;
  /** validate: the ValidateResult. */
  result?: Record<string, unknown>;
}
