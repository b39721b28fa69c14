// What a create, update or delete does, as the permissions its caller needs: every step the plan runs (stepsOf, as the
// saga runs them) or the connection applied requires what that step's own `requires` says (src/steps/*.ts). For a
// create or update the connection is planned exactly as the saga plans it (linkwright's reads only; nothing is written).
// A step that finds its work already done still counts: the caller asks for the state, not the diff.
// When planning fails (an unsupported combination, a missing target…), only what the request itself names is
// required; the saga's own plan then fails the same way, and a plan that has since changed is checked against
// what was authorized (src/activities: the plan activity), so nothing unauthorized can slip through in between.
import type { LinkerProperties } from "../model/linker.js";
import { configurationStoreOf, planConnection } from "./plan.js";
import { ownedNamesOf, previousWrites } from "./previousRun.js";
import type { StepContext } from "../steps/step.js";
import type { StoredLinker } from "../model/connection.js";
import type { RequiredPermission } from "../authorization/permissions.js";
import type { AppliedStepRecord, ConnectionPlan } from "../model/plan.js";
import { STEP_NAMES, type ScheduledStep } from "../model/steps.js";
import { baseChangeRequirements, distinct, linkerDeleteRequirement, permissionKey } from "../authorization/requirements.js";
import { appliedOf } from "../model/connection.js";
import { stepByName, stepNamed } from "../steps/registry.js";
import { stepsOf } from "../steps/schedule.js";
import { isProgrammingError } from "./classifyError.js";

/** Everything running these steps performs (the linker write first, then each step's, in the registry's order). */
export function stepRequirements(sourceId: string, steps: readonly ScheduledStep[], properties: LinkerProperties): RequiredPermission[] {
  const out: RequiredPermission[] = [...baseChangeRequirements(sourceId)];
  for (const name of STEP_NAMES) {
    for (const s of steps) if (s.step === name) out.push(...stepByName(name).requires.apply({ ...s.input, ...s.hints }, properties));
  }
  return distinct(out);
}

/** Everything a create or update performs, from its plan. */
export function changeRequirements(plan: ConnectionPlan, properties: LinkerProperties, connectionName?: string): RequiredPermission[] {
  return stepRequirements(plan.sourceId, stepsOf(plan, connectionName !== undefined ? { connectionName } : {}), properties);
}

/** What undoing these applied steps needs (a delete, or an update's cleanup of what it no longer wants). The scopes
 *  come from the records themselves (the linker's properties only for what older records did not record). */
export function undoRequirements(applied: AppliedStepRecord[], properties: LinkerProperties): RequiredPermission[] {
  return distinct(applied.flatMap((a) => stepNamed(a.step)?.requires.undo(a, properties) ?? []));
}

/** Everything deleting a connection may undo, from the steps it applied. */
export function deleteRequirements(sourceId: string, properties: LinkerProperties, applied: AppliedStepRecord[]): RequiredPermission[] {
  return distinct([...linkerDeleteRequirement(sourceId), ...undoRequirements(applied, properties)]);
}

/** What an update must also be authorized for: undoing what the previous run applied (the saga's cleanup undoes what
 *  the new plan no longer wants, src/activities planObsolete), but for what the new plan requires already. The action
 *  counts, not only the scope: another secret in the same vault, another role at the same scope, needs its delete. */
export function updateCleanupRequirements(previous: AppliedStepRecord[], previousProperties: LinkerProperties, planned: RequiredPermission[]): RequiredPermission[] {
  const kept = new Set(planned.map(permissionKey));
  return undoRequirements(previous, previousProperties).filter((u) => !kept.has(permissionKey(u)));
}

export interface ChangeRequest {
  sourceId: string;
  linkerName: string;
  properties: LinkerProperties;
  existing?: StoredLinker;
  tenantId: string;
  /** The request's sealed secrets, so the plan is the one the saga would make (it may hand it on). */
  sealedSecrets?: string;
}

export interface ChangeRequirements {
  required: RequiredPermission[];
  /** The plan the requirements came from, when planning succeeded (the saga may use it instead of planning again). */
  plan?: ConnectionPlan;
  /** Why planning failed, when it did (only what the request names was then required). */
  planError?: string;
}

export function createChangeRequirements(ctx: StepContext) {
  return async (x: ChangeRequest): Promise<ChangeRequirements> => {
    try {
      const storeId = configurationStoreOf(x.properties.configurationInfo);
      const plan = await planConnection({
        linkerName: x.linkerName, sourceId: x.sourceId, properties: x.properties, tenantId: x.tenantId,
        ownedNames: ownedNamesOf(x.existing), previous: previousWrites(x.existing, storeId),
        ...(x.sealedSecrets ? { sealedSecrets: x.sealedSecrets } : {}),
      }, ctx);
      const required = changeRequirements(plan, x.properties, x.linkerName);
      // An update also undoes what the previous run applied and this one no longer wants: the caller must be allowed.
      const cleanup = x.existing ? updateCleanupRequirements(appliedOf(x.existing), x.existing.properties, required) : [];
      return { required: [...required, ...cleanup], plan };
    } catch (e) {
      if (isProgrammingError(e)) throw e;
      return { required: baseChangeRequirements(x.sourceId), planError: e instanceof Error ? e.message : String(e) };
    }
  };
}
