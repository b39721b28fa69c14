// The emulator's directory: service principals (with client secrets), users and managed identities, and app
// registrations that expose an API (identifier URI, delegated scopes, app roles), trust federated identity credentials
// (workload identity federation: a managed identity's token as the app's client assertion) and have app roles assigned.
// An app registration and its service principal are one entry here (objectId = the service principal's).
import { randomUUID, timingSafeEqual } from "node:crypto";
import type { PrincipalDirectory } from "../core/contract.js";

/** An app role an API defines (`appRoles` of the application object). */
export interface AppRole {
  id: string;
  value: string;
  displayName: string;
  description: string;
  /** "Application" (service principals, managed identities) and/or "User". */
  allowedMemberTypes: ("User" | "Application")[];
  isEnabled: boolean;
}

/** A delegated permission an API exposes (`api.oauth2PermissionScopes`). */
export interface PermissionScope {
  id: string;
  value: string;
  type: "User" | "Admin";
  adminConsentDisplayName: string;
  adminConsentDescription: string;
  isEnabled: boolean;
}

/** A federated identity credential (Graph `federatedIdentityCredential`): tokens with this issuer, subject and one of
 *  these audiences authenticate as the app. */
export interface FederatedIdentityCredential {
  name: string;
  issuer: string;
  subject: string;
  audiences: string[];
  description?: string;
}

/** Graph `appRoleAssignment`: `principalId` holds app role `appRoleId` of the API whose service principal is `resourceId`. */
export interface AppRoleAssignment {
  id: string;
  principalId: string;
  principalType: "User" | "ServicePrincipal";
  resourceId: string;
  appRoleId: string;
  createdDateTime: string;
}

export interface ApplicationOptions {
  objectId?: string;
  clientId?: string;
  /** A client secret: a string, `true` for a generated one; none by default (federated credentials instead). */
  clientSecret?: string | boolean;
  /** Defaults to [`api://{clientId}`]. */
  identifierUris?: string[];
  appRoles?: (Partial<AppRole> & { value: string })[];
  oauth2PermissionScopes?: (Partial<PermissionScope> & { value: string })[];
  federatedIdentityCredentials?: FederatedIdentityCredential[];
}

export interface Principal {
  objectId: string;
  displayName: string;
  /** "ServicePrincipal" | "User" */
  principalType: "ServicePrincipal" | "User";
  /** Application (client) id; service principals and managed identities. */
  clientId?: string;
  clientSecret?: string;
  /** For managed identities: the resource the identity belongs to (system-assigned) or the identity resource (user-assigned). */
  managedIdentity?: { resourceId: string; kind: "SystemAssigned" | "UserAssigned" };
  userPrincipalName?: string;
  /** A user's password (the resource-owner password grant, how `az login --username` signs in); none by default. */
  password?: string;
  /** App registrations exposing an API (see ApplicationOptions). */
  identifierUris?: string[];
  appRoles?: AppRole[];
  oauth2PermissionScopes?: PermissionScope[];
  federatedIdentityCredentials?: FederatedIdentityCredential[];
}

export interface PrincipalSnapshot {
  principals: Principal[];
  appRoleAssignments?: AppRoleAssignment[];
}

export class Directory implements PrincipalDirectory {
  private readonly byId = new Map<string, Principal>();
  private appRoleAssignmentList: AppRoleAssignment[] = [];

  constructor(readonly tenantId: string) {}

  add(p: Omit<Principal, "objectId"> & { objectId?: string }): Principal {
    const principal: Principal = { ...p, objectId: p.objectId ?? randomUUID() };
    this.byId.set(principal.objectId.toLowerCase(), principal);
    return { ...principal };
  }

  /** Service principal with a client secret (app registration + SP in one). */
  addServicePrincipal(displayName: string, opts: { objectId?: string; clientId?: string; clientSecret?: string } = {}): Principal {
    return this.add({
      displayName, principalType: "ServicePrincipal",
      objectId: opts.objectId, clientId: opts.clientId ?? randomUUID(),
      clientSecret: opts.clientSecret ?? `lw~${randomUUID().replace(/-/g, "")}`,
    });
  }

  addUser(displayName: string, userPrincipalName: string, objectId?: string): Principal {
    return this.add({ displayName, principalType: "User", userPrincipalName, objectId });
  }

