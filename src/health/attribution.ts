// "Who changed it": for a failing check, the resource it depends on and the kinds of operations that break it;
// the latest such successful write/delete/action in the activity log (@azure/arm-monitor through ArmClients)
// names the caller, the operation and the time.
import type { StoredLinker } from "../model/connection.js";
import type { ArmClients } from "../azure/clients.js";
import type { FirewallInput } from "../model/steps.js";
import type { KeyVaultSecretInput } from "../model/steps.js";
import type { RoleAssignmentInput } from "../model/steps.js";
import type { SettingsInput } from "../model/steps.js";
import type { SecretSource } from "../model/steps.js";
import { appliedSteps, targetIdOf } from "./evaluate.js";
import { ownCallerIds } from "../azure/ownIdentity.js";
import { existenceId } from "./snapshot.js";
import { subscriptionOf } from "../azure/resourceId.js";
import { CheckNames, type Attribution, type CheckResult } from "./types.js";

/** Where to look in the activity log for a failing check. */
export interface AttributionQuery {
  check: string;
  resourceUri: string;
  /** Operation names (Microsoft.X/y/write …) that can cause the failure. */
  operations: RegExp;
}

/** The resource whose keys a secret comes from (a storage account, a namespace, …), if linkwright reads it from ARM. */
function secretOwnerOf(source: SecretSource | undefined): string | undefined {
  if (!source) return undefined;
  if (source.kind === "storageConnectionString" || source.kind === "storageAccountKey") return existenceId(source.storageAccountId);
  if (source.kind === "template" && source.fetch) return existenceId(source.fetch.resourceId);
  return undefined;
}

/** Operations that change a resource's keys: any regenerate action (storage, Service Bus rules, Cosmos, …) or a write. */
const KEY_CHANGES = /\/(regenerate[A-Za-z]*\/action|write)$/i;

/** Pure: the activity-log lookups that explain the failing checks of one connection. */
export function attributionQueries(linker: StoredLinker, failing: readonly CheckResult[]): AttributionQuery[] {
  const steps = appliedSteps(linker);
  const input = <T>(name: string) => steps.find((s) => s.step === name)?.input as T | undefined;
  const queries: AttributionQuery[] = [];
  for (const check of failing) {
    switch (check.name) {
      case CheckNames.sourceExistence:
        queries.push({ check: check.name, resourceUri: linker.sourceId, operations: /\/delete$/i });
        break;
      case CheckNames.targetExistence: {
        const target = targetIdOf(linker);
        if (target) queries.push({ check: check.name, resourceUri: existenceId(target), operations: /\/delete$/i });
        break;
      }
      case CheckNames.identity:
        queries.push({ check: check.name, resourceUri: linker.sourceId, operations: /\/(sites|slots|containerApps)\/write$/i });
        break;
      case CheckNames.roleAssignment: {
        const ra = input<RoleAssignmentInput>("roleAssignment");
        if (ra) queries.push({ check: check.name, resourceUri: ra.scope, operations: /^Microsoft\.Authorization\/roleAssignments\/(delete|write)$/i });
        break;
      }
      case CheckNames.network: {
        const fw = input<FirewallInput>("firewall");
        if (fw) queries.push({ check: check.name, resourceUri: existenceId(fw.targetId), operations: /\/(storageAccounts|vaults)\/write$/i });
        break;
      }
      case CheckNames.configuration: {
        const settings = input<SettingsInput>("configuration");
        queries.push({ check: check.name, resourceUri: settings?.sourceId ?? linker.sourceId, operations: /(\/config\/write|\/containerApps\/write)$/i });
        break;
      }
      case CheckNames.secret: {
        const settings = input<SettingsInput>("configuration");
        const owner = settings?.settings.map((s) => secretOwnerOf(s.secretSource)).find(Boolean);
        if (owner) queries.push({ check: check.name, resourceUri: owner, operations: KEY_CHANGES });
        break;
      }
      case CheckNames.keyVaultSecret: {
        const kv = input<KeyVaultSecretInput>("secretStore");
        const owner = secretOwnerOf(kv?.source);
        if (owner) queries.push({ check: check.name, resourceUri: owner, operations: KEY_CHANGES });
        break;
      }
      default: break;
    }
  }
  return queries;
}

