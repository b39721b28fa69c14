// What the commands share: where connectors go (subscription, resource group, location) and the API client.
import { getAccessToken, type AccessToken } from "../accessToken.js";
import { ConnectorsClient } from "../connectorsClient.js";
import { UsageError, type CliIo } from "../io.js";

export interface ApiOptions {
  endpoint: string;
  audience: string;
}

export interface ScopeOptions {
  subscription?: string | undefined;
  resourceGroup?: string | undefined;
  location?: string | undefined;
}

/** Subscription and resource group: the flags, else AZURE_SUBSCRIPTION_ID / the target's own. */
export function connectorPlace(o: ScopeOptions, env: NodeJS.ProcessEnv, targetId: string | undefined): { subscriptionId: string; resourceGroup: string; chosen: string[] } {
  const fromTarget = targetId ? /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\//i.exec(targetId) : null;
  const chosen: string[] = [];
  let subscriptionId = o.subscription;
  if (!subscriptionId && env["AZURE_SUBSCRIPTION_ID"]) {
    subscriptionId = env["AZURE_SUBSCRIPTION_ID"];
    chosen.push("subscription from AZURE_SUBSCRIPTION_ID");
  }
  if (!subscriptionId && fromTarget) {
    subscriptionId = fromTarget[1]!;
    chosen.push("subscription of the target");
  }
  let resourceGroup = o.resourceGroup;
  if (!resourceGroup && fromTarget) {
    resourceGroup = fromTarget[2]!;
    chosen.push("resource group of the target (--resource-group to choose another)");
  }
  if (!subscriptionId || !resourceGroup) throw new UsageError("where do the local connections go? give --subscription and --resource-group");
  return { subscriptionId, resourceGroup, chosen };
}

/** The signed-in user's token and a client with it. */
export async function connectClient(o: ApiOptions, io: CliIo): Promise<{ client: ConnectorsClient; token: AccessToken }> {
  const token = await getAccessToken(o.audience, io.env);
  return { token, client: new ConnectorsClient({ endpoint: o.endpoint, token: async () => token.token }) };
}
