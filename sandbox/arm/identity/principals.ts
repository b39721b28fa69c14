// The emulator's directory: service principals (with client secrets), users and managed identities.
import { randomUUID, timingSafeEqual } from "node:crypto";
import type { PrincipalDirectory } from "../core/contract.js";

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
}

export interface PrincipalSnapshot {
  principals: Principal[];
}

export class Directory implements PrincipalDirectory {
  private readonly byId = new Map<string, Principal>();

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
  }

  get(objectId: string): Principal | undefined {
    const p = this.byId.get(objectId.toLowerCase());
    return p ? { ...p } : undefined;
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

  /** Constant-time check of a client secret. */
  checkSecret(clientId: string, secret: string): Principal | undefined {
    const p = this.byClientId(clientId);
    if (!p?.clientSecret) return undefined;
    const a = Buffer.from(p.clientSecret);
    const b = Buffer.from(secret);
    return a.length === b.length && timingSafeEqual(a, b) ? p : undefined;
  }

  list(): Principal[] {
    return [...this.byId.values()].map((p) => ({ ...p }));
  }

  snapshot(): PrincipalSnapshot {
    return { principals: this.list() };
  }

  restore(s: PrincipalSnapshot): void {
    this.byId.clear();
    for (const p of s.principals) this.byId.set(p.objectId.toLowerCase(), { ...p });
  }
}
