// What ARM grants, evaluated as ARM does (pure: no I/O). A permission entry is one role's permission block as
// `GET {scope}/providers/Microsoft.Authorization/permissions` lists it: it grants an action when one of its
// actions (data actions for a data action) matches and none of its notActions (notDataActions) does — wildcards
// `*` anywhere, case-insensitive. An entry that carries an ABAC condition grants nothing here: whether the
// condition holds depends on the request ARM will see, which linkwright cannot evaluate, so it does not count.
// A deny assignment that applies to the principal at the scope blocks the action whatever the roles grant.
import { foldCase } from "../azure/resourceId.js";

export interface PermissionEntry {
  actions?: string[];
  notActions?: string[];
  dataActions?: string[];
  notDataActions?: string[];
  condition?: string | null;
  conditionVersion?: string | null;
}

export interface DenyAssignmentView {
  /** The deny assignment's id (named in refusals). */
  id?: string;
  scope: string;
  doNotApplyToChildScopes?: boolean;
  permissions: PermissionEntry[];
  /** Principal object ids; "00000000-0000-0000-0000-000000000000" (SystemDefined) is everyone. */
  principals: string[];
  excludePrincipals: string[];
}

/** One permission to check: an action (or data action) at a scope, with why linkwright needs it. */
export interface RequiredPermission {
  scope: string;
  action: string;
  dataAction?: boolean;
  /** What the connection does with it, e.g. "assign the connection's role on the target". */
  why: string;
}

export const EVERYONE = "00000000-0000-0000-0000-000000000000";

const patternCache = new Map<string, RegExp>();
function pattern(p: string): RegExp {
  let re = patternCache.get(p);
  if (!re) {
    re = new RegExp(`^${p.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\/]/g, "\\$&")).join(".*")}$`, "i");
    if (patternCache.size > 5000) patternCache.clear();
    patternCache.set(p, re);
  }
  return re;
}

export function actionMatches(patternText: string, action: string): boolean {
  return pattern(patternText).test(action);
}

function entryAllows(entry: PermissionEntry, action: string, data: boolean): boolean {
  const allow = (data ? entry.dataActions : entry.actions) ?? [];
  const deny = (data ? entry.notDataActions : entry.notActions) ?? [];
  return allow.some((a) => actionMatches(a, action)) && !deny.some((a) => actionMatches(a, action));
}

/** Whether unconditional entries grant `action` (a data action when `data`). */
export function grants(entries: PermissionEntry[], action: string, data = false): boolean {
  return entries.some((e) => !e.condition && entryAllows(e, action, data));
}

/** Whether some entry would grant `action` only under a condition (reported, never counted). */
export function grantsConditionally(entries: PermissionEntry[], action: string, data = false): boolean {
  return entries.some((e) => Boolean(e.condition) && entryAllows(e, action, data));
}

/** A scope as compared: without trailing slashes, ASCII letters folded (src/azure/resourceId.ts foldCase, as ARM). */
const norm = (s: string) => foldCase(s.replace(/\/+$/, ""));

/** `inner` is `outer` or lies below it. */
export function isAtOrBelow(inner: string, outer: string): boolean {
  const i = norm(inner);
  const o = norm(outer);
  return o === "" || i === o || i.startsWith(`${o}/`);
}

/** The deny assignment that blocks `principalId` from `action` at `scope`, if any. */
export function denyingAssignment(denies: DenyAssignmentView[], principalId: string, scope: string, action: string, data = false): DenyAssignmentView | undefined {
  const who = principalId.toLowerCase();
  return denies.find((d) => {
    if (!isAtOrBelow(scope, d.scope)) return false;
    if (d.doNotApplyToChildScopes && norm(scope) !== norm(d.scope)) return false;
    const applies = d.principals.some((p) => p.toLowerCase() === who || p === EVERYONE);
    if (!applies || d.excludePrincipals.some((p) => p.toLowerCase() === who)) return false;
    return d.permissions.some((p) => entryAllows(p, action, data));
  });
}

/** The least-privileged built-in role that grants an action linkwright checks (a dry run's `recommendedRole`). */
export function recommendedRoleFor(action: string, dataAction = false): string {
  const a = action.toLowerCase();
  if (a.startsWith("microsoft.servicelinker/")) return "Contributor";
  if (a.startsWith("microsoft.authorization/roleassignments/")) return "Role Based Access Control Administrator";
  if (a === "microsoft.managedidentity/userassignedidentities/assign/action") return "Managed Identity Operator";
  if (dataAction && a.startsWith("microsoft.keyvault/vaults/secrets/")) return "Key Vault Secrets Officer";
  if (dataAction && a.startsWith("microsoft.appconfiguration/")) return "App Configuration Data Owner";
  if (a.startsWith("microsoft.web/sites/")) return "Website Contributor";
  if (a.startsWith("microsoft.storage/storageaccounts/")) return "Storage Account Contributor";
  if (a.startsWith("microsoft.keyvault/vaults/")) return "Key Vault Contributor";
  if (a.startsWith("microsoft.network/virtualnetworks/")) return "Network Contributor";
  if (a.startsWith("microsoft.sql/servers/")) return "SQL Server Contributor";
  if (a.startsWith("microsoft.documentdb/")) return "DocumentDB Account Contributor";
  if (a.startsWith("microsoft.cache/")) return "Redis Cache Contributor";
  return "Contributor";
}
