// Microsoft.Authorization: role assignments at any scope (with ABAC conditions, core/abac.ts), role definitions
// (built-in + custom in the store), deny assignments (read-only, as in Azure; created through the control surface) and
// the caller's effective permissions (reference arm-surface §2.4).
import { ArmError, type Provider, type Route, type RouteContext, type StoredResource } from "../core/contract.js";
import type { CoreProviderDeps } from "../core/provider-registry.js";
import { BUILTIN_ROLES, type RoleDefinitionData } from "../core/builtin-roles.js";
import { isAtOrBelow, isGuid, normalisePath, parseResourceId } from "../core/ids.js";
import { ROLE_ASSIGNMENT_TYPE, ROLE_DEFINITION_TYPE, type AccessAttributes } from "../core/rbac.js";
import { AbacSyntaxError, parseCondition } from "../core/abac.js";
import { DENY_ASSIGNMENT_TYPE, EVERYONE, renderDenyAssignment, type DenyAssignmentProperties } from "../core/deny-assignments.js";

const NS = "/providers/Microsoft.Authorization";
const PRINCIPAL_TYPES = ["User", "Group", "ServicePrincipal", "ForeignGroup", "Device"];

/** Role-definition id in the form ARM returns for a scope: subscription-level when under a subscription. */
export function roleDefinitionId(scope: string, guid: string): string {
  const sub = parseResourceId(scope || "/").subscriptionId;
  return sub ? `/subscriptions/${sub}${NS}/roleDefinitions/${guid}` : `${NS}/roleDefinitions/${guid}`;
}

function renderAssignment(r: StoredResource): Record<string, unknown> {
  return { id: r.id, name: r.name, type: ROLE_ASSIGNMENT_TYPE, properties: r.properties };
}

function renderDefinition(scope: string, d: RoleDefinitionData): Record<string, unknown> {
  return {
    id: roleDefinitionId(scope, d.name), name: d.name, type: ROLE_DEFINITION_TYPE,
    properties: { roleName: d.roleName, type: d.type, description: d.description, assignableScopes: d.assignableScopes, permissions: d.permissions,
      createdOn: "2015-02-02T21:55:09.8806423Z", updatedOn: "2024-01-01T00:00:00.0000000Z", createdBy: null, updatedBy: null },
  };
}

function allAssignments(ctx: RouteContext): StoredResource[] {
  return ctx.store.all().filter((r) => r.type.toLowerCase() === ROLE_ASSIGNMENT_TYPE.toLowerCase());
}

function assignmentScope(r: StoredResource): string {
  return String((r.properties as { scope?: string }).scope ?? "");
}

function principalOf(r: StoredResource): string {
  return String((r.properties as { principalId?: string }).principalId ?? "").toLowerCase();
}

/** `$filter` for role assignments: atScope(), principalId eq '…', assignedTo('…'), combined with `and`. */
export function filterAssignments(all: StoredResource[], scope: string, filter: string | null): StoredResource[] {
  const f = filter ?? "";
  const atScope = /atScope\(\)/i.test(f);
  const principal = (/principalId\s+eq\s+'([^']+)'/i.exec(f) ?? /assignedTo\('([^']+)'\)/i.exec(f))?.[1]?.toLowerCase();
  const roleDef = /roleDefinitionId\s+eq\s+'([^']+)'/i.exec(f)?.[1];
  const rest = f.replace(/atScope\(\)/ig, "").replace(/principalId\s+eq\s+'[^']+'/ig, "").replace(/assignedTo\('[^']+'\)/ig, "")
    .replace(/roleDefinitionId\s+eq\s+'[^']+'/ig, "").replace(/\band\b/ig, "").trim();
  if (rest) throw new ArmError(400, "UnsupportedQuery", `The filter '${f}' is not supported. Supported filters are either 'atScope()' or 'principalId eq '{value}' or assignedTo('{value}')'.`);
  return all.filter((r) => {
    const s = assignmentScope(r);
    const above = isAtOrBelow(scope, s);
    const below = isAtOrBelow(s, scope);
    if (atScope ? !above : !(above || below)) return false;
    if (principal && principalOf(r) !== principal) return false;
    if (roleDef && (String((r.properties as { roleDefinitionId?: string }).roleDefinitionId).split("/").pop() ?? "").toLowerCase()
      !== roleDef.split("/").pop()!.toLowerCase()) return false;
    return true;
  });
}

