// Finding what a request addresses: its resource group, a stored resource (404 ResourceNotFound, or
// ResourceGroupNotFound when the group is missing), and the canonical id of a resource about to be created.
// Reference: arm-surface §1.5 (errors).
import type { RouteContext, StoredResource } from "../../core/contract.js";
import { armErrors } from "../../core/errors.js";
import { normalisePath, parseResourceId } from "../../core/ids.js";

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
