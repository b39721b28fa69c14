/**
 * The loop allow-list (intentional recursion), read from the app setting `LINKWRIGHT_LOOP_ALLOWLIST`: a JSON array of
 * `{ "appId": "/subscriptions/…/sites/app", "function": "Fn" }` and/or `{ "linkerId": "…/linkers/name" }`.
 * - On linkwright itself the entries apply to every scan (`appId` is required).
 * - On a scanned function app the entries apply to that app: `appId` may be left out (it defaults to the app) and an
 *   `appId` naming another app is refused (an app can only allow-list its own functions and connections).
 */
import type { AllowListEntry } from "./model.js";

export const ALLOWLIST_SETTING = "LINKWRIGHT_LOOP_ALLOWLIST";

export class AllowListError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AllowListError";
  }
}

function entryOf(raw: unknown, index: number, ownerAppId: string | undefined): AllowListEntry {
  const where = `${ALLOWLIST_SETTING}[${index}]`;
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new AllowListError(`${where} is not an object`);
  const o = raw as Record<string, unknown>;
  const keys = Object.keys(o);
  if (typeof o["linkerId"] === "string") {
    if (keys.length !== 1) throw new AllowListError(`${where}: a linkerId entry has no other properties`);
    if (!/\/providers\/Microsoft\.ServiceLinker\/linkers\/[^/]+$/i.test(o["linkerId"])) throw new AllowListError(`${where}.linkerId is not a linker id`);
    return { linkerId: o["linkerId"] };
  }
  if (typeof o["function"] !== "string" || o["function"] === "") throw new AllowListError(`${where} needs "function" (with "appId") or "linkerId"`);
  if (keys.some((k) => k !== "function" && k !== "appId")) throw new AllowListError(`${where}: unknown property (use "appId" and "function")`);
  const appId = o["appId"] === undefined ? ownerAppId : o["appId"];
  if (typeof appId !== "string" || !/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Web\/sites\/[^/]+$/i.test(appId)) {
    throw new AllowListError(`${where}.appId must be a Microsoft.Web/sites id`);
  }
  if (ownerAppId !== undefined && appId.toLowerCase() !== ownerAppId.toLowerCase()) {
    throw new AllowListError(`${where}.appId names another app: an app's own setting can only allow-list its own functions`);
  }
  return { appId, function: o["function"] };
}

/**
 * Parses the setting's value. `ownerAppId` is the app the setting was read from (undefined for linkwright's own
 * setting). Empty or missing → []. Malformed → AllowListError (the message never echoes the value).
 */
export function parseAllowList(value: string | undefined, ownerAppId?: string): AllowListEntry[] {
  if (value === undefined || value.trim() === "") return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new AllowListError(`${ALLOWLIST_SETTING} is not valid JSON`);
  }
  if (!Array.isArray(parsed)) throw new AllowListError(`${ALLOWLIST_SETTING} must be a JSON array`);
  return parsed.map((raw, i) => entryOf(raw, i, ownerAppId));
}
