// Deny assignments (Microsoft.Authorization/denyAssignments): read-only through ARM, as in Azure (they are created by
// Azure itself: managed applications, deployment stacks, AKS node resource groups …). The sandbox creates them through
// `arm.addDenyAssignment()` / `POST /_sandbox/denyAssignments`; the RBAC evaluator enforces them.
import { randomUUID } from "node:crypto";
import type { StoredResource } from "./contract.js";
import type { RolePermission } from "./builtin-roles.js";
import { isGuid, normalisePath } from "./ids.js";

export const DENY_ASSIGNMENT_TYPE = "Microsoft.Authorization/denyAssignments";
/** The principal id that stands for everyone (type SystemDefined). */
export const EVERYONE = "00000000-0000-0000-0000-000000000000";

export interface DenyPrincipal {
  id: string;
  /** User | Group | ServicePrincipal | SystemDefined (Everyone) */
  type: string;
  displayName?: string;
  email?: string;
}

export interface DenyAssignmentInput {
  /** GUID; generated when omitted. */
  name?: string;
  denyAssignmentName: string;
  description?: string;
  /** Denied actions; `notActions` / `notDataActions` carve exceptions out of them. Missing lists are empty. */
  permissions: Partial<RolePermission>[];
  scope: string;
  doNotApplyToChildScopes?: boolean;
  /** Whom it denies; `{ id: EVERYONE, type: "SystemDefined" }` for everyone. */
  principals: DenyPrincipal[];
  excludePrincipals?: DenyPrincipal[];
  isSystemProtected?: boolean;
}

export interface DenyAssignmentProperties {
  denyAssignmentName: string;
  description: string;
  permissions: (RolePermission & { condition: null; conditionVersion: null })[];
  scope: string;
  doNotApplyToChildScopes: boolean;
  principals: DenyPrincipal[];
  excludePrincipals: DenyPrincipal[];
  isSystemProtected: boolean;
  condition: null;
  conditionVersion: null;
  createdOn: string;
  updatedOn: string;
  createdBy: null;
  updatedBy: null;
}

const PRINCIPAL_TYPES = ["User", "Group", "ServicePrincipal", "SystemDefined"];

/** Validates the input and builds the stored resource (throws Error with a clear message on bad input). */
export function buildDenyAssignment(input: DenyAssignmentInput): StoredResource {
  const name = input.name ?? randomUUID();
  if (!isGuid(name)) throw new Error(`deny assignment name '${name}' must be a GUID`);
  if (!input.denyAssignmentName) throw new Error("denyAssignmentName is required");
  if (typeof input.scope !== "string" || !input.scope.startsWith("/")) throw new Error("scope must be an ARM id such as /subscriptions/{id}/resourceGroups/{rg}");
  if (!Array.isArray(input.permissions) || input.permissions.length === 0) throw new Error("permissions must list at least one {actions, notActions, dataActions, notDataActions}");
  if (!Array.isArray(input.principals) || input.principals.length === 0) throw new Error("principals must list at least one {id, type}");
  const principal = (p: DenyPrincipal, field: string): DenyPrincipal => {
    if (!p || !isGuid(String(p.id))) throw new Error(`${field}: every principal needs a GUID id`);
    if (!PRINCIPAL_TYPES.includes(p.type)) throw new Error(`${field}: principal type '${p.type}' is not one of ${PRINCIPAL_TYPES.join(", ")}`);
    if ((p.id === EVERYONE) !== (p.type === "SystemDefined")) throw new Error(`${field}: Everyone is id ${EVERYONE} with type SystemDefined`);
    return { id: p.id, type: p.type, displayName: p.displayName ?? (p.id === EVERYONE ? "Everyone" : ""), email: p.email ?? "" };
  };
  const scope = normalisePath(input.scope);
  const now = new Date().toISOString();
  const properties: DenyAssignmentProperties = {
    denyAssignmentName: input.denyAssignmentName,
    description: input.description ?? "",
    permissions: input.permissions.map((p) => ({
      actions: p.actions ?? [], notActions: p.notActions ?? [], dataActions: p.dataActions ?? [], notDataActions: p.notDataActions ?? [],
      condition: null, conditionVersion: null,
    })),
    scope,
    doNotApplyToChildScopes: input.doNotApplyToChildScopes ?? false,
    principals: input.principals.map((p) => principal(p, "principals")),
    excludePrincipals: (input.excludePrincipals ?? []).map((p) => principal(p, "excludePrincipals")),
    isSystemProtected: input.isSystemProtected ?? true,
    condition: null, conditionVersion: null,
    createdOn: now, updatedOn: now, createdBy: null, updatedBy: null,
  };
  const id = `${scope === "/" ? "" : scope}/providers/Microsoft.Authorization/denyAssignments/${name}`;
  return { id, name, type: DENY_ASSIGNMENT_TYPE, properties: properties as unknown as Record<string, unknown> };
}

export function renderDenyAssignment(r: StoredResource): Record<string, unknown> {
  return { id: r.id, name: r.name, type: DENY_ASSIGNMENT_TYPE, properties: r.properties };
}
