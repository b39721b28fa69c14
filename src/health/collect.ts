// Reads a ReadPlan into a HealthSnapshot, all ARM through ArmClients:
//  - Resource Graph: `Resources | where id in~ (…)` with ≤ batchSize ids per query, $skipToken paging. The role
//    assignments of a principal whose holder (the source with that system-assigned identity) is in the batch come in
//    the same query: a leftouter join with `AuthorizationResources`, summarized to one list per principal, so the
//    row count stays one per resource;
//  - the other principals (user-assigned identities, a principal the source no longer has, a source Graph has not
//    indexed): `AuthorizationResources | where principalId in~ (…)`, ≤ 1000 principals per query, paged;
//  - private endpoints (`Resources | where type =~ 'microsoft.network/privateendpoints'`, paged), only when a
//    connection uses vNetSolution privateLink;
//  - one settings read per (source, scope);
//  - listKeys once per storage account behind a secret; Key Vault secrets on the data plane, and only from vaults ARM
//    reports: the vaults whose `properties.vaultUri` has the origin of a secret to read ride in the first Resource
//    Graph query (tenant-wide, no call of their own); a secret on any other host is never requested.
// Reads run with bounded concurrency under a shared retry budget; a read that still fails is recorded as failed.
import type { RestError } from "@azure/core-rest-pipeline";
import type { ArmClients } from "../azure/clients.js";
import { parseResourceId } from "../azure/resourceId.js";
import type { Sealer } from "../secrets/seal.js";
import { sourceAdapterFor } from "../sources/index.js";
import { parseConnectorScope } from "../model/connector.js";
import { resolveSecretValue } from "../steps/secretValues.js";
import { firewallFor } from "../targets/firewall.js";
import type { ReadPlan } from "./readPlan.js";
import { readFunctionApps } from "./collectFunctions.js";
import { mapBounded } from "../concurrency/mapBounded.js";
import type { RetryBudget } from "./retry.js";
import {
  existenceId, emptySnapshot, failedRead, vaultOrigin, type GraphResource, type HealthSnapshot, type PrivateEndpointRow, type Read, type RoleAssignmentRow,
} from "./snapshot.js";

export interface CollectOptions {
  clients: ArmClients;
  budget: RetryBudget;
  /** Reads in flight at once (default 16). */
  concurrency?: number;
  /** Ids per Resource Graph query (≤ 1000, the service's page limit). */
  graphBatchSize?: number;
  /** Needed for secret sources with sealed parts. */
  sealer?: Sealer;
}

/** Calls made, by kind (each page of a paged listing counts; the SDK's own retries do not). */
export interface CallStats {
  graphQueries: number;
  settingsReads: number;
  /** Graph queries of `AuthorizationResources` alone (also counted in graphQueries); 0 when every principal's
   *  assignments came with its source's row. */
  roleAssignmentQueries: number;
  /** Pages of function listings (webApps.listFunctions) of function-app sources, when the bindings are checked. */
  functionListings: number;
  /** Graph queries of private endpoints (also counted in graphQueries): only when a connection uses privateLink. */
  privateEndpointQueries: number;
  /** Direct role-assignment reads (Microsoft.Authorization), e.g. confirming an assignment Graph does not list. */
  roleAssignmentCalls: number;
  listKeys: number;
  /** Direct reads confirming that a resource Resource Graph does not list is really gone (index lag). */
  confirmReads: number;
  /** Secret actions (listKeys-like) of template secret sources. */
  secretActions: number;
  /** Key Vault data-plane reads (not ARM). */
  secretReads: number;
  /** Wall time of each kind of read (they run concurrently with each other). */
  phaseMs: { graph: number; settings: number; roleAssignments: number; storageKeys: number; secrets: number; functions: number };
}

export function emptyStats(): CallStats {
  return { graphQueries: 0, settingsReads: 0, roleAssignmentQueries: 0, privateEndpointQueries: 0, functionListings: 0, roleAssignmentCalls: 0, listKeys: 0, confirmReads: 0, secretActions: 0, secretReads: 0,
    phaseMs: { graph: 0, settings: 0, roleAssignments: 0, storageKeys: 0, secrets: 0, functions: 0 } };
}

export function armCallsOf(stats: CallStats): number {
  return stats.graphQueries + stats.settingsReads + stats.functionListings + stats.roleAssignmentCalls + stats.listKeys + stats.confirmReads + stats.secretActions;
}


