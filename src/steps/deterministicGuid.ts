// Name-based GUIDs (RFC 4122 version 5 layout over SHA-1), so re-running a step addresses the same resource.
import { createHash } from "node:crypto";

const NAMESPACE = "linkwright";

export function deterministicGuid(...parts: string[]): string {
  const hash = createHash("sha1").update(NAMESPACE).update("\0").update(parts.map((p) => p.toLowerCase()).join("\0")).digest();
  const b = Buffer.from(hash.subarray(0, 16));
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