function definitionsAt(ctx: RouteContext, deps: CoreProviderDeps, scope: string): RoleDefinitionData[] {
  const custom = ctx.store.all()
    .filter((r) => r.type.toLowerCase() === ROLE_DEFINITION_TYPE.toLowerCase())
    .map((r) => deps.rbac.roleDefinition(r.name))
    .filter((d): d is RoleDefinitionData => d !== undefined && d.assignableScopes.some((s) => isAtOrBelow(scope || "/", s) || s === "/"));
  return [...BUILTIN_ROLES, ...custom];
}

function putAssignment(ctx: RouteContext, deps: CoreProviderDeps, scope: string, name: string) {
  if (!isGuid(name)) throw new ArmError(400, "InvalidRoleAssignmentId", `The role assignment ID '${name}' is not valid. The role assignment ID must be a GUID.`);
  const body = ctx.req.body as { properties?: Record<string, unknown> } | undefined;
  const p = body?.properties;
  if (!p || typeof p !== "object") throw new ArmError(400, "InvalidRequestContent", "The request content was invalid and could not be deserialized: 'properties is required'.");
  const roleDefinitionIdIn = typeof p.roleDefinitionId === "string" ? p.roleDefinitionId : "";
  const principalId = typeof p.principalId === "string" ? p.principalId : "";
  if (!roleDefinitionIdIn) throw new ArmError(400, "InvalidRoleDefinitionId", "The role definition ID '' is not valid.");
  if (!/^(\/subscriptions\/[^/]+)?\/providers\/Microsoft\.Authorization\/roleDefinitions\/[0-9a-f-]{36}$/i.test(normalisePath(roleDefinitionIdIn)))
    throw new ArmError(400, "LinkedInvalidPropertyId", `Property id '${roleDefinitionIdIn}' at path 'properties.roleDefinitionId' is invalid. Expect fully qualified resource Id that start with '/subscriptions/{subscriptionId}' or '/providers/{resourceProviderNamespace}/'.`);
  const role = deps.rbac.roleDefinition(roleDefinitionIdIn);
  if (!role) throw new ArmError(400, "RoleDefinitionDoesNotExist", `The specified role definition with ID '${roleDefinitionIdIn.split("/").pop()}' does not exist.`);
  if (!isGuid(principalId)) throw new ArmError(400, "InvalidPrincipalId", "A valid principal ID must be provided for role assignment.");
  const principal = deps.directory.get(principalId);
  if (!principal) throw new ArmError(400, "PrincipalNotFound", `Principal ${principalId.replace(/-/g, "")} does not exist in the directory ${deps.tenantId}. Check that you have the correct principal ID. If you are creating this principal and then immediately assigning a role, this error might be related to a replication delay. In this case, set the role assignment principalType property to a value, such as ServicePrincipal, User, or Group.  See https://aka.ms/docs-principaltype`);
  const principalType = typeof p.principalType === "string" ? p.principalType : principal.principalType;
  if (!PRINCIPAL_TYPES.includes(principalType)) throw new ArmError(400, "InvalidPrincipalType", `The principal type '${principalType}' is not valid.`);
  const { condition, conditionVersion } = validateCondition(p.condition, p.conditionVersion);

  const id = `${scope}${NS}/roleAssignments/${name}`;
  const existing = ctx.store.get(id);
  const duplicate = allAssignments(ctx).find((r) => r.name.toLowerCase() !== name.toLowerCase()
    && principalOf(r) === principalId.toLowerCase() && assignmentScope(r).toLowerCase() === scope.toLowerCase()
    && String((r.properties as { roleDefinitionId?: string }).roleDefinitionId).split("/").pop()!.toLowerCase() === role.name);
  if (duplicate) throw new ArmError(409, "RoleAssignmentExists", "The role assignment already exists.", undefined, undefined);
  if (existing) {
    const ep = existing.properties as { principalId: string; roleDefinitionId: string; scope: string };
    if (ep.principalId.toLowerCase() !== principalId.toLowerCase() || ep.roleDefinitionId.split("/").pop()!.toLowerCase() !== role.name)
      throw new ArmError(400, "RoleAssignmentUpdateNotPermitted", "Tenant ID, application ID, principal ID, and scope are not allowed to be updated.");
  }
  const now = new Date().toISOString();
  const stored = ctx.store.put({
    id: existing?.id ?? id, name, type: ROLE_ASSIGNMENT_TYPE,
    properties: {
      roleDefinitionId: roleDefinitionId(scope, role.name), principalId, principalType, scope,
      condition, conditionVersion, description: p.description ?? null,
      createdOn: (existing?.properties as { createdOn?: string } | undefined)?.createdOn ?? now, updatedOn: now,
      createdBy: (existing?.properties as { createdBy?: string } | undefined)?.createdBy ?? ctx.req.caller.objectId,
      updatedBy: ctx.req.caller.objectId, delegatedManagedIdentityResourceId: p.delegatedManagedIdentityResourceId ?? null,
    },
  });
  return { status: existing ? 200 : 201, body: renderAssignment(stored) };
}

