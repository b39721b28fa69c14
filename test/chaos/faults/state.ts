// The world a fault-matrix cell is judged on, and how two of them compare.
//   world:    every ARM resource (settings, role assignments, identities, firewall and subnet rules, Key Vault secrets with
//             all their versions, App Configuration key-values: the data planes live in the ARM store), the directory's
//             principals (a system identity turned on creates one), and every database server's users with their grants.
//   same:     "rolled back" — byte-identical but for what any write renews in Azure too: modification stamps (systemData,
//             lastModifiedTimeUtc, a role assignment's updatedOn/updatedBy, a key-value's last_modified, a Container
//             App's revision names) and etags / the store's syncSeq, which every write changes even where it restores
//             the content; a role assignment's own createdOn/createdBy (what systemData.createdAt, left out above for
//             every resource, says), so one put back under its deterministic name is the same assignment; an App
//             Configuration store's key-values compare in the order its API lists them. Nothing else is left out: a
//             restored secret has its versions and their ids.
//   shape:    "fully applied" — as a fault-free run of the same operation from the same start left it, with what differs
//             between any two runs blurred: ids minted since the baseline (a new principal, a role assignment named after
//             it, a secret version), timestamps and etags. Resources are compared as a multiset, so one role assignment or one
//             secret version too many is a difference.
import { TableServiceClient, TableClient, odata } from "@azure/data-tables";
import { tableNames } from "../../../src/store/tableClients.js";
import type { FaultEnv } from "./env.js";
import { TABLE_PREFIX } from "./env.js";
import type { EmulatorSnapshot } from "../../../sandbox/arm/index.js";
import type { DatabaseSnapshot } from "../../../sandbox/databases/index.js";

export interface World {
  resources: Record<string, string>;
  principals: string[];
  databaseUsers: string[];
}

const RENEWED_BY_ANY_WRITE = new Set(["systemData", "lastModifiedTimeUtc", "latestRevisionName", "latestReadyRevisionName", "latestRevisionFqdn",
  "etag", "syncSeq", "last_modified", "updatedOn", "updatedBy", "createdOn", "createdBy"]);

/** Key order carries no meaning; an identity of type None equals no identity; an empty settings set equals none. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (!v || typeof v !== "object") return v;
  let o = v as Record<string, unknown>;
  // An App Configuration store's key-values as its API lists them: sorted by key and label (the emulator keeps them
  // in write order, which no client sees).
  if (Array.isArray(o.keyValues)) {
    const id = (kv: { key?: string; label?: string | null }) => `${kv.key}\u0000${kv.label ?? ""}`;
    o = { ...o, keyValues: [...(o.keyValues as { key?: string }[])].sort((a, b) => (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0)) };
  }
  const keep = (k: string) => !RENEWED_BY_ANY_WRITE.has(k)
    && !(k === "identity" && (o[k] as { type?: string } | null)?.type === "None")
    && !(k === "appSettings" && o[k] && typeof o[k] === "object" && Object.keys(o[k] as object).length === 0);
  return Object.fromEntries(Object.keys(o).filter(keep).sort().map((k) => [k, canonical(o[k])]));
}

export function worldOf(env: FaultEnv): World {
  const snapshot = env.arm.control.snapshot();
  const resources: Record<string, string> = {};
  for (const r of snapshot.store.resources as { id: string }[]) resources[r.id.toLowerCase()] = JSON.stringify(canonical(r));
  return {
    resources,
    principals: snapshot.principals.principals.map((p) => JSON.stringify(canonical(p))).sort(),
    databaseUsers: Object.entries(env.databases.emulators.snapshot())
      .flatMap(([server, users]) => users.map((u) => `${server} ${JSON.stringify(canonical(u))}`)).sort(),
  };
}

/** What differs between two worlds (empty when byte-identical but for renewed stamps), one line each. */
export function worldDiff(before: World, after: World): string[] {
  const out: string[] = [];
  for (const [id, v] of Object.entries(before.resources)) {
    const w = after.resources[id];
    if (w === undefined) out.push(`removed ${id}`);
    else if (w !== v) out.push(`changed ${id}: ${firstDifference(v, w)}`);
  }
  for (const id of Object.keys(after.resources)) if (!(id in before.resources)) out.push(`added ${id}: ${after.resources[id]!.slice(0, 300)}`);
  out.push(...listDiff("principal", before.principals, after.principals), ...listDiff("database user", before.databaseUsers, after.databaseUsers));
  return out;
}

