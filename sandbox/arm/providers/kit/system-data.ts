// ARM systemData on a write: who created and who last modified a resource, and when.
import type { RouteContext, StoredResource } from "../../core/contract.js";

/** ARM systemData for a write by the caller; keeps the creation fields of `existing`. */
export function systemData(ctx: RouteContext, existing?: StoredResource): Record<string, unknown> {
  const now = new Date().toISOString();
  const by = ctx.req.caller.objectId;
  const byType = ctx.req.caller.principalType === "User" ? "User" : "Application";
  const prev = existing?.systemData as Record<string, unknown> | undefined;
  return {
    createdBy: prev?.createdBy ?? by, createdByType: prev?.createdByType ?? byType, createdAt: prev?.createdAt ?? now,
    lastModifiedBy: by, lastModifiedByType: byType, lastModifiedAt: now,
  };
}