function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function kqlString(s: string): string {
  return `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/** `AuthorizationResources` rows of the role assignments of some principals (lower-cased principalId column). */
export function roleAssignmentsQuery(principalIds: readonly string[]): string {
  return "AuthorizationResources | where type =~ 'microsoft.authorization/roleassignments' " +
    "| extend principalId = tolower(tostring(properties.principalId)), scope = tostring(properties.scope), " +
    "roleDefinitionId = tostring(properties.roleDefinitionId) " +
    `| where principalId in~ (${principalIds.map((p) => kqlString(p.toLowerCase())).join(", ")})`;
}

/** The Resource Graph query for one batch of ids; with principals, each row also carries `roleAssignments`: the
 *  assignments of the principal of its system-assigned identity, when that principal is one of them. With vault
 *  origins (see vaultOrigin), the Key Vaults whose `properties.vaultUri` has one of them come as rows too. */
export function graphQuery(ids: readonly string[], principalIds: readonly string[] = [], vaultOrigins: readonly string[] = []): string {
  const byId = `id in~ (${ids.map(kqlString).join(", ")})`;
  const vaults = `(type =~ 'microsoft.keyvault/vaults' and vaultUri in~ (${vaultOrigins.flatMap((o) => [`${o}/`, o]).map(kqlString).join(", ")}))`;
  const resources = !vaultOrigins.length ? `Resources | where ${byId}`
    : `Resources | extend vaultUri = tolower(tostring(properties.vaultUri)) | where ${ids.length ? `${byId} or ${vaults}` : vaults}`;
  if (!principalIds.length) return `${resources} | project id, type, kind, properties, identity`;
  return `${resources} | extend principalId = tolower(tostring(identity.principalId)) ` +
    `| join kind=leftouter (${roleAssignmentsQuery(principalIds)} ` +
    "| summarize roleAssignments = make_list(bag_pack('id', id, 'scope', scope, 'roleDefinitionId', roleDefinitionId)) by principalId) on principalId " +
    "| project id, type, kind, properties, identity, principalId, roleAssignments";
}

/** What the Graph reads learn about role assignments, by lower-cased principal id. */
interface RoleReads {
  rows: Map<string, RoleAssignmentRow[]>;
  failed: Map<string, string>;
}

type GraphRow = GraphResource & { principalId?: string; roleAssignments?: { id?: string; scope?: string; roleDefinitionId?: string }[] | null };

/** Every page of one Resource Graph query ($skipToken paging), each page one call under the retry budget. */
async function graphPages<T>(query: string, subscriptions: string[] | undefined, o: CollectOptions, stats: CallStats, onCall: () => void = () => undefined): Promise<T[]> {
  const rows: T[] = [];
  let skipToken: string | undefined;
  for (let page = 0; page < 100; page++) {
    const response = await o.budget.run("resource graph", () => {
      stats.graphQueries++;
      onCall();
      return o.clients.resourceGraph().resources({
        query, ...(subscriptions ? { subscriptions } : {}),
        options: { top: 1000, resultFormat: "objectArray", ...(skipToken ? { skipToken } : {}) },
      });
    });
    rows.push(...((response.data ?? []) as T[]));
    skipToken = response.skipToken;
    if (!skipToken) return rows;
  }
  throw new Error("Resource Graph returned more than 100 pages for one query");
}

function subscriptionsOf(ids: Iterable<string>): string[] {
  return [...new Set([...ids].map((id) => parseResourceId(id)?.subscriptionId?.toLowerCase()).filter((s): s is string => Boolean(s)))];
}

function roleRow(principalId: string, ra: { id?: string; scope?: string; roleDefinitionId?: string }): RoleAssignmentRow {
  return { id: ra.id, scope: ra.scope ?? "", principalId, roleDefinitionId: ra.roleDefinitionId ?? "" };
}

/** The distinct origins of the vaults whose secrets the plan reads. */
function vaultOriginsOf(plan: ReadPlan): string[] {
  return [...new Set(plan.secrets.map((s) => vaultOrigin(s.vaultUri)).filter((o): o is string => Boolean(o)))];
}

async function readGraph(plan: ReadPlan, o: CollectOptions, snap: HealthSnapshot, stats: CallStats, roles: RoleReads): Promise<void> {
  const size = Math.min(o.graphBatchSize ?? 1000, 1000);
  const batches = chunk(plan.resourceIds, size);
  // The vaults to recognise ride in the first queries (≤ 1000 origins each): no query of their own.
  const vaultBatches = chunk(vaultOriginsOf(plan), 1000);
  const wanted = new Set([...plan.roleAssignments.values()].flat().map((p) => p.principalId.toLowerCase()));
  const roleSubscriptions = [...plan.roleAssignments.keys()].filter(Boolean);
  const queries = Array.from({ length: Math.max(batches.length, vaultBatches.length) }, (_, i) => ({ ids: batches[i] ?? [], vaults: vaultBatches[i] ?? [] }));
  await mapBounded(queries, o.concurrency ?? 16, async ({ ids, vaults }) => {
    const inBatch = new Set(ids);
    const principals = [...plan.principalHolders].filter(([p, holder]) => wanted.has(p) && inBatch.has(holder)).map(([p]) => p);
    // A vault may be in any subscription linkwright can read: a query carrying vaults is not limited to the batch's.
    const subscriptions = vaults.length ? undefined : [...new Set([...subscriptionsOf(ids), ...(principals.length ? roleSubscriptions : [])])];
    try {
      const rows = await graphPages<GraphRow>(graphQuery(ids, principals, vaults), subscriptions, o, stats);
      const byId = new Map(rows.map((r) => [existenceId(r.id), { id: r.id, type: r.type, properties: r.properties ?? {}, identity: r.identity ?? null, ...(typeof r.kind === "string" ? { kind: r.kind } : {}) }]));
      for (const id of ids) snap.resources.set(id, { ok: true, value: byId.get(id) });
      for (const r of rows) {
        const p = (r.principalId ?? "").toLowerCase();
        if (!p || !principals.includes(p) || plan.principalHolders.get(p) !== existenceId(r.id)) continue;
        roles.rows.set(p, (r.roleAssignments ?? []).map((ra) => roleRow(p, ra)));
      }
      const reported = new Map<string, string>();
      for (const r of rows) {
        if (String(r.type).toLowerCase() !== "microsoft.keyvault/vaults") continue;
        const origin = vaultOrigin(String((r.properties ?? {})["vaultUri"] ?? ""));
        if (origin) reported.set(origin, r.id);
      }
      for (const origin of vaults) snap.keyVaults.set(origin, { ok: true, value: reported.get(origin) });
    } catch (e) {
      for (const id of ids) snap.resources.set(id, failedRead(e));
      for (const p of principals) roles.failed.set(p, failedRead(e).error);
      for (const origin of vaults) snap.keyVaults.set(origin, failedRead(e));
    }
  });
}

/** Role assignments of the principals the resource rows did not bring (no holder in the plan, holder not indexed,
 *  or a holder whose identity now has another principal). */
async function readOtherRoleAssignments(plan: ReadPlan, o: CollectOptions, stats: CallStats, roles: RoleReads): Promise<void> {
  const wanted = [...new Set([...plan.roleAssignments.values()].flat().map((p) => p.principalId.toLowerCase()))];
  const rest = wanted.filter((p) => !roles.rows.has(p) && !roles.failed.has(p));
  const subscriptions = [...plan.roleAssignments.keys()].filter(Boolean);
  await mapBounded(chunk(rest, 1000), o.concurrency ?? 16, async (principals) => {
    try {
      const rows = await graphPages<{ id?: string; principalId?: string; scope?: string; roleDefinitionId?: string }>(
        `${roleAssignmentsQuery(principals)} | project id, principalId, scope, roleDefinitionId`, subscriptions, o, stats,
        () => { stats.roleAssignmentQueries++; });
      for (const p of principals) roles.rows.set(p, []);
      for (const r of rows) {
        const p = (r.principalId ?? "").toLowerCase();
        roles.rows.get(p)?.push(roleRow(p, r));
      }
    } catch (e) {
      for (const p of principals) roles.failed.set(p, failedRead(e).error);
    }
  });
}

/** The private endpoints whose connections may name a privateLink connection's target: every private endpoint in
 *  the plan's subscriptions (one paged Graph query; filtered client-side by target). */
export function privateEndpointsQuery(): string {
  return "Resources | where type =~ 'microsoft.network/privateendpoints' | project id, properties";
}

async function readPrivateEndpoints(plan: ReadPlan, o: CollectOptions, snap: HealthSnapshot, stats: CallStats): Promise<void> {
  if (!plan.privateLinkTargets.length) return;
  try {
    const rows = await graphPages<PrivateEndpointRow>(privateEndpointsQuery(), subscriptionsOf(plan.resourceIds), o, stats, () => { stats.privateEndpointQueries++; });
    snap.privateEndpoints = { ok: true, value: rows.map((r) => ({ id: r.id, properties: r.properties ?? {} })) };
  } catch (e) {
    snap.privateEndpoints = failedRead(e);
  }
}

/** Per subscription of the plan: the assignments of its principals, or the failure of a read it needed. */
function fillRoleAssignments(plan: ReadPlan, snap: HealthSnapshot, roles: RoleReads): void {
  for (const [sub, pairs] of plan.roleAssignments) {
    const principals = [...new Set(pairs.map((p) => p.principalId.toLowerCase()))];
    const error = principals.map((p) => roles.failed.get(p)).find(Boolean);
    snap.roleAssignments.set(sub, error ? { ok: false, error } : { ok: true, value: principals.flatMap((p) => roles.rows.get(p) ?? []) });
  }
}

const SOURCE_TYPES = new Set(["microsoft.web/sites", "microsoft.web/sites/slots", "microsoft.app/containerapps"]);

/** Resource Graph indexes new resources with a delay: a resource it does not list is read directly before it is
 *  reported missing (sources through their adapter, firewalled targets through theirs; others keep Graph's answer).
 *  A local connection's source is a connector scope, which no Graph row lists: it exists while its resource group does. */
async function confirmMissing(o: CollectOptions, snap: HealthSnapshot, stats: CallStats): Promise<void> {
  const missing = [...snap.resources].filter(([, r]) => r.ok && r.value === undefined).map(([id]) => id);
  await mapBounded(missing, o.concurrency ?? 16, async (id) => {
    const type = parseResourceId(id)?.fullType.toLowerCase() ?? "";
    const firewall = SOURCE_TYPES.has(type) ? undefined : firewallFor(o.clients, id);
    const connector = parseConnectorScope(id);
    const read: (() => Promise<unknown>) | undefined = SOURCE_TYPES.has(type) ? () => sourceAdapterFor(o.clients, id).read()
      : connector ? () => o.clients.resources(connector.subscriptionId).resourceGroups.get(connector.resourceGroup)
      : firewall ? () => firewall.read() : undefined;
    if (!read) return;
    try {
      await o.budget.run("confirm", () => {
        stats.confirmReads++;
        return read();
      });
      snap.resources.set(id, { ok: true, value: { id, type, properties: {}, identity: null, unindexed: true } });
    } catch (e) {
      if ((e as RestError).statusCode !== 404) snap.resources.set(id, failedRead(e));
    }
  });
}

async function readSettings(plan: ReadPlan, o: CollectOptions, snap: HealthSnapshot, stats: CallStats): Promise<void> {
  await mapBounded(plan.settings, o.concurrency ?? 16, async (s) => {
    try {
      const value = await o.budget.run("settings", () => {
        stats.settingsReads++;
        return sourceAdapterFor(o.clients, s.sourceId, s.scope).readSettings();
      });
      snap.settings.set(s.key, { ok: true, value });
    } catch (e) {
      snap.settings.set(s.key, failedRead(e));
    }
  });
}

async function readStorageKeys(plan: ReadPlan, o: CollectOptions, snap: HealthSnapshot, stats: CallStats): Promise<void> {
  await mapBounded(plan.storageAccounts, o.concurrency ?? 16, async (accountId) => {
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
      snap.storageKeys.set(key, failedRead(e));
    }
  });
}

/** Secrets of the vaults ARM reports (snap.keyVaults, filled by readGraph); nothing is sent to any other host. */
async function readSecrets(plan: ReadPlan, o: CollectOptions, snap: HealthSnapshot, stats: CallStats): Promise<void> {
  const recognised = plan.secrets.filter((s) => {
    const origin = vaultOrigin(s.vaultUri);
    const vault = origin ? snap.keyVaults.get(origin) : undefined;
    return vault?.ok === true && vault.value !== undefined;
  });
  await mapBounded(recognised, o.concurrency ?? 16, async (s) => {
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
      read = failedRead(e);
    }
    snap.keyVaultSecrets.set(s.key, read);
  });
}

async function readResolvedSecrets(plan: ReadPlan, o: CollectOptions, snap: HealthSnapshot, stats: CallStats): Promise<void> {
  const sealer: Sealer = o.sealer ?? {
    seal() { throw new Error("health checks never seal"); },
    unseal() { throw new Error("no sealer configured for health checks"); },
  };
  await mapBounded(plan.resolvedSecrets, o.concurrency ?? 16, async ({ key, source }) => {
    try {
      const value = await o.budget.run("secret action", () => {
        stats.secretActions++;
        return resolveSecretValue(source, { clients: o.clients, sealer });
      });
      snap.resolvedSecrets.set(key, { ok: true, value });
    } catch (e) {
      snap.resolvedSecrets.set(key, failedRead(e));
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
  const roles: RoleReads = { rows: new Map(), failed: new Map() };
  const graph = readGraph(plan, options, snap, stats, roles);
  const settings = readSettings(plan, options, snap, stats);
  await Promise.all([
    timed("graph", Promise.all([graph.then(() => confirmMissing(options, snap, stats)), readPrivateEndpoints(plan, options, snap, stats)]).then(() => undefined)),
    timed("settings", settings),
    timed("functions", Promise.all([graph, settings]).then(() => readFunctionApps(plan, options, snap, stats))),
    timed("roleAssignments", graph.then(() => readOtherRoleAssignments(plan, options, stats, roles)).then(() => fillRoleAssignments(plan, snap, roles))),
    timed("storageKeys", readStorageKeys(plan, options, snap, stats)),
    timed("secrets", Promise.all([graph.then(() => readSecrets(plan, options, snap, stats)), readResolvedSecrets(plan, options, snap, stats)]).then(() => undefined)),
  ]);
  return snap;
}
