// Generic ARM CRUD routes of one resource type: GET / PUT / optional PATCH / DELETE, its list under the parent (or
// by subscription and resource group for tracked top-level resources), and POST actions on it. The per-type
// knowledge (wire shape, defaults, validation) stays in each provider's `build`.
import type { Route, RouteContext, RouteResult, StoredResource } from "../../core/contract.js";
import { listBySubscriptionAndResourceGroup, listUnderParent } from "./list-routes.js";
import { mergePatch } from "./merge-patch.js";
import { bodyObject } from "./request-body.js";
import { newResourceId, requireResource, requireResourceGroup } from "./resource-lookup.js";
import { fill, parentTemplate } from "./route-templates.js";
import { systemData } from "./system-data.js";
import { render } from "./wire-shape.js";
import { deleteResult, putResult } from "./write-results.js";

export interface BuildInput {
  /** Canonical id (existing resource's id, or a new id with the parent's casing). */
  id: string;
  name: string;
  body: Record<string, unknown>;
  existing?: StoredResource;
  /** The parent resource (children only). */
  parent?: StoredResource;
}

export interface CrudSpec {
  /** Full resource template, e.g. `${NAMESPACE}/queues/{queueName}`. */
  template: string;
  /** ARM type, e.g. "Microsoft.ServiceBus/namespaces/queues". */
  type: string;
  /** RBAC action prefix (defaults to `type`). */
  actionPrefix?: string;
  /** A top-level tracked resource (lists by subscription and resource group); otherwise a child listed under its parent. */
  topLevel?: boolean;
  /** Builds the resource to store from a PUT body (throw ArmError for bad input). */
  build(ctx: RouteContext, input: BuildInput): StoredResource | Promise<StoredResource>;
  /** Status of a create: the SDK's spec decides whether 201 is accepted (default 200). */
  createdStatus?: 200 | 201;
  /** PATCH: JSON merge of the body into the stored resource, then `afterPatch` re-validates (absent: no PATCH route). */
  patch?: boolean;
  afterPatch?(ctx: RouteContext, merged: StoredResource, existing: StoredResource): StoredResource;
  /** Wire shape (defaults to render). */
  render?(r: StoredResource, ctx: RouteContext): Record<string, unknown> | Promise<Record<string, unknown>>;
  /** No list route (the collection GET is served elsewhere). */
  noList?: boolean;
  /** Extra routes (POST actions) on this resource. */
  actions?: { segment: string; action: string; handle(ctx: RouteContext, resource: StoredResource): RouteResult | Promise<RouteResult> }[];
}

export function crudRoutes(spec: CrudSpec): Route[] {
  const prefix = spec.actionPrefix ?? spec.type;
  const out = spec.render ?? ((r: StoredResource) => render(r));
  const idOf = (ctx: RouteContext) => fill(spec.template, ctx.params);
  const parentT = parentTemplate(spec.template);
  const [collection, lastSegment] = spec.template.split("/").slice(-2);
  const lastParam = lastSegment.replace(/[{}]/g, "");

  const get = async (ctx: RouteContext): Promise<RouteResult> => {
    if (!spec.topLevel) requireResource(ctx, fill(parentT, ctx.params));
    return { status: 200, body: await out(requireResource(ctx, idOf(ctx)), ctx) };
  };

  const put = async (ctx: RouteContext): Promise<RouteResult> => {
    requireResourceGroup(ctx);
    const parent = spec.topLevel ? undefined : requireResource(ctx, fill(parentT, ctx.params));
    const existing = ctx.store.get(idOf(ctx));
    const id = existing?.id ?? (parent ? `${parent.id}/${collection}/${lastSegment.startsWith("{") ? ctx.params[lastParam] : lastSegment}` : newResourceId(ctx));
    const built = await spec.build(ctx, { id, name: id.split("/").pop()!, body: bodyObject(ctx), existing, parent });
    const stored = ctx.store.put({ ...built, systemData: systemData(ctx, existing) });
    const created = !existing && (spec.createdStatus ?? 200) === 201;
    return putResult(ctx, await out(stored, ctx), created);
  };

  const patch = async (ctx: RouteContext): Promise<RouteResult> => {
    const existing = requireResource(ctx, idOf(ctx));
    const body = bodyObject(ctx);
    const merged = { ...existing, ...(mergePatch(existing, body) as StoredResource), id: existing.id, name: existing.name, type: existing.type, location: existing.location };
    const checked = spec.afterPatch ? spec.afterPatch(ctx, merged, existing) : merged;
    const stored = ctx.store.put({ ...checked, systemData: systemData(ctx, existing) });
    return { status: 200, body: await out(stored, ctx) };
  };

  const routes: Route[] = [
    { method: "GET", template: spec.template, action: `${prefix}/read`, handle: get },
    { method: "PUT", template: spec.template, action: `${prefix}/write`, handle: put },
    {
      method: "DELETE", template: spec.template, action: `${prefix}/delete`,
      handle: (ctx) => {
        if (!spec.topLevel) requireResource(ctx, fill(parentT, ctx.params));
        const existing = ctx.store.get(idOf(ctx));
        return deleteResult(ctx, existing?.id ?? idOf(ctx));
      },
    },
  ];
  if (spec.patch) routes.push({ method: "PATCH", template: spec.template, action: `${prefix}/write`, handle: patch });
  if (!spec.noList) {
    const listSpec = { template: spec.template, type: spec.type, action: `${prefix}/read`, render: out };
    if (spec.topLevel) routes.push(...listBySubscriptionAndResourceGroup(listSpec));
    else routes.push(listUnderParent(listSpec));
  }
  for (const a of spec.actions ?? []) {
    routes.push({
      method: "POST", template: `${spec.template}/${a.segment}`, action: a.action,
      handle: async (ctx) => {
        const r = requireResource(ctx, idOf(ctx));
        return { eventResourceId: r.id, ...(await a.handle(ctx, r)) };
      },
    });
  }
  return routes;
}
