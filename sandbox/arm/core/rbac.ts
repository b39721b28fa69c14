// Role-based access evaluation as ARM does it: wildcard action patterns, NotActions per permission,
// role assignments inherited from every enclosing scope, ABAC conditions on assignments (core/abac.ts), and deny
// assignments (core/deny-assignments.ts), which win over any grant.
import type { Caller, StoredResource } from "./contract.js";
import type { MemoryResourceStore } from "./store.js";
import { BUILTIN_ROLES, isDataAction, type RoleDefinitionData, type RolePermission } from "./builtin-roles.js";
import { isAtOrBelow, normalisePath } from "./ids.js";
import { conditionHolds, type AbacContext } from "./abac.js";
import { DENY_ASSIGNMENT_TYPE, EVERYONE, type DenyAssignmentProperties } from "./deny-assignments.js";

export const ROLE_ASSIGNMENT_TYPE = "Microsoft.Authorization/roleAssignments";
export const ROLE_DEFINITION_TYPE = "Microsoft.Authorization/roleDefinitions";

const patternCache = new Map<string, RegExp>();
/** ARM action pattern (`*`, `*\/read`, `Microsoft.Authorization/*`) as a case-insensitive regex. */
export function actionPattern(pattern: string): RegExp {
  let re = patternCache.get(pattern);
  if (!re) {
    const body = pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*");
    re = new RegExp(`^${body}$`, "i");
    patternCache.set(pattern, re);
  }
  return re;
}

export function permits(perm: RolePermission, action: string, data: boolean): boolean {
  const allow = data ? perm.dataActions : perm.actions;
  const deny = data ? perm.notDataActions : perm.notActions;
  return allow.some((a) => actionPattern(a).test(action)) && !deny.some((a) => actionPattern(a).test(action));
}

export interface Grant {
  assignment: StoredResource;
  role: RoleDefinitionData;
}

/** A permission as the permissions API lists it: the role's permission plus its assignment's condition. */
export interface EffectivePermission extends RolePermission {
  condition: string | null;
  conditionVersion: string | null;
}

/** Attribute values of the request for ABAC conditions (`@Request[…]`, `@Resource[…]`). */
export type AccessAttributes = Omit<AbacContext, "action">;

export interface DenyMatch {
  assignment: StoredResource;
  properties: DenyAssignmentProperties;
}

function conditionOf(a: StoredResource): string | undefined {
  const c = (a.properties as { condition?: unknown } | undefined)?.condition;
  return typeof c === "string" && c.trim() !== "" ? c : undefined;
}

export class RbacEvaluator {
  constructor(private readonly store: MemoryResourceStore) {}

  /** Role definition by GUID or by any id ending in it; built-ins first, then custom ones in the store. */
  roleDefinition(idOrGuid: string): RoleDefinitionData | undefined {
    const guid = idOrGuid.split("/").pop()!.toLowerCase();
    const builtin = BUILTIN_ROLES.find((r) => r.name === guid);
    if (builtin) return builtin;
    const custom = this.store.peekOfType(ROLE_DEFINITION_TYPE).find((r) => r.name.toLowerCase() === guid);
    return custom ? { ...(custom.properties as Omit<RoleDefinitionData, "name">), name: custom.name } : undefined;
  }

  /** Role assignments of `principalId` whose scope encloses (or equals) `scope`, conditional or not. */
  grants(principalId: string, scope: string): Grant[] {
    const out: Grant[] = [];
    for (const a of this.store.peekOfType(ROLE_ASSIGNMENT_TYPE)) {
      const p = a.properties as { principalId?: string; roleDefinitionId?: string; scope?: string } | undefined;
      if (!p?.principalId || p.principalId.toLowerCase() !== principalId.toLowerCase()) continue;
      if (!isAtOrBelow(scope, p.scope ?? "")) continue;
      const role = p.roleDefinitionId ? this.roleDefinition(p.roleDefinitionId) : undefined;
      if (role) out.push({ assignment: structuredClone(a) as StoredResource, role });
    }
    return out;
  }

  /**
   * The grant that allows `action` at `scope`, if any. `kind` defaults to classifying the action name.
   * A conditional assignment (ABAC, conditionVersion 2.0) grants only when its condition holds for `attributes`.
   */
  authorizingGrant(caller: Caller, action: string, scope: string, kind?: "action" | "dataAction", attributes: AccessAttributes = {}): Grant | undefined {
    const data = kind ? kind === "dataAction" : isDataAction(action);
    return this.grants(caller.objectId, scope).find((g) => {
      if (!g.role.permissions.some((p) => permits(p, action, data))) return false;
      const condition = conditionOf(g.assignment);
      return condition === undefined || conditionHolds(condition, { action, ...attributes });
    });
  }

  /** The deny assignment that blocks `action` at `scope` for `principalId`, if any (at or above the scope; a
   *  `doNotApplyToChildScopes` one only at its own scope; Everyone or a listed principal, minus excluded ones). */
  denyingAssignment(principalId: string, action: string, scope: string, kind?: "action" | "dataAction"): DenyMatch | undefined {
    const data = kind ? kind === "dataAction" : isDataAction(action);
    const oid = principalId.toLowerCase();
    for (const d of this.store.peekOfType(DENY_ASSIGNMENT_TYPE)) {
      const p = d.properties as unknown as DenyAssignmentProperties | undefined;
      if (!p) continue;
      if (!isAtOrBelow(scope, p.scope ?? "")) continue;
      if (p.doNotApplyToChildScopes && normalisePath(scope).toLowerCase() !== normalisePath(p.scope ?? "").toLowerCase()) continue;
      const applies = (p.principals ?? []).some((x) => x.id.toLowerCase() === oid || x.id === EVERYONE);
      if (!applies || (p.excludePrincipals ?? []).some((x) => x.id.toLowerCase() === oid)) continue;
      if ((p.permissions ?? []).some((perm) => permits(perm, action, data))) return { assignment: structuredClone(d) as StoredResource, properties: p };
    }
    return undefined;
  }

  /** Granted by a role assignment (conditions honoured) and not blocked by a deny assignment. */
  isAuthorized(caller: Caller, action: string, scope: string, kind?: "action" | "dataAction", attributes?: AccessAttributes): boolean {
    return this.authorizingGrant(caller, action, scope, kind, attributes) !== undefined
      && this.denyingAssignment(caller.objectId, action, scope, kind) === undefined;
  }

  /** The caller's permissions at `scope` as the permissions API lists them: one entry per (assignment, role permission),
   *  carrying the assignment's condition; deny assignments are not subtracted (Azure does not either). */
  permissionsAt(principalId: string, scope: string): EffectivePermission[] {
    return this.grants(principalId, scope).flatMap((g) => {
      const condition = conditionOf(g.assignment) ?? null;
      const version = (g.assignment.properties as { conditionVersion?: unknown } | undefined)?.conditionVersion;
      return g.role.permissions.map((p) => ({
        actions: p.actions, notActions: p.notActions, dataActions: p.dataActions, notDataActions: p.notDataActions,
        condition, conditionVersion: condition === null ? null : typeof version === "string" ? version : "2.0",
      }));
    });
  }
}
