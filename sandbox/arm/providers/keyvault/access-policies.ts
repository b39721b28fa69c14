// Key Vault access policies: the add / replace / remove merge rules of PUT `vaults/{n}/accessPolicies/{kind}`
// and the permission check the data plane uses under the access-policy model. Reference: arm-surface §2.6.
import { ArmError } from "../../core/contract.js";
import { asObject } from "../kit/request-body.js";

export interface AccessPolicy {
  tenantId: string;
  objectId: string;
  applicationId?: string;
  permissions: { keys?: string[]; secrets?: string[]; certificates?: string[]; storage?: string[] };
}

const CATEGORIES = ["keys", "secrets", "certificates", "storage"] as const;

export function parseAccessPolicies(v: unknown): AccessPolicy[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new ArmError(400, "BadRequest", "The property 'accessPolicies' must be an array.", "properties.accessPolicies");
  return v.map((raw, i) => {
    const p = asObject(raw);
    if (typeof p.tenantId !== "string" || typeof p.objectId !== "string") {
      throw new ArmError(400, "BadRequest", `Access policy ${i} must have 'tenantId' and 'objectId'.`, `properties.accessPolicies[${i}]`);
    }
    const perms = asObject(p.permissions);
    const permissions: AccessPolicy["permissions"] = {};
    for (const c of CATEGORIES) if (Array.isArray(perms[c])) permissions[c] = (perms[c] as unknown[]).map((x) => String(x).toLowerCase());
    return { tenantId: p.tenantId, objectId: p.objectId, ...(typeof p.applicationId === "string" ? { applicationId: p.applicationId } : {}), permissions };
  });
}

function samePrincipal(a: AccessPolicy, b: AccessPolicy): boolean {
  return a.objectId.toLowerCase() === b.objectId.toLowerCase() && a.tenantId.toLowerCase() === b.tenantId.toLowerCase()
    && (a.applicationId ?? "").toLowerCase() === (b.applicationId ?? "").toLowerCase();
}

/** Applies an accessPolicies/{add|replace|remove} request to the vault's current list. */
export function applyAccessPolicyChange(current: AccessPolicy[], kind: string, changes: AccessPolicy[]): AccessPolicy[] {
  const op = kind.toLowerCase();
  if (op !== "add" && op !== "replace" && op !== "remove") {
    throw new ArmError(400, "BadRequest", `The access policy update kind '${kind}' is invalid. Valid values are 'add', 'replace' and 'remove'.`);
  }
  const out = current.map((p) => structuredClone(p));
  for (const change of changes) {
    const i = out.findIndex((p) => samePrincipal(p, change));
    if (op === "replace") {
      if (i >= 0) out[i] = structuredClone(change);
      else out.push(structuredClone(change));
      continue;
    }
    if (op === "add") {
      if (i < 0) { out.push(structuredClone(change)); continue; }
      for (const c of CATEGORIES) {
        if (!change.permissions[c]) continue;
        out[i].permissions[c] = [...new Set([...(out[i].permissions[c] ?? []), ...change.permissions[c]!])];
      }
      continue;
    }
    if (i < 0) continue;
    for (const c of CATEGORIES) {
      if (!change.permissions[c]) continue;
      const drop = new Set(change.permissions[c]);
      out[i].permissions[c] = (out[i].permissions[c] ?? []).filter((x) => !drop.has(x));
    }
    if (CATEGORIES.every((c) => (out[i].permissions[c] ?? []).length === 0)) out.splice(i, 1);
  }
  return out;
}

/** Whether an access policy grants `objectId` the secret permission (`get`, `list`, `set`, `delete`, `purge`, …). */
export function policiesGrant(policies: AccessPolicy[], objectId: string, secretPermission: string): boolean {
  return policies.some((p) => p.objectId.toLowerCase() === objectId.toLowerCase()
    && (p.permissions.secrets ?? []).some((x) => x === "all" || x === secretPermission.toLowerCase()));
}
