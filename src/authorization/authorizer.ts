// The one authorization decision: may this caller have linkwright do these things? (caller + required → decision)
// linkwright acts with its own identity, which can do far more than most callers; so before it acts, every
// permission the request needs is checked as the caller, where ARM keeps it:
//   armToken     the caller's ARM token asks ARM's permissions API itself;
//   delegated    a user's token for linkwright is exchanged on-behalf-of the user for an ARM token, which then asks;
//   application  the app's role assignments are evaluated (app-only tokens cannot be exchanged).
// Deny assignments that apply to the caller block whatever the roles grant. Answers are cached per (caller, scope)
// for a short time, and concurrent asks share one call: at most one permissions call per distinct scope.
import type { TokenCredential } from "@azure/core-auth";
import { LRUCache } from "lru-cache";
import type { ArmClients } from "../azure/clients.js";
import { foldCase, subscriptionOf } from "../azure/resourceId.js";
import type { AuthenticatedCaller, CallerCredential } from "../model/caller.js";
import {
  denyingAssignment, grants, grantsConditionally, recommendedRoleFor,
  type DenyAssignmentView, type PermissionEntry, type RequiredPermission,
} from "./permissions.js";
import { denyAssignmentsAt, denyAssignmentsIn, permissionsApiReader, roleAssignmentReader, RoleDefinitionCache, type PermissionReader } from "./permissionReaders.js";

export interface MissingPermission extends RequiredPermission {
  recommendedRole: string;
  /** The deny assignment that blocks it, when one does. */
  deniedBy?: string;
  /** A role assignment would grant it only under an ABAC condition (not counted). */
  conditional?: boolean;
}

export interface Decision {
  allowed: boolean;
  missing: MissingPermission[];
  /** Everything that was checked (granted or not). */
  checked: RequiredPermission[];
}

export interface Authorizer {
  decide(who: AuthenticatedCaller, required: RequiredPermission[]): Promise<Decision>;
  /** Starts reading the caller's permissions at scopes a request will need, so the reads overlap its planning. */
  prefetch(who: AuthenticatedCaller, scopes: string[]): void;
}

/** linkwright cannot learn what the caller may do (e.g. a delegated token with no on-behalf-of credential set up). */
export class AuthorizationUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AuthorizationUnavailableError";
  }
}

export interface AuthorizerOptions {
  /** linkwright's own clients: application callers' role assignments, deny assignments. */
  ownClients: ArmClients;
  /** The one client factory with another credential (the caller's). */
  clientsFor(credential: TokenCredential): ArmClients;
  /** The on-behalf-of credential for a user's token; absent = delegated callers cannot be authorized. */
  onBehalfOf?(userToken: string, tenantId: string): TokenCredential;
  /** How long a permission answer is reused for the same caller and scope. */
  cacheSeconds: number;
}

/** A credential that hands out one token it was given (the caller's ARM token, valid until its `exp`). */
export function tokenCredential(token: string): TokenCredential {
  let expiresOnTimestamp = Date.now() + 5 * 60_000;
  try {
    const exp = (JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as { exp?: unknown }).exp;
    if (typeof exp === "number") expiresOnTimestamp = exp * 1000;
  } catch { /* not a JWT: ARM will refuse it */ }
  return { getToken: async () => ({ token, expiresOnTimestamp }) };
}

