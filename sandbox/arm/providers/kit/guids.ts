// GUID-valued request fields (Entra object ids, sids): 400 InvalidParameterValue when a value is not a GUID.
import { ArmError } from "../../core/contract.js";
import { isGuid } from "../../core/ids.js";

/** `v` when it is a GUID; 400 InvalidParameterValue naming `field` otherwise. */
export function requireGuid(v: unknown, field: string): string {
  if (typeof v !== "string" || !isGuid(v)) throw new ArmError(400, "InvalidParameterValue", `The value '${String(v)}' of '${field}' must be a GUID.`, field);
  return v;
}
