// Sealing: secret-bearing values that must travel through durable history or rest in a table
// (a connection string read from listKeys, the prior value of an app setting a step overwrote)
// are carried as AES-256-GCM ciphertext under a key only the app holds (an app setting, in Azure a
// Key Vault reference). History and rows hold `sealed:v1:…`, never the value.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

const PREFIX = "sealed:v1:";

export interface Sealer {
  seal(plaintext: string): string;
  unseal(sealed: string): string;
}

export function isSealed(value: unknown): value is string {
  return typeof value === "string" && value.startsWith(PREFIX);
}

/** `keyMaterial`: at least 32 characters of secret text (hashed to a 256-bit key). */
export function createSealer(keyMaterial: string): Sealer {
  if (!keyMaterial || keyMaterial.length < 32) {
    throw new Error("The sealing key must be at least 32 characters (app setting LINKWRIGHT_SEAL_KEY).");
  }
  const key = createHash("sha256").update(keyMaterial, "utf8").digest();
  return {
    seal(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", key, iv);
      const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url");
    },
    unseal(sealed) {
      if (!isSealed(sealed)) throw new Error("Value is not sealed.");
      const raw = Buffer.from(sealed.slice(PREFIX.length), "base64url");
      if (raw.length < 28) throw new Error("Sealed value is truncated.");
      const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
    },
  };
}
