// Dry run of a createOrUpdate (Microsoft.ServiceLinker/dryruns, actionName "createOrUpdate"): what creating the linker
// would change, computed from the same plan and the same steps the orchestration runs (planConnection, stepsOf),
// each step's read-only plan() and its own preview, and whether linkwright's own identity holds the RBAC actions those
// writes need. Reads only: nothing is written anywhere (no ARM write, no data-plane write; the database-user step only
// probes whether the user exists).
//   operationPreviews:   one entry per change a step's plan reports ({name, operationType, description, action, scope}),
//                        in the saga's order.
//   prerequisiteResults: {type:"basicError"} for a plan or read error (unsupported combination, no VNet integration,
//                        missing target…), {type:"permissionsMissing"} per scope where linkwright lacks an action.
import type { LinkerProperties } from "../model/linker.js";
import type { ArmClients } from "../azure/clients.js";
import { parseResourceId } from "../azure/resourceId.js";
import { STEPS, type StepName } from "../steps/registry.js";
import { PENDING_PRINCIPAL, stepsOf } from "../steps/schedule.js";
import type { Step, StepContext, StepPreview } from "../steps/step.js";
import { planConnection } from "./plan.js";
import type { ConnectionPlan } from "../model/plan.js";
import type { ScheduledStep } from "../model/steps.js";
import { PlanError, type ConnectionError } from "../model/errors.js";
import { classifyError, isProgrammingError } from "./classifyError.js";
import { stepRequirements } from "./changeRequirements.js";
import { baseChangeRequirements } from "../authorization/requirements.js";
import { grants, recommendedRoleFor, type PermissionEntry, type RequiredPermission } from "../authorization/permissions.js";
import { permissionsApiReader } from "../authorization/permissionReaders.js";
import { ownCallerIds } from "../azure/ownIdentity.js";
import { grantCommand } from "../authorization/ownPermissions.js";
export type { OperationType } from "../model/steps.js";

/** One change a step's plan reports, with the RBAC action it needs where (the step's own `preview`). */
export interface OperationPreview extends StepPreview {
  /** The step's name. */
  name: string;
}

export type PrerequisiteResult =
  | ({ type: "basicError" } & Omit<ConnectionError, "target">)
  | { type: "permissionsMissing"; scope: string; permissions: string[]; recommendedRole: string };

export interface DryRunResult {
  prerequisiteResults: PrerequisiteResult[];
  operationPreviews: OperationPreview[];
  /** What the connection would need of its caller (src/authorization): the API reports the caller's missing ones. */
  required: RequiredPermission[];
}

export interface DryRunRequest {
  sourceId: string;
  /** The connection name the linker would have (configuration names and database user names derive from it). */
  linkerName: string;
  /** Secret-free LinkerProperties. */
  properties: LinkerProperties;
  /** The caller's tenant (service-principal auth). */
  tenantId: string;
  /** Sealed JSON {secretPath: value} of the request's secrets (src/secrets/seal.ts), when it carried any. */
  sealedSecrets?: string;
  /** Configuration names an existing linker of that name already wrote (not counted as taken). */
  ownedNames?: string[];
}

export interface DryRunContext extends StepContext {
  /** Step implementations (default: src/steps/registry.ts). */
  steps?: Partial<Record<StepName, Step<any, any>>>;
  /** Check linkwright's own permissions at each scope (default true). */
  checkPermissions?: boolean;
}

export const NEW_SYSTEM_IDENTITY = "the system-assigned identity that will be enabled";

