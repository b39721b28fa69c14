// What linkwright did for one operation, as ARM saw it: the activity log (official @azure/arm-monitor
// `activityLogs.list` against the ARM endpoint) for the operation's time window, filtered to linkwright's own
// identity, one line per step (identity, role, firewall, service endpoint, settings, Key Vault secret, …).
// Data-plane work (Key Vault secret values, App Configuration keys, database users) is not in ARM's activity log.
import type { TokenCredential } from "@azure/core-auth";
import { MonitorClient, type EventData } from "@azure/arm-monitor";
import { AuthorizationManagementClient } from "@azure/arm-authorization";

/** What each ARM operation linkwright performs means, as the README names its steps. */
const STEPS: [RegExp, string][] = [
  [/^Microsoft\.Authorization\/roleAssignments\/(write|delete)$/i, "role"],
  [/^Microsoft\.ManagedIdentity\/userAssignedIdentities\/assign\/action$/i, "identity"],
  [/^Microsoft\.Web\/sites(\/slots)?\/write$/i, "identity"],
  [/^Microsoft\.App\/containerApps\/write$/i, "identity / settings"],
  [/^Microsoft\.Web\/sites(\/slots)?\/config\/write$/i, "settings"],
  [/^Microsoft\.Network\/virtualNetworks\/subnets\/write$/i, "service endpoint"],
  [/^Microsoft\.KeyVault\/vaults\/secrets\/(write|delete)$/i, "secret store"],
  [/^Microsoft\.AppConfiguration\/configurationStores\/keyValues\/(write|delete)$/i, "App Configuration"],
  [/firewallRules\/(write|delete)$|networkRuleSets\/write$|^Microsoft\.(Storage\/storageAccounts|KeyVault\/vaults|DocumentDB\/databaseAccounts|Cache\/Redis|CognitiveServices\/accounts|SignalRService\/\w+|AppConfiguration\/configurationStores)\/write$/i, "firewall"],
];

export interface Step {
  at: Date;
  step: string;
  operation: string;
  resourceId: string;
  status: string;
  detail?: string;
}

export interface StepsReport {
  steps: Step[];
  /** Step details by lower-cased resource id (pass as `known` to describe the same resources later). */
  details: Map<string, string>;
  /** Reads performed as actions (settings lists, listKeys), counted by operation. */
  reads: Record<string, number>;
}

const isRead = (op: string) => /\/(list|listKeys|listkeys|read)(\/action)?$|\/list\w*\/action$/i.test(op);

/** The EndRequest entries of linkwright's identity between `from` and `to`, oldest first. */
export async function linkwrightActivity(options: {
  credential: TokenCredential; armEndpoint: string; subscriptionId: string; linkwrightClientId: string; from: Date; to: Date;
}): Promise<EventData[]> {
  const monitor = new MonitorClient(options.credential, options.subscriptionId, { endpoint: options.armEndpoint });
  const filter = `eventTimestamp ge '${options.from.toISOString()}' and eventTimestamp le '${options.to.toISOString()}' and caller eq '${options.linkwrightClientId}'`;
  const out: EventData[] = [];
  for await (const e of monitor.activityLogs.list(filter)) {
    if (e.eventName?.value && e.eventName.value !== "EndRequest") continue;
    out.push(e);
  }
  return out.sort((a, b) => (a.eventTimestamp?.getTime() ?? 0) - (b.eventTimestamp?.getTime() ?? 0));
}

/** Steps from activity entries; role assignments written are described (role name, principal, scope) while they exist. */
export async function describeSteps(entries: EventData[], options: {
  credential: TokenCredential; armEndpoint: string; subscriptionId: string;
  /** Details learnt earlier by resource id (a role assignment described at its create, for its delete). */
  known?: ReadonlyMap<string, string>;
}): Promise<StepsReport> {
  const authz = new AuthorizationManagementClient(options.credential, options.subscriptionId, { endpoint: options.armEndpoint });
  const steps: Step[] = [];
  const reads: Record<string, number> = {};
  const roleNames = new Map<string, string>();
  for (const e of entries) {
    const op = e.operationName?.value ?? "";
    if (isRead(op)) {
      reads[op] = (reads[op] ?? 0) + 1;
      continue;
    }
    const step = STEPS.find(([re]) => re.test(op))?.[1] ?? "other";
    const resourceId = e.resourceId ?? "";
    let detail = options.known?.get(resourceId.toLowerCase());
    if (!detail && /roleAssignments\/write$/i.test(op) && (e.status?.value ?? "") === "Succeeded") {
      try {
        const ra = await authz.roleAssignments.getById(resourceId);
        const defId = ra.roleDefinitionId ?? "";
        let role = roleNames.get(defId);
        if (!role) {
          role = (await authz.roleDefinitions.getById(defId)).roleName ?? defId.split("/").pop() ?? defId;
          roleNames.set(defId, role);
        }
        detail = `${role} for principal ${ra.principalId} at ${shortScope(ra.scope ?? "")}`;
      } catch {
        detail = "(since removed)";
      }
    }
    steps.push({ at: e.eventTimestamp ?? new Date(0), step, operation: op, resourceId, status: e.status?.value ?? "", ...(detail ? { detail } : {}) });
  }
  const details = new Map<string, string>();
  for (const st of steps) if (st.detail && st.detail !== "(since removed)") details.set(st.resourceId.toLowerCase(), st.detail);
  return { steps, reads, details };
}

/** `…/storageAccounts/acct/blobServices/default` → `acct/blobServices/default`: the resource from its top-level name on. */
export function shortScope(id: string): string {
  const m = /\/providers\/[^/]+\/[^/]+\/(.+)$/i.exec(id.replace(/\/providers\/Microsoft\.Authorization\/roleAssignments\/.*$/i, ""));
  return m ? m[1]! : id;
}

/** Lines for a report: `+0.05 s  role  Microsoft.Authorization/roleAssignments/write  Storage Blob Data Contributor …`. */
export function stepLines(report: StepsReport, start: Date, nothing = "everything was already in place"): string[] {
  const width = Math.max(0, ...report.steps.map((s) => s.step.length));
  const lines = report.steps.map((s, i) => {
    const t = ((s.at.getTime() - start.getTime()) / 1000).toFixed(2);
    const target = /roleAssignments/i.test(s.operation) ? "" : ` on ${shortScope(s.resourceId)}`;
    return `  ${i + 1}. +${t} s  ${s.step.padEnd(width)}  ${s.operation}${target}${s.detail ? `: ${s.detail}` : ""}${s.status === "Succeeded" ? "" : ` (${s.status})`}`;
  });
  const reads = Object.entries(report.reads).map(([op, n]) => `${op.split("/").slice(-3).join("/")} ×${n}`);
  if (reads.length) lines.push(`     and reads: ${reads.join(", ")}`);
  if (!report.steps.length) lines.push(`  (no ARM writes by linkwright's identity: ${nothing})`);
  return lines;
}
