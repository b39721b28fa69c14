// Key material the emulator issues (account keys, SAS keys): random, base64.
import { randomBytes } from "node:crypto";

/** A random base64 key of `bytes` bytes (account keys, SAS keys). */
export function newKey(bytes = 32): string {
  return randomBytes(bytes).toString("base64");
}
