// The subnet a source's outbound traffic leaves from, which a target's virtual-network rule must name:
// a site's or slot's regional VNet integration (`properties.virtualNetworkSubnetId`, part of the source's own read),
// or a container app's managed environment infrastructure subnet (`vnetConfiguration.infrastructureSubnetId`).
import type { ArmClients } from "../azure/clients.js";
import { parseResourceId } from "../azure/resourceId.js";
import { sourceAdapterFor } from "./index.js";
import type { SourceSnapshot } from "./types.js";

/** The outbound subnet of a source already read, or undefined when it is not integrated with a virtual network.
 *  Costs an ARM read only for a container app (its environment). */
export async function subnetOf(clients: ArmClients, snapshot: SourceSnapshot): Promise<string | undefined> {
  if (snapshot.kind !== "containerapp") return snapshot.subnetId;
  const env = snapshot.environmentId ? parseResourceId(snapshot.environmentId) : undefined;
  if (!env) throw new Error(`Container app '${snapshot.id}' names no managed environment, so its subnet cannot be determined.`);
  const environment = await clients.containerApps(env.subscriptionId).managedEnvironments.get(env.resourceGroup, env.names[0]!);
  return environment.vnetConfiguration?.infrastructureSubnetId || undefined;
}

/** The source's outbound subnet id (reads the source), or undefined when it is not integrated with a virtual network. */
export async function sourceSubnet(clients: ArmClients, sourceId: string): Promise<string | undefined> {
  return subnetOf(clients, await sourceAdapterFor(clients, sourceId).read());
}
