// The key-values of one App Configuration store (pure data logic, no I/O): identity (key + label, null label
// distinct from every named label), ETags, read-only locks, and the REST API's key/label filters
// (`*` wildcard, `\0` = no label, comma-separated alternatives with `\,` / `\*` escapes). Stored on the
// configurationStores resource as the provider-private `keyValues` array. Reference: App Configuration REST
// API "Key-Values" and "Filtering" (api-version 2023-10-01 and later).
import { randomBytes } from "node:crypto";

export interface KeyValue {
  key: string;
  label: string | null;
  value: string | null;
  content_type: string | null;
  tags: Record<string, string>;
  locked: boolean;
  last_modified: string;
  etag: string;
}

export function newEtag(): string {
  return randomBytes(24).toString("base64url");
}

export function findKv(items: KeyValue[], key: string, label: string | null): KeyValue | undefined {
  return items.find((kv) => kv.key === key && kv.label === label);
}

/** Splits a filter on unescaped commas and unescapes `\,` `\\`; `*` stays a wildcard unless escaped (kept as `\*`). */
function alternatives(filter: string): string[] {
  const out: string[] = [];
  let cur = "";
  for (let i = 0; i < filter.length; i++) {
    const c = filter[i];
    if (c === "\\" && i + 1 < filter.length) {
      const n = filter[++i];
      cur += n === "*" ? "\\*" : n;
    } else if (c === ",") {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  out.push(cur);
  return out;
}

function globMatch(pattern: string, value: string): boolean {
  let re = "^";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\" && pattern[i + 1] === "*") { re += "\\*"; i++; } else if (c === "*") re += ".*";
    else re += c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`${re}$`, "s").test(value);
}

/** Whether `kv` passes the `key` and `label` query filters (absent filter = any). */
export function matchesFilters(kv: KeyValue, keyFilter: string | null, labelFilter: string | null): boolean {
  if (keyFilter !== null && keyFilter !== "" && !alternatives(keyFilter).some((p) => globMatch(p, kv.key))) return false;
  if (labelFilter !== null && labelFilter !== "") {
    const ok = alternatives(labelFilter).some((p) => (p === "\0" ? kv.label === null : kv.label !== null && globMatch(p, kv.label)));
    if (!ok) return false;
  }
  return true;
}

/** The wire object, optionally limited to the `$Select` fields. */
export function kvWire(kv: KeyValue, select?: string[]): Record<string, unknown> {
  const all: Record<string, unknown> = {
    etag: kv.etag, key: kv.key, label: kv.label, content_type: kv.content_type, value: kv.value,
    tags: kv.tags, locked: kv.locked, last_modified: kv.last_modified,
  };
  if (!select?.length) return all;
  return Object.fromEntries(Object.entries(all).filter(([k]) => select.includes(k)));
}

/** Stable listing order: by key, then label (null label first). */
export function sortKvs(items: KeyValue[]): KeyValue[] {
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...items].sort((a, b) => {
    if (a.key !== b.key) return cmp(a.key, b.key);
    if (a.label === b.label) return 0;
    return a.label === null ? -1 : b.label === null ? 1 : cmp(a.label, b.label);
  });
}
