// Collection GETs, one page each: a tracked resource type listed by subscription and by resource group (404
// ResourceGroupNotFound when the group is missing), and a child resource type listed under its parent (404 when the
// parent is missing).
import type { Route, RouteContext, RouteResult, StoredResource } from "../../core/contract.js";
import { requireResource, requireResourceGroup } from "./resource-lookup.js";
import { fill, parentTemplate } from "./route-templates.js";
import { render } from "./wire-shape.js";

export interface ListSpec {
  /** The template of one resource, e.g. `…/providers/Microsoft.Network/virtualNetworks/{virtualNetworkName}`. */
  template: string;
  /** ARM type listed, e.g. "Microsoft.Network/virtualNetworks". */
  type: string;
  /** RBAC action of the list (the type's read action). */
  action: string;
  /** Wire shape of one item (defaults to render). */
  render?(r: StoredResource, ctx: RouteContext): unknown;
  /** Page size the request asks for (default: the core's). */
  pageSize?(ctx: RouteContext): number | undefined;
}

/** GET of a tracked top-level type at `/subscriptions/{subscriptionId}/providers/…` and `…/resourceGroups/{resourceGroupName}/providers/…`. */
export function listBySubscriptionAndResourceGroup(spec: ListSpec): Route[] {
  const collection = spec.template.slice(spec.template.indexOf("/providers/")).split("/").slice(0, -1).join("/");
  const list = listIn(spec, (ctx, scope) => ctx.store.list(scope, spec.type));
  return [
    { method: "GET", template: `/subscriptions/{subscriptionId}${collection}`, action: spec.action, handle: (ctx) => list(ctx, `/subscriptions/${ctx.params.subscriptionId}`) },
    {
      method: "GET", template: `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}${collection}`, action: spec.action,
      handle: (ctx) => list(ctx, requireResourceGroup(ctx).id),
    },
  ];
}

/** GET of a child type's collection under its parent (the template without its last `/{name}`). */
export function listUnderParent(spec: ListSpec): Route {
  const parentT = parentTemplate(spec.template);
  const collection = spec.template.split("/").slice(-2)[0];
  const list = listIn(spec, (ctx, parentId) => ctx.store.children(parentId, spec.type));
  return {
    method: "GET", template: `${parentT}/${collection}`, action: spec.action,
    handle: (ctx) => list(ctx, requireResource(ctx, fill(parentT, ctx.params)).id),
  };
}

function listIn(spec: ListSpec, find: (ctx: RouteContext, scope: string) => StoredResource[]) {
  const out = spec.render ?? ((r: StoredResource) => render(r));
  return async (ctx: RouteContext, scope: string): Promise<RouteResult> => {
    const items = await Promise.all(find(ctx, scope).map((r) => out(r, ctx)));
    return { status: 200, body: ctx.services.page(items, ctx, spec.pageSize?.(ctx)) };
  };
}
