// The subnet a source's outbound traffic leaves from, which a target's virtual-network rule must name:
// a site's or slot's regional VNet integration (`properties.virtualNetworkSubnetId`), or a container app's
// managed environment infrastructure subnet (`vnetConfiguration.infrastructureSubnetId`).
import type { ArmClients } from "../azure/clients.js";
import { parseResourceId } from "../azure/resourceId.js";
import { UnsupportedSourceError } from "./index.js";

/** The source's outbound subnet id, or undefined when the source is not integrated with a virtual network. */
export async function sourceSubnet(clients: ArmClients, sourceId: string): Promise<string | undefined> {
  const id = parseResourceId(sourceId);
  const type = id?.fullType.toLowerCase();
  if (id && (type === "microsoft.web/sites" || type === "microsoft.web/sites/slots")) {
    const web = clients.webApps(id.subscriptionId).webApps;
    const site = type === "microsoft.web/sites/slots"
      ? await web.getSlot(id.resourceGroup, id.names[0]!, id.names[1]!)
      : await web.get(id.resourceGroup, id.names[0]!);
    return site.virtualNetworkSubnetId || undefined;
  }
  if (id && type === "microsoft.app/containerapps") {
    const app = await clients.containerApps(id.subscriptionId).containerApps.get(id.resourceGroup, id.names[0]!);
    const envId = app.managedEnvironmentId ?? app.environmentId;
    const env = envId ? parseResourceId(envId) : undefined;
    if (!env) throw new Error(`Container app '${sourceId}' names no managed environment, so its subnet cannot be determined.`);
    const environment = await clients.containerApps(env.subscriptionId).managedEnvironments.get(env.resourceGroup, env.names[0]!);
    return environment.vnetConfiguration?.infrastructureSubnetId || undefined;
  }
  throw new UnsupportedSourceError(sourceId);
}