export async function dryRunCreateOrUpdate(req: DryRunRequest, ctx: DryRunContext): Promise<DryRunResult> {
  const steps = { ...STEPS, ...(ctx.steps ?? {}) } as Record<StepName, Step<any, any>>;
  let plan: ConnectionPlan;
  try {
    plan = await planConnection({
      linkerName: req.linkerName, sourceId: req.sourceId, properties: req.properties, tenantId: req.tenantId,
      ownedNames: req.ownedNames ?? [], ...(req.sealedSecrets ? { sealedSecrets: req.sealedSecrets } : {}),
    }, ctx);
  } catch (e) {
    return { prerequisiteResults: [basicError(e)], operationPreviews: [], required: baseChangeRequirements(req.sourceId) };
  }

  const prerequisiteResults: PrerequisiteResult[] = [];
  const principal = await principalOf(plan, ctx).catch((e: unknown) => {
    prerequisiteResults.push(basicError(e, "identity"));
    return undefined;
  });
  // The steps the saga would run; those needing a principal only when there is (or will be) one.
  const scheduled = stepsOf(plan, {
    connectionName: req.linkerName, ...(principal?.objectId ? { principalId: principal.objectId } : {}),
    onError: (step, phase, e) => { if (phase !== "afterIdentity" || principal) prerequisiteResults.push(basicError(e, step)); },
  });

  const previewOf = async (s: ScheduledStep): Promise<OperationPreview[]> => {
    const step = steps[s.step];
    // A principal the identity step will create does not exist yet: the step plans for a stand-in (as new: no
    // assignment can exist), and the previews name the principal instead.
    const pending = s.phase === "afterIdentity" && principal && !principal.objectId ? principal.label : undefined;
    const run = pending && step.forPrincipal ? step.forPrincipal(s.input, { principalId: PENDING_PRINCIPAL, isNew: true }) : { input: s.input };
    const input = { ...run.input, ...s.hints, ...run.hints };
    const named = (change: string) => (pending
      ? change.replaceAll(`principal ${PENDING_PRINCIPAL}`, pending).replaceAll(PENDING_PRINCIPAL, `<object id of ${pending}>`)
      : change);
    try {
      const { changes } = await step.plan(input, ctx);
      return step.preview(input, changes.map(named)).map((p) => ({ name: s.step, ...p }));
    } catch (e) {
      prerequisiteResults.push(basicError(e, s.step));
      return [];
    }
  };
  const previewed = scheduled.filter((s) => s.phase !== "afterIdentity" || principal);
  const operationPreviews = (await Promise.all(previewed.map(previewOf))).flat();
  if (ctx.checkPermissions !== false) prerequisiteResults.push(...await missingPermissions(ctx.clients, operationPreviews));
  return { prerequisiteResults, operationPreviews, required: stepRequirements(plan.sourceId, scheduled, req.properties) };
}

/** The connection's principal: known (object id), or to be created by the identity step (label only). */
async function principalOf(plan: ConnectionPlan, ctx: StepContext): Promise<{ objectId?: string; label: string } | undefined> {
  if (plan.principal) return { objectId: plan.principal.principalId, label: `principal ${plan.principal.principalId}` };
  const identity = plan.identity;
  if (!identity) return undefined;
  const observed = plan.observedIdentity;
  if (identity.userAssignedIdentityId) {
    const uaId = identity.userAssignedIdentityId;
    const attached = Object.entries(observed?.userAssigned ?? {}).find(([id]) => id.toLowerCase() === uaId.toLowerCase())?.[1];
    let objectId = attached?.principalId;
    if (!objectId) {
      const id = parseResourceId(uaId);
      if (!id) throw new PlanError("InvalidConnection", `'${uaId}' is not a user-assigned identity id.`);
      objectId = (await ctx.clients.msi(id.subscriptionId).userAssignedIdentities.get(id.resourceGroup, id.names[0]!)).principalId;
    }
    return { ...(objectId ? { objectId } : {}), label: `the user-assigned identity ${uaId}` };
  }
  if (observed?.type.includes("SystemAssigned") && observed.principalId) {
    return { objectId: observed.principalId, label: `principal ${observed.principalId}` };
  }
  return { label: NEW_SYSTEM_IDENTITY };
}

/** A plan or read failure as a prerequisite result (classified as the saga's step errors are); programming errors
 *  propagate: the API answers 500. */
function basicError(e: unknown, step?: string): PrerequisiteResult {
  if (isProgrammingError(e)) throw e;
  const { code, message } = classifyError(e, step);
  return { type: "basicError", code, message };
}

/** Whether linkwright checks its own permission for a preview's action: control-plane actions, not data-plane writes
 *  (Key Vault secrets, App Configuration keys: their own refusals name the grant) nor the database's statements. */
