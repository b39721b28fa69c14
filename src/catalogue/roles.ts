// Which Azure roles a connection may ask linkwright to assign (`authInfo.roles`). linkwright assigns roles with its
// own identity (User Access Administrator on the scopes it manages), so a caller allowed to create a connection must
// not be able to turn that into any role it likes: a requested role must be one the catalogue knows for the target
// (defaultRoles, the binding's extraRoles, the target's allowedRoles) or one the platform allow-lists
// (LINKWRIGHT_ALLOWED_ROLES), and the roles that manage access or everything are never assigned.
import { REGISTRY } from "./registry.js";
import type { RoleDefinition, TargetKind } from "./types.js";

/** Never assigned, whatever the catalogue or the platform allow-list says: each can grant access to others or
 *  manage every resource at its scope. */
export const NEVER_ASSIGNED_ROLES: readonly RoleDefinition[] = [
  { name: "Owner", id: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635" },
  { name: "Contributor", id: "b24988ac-6180-42a0-ab88-20f7382dd24c" },
  { name: "User Access Administrator", id: "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9" },
  { name: "Role Based Access Control Administrator", id: "f58310d9-a9f6-439a-9e8d-f62e7b41a168" },
];

const GUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
/** A role definition GUID, or its id at the tenant root or in a subscription. */
const ROLE_REF = new RegExp(`^(?:(?:/subscriptions/${GUID})?/providers/Microsoft\\.Authorization/roleDefinitions/)?(${GUID})$`, "i");

/** The lower-cased role definition GUID of `role` (a GUID or a role definition id), or undefined when it is neither. */
export function roleGuidOf(role: unknown): string | undefined {
  if (typeof role !== "string") return undefined;
  return ROLE_REF.exec(role.trim())?.[1]?.toLowerCase();
}

/** The never-assigned role with this GUID, if it is one. */
export function neverAssignedRole(guid: string): RoleDefinition | undefined {
  return NEVER_ASSIGNED_ROLES.find((r) => r.id === guid.toLowerCase());
}

/** Every role the catalogue allows for the target: its defaultRoles (all account kinds), the binding's extra roles
 *  and its least-privilege alternatives; each GUID once. */
export function allowedRoles(kind: TargetKind | string): RoleDefinition[] {
  const d = REGISTRY.get(kind as TargetKind);
  if (!d) return [];
  const all = [...d.defaultRoles, ...(d.binding?.extraRoles ?? []).map((x) => x.role), ...(d.allowedRoles ?? [])];
  const seen = new Set<string>();
  return all.filter((r) => !seen.has(r.id) && seen.add(r.id)).map(({ name, id }) => ({ name, id }));
}

/** Parses LINKWRIGHT_ALLOWED_ROLES (comma-separated role definition GUIDs). Throws on anything else, so a typo in
 *  the setting fails the app's configuration instead of silently allowing nothing (or something else). */
export function parseAllowedRoles(value: string | undefined): string[] {
  const out: string[] = [];
  for (const part of (value ?? "").split(",").map((p) => p.trim()).filter(Boolean)) {
    const guid = new RegExp(`^${GUID}$`, "i").test(part) ? part.toLowerCase() : undefined;
    if (!guid) throw new Error(`LINKWRIGHT_ALLOWED_ROLES must list role definition GUIDs separated by commas; '${part}' is not one.`);
    out.push(guid);
  }
  return out;
}

export interface RolePolicy {
  /** Role definition GUIDs the platform allows for every target (LINKWRIGHT_ALLOWED_ROLES, parsed). */
  allowedRoles?: readonly string[];
}

export interface RoleIssue {
  field: "properties.authInfo.roles";
  code: "RoleNotAllowed";
  message: string;
}

const FIELD = "properties.authInfo.roles" as const;
const describe = (r: RoleDefinition) => `${r.name} (${r.id})`;

/** One issue per requested role linkwright will not assign; none for an absent or empty list. */
export function checkRequestedRoles(kind: TargetKind | string, roles: unknown, policy: RolePolicy = {}): RoleIssue[] {
  if (roles === undefined || roles === null) return [];
  if (!Array.isArray(roles)) return [{ field: FIELD, code: "RoleNotAllowed", message: "authInfo.roles must be a list of role definition ids." }];
  const catalogue = allowedRoles(kind);
  const platform = new Set((policy.allowedRoles ?? []).map((r) => r.toLowerCase()));
  const allowedText = [
    catalogue.length ? `${kind} allows ${catalogue.map(describe).join(", ")}` : `${kind} takes no Azure role (its access is granted in the data plane or by its keys)`,
    platform.size ? `the platform allows ${[...platform].join(", ")} (LINKWRIGHT_ALLOWED_ROLES)` : "the platform can allow more with LINKWRIGHT_ALLOWED_ROLES",
  ].join("; ");
  const issues: RoleIssue[] = [];
  for (const role of roles) {
    const guid = roleGuidOf(role);
    const never = guid ? neverAssignedRole(guid) : undefined;
    let message: string | undefined;
    if (!guid) {
      message = `'${String(role)}' is not a role definition GUID or id (/subscriptions/{id}/providers/Microsoft.Authorization/roleDefinitions/{guid}); ${allowedText}.`;
    } else if (never) {
      message = `linkwright never assigns ${describe(never)}: it would let the connection's principal manage access or every resource at the scope. ${allowedText}.`;
    } else if (!catalogue.some((r) => r.id === guid) && !platform.has(guid)) {
      message = `Role ${guid} is not allowed for a ${kind} connection; ${allowedText}.`;
    }
    if (message) issues.push({ field: FIELD, code: "RoleNotAllowed", message });
  }
  return issues;
}