function listDiff(what: string, a: string[], b: string[]): string[] {
  const rest = [...b];
  const out: string[] = [];
  for (const x of a) {
    const i = rest.indexOf(x);
    if (i >= 0) rest.splice(i, 1);
    else out.push(`${what} gone: ${x.slice(0, 200)}`);
  }
  return [...out, ...rest.map((x) => `${what} added: ${x.slice(0, 200)}`)];
}

function firstDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return `…${a.slice(Math.max(0, i - 100), i + 120)}  ⇒  …${b.slice(Math.max(0, i - 100), i + 120)}`;
}

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const HEX32 = /\b[0-9a-f]{32}\b/g;
const ISO_TIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?/g;
const RUN_STAMPS = /"(created|updated|createdOn|updatedOn|createdBy|updatedBy|last_modified|createdAt|updatedAt)":("[^"]*"|\d+|null)/g;

/** A world with what any run mints blurred (ids not in `baseline`, versions, times), as a sorted multiset of lines. */
export function shapeOf(world: World, baseline: World): string[] {
  const known = new Set<string>();
  for (const text of [...Object.values(baseline.resources), ...baseline.principals, ...baseline.databaseUsers]) {
    for (const m of text.matchAll(GUID)) known.add(m[0].toLowerCase());
  }
  const blur = (s: string) => s
    .replace(RUN_STAMPS, '"$1":"<stamp>"')
    .replace(ISO_TIME, "<time>")
    .replace(GUID, (g) => (known.has(g.toLowerCase()) ? g : "<new-id>"))
    .replace(HEX32, "<version>");
  return [
    ...Object.entries(world.resources).map(([id, v]) => `${blur(id)} ${blur(v)}`),
    ...world.principals.map((p) => `principal ${blur(p)}`),
    ...world.databaseUsers.map((u) => `user ${blur(u)}`),
  ].sort();
}

/** Lines of one shape not in the other (a multiset difference both ways). */
export function shapeDiff(expected: string[], actual: string[]): string[] {
  return listDiff("line", expected, actual);
}

// ── resetting the world between cells ───────────────────────────────────────────────────────────────────────────

export interface Baseline {
  arm: EmulatorSnapshot;
  databases: DatabaseSnapshot;
  world: World;
}

export function baselineOf(env: FaultEnv): Baseline {
  return { arm: env.arm.control.snapshot(), databases: env.databases.emulators.snapshot(), world: worldOf(env) };
}

/** Back to the baseline: ARM store and directory, database users, no rules, no connection records. */
export async function resetTo(env: FaultEnv, baseline: Baseline): Promise<void> {
  env.arm.control.clearRules();
  env.tables.clearRules();
  env.databases.emulators.faults.clear();
  env.arm.control.restore(baseline.arm);
  env.arm.control.resetCalls();
  env.databases.emulators.restore(baseline.databases);
  const service = TableServiceClient.fromConnectionString(env.azurite.connectionString);
  for await (const t of service.listTables()) {
    if (!t.name?.startsWith(TABLE_PREFIX)) continue;
    const table = TableClient.fromConnectionString(env.azurite.connectionString, t.name);
    for await (const e of table.listEntities()) await table.deleteEntity(e.partitionKey!, e.rowKey!);
  }
}

/** Write-ahead journal entries in linkwright's operations table (src/store/stepJournal.ts: RowKey "step-…"). */
export async function journalEntries(env: FaultEnv): Promise<number> {
  const table = TableClient.fromConnectionString(env.azurite.connectionString, tableNames(TABLE_PREFIX).operations);
  let n = 0;
  for await (const _ of table.listEntities({ queryOptions: { filter: odata`RowKey ge ${"step-"} and RowKey lt ${"step."}`, select: ["RowKey"] } })) n++;
  return n;
}
