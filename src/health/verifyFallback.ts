// Applied steps the snapshot checks do not cover (the steps whose `health` is "verify") are checked by the step's own verify
// (src/steps/registry.ts), one call chain per step, its CheckResult reported as a validation item. A step name the
// registry does not know, or a verify that throws, gives a warning item: validation never crashes on them.
import { stepNamed } from "../steps/registry.js";
import type { StepContext } from "../steps/step.js";
import type { StoredLinker } from "../model/connection.js";
import { appliedSteps, SNAPSHOT_STEPS } from "./evaluate.js";
import { CheckNames, INCONCLUSIVE, type CheckResult } from "./types.js";

export interface FallbackOptions {
  /** Step kinds checked from the snapshot (default SNAPSHOT_STEPS); the rest come here. */
  snapshotSteps?: ReadonlySet<string>;
  /** Called once per verify run. */
  onVerify?: (step: string) => void;
}

function errorText(e: unknown): string {
  const err = e as { code?: unknown; statusCode?: unknown; message?: unknown };
  const code = err?.code ?? err?.statusCode;
  return `${code ? `${String(code)}: ` : ""}${String(err?.message ?? e).split("\n")[0]}`;
}

/** Whether the existence checks already failed (then nothing else is checked). */
export function existenceFailed(details: readonly CheckResult[]): boolean {
  return details.some((d) => (d.name === CheckNames.sourceExistence || d.name === CheckNames.targetExistence) && d.result === "failure");
}

/** The items of the applied steps left to their own verify, in the order the connection applied them. */
export async function verifyOtherSteps(linker: StoredLinker, ctx: StepContext, options: FallbackOptions = {}): Promise<CheckResult[]> {
  const batched = options.snapshotSteps ?? SNAPSHOT_STEPS;
  const others = appliedSteps(linker).filter((s) => !batched.has(s.step));
  return Promise.all(others.map(async ({ step, input }): Promise<CheckResult> => {
    const name = String(step);
    const known = stepNamed(name);
    if (!known) {
      return {
        name, result: "warning", errorCode: "UnknownStep", description: `The applied step '${name}' holds.`,
        errorMessage: `This linkwright version has no check for the applied step '${name}' (recorded by another version); it was not verified. ` +
          "Re-run the connection (PUT the linker again) to record its steps with this version.",
      };
    }
    options.onVerify?.(name);
    try {
      return await known.verify(input, ctx);
    } catch (e) {
      return { name, result: "warning", errorCode: INCONCLUSIVE, description: `The applied step '${name}' holds.`, errorMessage: `Could not be checked now: ${errorText(e)}` };
    }
  }));
}
