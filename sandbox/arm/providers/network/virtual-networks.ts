// Microsoft.Network/virtualNetworks and their subnets. Subnets are stored as child resources and rendered inline
// in the virtual network's `properties.subnets`, as Azure does. A vnet PUT with `subnets` replaces the set.
// SDK: @azure/arm-network 39.0.0 api/virtualNetworks, api/subnets (createOrUpdate: LRO final-state azure-async-operation).
import { ArmError, type Route, type RouteContext, type StoredResource } from "../../core/contract.js";
import { listBySubscriptionAndResourceGroup, listUnderParent } from "../kit/list-routes.js";
import { asObject, bodyObject, requireLocation } from "../kit/request-body.js";
import { newResourceId, requireResource, requireResourceGroup } from "../kit/resource-lookup.js";
import { fill } from "../kit/route-templates.js";
import { systemData } from "../kit/system-data.js";
import { render } from "../kit/wire-shape.js";
import { deleteResult, putResult } from "../kit/write-results.js";

export const VNET = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network/virtualNetworks/{virtualNetworkName}";
export const SUBNET = `${VNET}/subnets/{subnetName}`;
export const VNET_TYPE = "Microsoft.Network/virtualNetworks";
export const SUBNET_TYPE = "Microsoft.Network/virtualNetworks/subnets";

const etag = () => `W/"${crypto.randomUUID()}"`;

/** A subnet resource from a request body (`{name?, properties:{addressPrefix, serviceEndpoints, …}}`). */
export function buildSubnet(vnet: { id: string; location?: string }, name: string, body: Record<string, unknown>): StoredResource {
  const p = asObject(body.properties);
  if (typeof p.addressPrefix !== "string" && !Array.isArray(p.addressPrefixes)) {
    throw new ArmError(400, "InvalidRequestFormat", `Cannot parse the request. Subnet '${name}' must have 'addressPrefix' or 'addressPrefixes'.`, "properties.addressPrefix");
  }
  const serviceEndpoints = Array.isArray(p.serviceEndpoints)
    ? p.serviceEndpoints.map((e) => {
      const se = asObject(e);
      return { service: String(se.service), locations: Array.isArray(se.locations) ? se.locations : [vnet.location ?? "*"], provisioningState: "Succeeded" };
    })
    : [];
  const props: Record<string, unknown> = {
    ...structuredClone(p), serviceEndpoints, delegations: Array.isArray(p.delegations) ? p.delegations : [],
    privateEndpointNetworkPolicies: p.privateEndpointNetworkPolicies ?? "Disabled",
    privateLinkServiceNetworkPolicies: p.privateLinkServiceNetworkPolicies ?? "Enabled", provisioningState: "Succeeded",
  };
  return { id: `${vnet.id}/subnets/${name}`, name, type: SUBNET_TYPE, etag: etag(), properties: props };
}

function renderVnet(ctx: Pick<RouteContext, "store">, vnet: StoredResource): Record<string, unknown> {
  const subnets = ctx.store.children(vnet.id, SUBNET_TYPE).map(render);
  return render({ ...vnet, properties: { ...vnet.properties, subnets } });
}

function vnetId(ctx: RouteContext): string {
  return fill(VNET, ctx.params);
}

/** Stores a vnet and (when `subnets` is given) replaces its subnet set; used by PUT and the demo seed. */
export function storeVirtualNetwork(ctx: Pick<RouteContext, "store">, vnet: StoredResource, subnets?: unknown[]): StoredResource {
  const stored = ctx.store.put(vnet);
  if (subnets) {
    const built = subnets.map((s) => {
      const o = asObject(s);
      if (typeof o.name !== "string") throw new ArmError(400, "InvalidRequestFormat", "Cannot parse the request. Every subnet needs a 'name'.", "properties.subnets");
      return buildSubnet(stored, o.name, o);
    });
    for (const old of ctx.store.children(stored.id, SUBNET_TYPE)) {
      if (!built.some((b) => b.id.toLowerCase() === old.id.toLowerCase())) ctx.store.delete(old.id);
    }
    for (const b of built) ctx.store.put(b);
  }
  return stored;
}

function putVnet(ctx: RouteContext) {
  requireResourceGroup(ctx);
  const body = bodyObject(ctx);
  const existing = ctx.store.get(vnetId(ctx));
  const p = asObject(body.properties);
  if (!Array.isArray(asObject(p.addressSpace).addressPrefixes)) {
    throw new ArmError(400, "InvalidRequestFormat", "Cannot parse the request. 'properties.addressSpace.addressPrefixes' is required.", "properties.addressSpace");
  }
  const props: Record<string, unknown> = { ...structuredClone(p), provisioningState: "Succeeded", resourceGuid: existing?.properties?.resourceGuid ?? crypto.randomUUID(), enableDdosProtection: p.enableDdosProtection ?? false };
  delete props.subnets;
  const vnet: StoredResource = {
    id: existing?.id ?? newResourceId(ctx), name: ctx.params.virtualNetworkName, type: VNET_TYPE,
    location: existing?.location ?? requireLocation(body), tags: (body.tags as Record<string, string>) ?? existing?.tags ?? {},
    etag: etag(), properties: props, systemData: systemData(ctx, existing),
  };
  const stored = storeVirtualNetwork(ctx, vnet, Array.isArray(p.subnets) ? p.subnets : undefined);
  return putResult(ctx, renderVnet(ctx, stored), !existing, "azure-async-operation");
}

function putSubnet(ctx: RouteContext) {
  const vnet = requireResource(ctx, vnetId(ctx));
  const existed = ctx.store.get(`${vnet.id}/subnets/${ctx.params.subnetName}`) !== undefined;
  const stored = ctx.store.put(buildSubnet(vnet, ctx.params.subnetName, bodyObject(ctx)));
  return putResult(ctx, render(stored), !existed, "azure-async-operation");
}

export const vnetRoutes: Route[] = [
  { method: "GET", template: VNET, action: `${VNET_TYPE}/read`, handle: (ctx) => ({ status: 200, body: renderVnet(ctx, requireResource(ctx, vnetId(ctx))) }) },
  { method: "PUT", template: VNET, action: `${VNET_TYPE}/write`, handle: putVnet },
  { method: "DELETE", template: VNET, action: `${VNET_TYPE}/delete`, handle: (ctx) => deleteResult(ctx, vnetId(ctx)) },
  ...listBySubscriptionAndResourceGroup({ template: VNET, type: VNET_TYPE, action: `${VNET_TYPE}/read`, render: (v, ctx) => renderVnet(ctx, v) }),
  { method: "GET", template: SUBNET, action: `${SUBNET_TYPE}/read`, handle: (ctx) => ({ status: 200, body: render(requireResource(ctx, `${vnetId(ctx)}/subnets/${ctx.params.subnetName}`)) }) },
  { method: "PUT", template: SUBNET, action: `${SUBNET_TYPE}/write`, handle: putSubnet },
  {
    method: "DELETE", template: SUBNET, action: `${SUBNET_TYPE}/delete`,
    handle: (ctx) => { requireResource(ctx, vnetId(ctx)); return deleteResult(ctx, `${vnetId(ctx)}/subnets/${ctx.params.subnetName}`); },
  },
  listUnderParent({ template: SUBNET, type: SUBNET_TYPE, action: `${SUBNET_TYPE}/read` }),
];
