// Reads a ReadPlan into a HealthSnapshot, all ARM through ArmClients:
//  - Resource Graph: `Resources | where id in~ (…)` with ≤ batchSize ids per query, $skipToken paging;
//  - one settings read per (source, scope);
//  - role assignments: per subscription, one listing (paged) when several (scope, principal) pairs are wanted,
//    else one filtered listForScope per pair;
//  - listKeys once per storage account behind a secret; Key Vault secrets on the data plane.
// Reads run with bounded concurrency under a shared retry budget; a read that still fails is recorded as failed.
import type { RestError } from "@azure/core-rest-pipeline";
import type { ArmClients } from "../azure/clients.js";
import { parseResourceId } from "../azure/resourceId.js";
import type { Sealer } from "../secrets/seal.js";
import { sourceAdapterFor } from "../sources/index.js";
import { resolveSecretValue } from "../steps/secretValues.js";
import { firewallFor } from "../targets/firewall.js";
import type { ReadPlan } from "./readPlan.js";
import { mapLimit, type RetryBudget } from "./retry.js";
import { existenceId, emptySnapshot, type GraphResource, type HealthSnapshot, type Read, type RoleAssignmentRow } from "./snapshot.js";

export interface CollectOptions {
  clients: ArmClients;
  budget: RetryBudget;
  /** Reads in flight at once (default 16). */
  concurrency?: number;
  /** Ids per Resource Graph query (≤ 1000, the service's page limit). */
  graphBatchSize?: number;
  /** Up to this many (scope, principal) pairs in a subscription are looked up one by one; more → one listing. */
  roleAssignmentPairsPerListing?: number;
  /** Needed for secret sources with sealed parts. */
  sealer?: Sealer;
}

/** Calls made, by kind (each page of a paged listing counts; the SDK's own retries do not). */
export interface CallStats {
  graphQueries: number;
  settingsReads: number;
  roleAssignmentCalls: number;
  listKeys: number;
  /** Direct reads confirming that a resource Resource Graph does not list is really gone (index lag). */
  confirmReads: number;
  /** Secret actions (listKeys-like) of template secret sources. */
  secretActions: number;
  /** Key Vault data-plane reads (not ARM). */
  secretReads: number;
  /** Wall time of each kind of read (they run concurrently with each other). */
  phaseMs: { graph: number; settings: number; roleAssignments: number; storageKeys: number; secrets: number };
}

export function emptyStats(): CallStats {
  return { graphQueries: 0, settingsReads: 0, roleAssignmentCalls: 0, listKeys: 0, confirmReads: 0, secretActions: 0, secretReads: 0,
    phaseMs: { graph: 0, settings: 0, roleAssignments: 0, storageKeys: 0, secrets: 0 } };
}

export function armCallsOf(stats: CallStats): number {
  return stats.graphQueries + stats.settingsReads + stats.roleAssignmentCalls + stats.listKeys + stats.confirmReads + stats.secretActions;
}

