// Microsoft.ManagedIdentity provider: userAssignedIdentities CRUD (principalId/clientId/tenantId issued through
// services.principals.createManagedIdentity) and systemAssignedIdentities.getByScope (`{scope}/providers/
// Microsoft.ManagedIdentity/identities/default`). Reference: arm-surface §2.3; SDK @azure/arm-msi 2.2.0 (HLC).
import type { Provider, Route, RouteContext, StoredResource } from "../core/contract.js";
import { armErrors } from "../core/errors.js";
import { listBySubscriptionAndResourceGroup } from "./kit/list-routes.js";
import { asObject, bodyObject, requireLocation } from "./kit/request-body.js";
import { newResourceId, requireResource, requireResourceGroup } from "./kit/resource-lookup.js";
import { fill } from "./kit/route-templates.js";
import { systemData } from "./kit/system-data.js";
import { render } from "./kit/wire-shape.js";

const UAMI = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{resourceName}";
export const UAMI_TYPE = "Microsoft.ManagedIdentity/userAssignedIdentities";

/** A new user-assigned identity with its principal registered (used by PUT and the demo seed). */
export function buildUserAssignedIdentity(ctx: Pick<RouteContext, "services">, options: { id: string; location: string; tags?: Record<string, string>; isolationScope?: string }): StoredResource {
  const issued = ctx.services.principals.createManagedIdentity(options.id, "UserAssigned");
  const name = options.id.split("/").pop()!;
  return {
    id: options.id, name, type: UAMI_TYPE, location: options.location, tags: options.tags ?? {},
    properties: {
      tenantId: issued.tenantId, principalId: issued.principalId, clientId: issued.clientId,
      ...(options.isolationScope ? { isolationScope: options.isolationScope } : {}),
    },
  };
}

function uamiId(ctx: RouteContext): string {
  return fill(UAMI, ctx.params);
}

function putIdentity(ctx: RouteContext) {
  requireResourceGroup(ctx);
  const body = bodyObject(ctx);
  const existing = ctx.store.get(uamiId(ctx));
  const props = asObject(body.properties);
  const isolationScope = typeof props.isolationScope === "string" ? props.isolationScope : undefined;
  if (existing) {
    const stored = ctx.store.put({
      ...existing, tags: (body.tags as Record<string, string>) ?? existing.tags,
      properties: { ...existing.properties, ...(isolationScope ? { isolationScope } : {}) }, systemData: systemData(ctx, existing),
    });
    return { status: 200, body: render(stored) };
  }
  const created = buildUserAssignedIdentity(ctx, {
    id: newResourceId(ctx), location: requireLocation(body), tags: body.tags as Record<string, string> | undefined, isolationScope,
  });
  return { status: 201, body: render(ctx.store.put({ ...created, systemData: systemData(ctx) })) };
}

function patchIdentity(ctx: RouteContext) {
  const existing = requireResource(ctx, uamiId(ctx));
  const body = bodyObject(ctx);
  const props = asObject(body.properties);
  const stored = ctx.store.put({
    ...existing, ...(body.tags !== undefined ? { tags: body.tags as Record<string, string> } : {}),
    properties: { ...existing.properties, ...(typeof props.isolationScope === "string" ? { isolationScope: props.isolationScope } : {}) },
    systemData: systemData(ctx, existing),
  });
  return { status: 200, body: render(stored) };
}

function deleteIdentity(ctx: RouteContext) {
  requireResourceGroup(ctx);
  const existing = ctx.store.get(uamiId(ctx));
  if (!existing) return { status: 204 };
  const principalId = asObject(existing.properties).principalId;
  if (typeof principalId === "string") ctx.services.principals.deleteManagedIdentity(principalId);
  ctx.store.delete(existing.id);
  return { status: 200 };
}

function systemIdentityByScope(ctx: RouteContext) {
  const scope = `/${ctx.params.scope}`;
  const target = ctx.store.get(scope);
  const identity = asObject(target?.identity);
  if (!target || typeof identity.principalId !== "string") throw armErrors.resourceNotFound(`${scope}/providers/Microsoft.ManagedIdentity/identities/default`);
  const principal = ctx.services.principals.get(identity.principalId);
  return {
    status: 200,
    body: {
      id: `${target.id}/providers/Microsoft.ManagedIdentity/identities/default`, name: "default", type: "Microsoft.ManagedIdentity/identities",
      location: target.location, tags: {},
      properties: { tenantId: identity.tenantId, principalId: identity.principalId, clientId: principal?.clientId },
    },
  };
}

const routes: Route[] = [
  { method: "GET", template: UAMI, action: `${UAMI_TYPE}/read`, handle: (ctx) => ({ status: 200, body: render(requireResource(ctx, uamiId(ctx))) }) },
  { method: "PUT", template: UAMI, action: `${UAMI_TYPE}/write`, handle: putIdentity },
  { method: "PATCH", template: UAMI, action: `${UAMI_TYPE}/write`, handle: patchIdentity },
  { method: "DELETE", template: UAMI, action: `${UAMI_TYPE}/delete`, handle: deleteIdentity },
  ...listBySubscriptionAndResourceGroup({ template: UAMI, type: UAMI_TYPE, action: `${UAMI_TYPE}/read` }),
  { method: "GET", template: "/{*scope}/providers/Microsoft.ManagedIdentity/identities/default", action: "Microsoft.ManagedIdentity/identities/read", handle: systemIdentityByScope },
];

export const msiProvider: Provider = { namespace: "Microsoft.ManagedIdentity", routes };
