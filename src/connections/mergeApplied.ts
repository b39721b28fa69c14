// When a connection is updated, a step that finds its work already done reports no prior state. The prior
// recorded the first time (what existed before linkwright touched the resource) must survive, so deleting the
// connection later still restores it. This merges a run's records into the stored ones, by each step's own key and
// prior-merging rule (src/steps/*.ts `key`, `mergePrior`).
import type { AppliedStepRecord } from "../model/plan.js";
import { stepNamed } from "../steps/registry.js";

/** What a step record is about: two records with one key configure the same thing. */
export function keyOf(a: AppliedStepRecord): string {
  const step = stepNamed(a.step);
  return `${a.step}|${step ? step.key(a.input) : JSON.stringify(a.input)}`;
}

export function mergeApplied(previous: AppliedStepRecord[], current: AppliedStepRecord[]): AppliedStepRecord[] {
  const before = new Map(previous.map((p) => [keyOf(p), p]));
  return current.map((c) => {
    const p = before.get(keyOf(c));
    if (!p || !p.changed || p.prior === undefined) return c;
    const merge = stepNamed(c.step)?.mergePrior;
    if (merge) return { ...c, changed: true, prior: merge(p.prior, c) };
    return c.changed ? c : { ...c, changed: true, prior: p.prior };
  });
}