function checkedAction(action: string): boolean {
  const a = action.toLowerCase();
  return a.startsWith("microsoft.") && !a.startsWith("microsoft.keyvault/vaults/secrets/") && !a.includes("/keyvalues/");
}

/** Azure's evaluation (src/authorization/permissions.ts): an entry grants the action when one of its actions matches
 *  and none of its notActions does. */
export function permitted(entries: PermissionEntry[], action: string): boolean {
  return grants(entries, action);
}

/** One permissionsMissing per (scope, recommended role) where linkwright lacks an action a preview needs. A scope
 *  whose permissions cannot be read (no access to list them) is left out: nothing can be said about it. */
async function missingPermissions(clients: ArmClients, previews: OperationPreview[]): Promise<PrerequisiteResult[]> {
  const byScope = new Map<string, { scope: string; actions: Set<string> }>();
  for (const p of previews) {
    if (!checkedAction(p.action)) continue;
    const key = p.scope.toLowerCase();
    const entry = byScope.get(key) ?? { scope: p.scope, actions: new Set<string>() };
    entry.actions.add(p.action);
    byScope.set(key, entry);
  }
  const results = await Promise.all([...byScope.values()].map(async ({ scope, actions }) => {
    let entries: PermissionEntry[];
    try {
      entries = await permissionsApiReader(clients).at(scope);
    } catch (e) {
      if (typeof (e as { statusCode?: unknown }).statusCode === "number") return [];
      throw e;
    }
    const byRole = new Map<string, string[]>();
    for (const action of actions) {
      if (permitted(entries, action)) continue;
      const role = recommendedRoleFor(action);
      byRole.set(role, [...(byRole.get(role) ?? []), action]);
    }
    return [...byRole].map(([recommendedRole, permissions]): PrerequisiteResult => ({ type: "permissionsMissing", scope, permissions, recommendedRole }));
  }));
  return results.flat();
}

/** What linkwright's own identity lacks, as a prerequisite result of its own (a dry run's `permissionsMissing` are the
 *  caller's): who lacks what where, and the command a platform admin runs to grant it. */
export function linkwrightPermissionMissing(missing: Extract<PrerequisiteResult, { type: "permissionsMissing" }>, principalId: string | undefined): PrerequisiteResult {
  const who = principalId ? `linkwright's identity (principal ${principalId})` : "linkwright's identity";
  return {
    type: "basicError", code: "LinkwrightPermissionsMissing",
    message: `${who} lacks ${missing.permissions.map((p) => `'${p}'`).join(", ")} over scope '${missing.scope}', so the connection would fail. ` +
      `A platform administrator grants it with: ${grantCommand({ scope: missing.scope, recommendedRole: missing.recommendedRole, ...(principalId ? { principalId } : {}) })}`,
  };
}

/** The `dryRun` hook of the API (src/api/types.ts) over one set of clients: linkwright's own missing permissions are
 *  reported as their own prerequisite results (the API adds the caller's as `permissionsMissing`). */
export function createDryRunService(ctx: DryRunContext) {
  return async (x: { sourceId: string; linkerName: string; properties: LinkerProperties; caller: { tenantId: string }; sealedSecrets?: string; ownedNames?: string[] }): Promise<DryRunResult> => {
    const result = await dryRunCreateOrUpdate({
      sourceId: x.sourceId, linkerName: x.linkerName, properties: x.properties, tenantId: x.caller.tenantId,
      ...(x.sealedSecrets ? { sealedSecrets: x.sealedSecrets } : {}), ...(x.ownedNames ? { ownedNames: x.ownedNames } : {}),
    }, ctx);
    const own = result.prerequisiteResults.filter((r): r is Extract<PrerequisiteResult, { type: "permissionsMissing" }> => r.type === "permissionsMissing");
    if (!own.length) return result;
    const principalId = (await ownCallerIds(ctx.clients).catch(() => []))[0];
    return { ...result, prerequisiteResults: result.prerequisiteResults.map((r) => (r.type === "permissionsMissing" ? linkwrightPermissionMissing(r, principalId) : r)) };
  };
}
