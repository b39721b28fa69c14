// Health of a connection: the ValidateOperationResult shape (servicelinker-api.md §3) plus what linkwright keeps
// about it (status, failing checks, who changed what).
import type { CheckResult } from "../steps/step.js";
import type { HealthStatus } from "../model/connection.js";

export type { CheckResult } from "../steps/step.js";

/** Check names, stable across validate and revalidate (they are what messages and history carry). */
export const CheckNames = {
  sourceExistence: "SourceExistence",
  targetExistence: "TargetExistence",
  identity: "Identity",
  roleAssignment: "RoleAssignment",
  network: "Network",
  configuration: "Configuration",
  keyVaultReference: "KeyVaultReference",
  keyVaultSecret: "KeyVaultSecret",
  secret: "SecretValidity",
  privateLink: "PrivateLink",
  functionsBindings: "Functions bindings",
} as const;

export type CheckName = (typeof CheckNames)[keyof typeof CheckNames];

/** errorCode of a check that could not be evaluated (a read failed even after retries): never a failure. */
export const INCONCLUSIVE = "CheckInconclusive";

export interface ValidateResult {
  linkerName: string;
  isConnectionAvailable: boolean;
  reportStartTimeUtc: string;
  reportEndTimeUtc: string;
  sourceId: string;
  targetId: string | null;
  authType: string | null;
  validationDetail: CheckResult[];
}

/** Who last changed the resource behind a failing check (from the activity log). */
export interface Attribution {
  check: string;
  resourceId: string;
  caller: string;
  operationName: string;
  time: string;
  status?: string;
  /** Set when the caller is linkwright's own identity: who asked for the connection's last change (its audit record),
   *  since the activity log names only linkwright. */
  requestedBy?: string;
  /** The caller is linkwright's own identity (shown only when attribution does not skip it). */
  byLinkwright?: boolean;
}

/** One connection's outcome of a validation or revalidation run. */
export interface ConnectionHealth {
  linkerId: string;
  status: HealthStatus;
  result: ValidateResult;
  failingChecks: string[];
  attribution: Attribution[];
}

export function statusOf(details: readonly CheckResult[]): HealthStatus {
  if (details.some((d) => d.result === "failure")) return "Unhealthy";
  if (details.some((d) => d.errorCode === INCONCLUSIVE)) return "Unknown";
  return "Healthy";
}

export function failingChecksOf(details: readonly CheckResult[]): string[] {
  return [...new Set(details.filter((d) => d.result === "failure").map((d) => d.name))].sort();
}