/** The activity-log $filter for one resource over [from, to] (one of the forms the API accepts). */
export function activityLogFilter(resourceUri: string, from: Date, to: Date): string {
  return `eventTimestamp ge '${from.toISOString()}' and eventTimestamp le '${to.toISOString()}' and resourceUri eq '${resourceUri.replace(/'/g, "''")}'`;
}

export interface AttributionOptions {
  clients: ArmClients;
  /** Look back to here (e.g. the last healthy check); default 24 h before `to`, never more than 90 days. */
  from?: Date;
  to?: Date;
  /** Further callers to skip. */
  ignoreCallers?: string[];
  /** Skip linkwright's own principal, learned from its credential (default true): its writes, auto-heal's
   *  included, are never drift. */
  ignoreSelf?: boolean;
  /** Entries read per query at most (default 500). */
  maxEntries?: number;
}

/** Reads the activity log for each query and returns the latest matching successful operation. */
export async function attribute(queries: readonly AttributionQuery[], options: AttributionOptions): Promise<Attribution[]> {
  const to = options.to ?? new Date();
  const floor = new Date(to.getTime() - 90 * 24 * 3600_000);
  const from = options.from && options.from > floor ? options.from : new Date(Math.max(floor.getTime(), to.getTime() - 24 * 3600_000));
  const own = new Set((await ownCallerIds(options.clients).catch(() => [])).map((c) => c.toLowerCase()));
  const ignore = new Set([...(options.ignoreCallers ?? []), ...(options.ignoreSelf === false ? [] : own)].map((c) => c.toLowerCase()));
  const out: Attribution[] = [];
  for (const q of queries) {
    const sub = subscriptionOf(q.resourceUri);
    if (!sub) continue;
    let best: Attribution | undefined;
    let read = 0;
    for await (const e of options.clients.monitor(sub).activityLogs.list(activityLogFilter(q.resourceUri, from, to))) {
      if (++read > (options.maxEntries ?? 500)) break;
      const op = e.operationName?.value ?? "";
      const status = e.status?.value ?? "";
      if (!q.operations.test(op) || status !== "Succeeded" || ignore.has((e.caller ?? "").toLowerCase())) continue;
      const time = e.eventTimestamp ? new Date(e.eventTimestamp).toISOString() : "";
      if (!best || time > best.time) {
        best = { check: q.check, resourceId: e.resourceId ?? q.resourceUri, caller: e.caller ?? "", operationName: op, time, status,
          ...(own.has((e.caller ?? "").toLowerCase()) ? { byLinkwright: true } : {}) };
      }
    }
    if (best) out.push(best);
  }
  return out;
}

/** Who asked linkwright for the connection's last accepted change (its audit record), as the activity log would name
 *  them: "<object id> (User|Application[, app <app id>])". */
export function requesterOf(linker: StoredLinker): string | undefined {
  const c = linker.authorization?.caller;
  return c ? `${c.objectId} (${c.principalType}${c.appId ? `, app ${c.appId}` : ""})` : undefined;
}

/** linkwright's own entries carry who asked for the connection's last change. */
export function withRequester(attributions: Attribution[], linker: StoredLinker): Attribution[] {
  const requester = requesterOf(linker);
  return attributions.map((a) => (a.byLinkwright && requester ? { ...a, requestedBy: requester } : a));
}

/** Appends "Last changed by …" to the failing check the attribution explains (wire shape unchanged). */
export function withAttribution(details: CheckResult[], attributions: readonly Attribution[]): CheckResult[] {
  return details.map((d) => {
    const a = attributions.find((x) => x.check === d.name);
    if (!a || d.result !== "failure") return d;
    const by = a.byLinkwright ? `linkwright (${a.caller})${a.requestedBy ? `, requested by ${a.requestedBy}` : ""}` : a.caller;
    return { ...d, errorMessage: `${d.errorMessage ?? ""} Last change: ${a.operationName} on ${a.resourceId} by ${by} at ${a.time}.`.trim() };
  });
}
