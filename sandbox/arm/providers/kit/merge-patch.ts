// JSON merge patch (RFC 7396), as ARM PATCH requests apply it.
import { asObject } from "./request-body.js";

/** JSON merge patch (RFC 7396): objects merge recursively, null deletes, arrays and scalars replace. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== "object" || Array.isArray(patch)) return structuredClone(patch);
  const out: Record<string, unknown> = { ...asObject(target) };
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}
