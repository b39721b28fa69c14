// Builds the ValidateResult (ValidateOperationResult.properties) of one connection from its checks.
import type { StoredLinker } from "../model/connection.js";
import { targetIdOf } from "./evaluate.js";
import { failingChecksOf, statusOf, type Attribution, type CheckResult, type ConnectionHealth, type ValidateResult } from "./types.js";

export function toValidateResult(linker: StoredLinker, details: CheckResult[], started: Date, ended: Date): ValidateResult {
  const status = statusOf(details);
  return {
    linkerName: linker.name,
    isConnectionAvailable: status !== "Unhealthy",
    reportStartTimeUtc: started.toISOString(),
    reportEndTimeUtc: ended.toISOString(),
    sourceId: linker.sourceId,
    targetId: targetIdOf(linker) ?? null,
    authType: typeof linker.properties.authInfo?.authType === "string" ? linker.properties.authInfo.authType : null,
    validationDetail: details,
  };
}

export function toConnectionHealth(linker: StoredLinker, result: ValidateResult, attribution: Attribution[] = []): ConnectionHealth {
  return {
    linkerId: linker.id,
    status: statusOf(result.validationDetail),
    result,
    failingChecks: failingChecksOf(result.validationDetail),
    attribution,
  };
}

/** When the connection was last (re)configured: the start of the role-assignment propagation window. */
export function lastConfiguredAt(linker: StoredLinker): number | undefined {
  const candidates = [linker.state?.configuredAt, linker.systemData?.lastModifiedAt, linker.systemData?.createdAt]
    .filter((v): v is string => typeof v === "string")
    .map((v) => Date.parse(v))
    .filter((v) => !Number.isNaN(v));
  return candidates.length ? Math.max(...candidates) : undefined;
}