const INVALID_CONDITION = "The given role assignment condition is invalid.";

/** A role assignment's condition as ARM stores it: version 2.0 (the default), parsed by the sandbox's ABAC subset.
 *  Anything the sandbox cannot parse is refused (it could not enforce it), saying so. */
export function validateCondition(condition: unknown, conditionVersion: unknown): { condition: string | null; conditionVersion: string | null } {
  if (condition === undefined || condition === null || condition === "") return { condition: null, conditionVersion: null };
  if (typeof condition !== "string") throw new ArmError(400, "InvalidRoleAssignmentCondition", INVALID_CONDITION);
  const version = conditionVersion === undefined || conditionVersion === null || conditionVersion === "" ? "2.0" : String(conditionVersion);
  if (version !== "2.0") throw new ArmError(400, "InvalidRoleAssignmentCondition", `${INVALID_CONDITION} (conditionVersion '${version}': only 2.0 is supported.)`);
  try {
    parseCondition(condition);
  } catch (e) {
    if (!(e instanceof AbacSyntaxError)) throw e;
    throw new ArmError(400, "InvalidRoleAssignmentCondition",
      `${INVALID_CONDITION} The ARM sandbox does not implement this condition syntax: ${e.message}. It implements the role-assignment delegation ` +
      "conditions: ActionMatches{'…'}, ! / NOT, AND / &&, OR / ||, parentheses, and @Request[…] / @Resource[Microsoft.Authorization/roleAssignments:" +
      "RoleDefinitionId|PrincipalId|PrincipalType] with ForAnyOfAnyValues / ForAnyOfAllValues / ForAllOfAnyValues / ForAllOfAllValues and " +
      "GuidEquals, GuidNotEquals, StringEquals(IgnoreCase), StringNotEquals(IgnoreCase) (see sandbox/arm/core/abac.ts).");
  }
  return { condition, conditionVersion: version };
}

/** `@Request[…]` of a role-assignment PUT: the assignment being written, as sent. */
function requestAttributes(ctx: RouteContext): AccessAttributes {
  const p = (ctx.req.body as { properties?: Record<string, unknown> } | undefined)?.properties ?? {};
  const one = (v: unknown) => (typeof v === "string" && v ? [v] : []);
  return {
    request: {
      RoleDefinitionId: one(p.roleDefinitionId).map((id) => id.split("/").pop()!),
      PrincipalId: one(p.principalId),
      PrincipalType: one(p.principalType),
    },
  };
}

/** `@Resource[…]` of a role-assignment DELETE: the stored assignment being removed. */
function resourceAttributes(ctx: RouteContext, id: string): AccessAttributes {
  const r = ctx.store.get(id);
  if (!r) return { resource: {} };
  const p = r.properties as { roleDefinitionId?: string; principalId?: string; principalType?: string };
  return {
    resource: {
      RoleDefinitionId: p.roleDefinitionId ? [p.roleDefinitionId.split("/").pop()!] : [],
      PrincipalId: p.principalId ? [p.principalId] : [],
      PrincipalType: p.principalType ? [p.principalType] : [],
    },
  };
}

