// Reading a request body: the body as a JSON object, any value as an object, the location a tracked resource needs.
// Reference: arm-surface §1.2 (body), §1.5 (errors).
import { ArmError, type RouteContext } from "../../core/contract.js";
import { armErrors } from "../../core/errors.js";

/** A JSON object from the request body (400 InvalidRequestContent otherwise). */
export function bodyObject(ctx: RouteContext): Record<string, unknown> {
  const b = ctx.req.body;
  if (b === undefined || b === null) return {};
  if (typeof b !== "object" || Array.isArray(b)) throw armErrors.invalidRequestContent("The request body must be a JSON object.");
  return b as Record<string, unknown>;
}

/** `v` when it is a JSON object, else an empty one. */
export function asObject(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** 400 for a tracked resource PUT without a location. */
export function requireLocation(body: Record<string, unknown>): string {
  if (typeof body.location !== "string" || body.location === "") {
    throw new ArmError(400, "LocationRequired", "The location property is required for this definition.");
  }
  return body.location;
}
