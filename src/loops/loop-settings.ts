/**
 * App settings the loop scan reads (documented in src/loops/README.md):
 *   AzureWebJobsStorage                 queue `connection-health`; tables too unless LINKWRIGHT_STORAGE is set
 *   LINKWRIGHT_STORAGE                  optional: storage for the tables (as the connection store)
 *   LINKWRIGHT_STORAGE_ALLOW_INSECURE   "true" permits http:// storage endpoints (Azurite); default false
 *   LINKWRIGHT_TABLE_PREFIX             optional table-name prefix
 *   LINKWRIGHT_LOOP_ALLOWLIST           JSON array of {appId, function} / {linkerId}
 *   LINKWRIGHT_LOOP_SCAN_SUBSCRIPTIONS  comma-separated subscription ids the timer scans (default: linkwright's own
 *                                       subscription, from WEBSITE_OWNER_NAME)
 *   LINKWRIGHT_LOOP_SCAN_CONCURRENCY    apps read at once; default 8
 *   LINKWRIGHT_LOOP_SCAN_SCHEDULE       NCRONTAB of the timer (read at registration; default every 6 hours)
 */
import type { Env } from "../config/settings.js";
import { parseAllowList } from "./allow-list.js";
import type { AllowListEntry } from "./model.js";

export const DEFAULT_LOOP_SCAN_SCHEDULE = "0 0 */6 * * *";
export const LOOP_SCAN_SCHEDULE_SETTING = "LINKWRIGHT_LOOP_SCAN_SCHEDULE";

export interface LoopSettings {
  queueConnectionString: string;
  tableConnectionString: string;
  allowInsecureStorage: boolean;
  tablePrefix: string;
  allowList: AllowListEntry[];
  /** Empty when neither LINKWRIGHT_LOOP_SCAN_SUBSCRIPTIONS nor WEBSITE_OWNER_NAME says (the timer then fails). */
  subscriptions: string[];
  concurrency: number;
}

/** The timer trigger's schedule: the setting by reference when set (the host resolves it), else the default. */
export function loopScanSchedule(env: Env): string {
  return env[LOOP_SCAN_SCHEDULE_SETTING] ? `%${LOOP_SCAN_SCHEDULE_SETTING}%` : DEFAULT_LOOP_SCAN_SCHEDULE;
}

export function readLoopSettings(env: Env): LoopSettings {
  const queue = env["AzureWebJobsStorage"];
  if (!queue) throw new Error("App setting AzureWebJobsStorage is required by the loop scan.");
  const concurrency = Number(env["LINKWRIGHT_LOOP_SCAN_CONCURRENCY"] ?? "8");
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) throw new Error("LINKWRIGHT_LOOP_SCAN_CONCURRENCY must be an integer from 1 to 64.");
  const listed = (env["LINKWRIGHT_LOOP_SCAN_SUBSCRIPTIONS"] ?? "").split(",").map((s) => s.trim()).filter((s) => s !== "");
  const owner = /^([0-9a-f-]{36})\+/i.exec(env["WEBSITE_OWNER_NAME"] ?? "")?.[1];
  return {
    queueConnectionString: queue,
    tableConnectionString: env["LINKWRIGHT_STORAGE"] || queue,
    allowInsecureStorage: (env["LINKWRIGHT_STORAGE_ALLOW_INSECURE"] ?? "false").toLowerCase() === "true",
    tablePrefix: env["LINKWRIGHT_TABLE_PREFIX"] ?? "",
    allowList: parseAllowList(env["LINKWRIGHT_LOOP_ALLOWLIST"]),
    subscriptions: listed.length > 0 ? listed : owner ? [owner] : [],
    concurrency,
  };
}
