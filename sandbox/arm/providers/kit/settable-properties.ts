// Settable properties: a provider lists the property names clients may write; everything else is read-only.
import { asObject } from "./request-body.js";

/** Copies the listed keys of `from` over `base` (deep-cloned), for settable properties. */
export function pick(base: Record<string, unknown>, from: unknown, keys: readonly string[]): Record<string, unknown> {
  const src = asObject(from);
  const out = { ...base };
  for (const k of keys) if (src[k] !== undefined) out[k] = structuredClone(src[k]);
  return out;
}
