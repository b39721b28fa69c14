// Subnet resource ids in request bodies (a site's VNet integration, virtual-network rules):
// /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Network/virtualNetworks/{vnet}/subnets/{subnet}.

const SUBNET_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/virtualNetworks\/([^/]+)\/subnets\/[^/]+$/i;

/** Whether `v` is a fully qualified subnet resource id. */
export function isSubnetId(v: unknown): v is string {
  return typeof v === "string" && SUBNET_ID.test(v);
}

/** The virtual network's name in a subnet id, or undefined when `subnetId` is not one. */
export function vnetNameOf(subnetId: string): string | undefined {
  return SUBNET_ID.exec(subnetId)?.[1];
}
