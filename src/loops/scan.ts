/**
 * The I/O side of loop detection: enumerate the function apps in scope, read each one through ArmClients (bounded
 * concurrency), add linkwright's own connections on those apps as possible writers and each app's allow-list,
 * then run the pure analysis (analyzeLoops).
 */
import type { ArmClients } from "../azure/clients.js";
import type { LinkerRepository } from "../store/types.js";
import { ALLOWLIST_SETTING, AllowListError, parseAllowList } from "./allowList.js";
import { listFunctionAppIds, readFunctionApp } from "./armApps.js";
import { mapBounded } from "../concurrency/mapBounded.js";
import { analyzeLoops } from "./index.js";
import { connectionWritersOf } from "./linkerWriters.js";
import type { AllowListEntry, FunctionAppInput, LoopAnalysis } from "./model.js";

/** A whole subscription (Resource Graph), or a list of app ids (e.g. the one app an Event Grid event names). */
export type LoopScanScope = { subscriptionId: string } | { appIds: string[] };

export interface LoopScanOptions {
  clients: ArmClients;
  /** linkwright's connections; their targets become possible writers of their source app. */
  linkers?: LinkerRepository;
  /** Entries from linkwright's own `LINKWRIGHT_LOOP_ALLOWLIST`; each app's own setting is added per app. */
  allowList?: AllowListEntry[];
  /** Apps read at the same time (default 8). */
  concurrency?: number;
  /** Resource Graph page size (default 1000, the service's maximum). */
  graphPageSize?: number;
}

export interface AppScanProblem {
  appId: string;
  /** ARM error code (`ResourceNotFound`, `AuthorizationFailed`, …) or `InvalidAllowList` / `ReadFailed`. */
  code: string;
  message: string;
}

export interface LoopScanResult extends LoopAnalysis {
  stats: LoopAnalysis["stats"] & {
    /** Every app the scan covered (read successfully), original casing. */
    scannedApps: string[];
    /** Apps that could not be read (the analysis ran without them) or whose allow-list was ignored. */
    problems: AppScanProblem[];
    /** Apps of the scope that no longer exist (404). */
    missingApps: string[];
  };
}

const DEFAULT_CONCURRENCY = 8;

function errorCode(error: unknown): { code: string; status?: number } {
  const e = error as { code?: unknown; statusCode?: unknown };
  return {
    code: typeof e?.code === "string" ? e.code : "ReadFailed",
    ...(typeof e?.statusCode === "number" ? { status: e.statusCode } : {}),
  };
}

function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0]!.slice(0, 500);
}

type AppRead = { app: FunctionAppInput; allowList: AllowListEntry[]; problem?: AppScanProblem } | { missing: string } | { problem: AppScanProblem };

async function readOne(options: LoopScanOptions, appId: string): Promise<AppRead> {
  let app: FunctionAppInput;
  try {
    app = await readFunctionApp(options.clients, appId);
  } catch (error) {
    const { code, status } = errorCode(error);
    if (status === 404) return { missing: appId };
    return { problem: { appId, code, message: messageOf(error) } };
  }
  if (options.linkers) app.connections = await connectionWritersOf(options.linkers, appId);
  try {
    return { app, allowList: parseAllowList(app.appSettings[ALLOWLIST_SETTING], appId) };
  } catch (error) {
    if (!(error instanceof AllowListError)) throw error;
    // The loop is still reported: a broken allow-list must not silence anything.
    return { app, allowList: [], problem: { appId, code: "InvalidAllowList", message: error.message } };
  }
}

async function appIdsOf(clients: ArmClients, scope: LoopScanScope, graphPageSize?: number): Promise<string[]> {
  if ("appIds" in scope) {
    const seen = new Map<string, string>();
    for (const id of scope.appIds) if (!seen.has(id.toLowerCase())) seen.set(id.toLowerCase(), id);
    return [...seen.values()];
  }
  return listFunctionAppIds(clients, scope.subscriptionId, graphPageSize);
}

export async function scanLoops(scope: LoopScanScope, options: LoopScanOptions): Promise<LoopScanResult> {
  const appIds = await appIdsOf(options.clients, scope, options.graphPageSize);
  const reads = await mapBounded(appIds, options.concurrency ?? DEFAULT_CONCURRENCY, (id) => readOne(options, id));
  const apps: FunctionAppInput[] = [];
  const allowList: AllowListEntry[] = [...(options.allowList ?? [])];
  const problems: AppScanProblem[] = [];
  const missingApps: string[] = [];
  for (const read of reads) {
    if ("missing" in read) missingApps.push(read.missing);
    else if ("app" in read) {
      apps.push(read.app);
      allowList.push(...read.allowList);
      if (read.problem) problems.push(read.problem);
    } else problems.push(read.problem);
  }
  const analysis = analyzeLoops(apps, { allowList });
  return {
    ...analysis,
    stats: { ...analysis.stats, scannedApps: apps.map((a) => a.appId), problems, missingApps },
  };
}
