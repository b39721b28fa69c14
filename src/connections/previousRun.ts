// What a linker's previous run left that the next plan needs: the configuration names it owns (not counted as
// taken), and what it wrote that a run no longer wanting it removes.
import type { StoredLinker } from "../model/connection.js";
import { appliedOf } from "../model/connection.js";
import type { AppliedStepRecord, PlanRequest } from "../model/plan.js";

/** Configuration names the linker wrote before. */
export function ownedNamesOf(linker: StoredLinker | undefined): string[] {
  return (linker?.state?.configurations ?? []).map((c) => c.name);
}

/** What the previous run wrote that this run's steps remove when no longer wanted: the source's settings, and the
 *  keys of the App Configuration store this run writes to (keys in another store are undone by planObsolete). */
export function previousWrites(linker: StoredLinker | undefined, storeId: string | undefined): NonNullable<PlanRequest["previous"]> {
  const applied = appliedOf(linker);
  const written = (step: string, where: (a: AppliedStepRecord) => boolean = () => true) => applied.find((a) => a.step === step && where(a))?.outputs?.["written"];
  const sameStore = (a: AppliedStepRecord) => Boolean(storeId) && String((a.input as { storeId?: string }).storeId ?? "").toLowerCase() === storeId!.toLowerCase();
  return {
    settings: (written("configuration") as { name: string; writtenSealed: string }[] | undefined) ?? [],
    appConfiguration: (written("appConfiguration", sameStore) as { key: string; writtenSealed: string }[] | undefined) ?? [],
  };
}
