// Table keys from resource ids. PartitionKey/RowKey may not contain / \ # ? or control characters
// (U+0000–U+001F, U+007F–U+009F), and `'` / `%` make OData filters and URLs awkward.
// Encoding: ASCII lower-case (ARM ids are case-insensitive; src/azure/resourceId.ts foldCase), then every character outside
// [a-z0-9._()~-] becomes "!" + two upper-case hex digits per UTF-8 byte. Reversible (up to case),
// so keys stay readable in Storage Explorer: "/subscriptions/s" -> "!2Fsubscriptions!2Fs".
// The original casing is kept in a separate entity property by the repositories.

import { foldCase } from "../azure/resourceId.js";

const SAFE = /[a-z0-9._()~-]/;
/** Azure Tables limit for PartitionKey / RowKey: 1 KiB of UTF-16, 512 characters (what Azurite enforces too). */
export const MAX_KEY_LENGTH = 512;
/** The most the repositories add around an encoded id in one key ("d|…", "…|roleAssignment"). */
const KEY_AFFIX = 16;

export function encodeKey(value: string): string {
  let out = "";
  for (const char of foldCase(value)) {
    if (SAFE.test(char)) {
      out += char;
      continue;
    }
    for (const byte of Buffer.from(char, "utf8")) out += "!" + byte.toString(16).toUpperCase().padStart(2, "0");
  }
  if (out.length > MAX_KEY_LENGTH) {
    throw new RangeError(`resource id too long for a table key (${out.length} > ${MAX_KEY_LENGTH} encoded characters)`);
  }
  return out;
}

/** Whether every table key the store builds from this id or name fits (else the front door refuses it: 400). */
export function fitsTableKeys(value: string): boolean {
  try {
    return encodeKey(value).length + KEY_AFFIX <= MAX_KEY_LENGTH;
  } catch {
    return false;
  }
}

export function decodeKey(key: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < key.length; i++) {
    const char = key[i]!;
    if (char === "!") {
      const hex = key.slice(i + 1, i + 3);
      if (!/^[0-9A-F]{2}$/.test(hex)) throw new Error(`malformed table key at ${i}: ${key}`);
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(char, "utf8"));
    }
  }
  return Buffer.from(bytes).toString("utf8");
}
