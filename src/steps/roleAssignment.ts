// Role assignment: the least-privilege role for the connection's principal at the target scope.
// Named by a deterministic GUID (scope + principal + role) so re-runs address the same assignment; an equal
// assignment under another name (409 RoleAssignmentExists) counts as present and is never deleted by us.
// The roles that manage access or everything (Owner, Contributor, User Access Administrator, RBAC Administrator) are
// refused here too, whatever planned the step: the catalogue's allow-list (src/catalogue/roles.ts) is checked on the
// request, this is the last line before linkwright's own identity writes the assignment.
// An assignment is reference counted: a delete removes it only when it is this connection's own (its deterministic
// name) and the dependency index names no other connection using it.
import type { RestError } from "@azure/core-rest-pipeline";
import { neverAssignedRole, roleGuidOf } from "../catalogue/roles.js";
import { requireSubscriptionOf as subscriptionOf } from "../azure/resourceId.js";
import { deterministicGuid } from "./deterministicGuid.js";
import type { CheckResult, Step, StepContext, StepOutcome, StepPlan } from "./step.js";
import type { RoleAssignmentInput } from "../model/steps.js";

const ROLE_WRITE = "Microsoft.Authorization/roleAssignments/write";
const ROLE_DELETE = "Microsoft.Authorization/roleAssignments/delete";

export interface RoleAssignmentPrior {
  /** The assignment this step created (deleted again by compensation). */
  createdName: string;
}

/** A refused role: a never-assigned one, or a role reference that is not a role definition GUID or id. */
export class RoleNotAllowedError extends Error {
  readonly code = "RoleNotAllowed";
}

function refuseNeverAssigned(input: RoleAssignmentInput): void {
  const guid = roleGuidOf(input.role);
  if (!guid) throw new RoleNotAllowedError(`'${input.role}' is not a role definition GUID or id; linkwright assigns only those.`);
  const never = neverAssignedRole(guid);
  if (never) throw new RoleNotAllowedError(`linkwright never assigns ${never.name} (${never.id}); it was asked to at ${input.scope}.`);
}

function roleGuid(role: string): string {
  return role.split("/").pop()!.toLowerCase();
}

export function roleDefinitionId(scope: string, role: string): string {
  return role.includes("/") ? role : `/subscriptions/${subscriptionOf(scope)}/providers/Microsoft.Authorization/roleDefinitions/${role}`;
}

export function roleAssignmentName(input: RoleAssignmentInput): string {
  return deterministicGuid(input.scope, input.principalId, roleGuid(input.role));
}

/** Whether an assignment of the role for the principal exists at the scope or a parent scope. */
async function findEffective(input: RoleAssignmentInput, ctx: StepContext): Promise<string | undefined> {
  const authz = ctx.clients.authorization(subscriptionOf(input.scope));
  const wantScope = input.scope.toLowerCase();
  for await (const ra of authz.roleAssignments.listForScope(input.scope, { filter: `principalId eq '${input.principalId}'` })) {
    const scope = (ra.scope ?? "").toLowerCase();
    const inherits = wantScope === scope || wantScope.startsWith(scope.endsWith("/") ? scope : scope + "/");
    if (inherits && ra.principalId === input.principalId && roleGuid(ra.roleDefinitionId ?? "") === roleGuid(input.role)) {
      return ra.id;
    }
  }
  return undefined;
}

export const roleAssignmentStep = {
  name: "roleAssignment",
  health: "snapshot",
  key: (input) => `${String(input.scope).toLowerCase()}|${String(input.role).toLowerCase()}|${String(input.principalId)}`,
  dependency: { kind: "roleAssignment", resourceId: (r) => (r.outputs?.roleAssignmentId ? String(r.outputs.roleAssignmentId) : undefined) },
  undo: {
    kind: "referenceCounted", whenObsolete: "undo",
    ownPrior: (r, id) => (id.toLowerCase().endsWith(roleAssignmentName(r.input).toLowerCase()) ? { createdName: roleAssignmentName(r.input) } : undefined),
    kept: (id) => `role assignment ${id}`,
  },

  // Runs for the principal the identity step produced; one it just created has no assignments (no lookup).
  forPrincipal: (input, principal) => ({
    input: { ...input, principalId: principal.principalId },
    ...(principal.isNew ? { hints: { principalIsNew: true } } : {}),
  }),

  preview: (input, changes) => changes.map((change) => ({
    operationType: "configAuth",
    description: input.roleName ? change.replace(/^Assign role (\S+)/, `Assign role $1 (${input.roleName})`) : change,
    action: ROLE_WRITE, scope: input.scope,
  })),

  requires: {
    apply: (input) => [{ scope: input.scope, action: ROLE_WRITE, why: `assign ${input.roleName ?? input.role.split("/").pop()} to the connection's principal` }],
    undo: (r) => [{ scope: String(r.input.scope), action: ROLE_DELETE, why: "remove the connection's role assignment" }],
  },

  async plan(input, ctx): Promise<StepPlan> {
    refuseNeverAssigned(input);
    return !input.principalIsNew && (await findEffective(input, ctx))
      ? { changes: [] }
      : { changes: [`Assign role ${roleGuid(input.role)} to principal ${input.principalId} at ${input.scope}.`] };
  },

  async apply(input, ctx): Promise<StepOutcome<RoleAssignmentPrior>> {
    refuseNeverAssigned(input);
    const existing = input.principalIsNew ? undefined : await findEffective(input, ctx);
    if (existing) return { changed: false, outputs: { roleAssignmentId: existing } };
    const name = roleAssignmentName(input);
    const authz = ctx.clients.authorization(subscriptionOf(input.scope));
    await ctx.writeAhead?.({ createdName: name } satisfies RoleAssignmentPrior);
    try {
      const created = await authz.roleAssignments.create(input.scope, name, {
        roleDefinitionId: roleDefinitionId(input.scope, input.role),
        principalId: input.principalId,
        principalType: input.principalType,
        description: "Created by linkwright",
      });
      return { changed: true, prior: { createdName: name }, outputs: { roleAssignmentId: created.id } };
    } catch (e) {
      if ((e as RestError).code === "RoleAssignmentExists") return { changed: false, outputs: {} };
      throw e;
    }
  },

  async compensate(input, prior, ctx): Promise<void> {
    const authz = ctx.clients.authorization(subscriptionOf(input.scope));
    try {
      await authz.roleAssignments.delete(input.scope, prior.createdName);
    } catch (e) {
      if ((e as RestError).statusCode !== 404) throw e;
    }
  },

  async verify(input, ctx): Promise<CheckResult> {
    const found = await findEffective(input, ctx);
    return found
      ? { name: "Role assignment", result: "success", description: `Role ${roleGuid(input.role)} is assigned at ${input.scope}.` }
      : {
          name: "Role assignment", result: "failure", description: `Role ${roleGuid(input.role)} is assigned at ${input.scope}.`,
          errorCode: "RoleAssignmentMissing",
          errorMessage: `Principal ${input.principalId} has no assignment of role ${roleGuid(input.role)} at ${input.scope} or above. ` +
            `Re-run the connection, or: az role assignment create --assignee-object-id ${input.principalId} --role ${roleGuid(input.role)} --scope ${input.scope}`,
        };
  },
} satisfies Step<RoleAssignmentInput, RoleAssignmentPrior>;