function allDenyAssignments(ctx: RouteContext): StoredResource[] {
  return ctx.store.all().filter((r) => r.type.toLowerCase() === DENY_ASSIGNMENT_TYPE.toLowerCase());
}

/** `$filter` for deny assignments, as documented for the List operations: atScope(), denyAssignmentName eq '…',
 *  principalId eq '…' (those that apply to the principal: listed, or Everyone), gdprExportPrincipalId eq '…' (listed or
 *  excluded; only name and description returned), combined with `and`. */
export function filterDenyAssignments(all: StoredResource[], scope: string, filter: string | null): Record<string, unknown>[] {
  const f = filter ?? "";
  const atScope = /atScope\(\)/i.test(f);
  const name = /denyAssignmentName\s+eq\s+'((?:[^']|'')*)'/i.exec(f)?.[1]?.replace(/''/g, "'");
  const principal = /(?<!gdprExport)principalId\s+eq\s+'([^']+)'/i.exec(f)?.[1]?.toLowerCase();
  const gdpr = /gdprExportPrincipalId\s+eq\s+'([^']+)'/i.exec(f)?.[1]?.toLowerCase();
  const rest = f.replace(/atScope\(\)/ig, "").replace(/denyAssignmentName\s+eq\s+'(?:[^']|'')*'/ig, "")
    .replace(/(gdprExport)?principalId\s+eq\s+'[^']+'/ig, "").replace(/\band\b/ig, "").trim();
  if (rest) {
    throw new ArmError(400, "UnsupportedQuery",
      `The filter '${f}' is not supported. Supported filters are 'atScope()', 'denyAssignmentName eq '{value}'', 'principalId eq '{value}'' and 'gdprExportPrincipalId eq '{value}''.`);
  }
  const ids = (list: { id: string }[] | undefined) => (list ?? []).map((x) => x.id.toLowerCase());
  return all.filter((r) => {
    const p = r.properties as unknown as DenyAssignmentProperties;
    const above = isAtOrBelow(scope, p.scope);
    const below = isAtOrBelow(p.scope, scope);
    if (atScope ? !above : !(above || below)) return false;
    if (name !== undefined && p.denyAssignmentName.toLowerCase() !== name.toLowerCase()) return false;
    if (principal && !ids(p.principals).some((id) => id === principal || id === EVERYONE)) return false;
    if (gdpr && !ids(p.principals).includes(gdpr) && !ids(p.excludePrincipals).includes(gdpr)) return false;
    return true;
  }).map((r) => {
    if (!gdpr) return renderDenyAssignment(r);
    const p = r.properties as unknown as DenyAssignmentProperties;
    return { id: r.id, name: r.name, type: DENY_ASSIGNMENT_TYPE, properties: { denyAssignmentName: p.denyAssignmentName, description: p.description } };
  });
}