function failed(e: unknown): { ok: false; error: string } {
  const err = e as RestError;
  return { ok: false, error: `${err.code ?? err.statusCode ?? "Error"}: ${(err.message ?? String(e)).split("\n")[0]}` };
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function kqlString(s: string): string {
  return `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/** The Resource Graph query for one batch of ids. */
export function graphQuery(ids: readonly string[]): string {
  return `Resources | where id in~ (${ids.map(kqlString).join(", ")}) | project id, type, properties, identity`;
}

async function readGraph(plan: ReadPlan, o: CollectOptions, snap: HealthSnapshot, stats: CallStats): Promise<void> {
  const size = Math.min(o.graphBatchSize ?? 1000, 1000);
  const batches = chunk(plan.resourceIds, size);
  await mapLimit(batches, o.concurrency ?? 16, async (ids) => {
    const subscriptions = [...new Set(ids.map((id) => parseResourceId(id)?.subscriptionId).filter((s): s is string => Boolean(s)))];
    try {
      const rows: GraphResource[] = [];
      let skipToken: string | undefined;
      for (let page = 0; page < 100; page++) {
        const response = await o.budget.run("resource graph", () => {
          stats.graphQueries++;
          return o.clients.resourceGraph().resources({
            query: graphQuery(ids), subscriptions,
            options: { top: 1000, resultFormat: "objectArray", ...(skipToken ? { skipToken } : {}) },
          });
        });
        rows.push(...((response.data ?? []) as GraphResource[]));
        skipToken = response.skipToken;
        if (!skipToken) break;
      }
      const byId = new Map(rows.map((r) => [existenceId(r.id), { ...r, properties: r.properties ?? {}, identity: r.identity ?? null }]));
      for (const id of ids) snap.resources.set(id, { ok: true, value: byId.get(id) });
    } catch (e) {
      for (const id of ids) snap.resources.set(id, failed(e));
    }
  });
}

const SOURCE_TYPES = new Set(["microsoft.web/sites", "microsoft.web/sites/slots", "microsoft.app/containerapps"]);

/** Resource Graph indexes new resources with a delay: a resource it does not list is read directly before it is
 *  reported missing (sources through their adapter, firewalled targets through theirs; others keep Graph's answer). */
async function confirmMissing(o: CollectOptions, snap: HealthSnapshot, stats: CallStats): Promise<void> {
  const missing = [...snap.resources].filter(([, r]) => r.ok && r.value === undefined).map(([id]) => id);
  await mapLimit(missing, o.concurrency ?? 16, async (id) => {
    const type = parseResourceId(id)?.fullType.toLowerCase() ?? "";
    const firewall = SOURCE_TYPES.has(type) ? undefined : firewallFor(o.clients, id);
    const read: (() => Promise<unknown>) | undefined = SOURCE_TYPES.has(type) ? () => sourceAdapterFor(o.clients, id).read()
      : firewall ? () => firewall.read() : undefined;
    if (!read) return;
    try {
      await o.budget.run("confirm", () => {
        stats.confirmReads++;
        return read();
      });
      snap.resources.set(id, { ok: true, value: { id, type, properties: {}, identity: null, unindexed: true } });
    } catch (e) {
      if ((e as RestError).statusCode !== 404) snap.resources.set(id, failed(e));
    }
  });
}

async function readSettings(plan: ReadPlan, o: CollectOptions, snap: HealthSnapshot, stats: CallStats): Promise<void> {
  await mapLimit(plan.settings, o.concurrency ?? 16, async (s) => {
    try {
      const value = await o.budget.run("settings", () => {
        stats.settingsReads++;
        return sourceAdapterFor(o.clients, s.sourceId, s.scope).readSettings();
      });
      snap.settings.set(s.key, { ok: true, value });
    } catch (e) {
      snap.settings.set(s.key, failed(e));
    }
  });
}

function toRow(ra: { id?: string; scope?: string; principalId?: string; roleDefinitionId?: string }): RoleAssignmentRow {
  return { id: ra.id, scope: ra.scope ?? "", principalId: ra.principalId ?? "", roleDefinitionId: ra.roleDefinitionId ?? "" };
}

/** Reads every page of a listing; a failed page restarts the listing with a fresh pager (a pager that threw is
 *  finished, and reading on would silently return a truncated list). Each page request counts as a call. */
async function collectPages<T>(list: () => AsyncIterableIterator<T[]>, o: CollectOptions, stats: CallStats): Promise<T[]> {
  return o.budget.run("listing", async () => {
    const out: T[] = [];
    const pages = list();
    for (let i = 0; i < 10_000; i++) {
      let next: IteratorResult<T[]>;
      try {
        next = await pages.next();
      } catch (e) {
        stats.roleAssignmentCalls++;
        throw e;
      }
      if (next.done) break;
      stats.roleAssignmentCalls++;
      out.push(...next.value);
    }
    return out;
  });
}

async function readRoleAssignments(plan: ReadPlan, o: CollectOptions, snap: HealthSnapshot, stats: CallStats): Promise<void> {
  const perListing = o.roleAssignmentPairsPerListing ?? 1;
  await mapLimit([...plan.roleAssignments], o.concurrency ?? 16, async ([sub, pairs]) => {
    const authz = o.clients.authorization(sub);
    try {
      let rows: RoleAssignmentRow[];
      if (pairs.length > perListing) {
        rows = (await collectPages(() => authz.roleAssignments.listForSubscription().byPage(), o, stats)).map(toRow);
      } else {
        const lists = await mapLimit(pairs, o.concurrency ?? 16, (p) =>
          collectPages(() => authz.roleAssignments.listForScope(p.scope, { filter: `principalId eq '${p.principalId}'` }).byPage(), o, stats));
        rows = lists.flat().map(toRow);
      }
      snap.roleAssignments.set(sub, { ok: true, value: rows });
    } catch (e) {
      snap.roleAssignments.set(sub, failed(e));
    }
  });
}

async function readStorageKeys(plan: ReadPlan, o: CollectOptions, snap: HealthSnapshot, stats: CallStats): Promise<void> {
  await mapLimit(plan.storageAccounts, o.concurrency ?? 16, async (accountId) => {
    const key = existenceId(accountId);
    const id = parseResourceId(accountId);
    if (!id) { snap.storageKeys.set(key, { ok: false, error: `not a storage account id: ${accountId}` }); return; }
    try {
      const result = await o.budget.run("listKeys", () => {
        stats.listKeys++;
        return o.clients.storage(id.subscriptionId).storageAccounts.listKeys(id.resourceGroup, id.names[0]!);
      });
      snap.storageKeys.set(key, { ok: true, value: (result.keys ?? []).map((k) => k.value).filter((v): v is string => Boolean(v)) });
    } catch (e) {
      snap.storageKeys.set(key, failed(e));
    }
  });
}

async function readSecrets(plan: ReadPlan, o: CollectOptions, snap: HealthSnapshot, stats: CallStats): Promise<void> {
  await mapLimit(plan.secrets, o.concurrency ?? 16, async (s) => {
    let read: Read<string | undefined>;
    try {
      const value = await o.budget.run("key vault secret", async () => {
        stats.secretReads++;
        try {
          return (await o.clients.secrets(s.vaultUri).getSecret(s.name)).value;
        } catch (e) {
          if ((e as RestError).statusCode === 404) return undefined;
          throw e;
        }
      });
      read = { ok: true, value };
    } catch (e) {
      read = failed(e);
    }
    snap.keyVaultSecrets.set(s.key, read);
  });
}

async function readResolvedSecrets(plan: ReadPlan, o: CollectOptions, snap: HealthSnapshot, stats: CallStats): Promise<void> {
  const sealer: Sealer = o.sealer ?? {
    seal() { throw new Error("health checks never seal"); },
    unseal() { throw new Error("no sealer configured for health checks"); },
  };
  await mapLimit(plan.resolvedSecrets, o.concurrency ?? 16, async ({ key, source }) => {
    try {
      const value = await o.budget.run("secret action", () => {
        stats.secretActions++;
        return resolveSecretValue(source, { clients: o.clients, sealer });
      });
      snap.resolvedSecrets.set(key, { ok: true, value });
    } catch (e) {
      snap.resolvedSecrets.set(key, failed(e));
    }
  });
}

/** Reads everything the plan names, concurrently by kind. */
export async function collectSnapshot(plan: ReadPlan, options: CollectOptions, stats: CallStats = emptyStats()): Promise<HealthSnapshot> {
  const snap = emptySnapshot();
  const timed = async (phase: keyof CallStats["phaseMs"], work: Promise<void>) => {
    const t0 = performance.now();
    await work;
    stats.phaseMs[phase] += performance.now() - t0;
  };
  await Promise.all([
    timed("graph", readGraph(plan, options, snap, stats).then(() => confirmMissing(options, snap, stats))),
    timed("settings", readSettings(plan, options, snap, stats)),
    timed("roleAssignments", readRoleAssignments(plan, options, snap, stats)),
    timed("storageKeys", readStorageKeys(plan, options, snap, stats)),
    timed("secrets", Promise.all([readSecrets(plan, options, snap, stats), readResolvedSecrets(plan, options, snap, stats)]).then(() => undefined)),
  ]);
  return snap;
}
