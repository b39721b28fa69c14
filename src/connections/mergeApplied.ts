// When a connection is updated, a step that finds its work already done reports no prior state. The prior
// recorded the first time (what existed before linkwright touched the resource) must survive, so deleting the
// connection later still restores it. This merges a run's records into the stored ones.
import type { StoredLinker } from "../model/connection.js";
import type { AppliedStepRecord } from "../model/plan.js";

/** What a step record is about: two records with one key configure the same thing. */
export function keyOf(a: AppliedStepRecord): string {
  const i = a.input as Record<string, unknown>;
  switch (a.step) {
    case "identity": return `identity|${String(i.sourceId).toLowerCase()}|${String(i.userAssignedIdentityId ?? "system").toLowerCase()}`;
    case "roleAssignment": return `role|${String(i.scope).toLowerCase()}|${String(i.role).toLowerCase()}|${String(i.principalId)}`;
    case "firewall": return `firewall|${String(i.targetId).toLowerCase()}`;
    case "secretStore": return `secret|${String(i.vaultUri).toLowerCase()}|${String(i.secretName).toLowerCase()}`;
    case "configuration": return `configuration|${String(i.sourceId).toLowerCase()}|${String(i.scope ?? "").toLowerCase()}`;
    case "serviceEndpoint": return `serviceEndpoint|${String(i.subnetId).toLowerCase()}|${String(i.targetId).toLowerCase()}`;
    case "appConfiguration": return `appConfiguration|${String(i.storeId).toLowerCase()}|${String(i.label ?? "")}`;
    // PostgreSQL/MySQL users are per connection (aad_<connection>), SQL users per identity: the user name tells.
    case "databaseUser": return `databaseUser|${String(i.targetId).toLowerCase()}|${String((i.principal as { objectId?: string } | undefined)?.objectId)}|${String(i.userName)}`;
    default: return `${a.step}|${JSON.stringify(i)}`;
  }
}

export function mergeApplied(previous: AppliedStepRecord[], current: AppliedStepRecord[]): AppliedStepRecord[] {
  const before = new Map(previous.map((p) => [keyOf(p), p]));
  return current.map((c) => {
    const p = before.get(keyOf(c));
    if (!p || !p.changed || p.prior === undefined) return c;
    if (c.step === "configuration" || c.step === "appConfiguration") {
      // Per setting / key: the first prior survives, the latest written value wins.
      type Entry = { name?: string; key?: string; writtenSealed?: string; writtenEtag?: string };
      const id = (x: Entry) => x.name ?? x.key ?? "";
      const old = (p.prior as { changed: Entry[] }).changed;
      const now = c.changed && c.prior ? (c.prior as { changed: Entry[] }).changed : [];
      const names = new Set(old.map(id));
      const merged = { changed: [...old.map((x) => ({ ...x })), ...now.filter((x) => !names.has(id(x)))] };
      for (const x of merged.changed) {
        const latest = now.find((n) => id(n) === id(x));
        if (latest?.writtenSealed) x.writtenSealed = latest.writtenSealed;
        if (latest?.writtenEtag) x.writtenEtag = latest.writtenEtag;
      }
      return { ...c, changed: true, prior: merged };
    }
    return c.changed ? c : { ...c, changed: true, prior: p.prior };
  });
}
