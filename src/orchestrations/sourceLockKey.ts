// Entity keys must be valid table keys everywhere the Durable backend stores them: a hash of the
// case-normalised source id (one lock per source resource).
import { createHash } from "node:crypto";
import { normalizeResourceId } from "../azure/resourceId.js";

export function sourceLockKey(sourceId: string): string {
  return createHash("sha256").update(normalizeResourceId(sourceId)).digest("hex").slice(0, 32);
}
