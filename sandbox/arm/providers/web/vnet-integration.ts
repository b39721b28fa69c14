// Regional VNet integration of a site or slot, the legacy way (`networkConfig/virtualNetwork`, SwiftVirtualNetwork)
// and as seen by `virtualNetworkConnections` (a bare JSON array). Both read and write the site's
// `properties.virtualNetworkSubnetId`, the newer way to integrate. Reference: arm-surface §2.1.
import { ArmError, type Route, type RouteContext, type StoredResource } from "../../core/contract.js";
import { asObject, bodyObject } from "../kit/request-body.js";
import { isSubnetId, vnetNameOf } from "../kit/subnet-ids.js";
import { requireSite, SITE, SLOT } from "./sites.js";

function subnetOf(site: StoredResource): string | undefined {
  const v = asObject(site.properties).virtualNetworkSubnetId;
  return typeof v === "string" && v !== "" ? v : undefined;
}

function swiftBody(site: StoredResource) {
  const isSlot = site.type.toLowerCase().endsWith("/slots");
  return {
    id: `${site.id}/networkConfig/virtualNetwork`, name: "virtualNetwork",
    type: isSlot ? "Microsoft.Web/sites/slots/networkConfig" : "Microsoft.Web/sites/networkConfig", location: site.location,
    properties: { subnetResourceId: subnetOf(site) ?? "", swiftSupported: true },
  };
}

function setSwift(ctx: RouteContext) {
  const site = requireSite(ctx);
  const subnet = asObject(bodyObject(ctx).properties).subnetResourceId;
  if (!isSubnetId(subnet)) {
    throw new ArmError(400, "BadRequest", `The subnet resource id '${String(subnet)}' is invalid; expected /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Network/virtualNetworks/{vnet}/subnets/{subnet}.`, "properties.subnetResourceId");
  }
  const stored = ctx.store.put({ ...site, properties: { ...site.properties, virtualNetworkSubnetId: subnet } });
  return { status: 200, body: swiftBody(stored) };
}

function deleteSwift(ctx: RouteContext) {
  const site = requireSite(ctx);
  ctx.store.put({ ...site, properties: { ...site.properties, virtualNetworkSubnetId: null } });
  return { status: 200 };
}

function listConnections(ctx: RouteContext) {
  const site = requireSite(ctx);
  const subnet = subnetOf(site);
  if (!subnet) return { status: 200, body: [] };
  const vnetName = vnetNameOf(subnet) ?? "vnet";
  const isSlot = site.type.toLowerCase().endsWith("/slots");
  return {
    status: 200,
    body: [{
      id: `${site.id}/virtualNetworkConnections/${vnetName}`, name: vnetName,
      type: isSlot ? "Microsoft.Web/sites/slots/virtualNetworkConnections" : "Microsoft.Web/sites/virtualNetworkConnections",
      location: site.location,
      properties: { vnetResourceId: subnet, certThumbprint: null, certBlob: null, routes: null, resyncRequired: false, dnsServers: null, isSwift: true },
    }],
  };
}

function routes(base: string, typePrefix: string): Route[] {
  return [
    { method: "GET", template: `${base}/networkConfig/virtualNetwork`, action: `${typePrefix}/networkConfig/read`, handle: (ctx) => ({ status: 200, body: swiftBody(requireSite(ctx)) }) },
    { method: "PUT", template: `${base}/networkConfig/virtualNetwork`, action: `${typePrefix}/networkConfig/write`, handle: setSwift },
    { method: "PATCH", template: `${base}/networkConfig/virtualNetwork`, action: `${typePrefix}/networkConfig/write`, handle: setSwift },
    { method: "DELETE", template: `${base}/networkConfig/virtualNetwork`, action: `${typePrefix}/networkConfig/delete`, handle: deleteSwift },
    { method: "GET", template: `${base}/virtualNetworkConnections`, action: `${typePrefix}/virtualNetworkConnections/read`, handle: listConnections },
  ];
}

export const vnetIntegrationRoutes: Route[] = [...routes(SITE, "Microsoft.Web/sites"), ...routes(SLOT, "Microsoft.Web/sites/slots")];