export function createAuthorizer(options: AuthorizerOptions): Authorizer {
  const ttl = Math.max(0, options.cacheSeconds) * 1000;
  const entries = new LRUCache<string, Promise<PermissionEntry[]>>({ max: 10_000, ttl: Math.max(ttl, 1), ttlAutopurge: false });
  const denies = new LRUCache<string, Promise<DenyAssignmentView[] | undefined>>({ max: 10_000, ttl: Math.max(ttl, 1) });
  const roleDefinitions = new RoleDefinitionCache(ttl);

  /** Reader per request: the caller's credential lives only as long as the request. */
  function readerFor(credential: CallerCredential, who: AuthenticatedCaller): PermissionReader {
    switch (credential.kind) {
      case "armToken": return permissionsApiReader(options.clientsFor(tokenCredential(credential.token)));
      case "delegated": {
        if (!options.onBehalfOf) {
          throw new AuthorizationUnavailableError("linkwright is not set up to act on behalf of users (LINKWRIGHT_APP_CLIENT_ID), so it cannot check what this user may do.");
        }
        return permissionsApiReader(options.clientsFor(options.onBehalfOf(credential.token, who.caller.tenantId)));
      }
      case "application": return roleAssignmentReader(options.ownClients, who.caller.objectId, roleDefinitions);
    }
  }

  const principalKey = (who: AuthenticatedCaller) => foldCase(`${who.credential.kind}|${who.caller.tenantId}|${who.caller.objectId}`);

  function entriesAt(who: AuthenticatedCaller, reader: () => PermissionReader, scope: string): Promise<PermissionEntry[]> {
    const key = `${principalKey(who)}|${foldCase(scope.replace(/\/+$/, ""))}`;
    let p = ttl > 0 ? entries.get(key) : undefined;
    if (!p) {
      p = reader().at(scope);
      if (ttl > 0) {
        entries.set(key, p);
        p.catch(() => entries.delete(key));
      }
    }
    return p;
  }

  function cachedDenies(key: string, read: () => Promise<DenyAssignmentView[] | undefined>): Promise<DenyAssignmentView[] | undefined> {
    let p = ttl > 0 ? denies.get(key) : undefined;
    if (!p) {
      p = read();
      if (ttl > 0) {
        denies.set(key, p);
        p.catch(() => denies.delete(key));
      }
    }
    return p;
  }

  /** The deny assignments that can apply at `scope`: from the subscription's one list, or (where linkwright may not
   *  list a whole subscription) from the scope's own. */
  async function denyAssignmentsFor(scope: string): Promise<DenyAssignmentView[]> {
    const sub = subscriptionOf(scope)!;
    const whole = await cachedDenies(`sub|${foldCase(sub)}`, () => denyAssignmentsIn(options.ownClients, sub));
    if (whole) return whole;
    return (await cachedDenies(`at|${foldCase(scope.replace(/\/+$/, ""))}`, () => denyAssignmentsAt(options.ownClients, scope))) ?? [];
  }

  function lazyReader(who: AuthenticatedCaller): () => PermissionReader {
    let reader: PermissionReader | undefined;
    return () => (reader ??= readerFor(who.credential, who));
  }

  return {
    prefetch(who, scopes) {
      const reader = lazyReader(who);
      for (const scope of new Set(scopes.filter((s) => subscriptionOf(s)))) {
        entriesAt(who, reader, scope).catch(() => undefined);
        denyAssignmentsFor(scope).catch(() => undefined);
      }
    },

    async decide(who, required) {
      const reader = lazyReader(who);
      const scopes = [...new Map(required.map((r) => [foldCase(r.scope.replace(/\/+$/, "")), r.scope])).values()];
      const [perScope, denyPerScope] = await Promise.all([
        Promise.all(scopes.map(async (s) => [foldCase(s.replace(/\/+$/, "")), subscriptionOf(s) ? await entriesAt(who, reader, s) : []] as const)),
        Promise.all(scopes.map(async (s) => [foldCase(s.replace(/\/+$/, "")), subscriptionOf(s) ? await denyAssignmentsFor(s) : []] as const)),
      ]);
      const entriesOf = new Map(perScope);
      const deniesOf = new Map(denyPerScope);
      const missing: MissingPermission[] = [];
      for (const r of required) {
        const at = entriesOf.get(foldCase(r.scope.replace(/\/+$/, ""))) ?? [];
        const data = r.dataAction === true;
        const deny = denyingAssignment(deniesOf.get(foldCase(r.scope.replace(/\/+$/, ""))) ?? [], who.caller.objectId, r.scope, r.action, data);
        if (!deny && grants(at, r.action, data)) continue;
        missing.push({
          ...r, recommendedRole: recommendedRoleFor(r.action, data),
          ...(deny ? { deniedBy: deny.id ?? deny.scope } : {}),
          ...(!deny && grantsConditionally(at, r.action, data) ? { conditional: true } : {}),
        });
      }
      return { allowed: missing.length === 0, missing, checked: required };
    },
  };
}
