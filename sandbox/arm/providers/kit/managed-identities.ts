// Managed identity on a resource (sites, slots, container apps): turns the requested `identity` block into the
// stored one. System-assigned principals are issued/removed through services.principals; user-assigned entries get
// principalId/clientId from the Microsoft.ManagedIdentity/userAssignedIdentities resource in the store.
// Reference: arm-surface §2.1 (identity type enum, PATCH with `"<id>": null` removes one UAMI; keys compared
// case-insensitively), §2.2, §2.3.
import { ArmError, type RouteContext } from "../../core/contract.js";
import { sameId } from "../../core/ids.js";
import { asObject } from "./request-body.js";

export interface IdentityOptions {
  /** "replace": the request's userAssignedIdentities is the full set (PUT); "merge": entries merge, null removes (PATCH). */
  mode: "replace" | "merge";
  /** How the provider spells the combined type: App Service "SystemAssigned, UserAssigned", Container Apps "SystemAssigned,UserAssigned". */
  combinedType: string;
}

type Identity = Record<string, unknown>;

/** Resolves the identity to store for `resourceId`; `requested` undefined keeps `existing` unchanged. */
export function resolveIdentity(ctx: RouteContext, resourceId: string, requested: unknown, existing: Identity | undefined, opts: IdentityOptions): Identity | undefined {
  if (requested === undefined) return existing;
  const req = asObject(requested);
  const kinds = parseIdentityType(req.type);
  const prev = existing ?? {};
  const out: Identity = {};

  if (kinds.system) {
    if (typeof prev.principalId === "string") {
      out.principalId = prev.principalId;
      out.tenantId = prev.tenantId;
    } else {
      const issued = ctx.services.principals.createManagedIdentity(resourceId, "SystemAssigned");
      out.principalId = issued.principalId;
      out.tenantId = issued.tenantId;
    }
  } else if (typeof prev.principalId === "string") {
    ctx.services.principals.deleteManagedIdentity(prev.principalId);
  }

  if (kinds.user) {
    const base = opts.mode === "merge" ? asObject(prev.userAssignedIdentities) : {};
    const wanted = asObject(req.userAssignedIdentities);
    const merged: Record<string, unknown> = { ...base };
    for (const [uamiId, value] of Object.entries(wanted)) {
      for (const k of Object.keys(merged)) if (sameId(k, uamiId)) delete merged[k];
      if (value === null) continue;
      merged[uamiId] = userAssignedEntry(ctx, uamiId);
    }
    if (Object.keys(merged).length === 0) {
      throw new ArmError(400, "BadRequest", "The identity type 'UserAssigned' requires at least one entry in 'userAssignedIdentities'.", "identity.userAssignedIdentities");
    }
    out.userAssignedIdentities = merged;
  }

  if (!kinds.system && !kinds.user) return { type: "None" };
  out.type = kinds.system && kinds.user ? opts.combinedType : kinds.system ? "SystemAssigned" : "UserAssigned";
  return { type: out.type, ...out };
}

/** Removes a resource's system-assigned principal (resource deleted). */
export function releaseIdentity(ctx: RouteContext, identity: Identity | undefined): void {
  if (identity && typeof identity.principalId === "string") ctx.services.principals.deleteManagedIdentity(identity.principalId);
}

function parseIdentityType(type: unknown): { system: boolean; user: boolean } {
  if (type === undefined || type === null) return { system: false, user: false };
  if (typeof type !== "string") throw new ArmError(400, "BadRequest", "The identity type must be a string.", "identity.type");
  const parts = type.split(",").map((p) => p.trim().toLowerCase()).filter(Boolean);
  for (const p of parts) {
    if (!["systemassigned", "userassigned", "none"].includes(p)) {
      throw new ArmError(400, "BadRequest", `The identity type '${type}' is not supported. Supported values are 'None', 'SystemAssigned', 'UserAssigned' and 'SystemAssigned, UserAssigned'.`, "identity.type");
    }
  }
  return { system: parts.includes("systemassigned"), user: parts.includes("userassigned") };
}

function userAssignedEntry(ctx: RouteContext, uamiId: string): { principalId: string; clientId: string } {
  const uami = ctx.store.get(uamiId);
  if (!uami || uami.type.toLowerCase() !== "microsoft.managedidentity/userassignedidentities") {
    throw new ArmError(400, "FailedIdentityOperation",
      `Identity operation for resource failed with error 'Failed to perform resource identity operation. Status: 'NotFound'. Response: 'Resource '${uamiId}' was not found.''.`,
      "identity.userAssignedIdentities");
  }
  const p = asObject(uami.properties);
  return { principalId: String(p.principalId), clientId: String(p.clientId) };
}
