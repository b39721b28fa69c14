// Resource Graph indexes role assignments with a delay, so an assignment Graph does not list is confirmed with a
// direct read (the role step's own verify) before it is reported missing: one call per missing (scope, principal,
// role), shared by the connections that need it, and none in steady state.
import { roleAssignmentStep } from "../steps/roleAssignment.js";
import { type RoleAssignmentInput } from "../model/steps.js";
import type { StepContext } from "../steps/step.js";
import type { StoredLinker } from "../model/connection.js";
import { appliedSteps } from "./evaluate.js";
import { CheckNames, type CheckResult } from "./types.js";

export type RoleConfirmations = Map<string, Promise<boolean>>;

/** Replaces each failed RoleAssignment check whose assignment a direct read finds with a success. `memo` shares reads
 *  between connections; `onCall` counts them. A read that fails leaves the check as it was. */
export async function confirmRoleAssignments(linker: StoredLinker, details: CheckResult[], ctx: StepContext,
  memo: RoleConfirmations = new Map(), onCall: () => void = () => undefined): Promise<CheckResult[]> {
  const inputs = appliedSteps(linker).filter((s) => s.step === "roleAssignment").map((s) => s.input as RoleAssignmentInput);
  let k = -1;
  return Promise.all(details.map(async (d) => {
    if (d.name !== CheckNames.roleAssignment) return d;
    const input = inputs[++k];
    if (!input || d.result !== "failure") return d;
    const key = `${input.scope}|${input.principalId}|${input.role}`.toLowerCase();
    let found = memo.get(key);
    if (!found) {
      onCall();
      found = roleAssignmentStep.verify(input, ctx).then((c) => c.result === "success", () => false);
      memo.set(key, found);
    }
    return (await found) ? { name: d.name, description: d.description, result: "success" as const } : d;
  }));
}