export function authorizationProvider(deps: CoreProviderDeps): Provider {
  const scopeOf = (ctx: RouteContext) => ctx.params.scope ?? "";
  const routes: Route[] = [
    {
      method: "PUT", template: `{*scope}${NS}/roleAssignments/{name}`, action: "Microsoft.Authorization/roleAssignments/write",
      accessAttributes: requestAttributes,
      handle: (ctx) => putAssignment(ctx, deps, scopeOf(ctx), ctx.params.name),
    },
    {
      method: "GET", template: `{*scope}${NS}/roleAssignments/{name}`, action: "Microsoft.Authorization/roleAssignments/read",
      handle: (ctx) => {
        const r = ctx.store.get(`${scopeOf(ctx)}${NS}/roleAssignments/${ctx.params.name}`);
        if (!r) throw new ArmError(404, "RoleAssignmentNotFound", `The role assignment '${ctx.params.name}' is not found.`);
        return { status: 200, body: renderAssignment(r) };
      },
    },
    {
      method: "DELETE", template: `{*scope}${NS}/roleAssignments/{name}`, action: "Microsoft.Authorization/roleAssignments/delete",
      accessAttributes: (ctx) => resourceAttributes(ctx, `${scopeOf(ctx)}${NS}/roleAssignments/${ctx.params.name}`),
      handle: (ctx) => {
        const id = `${scopeOf(ctx)}${NS}/roleAssignments/${ctx.params.name}`;
        const r = ctx.store.get(id);
        if (!r) return { status: 204 };
        ctx.store.delete(id);
        return { status: 200, body: renderAssignment(r) };
      },
    },
    {
      method: "GET", template: `{*scope}${NS}/roleAssignments`, action: "Microsoft.Authorization/roleAssignments/read",
      handle: (ctx) => {
        const list = filterAssignments(allAssignments(ctx), scopeOf(ctx), ctx.req.query.get("$filter")).map(renderAssignment);
        return { status: 200, body: ctx.services.page(list, ctx) };
      },
    },
    ...["{*scope}", ""].flatMap((prefix): Route[] => [
      {
        method: "GET", template: `${prefix}${NS}/roleDefinitions/{name}`, action: "Microsoft.Authorization/roleDefinitions/read", skipRbac: true,
        handle: (ctx) => {
          const d = definitionsAt(ctx, deps, scopeOf(ctx)).find((x) => x.name.toLowerCase() === ctx.params.name.toLowerCase());
          if (!d) throw new ArmError(404, "RoleDefinitionDoesNotExist", `The specified role definition with ID '${ctx.params.name}' does not exist.`);
          return { status: 200, body: renderDefinition(scopeOf(ctx), d) };
        },
      },
      {
        method: "GET", template: `${prefix}${NS}/roleDefinitions`, action: "Microsoft.Authorization/roleDefinitions/read", skipRbac: true,
        handle: (ctx) => {
          const f = ctx.req.query.get("$filter") ?? "";
          const roleName = /roleName\s+eq\s+'((?:[^']|'')*)'/i.exec(f)?.[1]?.replace(/''/g, "'");
          const type = /type\s+eq\s+'([^']+)'/i.exec(f)?.[1];
          const defs = definitionsAt(ctx, deps, scopeOf(ctx))
            .filter((d) => !roleName || d.roleName.toLowerCase() === roleName.toLowerCase())
            .filter((d) => !type || d.type.toLowerCase() === type.toLowerCase());
          return { status: 200, body: ctx.services.page(defs.map((d) => renderDefinition(scopeOf(ctx), d)), ctx) };
        },
      },
    ]),
    {
      method: "GET", template: `{*scope}${NS}/permissions`, action: "Microsoft.Authorization/permissions/read", skipRbac: true,
      handle: (ctx) => {
        // One entry per (role assignment, role permission), with the assignment's condition (null when none), as
        // api-version 2022-04-01 answers; deny assignments are not subtracted (Azure does not either).
        const perms = deps.rbac.permissionsAt(ctx.req.caller.objectId, scopeOf(ctx))
          .map((p) => ({ actions: p.actions, notActions: p.notActions, dataActions: p.dataActions, notDataActions: p.notDataActions,
            condition: p.condition, conditionVersion: p.conditionVersion }));
        return { status: 200, body: ctx.services.page(perms, ctx) };
      },
    },
    // Deny assignments: read-only (no PUT/DELETE routes: 405, as ARM refuses writes to them).
    {
      method: "GET", template: `{*scope}${NS}/denyAssignments/{name}`, action: "Microsoft.Authorization/denyAssignments/read",
      handle: (ctx) => {
        const r = ctx.store.get(`${scopeOf(ctx)}${NS}/denyAssignments/${ctx.params.name}`);
        if (!r || r.type.toLowerCase() !== DENY_ASSIGNMENT_TYPE.toLowerCase())
          throw new ArmError(404, "DenyAssignmentNotFound", `The deny assignment '${ctx.params.name}' is not found.`);
        return { status: 200, body: renderDenyAssignment(r) };
      },
    },
    {
      method: "GET", template: `{*scope}${NS}/denyAssignments`, action: "Microsoft.Authorization/denyAssignments/read",
      handle: (ctx) => ({ status: 200, body: ctx.services.page(filterDenyAssignments(allDenyAssignments(ctx), scopeOf(ctx), ctx.req.query.get("$filter")), ctx) }),
    },
  ];
  return { namespace: "Microsoft.Authorization", routes };
}