  createManagedIdentity(resourceId: string, kind: "SystemAssigned" | "UserAssigned"): { principalId: string; clientId: string; tenantId: string } {
    const name = resourceId.split("/").filter(Boolean).pop() ?? resourceId;
    const existing = this.list().find((p) => p.managedIdentity && p.managedIdentity.resourceId.toLowerCase() === resourceId.toLowerCase()
      && p.managedIdentity.kind === kind);
    const p = existing ?? this.add({ displayName: name, principalType: "ServicePrincipal", clientId: randomUUID(), managedIdentity: { resourceId, kind } });
    return { principalId: p.objectId, clientId: p.clientId!, tenantId: this.tenantId };
  }

  deleteManagedIdentity(principalId: string): void {
    this.byId.delete(principalId.toLowerCase());
    this.appRoleAssignmentList = this.appRoleAssignmentList.filter((a) => a.principalId.toLowerCase() !== principalId.toLowerCase());
  }

  /** An app registration (with its service principal) exposing an API: identifier URI `api://{clientId}` by default. */
  addApplication(displayName: string, opts: ApplicationOptions = {}): Principal {
    const clientId = opts.clientId ?? randomUUID();
    const secret = opts.clientSecret === true ? `lw~${randomUUID().replace(/-/g, "")}` : typeof opts.clientSecret === "string" ? opts.clientSecret : undefined;
    return this.add({
      displayName, principalType: "ServicePrincipal", objectId: opts.objectId, clientId, clientSecret: secret,
      identifierUris: opts.identifierUris ?? [`api://${clientId}`],
      appRoles: (opts.appRoles ?? []).map((r) => ({
        id: r.id ?? randomUUID(), value: r.value, displayName: r.displayName ?? r.value, description: r.description ?? r.value,
        allowedMemberTypes: r.allowedMemberTypes ?? ["Application"], isEnabled: r.isEnabled ?? true,
      })),
      oauth2PermissionScopes: (opts.oauth2PermissionScopes ?? []).map((s) => ({
        id: s.id ?? randomUUID(), value: s.value, type: s.type ?? "User", adminConsentDisplayName: s.adminConsentDisplayName ?? s.value,
        adminConsentDescription: s.adminConsentDescription ?? s.value, isEnabled: s.isEnabled ?? true,
      })),
      federatedIdentityCredentials: (opts.federatedIdentityCredentials ?? []).map((f) => structuredClone(f)),
    });
  }

  /** The app registration with this objectId, clientId or identifier URI (an audience such as `api://{clientId}`). */
  application(idOrAudience: string): Principal | undefined {
    const key = idOrAudience.replace(/\/+$/, "").toLowerCase();
    const app = [...this.byId.values()].find((p) => p.identifierUris !== undefined
      && (p.objectId.toLowerCase() === key || p.clientId?.toLowerCase() === key || p.identifierUris.some((u) => u.replace(/\/+$/, "").toLowerCase() === key)));
    return app && structuredClone(app);
  }

  private requireApplication(app: string): Principal {
    const found = this.application(app);
    if (!found) throw new Error(`no app registration '${app}' in the sandbox directory`);
    return found;
  }

  /** Adds or replaces (by name) a federated identity credential of an app registration. At most 20 per app, as in Entra. */
  setFederatedIdentityCredential(app: string, fic: FederatedIdentityCredential): FederatedIdentityCredential {
    const a = this.requireApplication(app);
    if (!fic.name || !fic.issuer || !fic.subject || !Array.isArray(fic.audiences) || fic.audiences.length !== 1)
      throw new Error("a federated identity credential needs a name, an issuer, a subject and exactly one audience");
    const list = (a.federatedIdentityCredentials ?? []).filter((f) => f.name !== fic.name);
    if (list.length >= 20) throw new Error(`app '${a.displayName}' already has 20 federated identity credentials (Entra's limit)`);
    list.push(structuredClone(fic));
    this.byId.set(a.objectId.toLowerCase(), { ...a, federatedIdentityCredentials: list });
    return structuredClone(fic);
  }

