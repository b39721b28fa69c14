// Shared ARM resource helpers for the resource providers (web, storage, keyvault, containerapps, network, msi):
// parent/resource existence checks, systemData, rendering a stored resource to its wire shape, and the
// sync-or-LRO answer to a PUT. Reference: arm-surface §1.2 (body), §1.5 (errors), §1.6 (LRO).
import { ArmError, type RouteContext, type RouteResult, type StoredResource } from "../../core/contract.js";
import { armErrors } from "../../core/errors.js";
import { normalisePath, parseResourceId } from "../../core/ids.js";

/** Keys of a StoredResource that go on the wire; anything else is provider-private. */
const WIRE_KEYS = ["id", "name", "type", "kind", "location", "tags", "sku", "identity", "properties", "etag", "systemData"] as const;

/** The wire shape of a stored resource (drops provider-private keys). */
export function render(r: StoredResource): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of WIRE_KEYS) if (r[k] !== undefined) out[k] = r[k];
  return out;
}

/** Throws ResourceGroupNotFound unless the request's resource group exists (looked up by its ARM id). */
export function requireResourceGroup(ctx: RouteContext): StoredResource {
  const { subscriptionId, resourceGroupName } = ctx.params;
  const rg = ctx.store.get(`/subscriptions/${subscriptionId}/resourceGroups/${resourceGroupName}`);
  if (!rg) throw armErrors.resourceGroupNotFound(resourceGroupName);
  return rg;
}

/** The stored resource at `id`, or 404 ResourceNotFound (ResourceGroupNotFound when the group is missing). */
export function requireResource(ctx: RouteContext, id: string): StoredResource {
  const r = ctx.store.get(id);
  if (r) return r;
  const p = parseResourceId(id);
  if (p.subscriptionId && p.resourceGroup && !ctx.store.get(`/subscriptions/${p.subscriptionId}/resourceGroups/${p.resourceGroup}`)) {
    throw armErrors.resourceGroupNotFound(p.resourceGroup);
  }
  throw armErrors.resourceNotFound(id);
}

/** The id for a new resource at the request path, with the resource group's canonical casing. */
export function newResourceId(ctx: RouteContext, path = ctx.req.path): string {
  const rg = requireResourceGroup(ctx);
  const norm = normalisePath(path);
  const prefix = `/subscriptions/${ctx.params.subscriptionId}/resourceGroups/${ctx.params.resourceGroupName}`;
  return norm.toLowerCase().startsWith(prefix.toLowerCase()) ? rg.id + norm.slice(prefix.length) : norm;
}

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

/** A JSON object from the request body (400 InvalidRequestContent otherwise). */
export function bodyObject(ctx: RouteContext): Record<string, unknown> {
  const b = ctx.req.body;
  if (b === undefined || b === null) return {};
  if (typeof b !== "object" || Array.isArray(b)) throw armErrors.invalidRequestContent("The request body must be a JSON object.");
  return b as Record<string, unknown>;
}

export function asObject(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** 400 for a tracked resource PUT without a location. */
export function requireLocation(body: Record<string, unknown>): string {
  if (typeof body.location !== "string" || body.location === "") {
    throw new ArmError(400, "LocationRequired", "The location property is required for this definition.");
  }
  return body.location;
}

/** JSON merge patch (RFC 7396): objects merge recursively, null deletes, arrays and scalars replace. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== "object" || Array.isArray(patch)) return structuredClone(patch);
  const out: Record<string, unknown> = { ...asObject(target) };
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/**
 * The answer to a PUT that stored `body`: 200 (update) / 201 (create) synchronously, or, when the test control
 * surface turned LRO mode on for this operation, the core's long-running response in the SDK's polling style.
 */
export function putResult(ctx: RouteContext, body: unknown, created: boolean, style: "azure-async-operation" | "location" | "both" = "azure-async-operation"): RouteResult {
  if (ctx.services.lroEnabledFor(ctx)) {
    return ctx.services.longRunning({ status: style === "location" ? 202 : 201, body, style, finalBody: body }, ctx);
  }
  return { status: created ? 201 : 200, body };
}

/** The answer to a DELETE: 200 when something was deleted, 204 when nothing was there. */
export function deleteResult(ctx: RouteContext, id: string): RouteResult {
  requireResourceGroup(ctx);
  const existed = ctx.store.get(id) !== undefined;
  if (existed) {
    for (const child of ctx.store.list(id)) ctx.store.delete(child.id);
  }
  return { status: existed ? 200 : 204 };
}

/** A deterministic pseudo-public IPv4 (20.x.y.z) derived from a string, for outbound addresses. */
export function fakePublicIp(seed: string, n: number): string {
  let h = 2166136261;
  for (const ch of `${seed.toLowerCase()}#${n}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return `20.${(h >>> 16) & 0xff}.${(h >>> 8) & 0xff}.${(h & 0xfe) + 1}`;
}
