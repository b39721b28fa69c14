// Defense in depth on what a connection request may make linkwright do with its own identity, whoever the caller is:
// the roles it assigns (./roles.ts). Pure: the API runs it on PUT/PATCH and dry runs (validation issues, 400), the
// planner before anything changes.
import { checkRequestedRoles, type RoleIssue, type RolePolicy } from "./roles.js";

export type GuardPolicy = RolePolicy;
export type GuardIssue = RoleIssue;

export interface GuardedRequest {
  targetKind: string;
  authInfo?: { roles?: unknown } | Record<string, unknown> | null;
}

/** Every refusal for the request; empty when linkwright may go ahead. */
export function checkConnectionGuards(req: GuardedRequest, policy: GuardPolicy = {}): GuardIssue[] {
  const roles = (req.authInfo as { roles?: unknown } | null | undefined)?.roles;
  return [...checkRequestedRoles(req.targetKind, roles, policy)];
}
