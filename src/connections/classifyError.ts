// One classifier for every error a connection meets (planning, a step's apply or compensate, a dry run's read, the
// orchestration itself): any thrown value becomes a ConnectionError. linkwright's own 403 names what to grant to whom
// (src/authorization/ownPermissions.ts); a plan error keeps its code and target; an ARM or data-plane error keeps its
// code, else its HTTP status says it; anything else is InternalError.
import { PlanError, type ConnectionError } from "../model/errors.js";
import { describeOwnPermissionGap, ownPermissionGap } from "../authorization/ownPermissions.js";

/** `context` (a step's name) prefixes the message. */
export function classifyError(e: unknown, context?: string): ConnectionError {
  const err = e as { code?: unknown; statusCode?: unknown; message?: unknown } | null | undefined;
  const code = typeof err?.code === "string" && err.code ? err.code : undefined;
  // linkwright's own identity was refused: say what to grant to whom, and how.
  const gap = ownPermissionGap(e);
  if (gap) return { code: code ?? "AuthorizationFailed", message: describeOwnPermissionGap(gap, context) };
  const message = `${context ? `${context}: ` : ""}${typeof err?.message === "string" && err.message ? err.message : String(e)}`;
  if (e instanceof PlanError) return { code: e.code, message, ...(e.target ? { target: e.target } : {}) };
  if (code) return { code, message };
  if (err?.statusCode === 404) return { code: "ResourceNotFound", message };
  if (typeof err?.statusCode === "number") return { code: `Http${err.statusCode}`, message };
  return { code: "InternalError", message };
}

/** A bug rather than a condition of the world (the API answers 500 instead of reporting it as the connection's error). */
export function isProgrammingError(e: unknown): boolean {
  return e instanceof TypeError || e instanceof ReferenceError || e instanceof RangeError;
}
