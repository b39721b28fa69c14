// When a connection is updated, a step that finds its work already done reports no prior state. The prior
// recorded the first time (what existed before linkwright touched the resource) must survive, so deleting the
// connection later still restores it. This merges a run's records into the stored ones.
import type { AppliedStepRecord } from "./types.js";
import type { SettingsPrior } from "../steps/settings.js";

function keyOf(a: AppliedStepRecord): string {
  const i = a.input as Record<string, unknown>;
  switch (a.step) {
    case "identity": return `identity|${String(i.sourceId).toLowerCase()}|${String(i.userAssignedIdentityId ?? "system").toLowerCase()}`;
    case "roleAssignment": return `role|${String(i.scope).toLowerCase()}|${String(i.role).toLowerCase()}|${String(i.principalId)}`;
    case "firewall": return `firewall|${String(i.targetId).toLowerCase()}`;
    case "secretStore": return `secret|${String(i.vaultUri).toLowerCase()}|${String(i.secretName).toLowerCase()}`;
    case "configuration": return `configuration|${String(i.sourceId).toLowerCase()}`;
  }
}

export function mergeApplied(previous: AppliedStepRecord[], current: AppliedStepRecord[]): AppliedStepRecord[] {
  const before = new Map(previous.map((p) => [keyOf(p), p]));
  return current.map((c) => {
    const p = before.get(keyOf(c));
    if (!p || !p.changed || p.prior === undefined) return c;
    if (c.step === "configuration") {
      const old = (p.prior as SettingsPrior).changed;
      const now = c.changed && c.prior ? (c.prior as SettingsPrior).changed : [];
      const names = new Set(old.map((x) => x.name));
      const merged: SettingsPrior = { changed: [...old, ...now.filter((x) => !names.has(x.name))] };
      // The written values are the latest run's.
      for (const x of merged.changed) {
        const latest = now.find((n) => n.name === x.name);
        if (latest?.writtenSealed) x.writtenSealed = latest.writtenSealed;
      }
      return { ...c, changed: true, prior: merged };
    }
    return c.changed ? c : { ...c, changed: true, prior: p.prior };
  });
}