  /** Assigns app role `roleValue` of `app` (objectId, clientId or identifier URI) to a principal; idempotent. */
  assignAppRole(principalId: string, app: string, roleValue: string): AppRoleAssignment {
    const a = this.requireApplication(app);
    const principal = this.get(principalId);
    if (!principal) throw new Error(`no principal ${principalId} in the sandbox directory`);
    const role = (a.appRoles ?? []).find((r) => r.value === roleValue);
    if (!role) throw new Error(`app '${a.displayName}' defines no app role '${roleValue}'`);
    const memberType = principal.principalType === "User" ? "User" : "Application";
    if (!role.allowedMemberTypes.includes(memberType))
      throw new Error(`app role '${roleValue}' of '${a.displayName}' allows ${role.allowedMemberTypes.join(", ")} members, not ${memberType}`);
    const existing = this.appRoleAssignmentList.find((x) => x.principalId.toLowerCase() === principal.objectId.toLowerCase()
      && x.resourceId.toLowerCase() === a.objectId.toLowerCase() && x.appRoleId === role.id);
    if (existing) return { ...existing };
    const assignment: AppRoleAssignment = {
      id: randomUUID(), principalId: principal.objectId, principalType: principal.principalType, resourceId: a.objectId, appRoleId: role.id,
      createdDateTime: new Date().toISOString(),
    };
    this.appRoleAssignmentList.push(assignment);
    return { ...assignment };
  }

  /** App role assignments, optionally of one principal. */
  appRoleAssignments(principalId?: string): AppRoleAssignment[] {
    return this.appRoleAssignmentList.filter((a) => !principalId || a.principalId.toLowerCase() === principalId.toLowerCase()).map((a) => ({ ...a }));
  }

  /** The values of `app`'s enabled app roles assigned to `principalId` (what a token for the app carries in `roles`). */
  appRolesOf(principalId: string, app: Principal): string[] {
    const roles = app.appRoles ?? [];
    return this.appRoleAssignments(principalId)
      .filter((x) => x.resourceId.toLowerCase() === app.objectId.toLowerCase())
      .map((x) => roles.find((r) => r.id === x.appRoleId && r.isEnabled)?.value)
      .filter((v): v is string => v !== undefined);
  }

  get(objectId: string): Principal | undefined {
    const p = this.byId.get(objectId.toLowerCase());
    return p ? structuredClone(p) : undefined;
  }

  byClientId(clientId: string): Principal | undefined {
    return this.list().find((p) => p.clientId?.toLowerCase() === clientId.toLowerCase());
  }

  byName(displayName: string): Principal | undefined {
    return this.list().find((p) => p.displayName === displayName);
  }

  /** Managed identity principal attached to `resourceId` (system-assigned) or the user-assigned identity resource. */
  byManagedResource(resourceId: string): Principal | undefined {
    return this.list().find((p) => p.managedIdentity?.resourceId.toLowerCase() === resourceId.toLowerCase());
  }

  /** Sets (or with undefined removes) a user's password, so the user can sign in with the password grant. */
  setPassword(objectId: string, password: string | undefined): void {
    const p = this.byId.get(objectId.toLowerCase());
    if (!p || p.principalType !== "User") throw new Error(`no user ${objectId} in the sandbox directory`);
    const { password: _old, ...rest } = p;
    this.byId.set(objectId.toLowerCase(), password === undefined ? rest : { ...rest, password });
  }

  /** The user signing in with this user principal name (or object id) and password; constant-time compare. */
  checkUserPassword(username: string, password: string): Principal | undefined {
    const key = username.toLowerCase();
    const p = this.list().find((x) => x.principalType === "User" && (x.userPrincipalName?.toLowerCase() === key || x.objectId.toLowerCase() === key));
    if (!p?.password) return undefined;
    const a = Buffer.from(p.password);
    const b = Buffer.from(password);
    return a.length === b.length && timingSafeEqual(a, b) ? p : undefined;
  }

  /** Constant-time check of a client secret. */
  checkSecret(clientId: string, secret: string): Principal | undefined {
    const p = this.byClientId(clientId);
    if (!p?.clientSecret) return undefined;
    const a = Buffer.from(p.clientSecret);
    const b = Buffer.from(secret);
    return a.length === b.length && timingSafeEqual(a, b) ? p : undefined;
  }

  list(): Principal[] {
    return [...this.byId.values()].map((p) => structuredClone(p));
  }

  snapshot(): PrincipalSnapshot {
    return { principals: this.list(), appRoleAssignments: this.appRoleAssignments() };
  }

  restore(s: PrincipalSnapshot): void {
    this.byId.clear();
    for (const p of s.principals) this.byId.set(p.objectId.toLowerCase(), structuredClone(p));
    this.appRoleAssignmentList = (s.appRoleAssignments ?? []).map((a) => ({ ...a }));
  }
}
