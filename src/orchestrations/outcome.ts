// The record an orchestration hands to the `record` activity when an operation ends.
import type { AppliedStepRecord, ConnectionPlan } from "../model/plan.js";
import type { ConnectionError } from "../model/errors.js";

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
