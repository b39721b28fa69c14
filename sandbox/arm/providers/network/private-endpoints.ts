// Microsoft.Network/privateEndpoints: get / list (subscription, resource group) / createOrUpdate / delete.
// A private endpoint names its subnet and its privateLinkServiceConnections (target resource id + groupIds).
import { ArmError, type Route, type RouteContext } from "../../core/contract.js";
import { listBySubscriptionAndResourceGroup } from "../kit/list-routes.js";
import { asObject, bodyObject, requireLocation } from "../kit/request-body.js";
import { newResourceId, requireResource, requireResourceGroup } from "../kit/resource-lookup.js";
import { fill } from "../kit/route-templates.js";
import { systemData } from "../kit/system-data.js";
import { render } from "../kit/wire-shape.js";
import { deleteResult, putResult } from "../kit/write-results.js";

const PE = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network/privateEndpoints/{privateEndpointName}";
export const PE_TYPE = "Microsoft.Network/privateEndpoints";

function peId(ctx: RouteContext): string {
  return fill(PE, ctx.params);
}

function putPrivateEndpoint(ctx: RouteContext) {
  requireResourceGroup(ctx);
  const body = bodyObject(ctx);
  const existing = ctx.store.get(peId(ctx));
  const p = asObject(body.properties);
  const subnetId = asObject(p.subnet).id;
  if (typeof subnetId !== "string" || !ctx.store.get(subnetId)) {
    throw new ArmError(400, "InvalidResourceReference", `Resource ${String(subnetId)} referenced by resource ${peId(ctx)} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.`);
  }
  const connections = (Array.isArray(p.privateLinkServiceConnections) ? p.privateLinkServiceConnections : []).map((c) => {
    const o = asObject(c);
    return {
      ...o, id: `${peId(ctx)}/privateLinkServiceConnections/${String(o.name)}`, type: `${PE_TYPE}/privateLinkServiceConnections`,
      properties: { ...asObject(o.properties), provisioningState: "Succeeded", privateLinkServiceConnectionState: { status: "Approved", description: "Auto-Approved", actionsRequired: "None" } },
    };
  });
  const stored = ctx.store.put({
    id: existing?.id ?? newResourceId(ctx), name: ctx.params.privateEndpointName, type: PE_TYPE,
    location: existing?.location ?? requireLocation(body), tags: (body.tags as Record<string, string>) ?? existing?.tags ?? {},
    etag: `W/"${crypto.randomUUID()}"`, systemData: systemData(ctx, existing),
    properties: { ...p, subnet: { id: subnetId }, privateLinkServiceConnections: connections, manualPrivateLinkServiceConnections: [], provisioningState: "Succeeded", customDnsConfigs: [] },
  });
  return putResult(ctx, render(stored), !existing, "azure-async-operation");
}

export const privateEndpointRoutes: Route[] = [
  { method: "GET", template: PE, action: `${PE_TYPE}/read`, handle: (ctx) => ({ status: 200, body: render(requireResource(ctx, peId(ctx))) }) },
  { method: "PUT", template: PE, action: `${PE_TYPE}/write`, handle: putPrivateEndpoint },
  { method: "DELETE", template: PE, action: `${PE_TYPE}/delete`, handle: (ctx) => deleteResult(ctx, peId(ctx)) },
  ...listBySubscriptionAndResourceGroup({ template: PE, type: PE_TYPE, action: `${PE_TYPE}/read` }),
];
