// Function/admin keys. Core Tools does not enforce keys locally; this host enforces them only when keys are
// configured (options.keys, or the FUNCTIONS_SANDBOX_MASTER_KEY / FUNCTIONS_SANDBOX_HOST_KEY settings).
// A key is taken from the `x-functions-key` header or the `code` query parameter, as in Azure.
import { timingSafeEqual } from "node:crypto";
import type { HostRequest } from "./http-types.js";

export interface FunctionKeys {
  /** The master (admin) key: accepted everywhere, required for authLevel "admin" and the /admin API. */
  master?: string;
  /** Host keys: accepted for authLevel "function" on every function. */
  host?: string[];
  /** Per-function keys, by function name. */
  functions?: Record<string, string[]>;
  /** System keys by extension name, e.g. `eventgrid_extension` for /runtime/webhooks/eventgrid. */
  system?: Record<string, string>;
}

export function keysFromSettings(explicit: FunctionKeys | undefined): FunctionKeys | undefined {
  if (explicit) return explicit;
  const master = process.env["FUNCTIONS_SANDBOX_MASTER_KEY"];
  const host = process.env["FUNCTIONS_SANDBOX_HOST_KEY"];
  if (!master && !host) return undefined;
  return { ...(master ? { master } : {}), ...(host ? { host: [host] } : {}) };
}

function presentedKey(req: HostRequest): string | undefined {
  return req.headers["x-functions-key"] ?? req.url.searchParams.get("code") ?? undefined;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * True when the request may call a function with this authLevel (or the admin API when level is "admin").
 * For level "system", `functionName` names the system key (e.g. "eventgrid_extension").
 */
export function isAuthorized(keys: FunctionKeys | undefined, req: HostRequest, authLevel: string, functionName?: string): boolean {
  if (!keys) return true;
  const level = authLevel.toLowerCase();
  if (level === "anonymous") return true;
  const key = presentedKey(req);
  if (!key) return false;
  if (keys.master && same(key, keys.master)) return true;
  if (level === "system") return functionName !== undefined && keys.system?.[functionName] !== undefined && same(key, keys.system[functionName]!);
  if (level === "admin") return false;
  if ((keys.host ?? []).some((k) => same(key, k))) return true;
  const fnKeys = functionName
    ? Object.entries(keys.functions ?? {}).find(([n]) => n.toLowerCase() === functionName.toLowerCase())?.[1] ?? []
    : [];
  return fnKeys.some((k) => same(key, k));
}
