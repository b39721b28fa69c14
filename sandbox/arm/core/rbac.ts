// Role-based access evaluation as ARM does it: wildcard action patterns, NotActions per permission,
// role assignments inherited from every enclosing scope.
import type { Caller, StoredResource } from "./contract.js";
import type { MemoryResourceStore } from "./store.js";
import { BUILTIN_ROLES, isDataAction, type RoleDefinitionData, type RolePermission } from "./builtin-roles.js";
import { isAtOrBelow } from "./ids.js";

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

  /** Role assignments of `principalId` whose scope encloses (or equals) `scope`. */
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

  /** The grant that allows `action` at `scope`, if any. `kind` defaults to classifying the action name. */
  authorizingGrant(caller: Caller, action: string, scope: string, kind?: "action" | "dataAction"): Grant | undefined {
    const data = kind ? kind === "dataAction" : isDataAction(action);
    return this.grants(caller.objectId, scope).find((g) => g.role.permissions.some((p) => permits(p, action, data)));
  }

  isAuthorized(caller: Caller, action: string, scope: string, kind?: "action" | "dataAction"): boolean {
    return this.authorizingGrant(caller, action, scope, kind) !== undefined;
  }

  /** The caller's effective permissions at `scope` (one entry per granting role permission), as the permissions API lists them. */
  permissionsAt(principalId: string, scope: string): RolePermission[] {
    return this.grants(principalId, scope).flatMap((g) => g.role.permissions);
  }
}
