// The wire shape of a stored resource: the ARM envelope keys only; anything else a provider stores on a resource
// (keys, secret values, app settings) is private to it. Reference: arm-surface §1.2 (body).
import type { StoredResource } from "../../core/contract.js";

/** Keys of a StoredResource that go on the wire; anything else is provider-private. */
const WIRE_KEYS = ["id", "name", "type", "kind", "location", "tags", "sku", "identity", "properties", "etag", "systemData"] as const;

/** The wire shape of a stored resource (drops provider-private keys). */
export function render(r: StoredResource): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of WIRE_KEYS) if (r[k] !== undefined) out[k] = r[k];
  return out;
}
