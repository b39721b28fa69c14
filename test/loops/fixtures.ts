/** Builders for Function App inputs shaped like ARM's functions list (`properties.config.bindings`). */
import type { ArmBinding, FunctionAppInput, FunctionDefinition } from "../../src/loops/model.js";

export const SITES = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Web/sites/";
export const STORAGE = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/";

export const storageCs = (account: string) =>
  `DefaultEndpointsProtocol=https;AccountName=${account};AccountKey=a2V5a2V5;EndpointSuffix=core.windows.net`;
export const serviceBusCs = (ns: string, entityPath?: string) =>
  `Endpoint=sb://${ns}.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=a2V5` +
  (entityPath ? `;EntityPath=${entityPath}` : "");
export const cosmosCs = (account: string) => `AccountEndpoint=https://${account}.documents.azure.com:443/;AccountKey=a2V5;`;

export function app(
  name: string,
  appSettings: Record<string, string>,
  functions: FunctionDefinition[],
  extra: Partial<FunctionAppInput> = {},
): FunctionAppInput {
  return { appId: SITES + name, appSettings, functions, ...extra };
}

export const fn = (name: string, ...bindings: ArmBinding[]): FunctionDefinition => ({ name, bindings });

const conn = (connection?: string) => (connection === undefined ? {} : { connection });

export const blobTrigger = (path: string, connection?: string): ArmBinding => ({
  name: "input", type: "blobTrigger", direction: "in", path, ...conn(connection),
});
export const blobOut = (path: string, connection?: string): ArmBinding => ({
  name: "output", type: "blob", direction: "out", path, ...conn(connection),
});
export const queueTrigger = (queueName: string, connection?: string): ArmBinding => ({
  name: "msg", type: "queueTrigger", direction: "in", queueName, ...conn(connection),
});
export const queueOut = (queueName: string, connection?: string, name = "out"): ArmBinding => ({
  name, type: "queue", direction: "out", queueName, ...conn(connection),
});
export const sbTopicTrigger = (topicName: string, subscriptionName: string, connection?: string): ArmBinding => ({
  name: "msg", type: "serviceBusTrigger", direction: "in", topicName, subscriptionName, ...conn(connection),
});
export const sbQueueTrigger = (queueName: string, connection?: string): ArmBinding => ({
  name: "msg", type: "serviceBusTrigger", direction: "in", queueName, ...conn(connection),
});
export const sbOut = (entity: { queueName: string } | { topicName: string }, connection?: string): ArmBinding => ({
  name: "out", type: "serviceBus", direction: "out", ...entity, ...conn(connection),
});
export const ehTrigger = (eventHubName: string, connection?: string): ArmBinding => ({
  name: "events", type: "eventHubTrigger", direction: "in", eventHubName, cardinality: "many", ...conn(connection),
});
export const ehOut = (eventHubName: string, connection?: string): ArmBinding => ({
  name: "out", type: "eventHub", direction: "out", eventHubName, ...conn(connection),
});
export const cosmosTrigger = (databaseName: string, containerName: string, connection: string): ArmBinding => ({
  name: "docs", type: "cosmosDBTrigger", direction: "in", databaseName, containerName, connection,
  createLeaseContainerIfNotExists: true,
});
export const cosmosOut = (databaseName: string, containerName: string, connection: string): ArmBinding => ({
  name: "out", type: "cosmosDB", direction: "out", databaseName, containerName, connection,
});
export const httpTrigger = (): ArmBinding => ({ name: "req", type: "httpTrigger", direction: "in", authLevel: "function" });
