// Demo resources for the sandbox, written straight into the ARM store in the shapes the providers serve:
// a Linux Node web app with a `staging` slot, a function app with a blob-triggered function whose output binding
// writes back under the trigger's container (a real trigger/output loop), a container app, a user-assigned
// identity, a storage account (endpoints on Azurite when present) and a second one "of another team" (lwotherstorage), an RBAC-model key vault with its data plane
// listening, and a vnet with a subnet; plus one of each connection target (seedTargetResources below): an Azure SQL
// server + database, PostgreSQL and MySQL flexible servers + databases, a Cosmos DB NoSQL account + database, Service
// Bus and Event Hubs namespaces, SignalR, Web PubSub, an App Configuration store (its key-values data plane
// listening), an Azure Cache for Redis, an Azure OpenAI account and an Application Insights component.
// Imported by sandbox/seed/index.ts.
import type { CoreServices, ResourceStore, StoredResource } from "../arm/core/contract.js";
import { buildSite } from "../arm/providers/web/sites.js";
import { buildFunction } from "../arm/providers/web/functions.js";
import { buildUserAssignedIdentity } from "../arm/providers/msi.js";
import { buildStorageAccount, type AccountPrivate } from "../arm/providers/storage/accounts.js";
import { buildVault, ensureVaultDataPlane } from "../arm/providers/keyvault/vaults.js";
import { buildContainerApp } from "../arm/providers/containerapps/container-apps.js";
import { storeVirtualNetwork, VNET_TYPE } from "../arm/providers/network/virtual-networks.js";
import { buildConfigurationStore, ensureAppConfigDataPlane } from "../arm/providers/appconfiguration/index.js";
import { buildMessagingNamespace } from "../arm/providers/servicebus/index.js";
import { buildCosmosAccount, buildSqlDatabase as buildCosmosSqlDatabase } from "../arm/providers/cosmosdb/index.js";
import { buildSqlDatabase, buildSqlServer } from "../arm/providers/sql/index.js";
import { buildFlexibleDatabase, buildFlexibleServer, POSTGRES_KIND } from "../arm/providers/postgres-flexible/index.js";
import { MYSQL_KIND } from "../arm/providers/mysql-flexible/index.js";
import { buildSignalRResource } from "../arm/providers/signalr/index.js";
import { buildRedisCache } from "../arm/providers/redis/index.js";
import { buildCognitiveAccount } from "../arm/providers/cognitiveservices/index.js";
import { buildAppInsightsComponent } from "../arm/providers/appinsights/index.js";

export const DEMO_NAMES = {
  webApp: "lw-demo-web", slot: "staging", functionApp: "lw-demo-func", containerApp: "lw-demo-aca", userIdentity: "lw-demo-identity",
  storageAccount: "lwdemostorage", otherStorageAccount: "lwotherstorage", keyVault: "lw-demo-kv", vnet: "lw-demo-vnet", subnet: "apps",
  sqlServer: "lw-demo-sql", postgresServer: "lw-demo-pg", mysqlServer: "lw-demo-mysql", database: "appdb", cosmosAccount: "lw-demo-cosmos",
  serviceBus: "lw-demo-sb", eventHubs: "lw-demo-eh", eventHub: "events", signalR: "lw-demo-signalr", webPubSub: "lw-demo-wps",
  appConfig: "lw-demo-appconfig", redis: "lw-demo-redis", cognitiveServices: "lw-demo-openai", appInsights: "lw-demo-insights",
} as const;

export async function seedDemoResources(s: {
  store: ResourceStore; services: CoreServices; subscriptionId: string; resourceGroup: string; location: string;
}): Promise<Record<string, string>> {
  const { store, services, location } = s;
  const rg = `/subscriptions/${s.subscriptionId}/resourceGroups/${s.resourceGroup}`;
  const ids = {
    webApp: `${rg}/providers/Microsoft.Web/sites/${DEMO_NAMES.webApp}`,
    functionApp: `${rg}/providers/Microsoft.Web/sites/${DEMO_NAMES.functionApp}`,
    containerApp: `${rg}/providers/Microsoft.App/containerApps/${DEMO_NAMES.containerApp}`,
    userIdentity: `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${DEMO_NAMES.userIdentity}`,
    storageAccount: `${rg}/providers/Microsoft.Storage/storageAccounts/${DEMO_NAMES.storageAccount}`,
    otherStorageAccount: `${rg}/providers/Microsoft.Storage/storageAccounts/${DEMO_NAMES.otherStorageAccount}`,
    keyVault: `${rg}/providers/Microsoft.KeyVault/vaults/${DEMO_NAMES.keyVault}`,
    vnet: `${rg}/providers/Microsoft.Network/virtualNetworks/${DEMO_NAMES.vnet}`,
  };
  const slot = `${ids.webApp}/slots/${DEMO_NAMES.slot}`;
  const subnet = `${ids.vnet}/subnets/${DEMO_NAMES.subnet}`;
  const plan = `${rg}/providers/Microsoft.Web/serverfarms/lw-demo-plan`;
  const systemIdentity = (id: string) => {
    const issued = services.principals.createManagedIdentity(id, "SystemAssigned");
    return { type: "SystemAssigned", principalId: issued.principalId, tenantId: issued.tenantId };
  };

  if (!store.get(ids.vnet) || store.get(ids.vnet)?.type !== VNET_TYPE) {
    storeVirtualNetwork({ store }, {
      id: ids.vnet, name: DEMO_NAMES.vnet, type: VNET_TYPE, location, tags: {},
      properties: { addressSpace: { addressPrefixes: ["10.20.0.0/16"] }, provisioningState: "Succeeded", resourceGuid: services.newGuid() },
    }, [
      { name: DEMO_NAMES.subnet, properties: { addressPrefix: "10.20.1.0/24", delegations: [{ name: "web", properties: { serviceName: "Microsoft.Web/serverFarms" } }] } },
      { name: "private-endpoints", properties: { addressPrefix: "10.20.2.0/24" } },
    ]);
  }

  const uami = store.get(ids.userIdentity) ?? store.put(buildUserAssignedIdentity({ services }, { id: ids.userIdentity, location }));

  const account = (store.get(ids.storageAccount) ?? store.put(buildStorageAccount(services, {
    id: ids.storageAccount, location, kind: "StorageV2", sku: { name: "Standard_LRS" },
  }))) as ReturnType<typeof buildStorageAccount>;
  // "Another team's" account, same shape: the least-privilege `team` principal holds no role on it.
  if (!store.get(ids.otherStorageAccount)) {
    store.put(buildStorageAccount(services, { id: ids.otherStorageAccount, location, kind: "StorageV2", sku: { name: "Standard_LRS" } }));
  }
  const storageConnection = services.azurite?.connectionString
    ?? `DefaultEndpointsProtocol=https;AccountName=${DEMO_NAMES.storageAccount};AccountKey=${(account as AccountPrivate).accountKeys?.[0]?.value ?? ""};EndpointSuffix=core.windows.net`;

  if (!store.get(ids.webApp)) {
    const web = buildSite({
      id: ids.webApp, location, kind: "app,linux", identity: systemIdentity(ids.webApp),
      properties: { serverFarmId: plan, httpsOnly: true, siteConfig: { linuxFxVersion: "NODE|20-lts" } },
    });
    web.appSettings = { NODE_ENV: "production", WEBSITE_NODE_DEFAULT_VERSION: "~20" };
    store.put(web);
  }
  if (!store.get(slot)) {
    store.put(buildSite({ id: slot, location, kind: "app,linux", properties: { serverFarmId: plan, httpsOnly: true, siteConfig: { linuxFxVersion: "NODE|20-lts" } } }));
  }

  if (!store.get(ids.functionApp)) {
    const site = buildSite({
      id: ids.functionApp, location, kind: "functionapp,linux", identity: systemIdentity(ids.functionApp),
      properties: { serverFarmId: plan, httpsOnly: true, siteConfig: { linuxFxVersion: "Node|20" } },
    });
    site.appSettings = {
      AzureWebJobsStorage: storageConnection, FUNCTIONS_WORKER_RUNTIME: "node", FUNCTIONS_EXTENSION_VERSION: "~4",
      WEBSITE_RUN_FROM_PACKAGE: "1", APPLICATIONINSIGHTS_CONNECTION_STRING: "InstrumentationKey=00000000-0000-0000-0000-000000000000",
    };
    const stored = store.put(site);
    store.put(buildFunction(stored, "ResizeImage", {
      bindings: [
        { name: "image", type: "blobTrigger", direction: "in", path: "images/{name}", connection: "AzureWebJobsStorage" },
        { name: "thumbnail", type: "blob", direction: "out", path: "images/thumbs/{name}", connection: "AzureWebJobsStorage" },
      ],
      scriptFile: "../dist/src/functions/resizeImage.js", entryPoint: "resizeImage",
    }));
    store.put(buildFunction(stored, "Health", {
      bindings: [
        { name: "req", type: "httpTrigger", direction: "in", authLevel: "anonymous", methods: ["get"], route: "health" },
        { name: "$return", type: "http", direction: "out" },
      ],
    }));
  }

  if (!store.get(ids.containerApp)) {
    const uamiProps = uami.properties as { principalId: string; clientId: string };
    store.put(buildContainerApp({
      id: ids.containerApp, location,
      identity: { type: "UserAssigned", userAssignedIdentities: { [ids.userIdentity]: { principalId: uamiProps.principalId, clientId: uamiProps.clientId } } },
      properties: {
        managedEnvironmentId: `${rg}/providers/Microsoft.App/managedEnvironments/lw-demo-env`,
        configuration: { secrets: [], ingress: { external: true, targetPort: 8080, transport: "auto" } },
        template: { containers: [{ name: "main", image: "mcr.microsoft.com/k8se/quickstart:latest", env: [{ name: "PORT", value: "8080" }], resources: { cpu: 0.5, memory: "1Gi" } }] },
      },
    }));
  }

  const origin = await ensureVaultDataPlane(store, services, ids.keyVault);
  const vault = store.get(ids.keyVault);
  if (!vault) {
    store.put(buildVault({ id: ids.keyVault, location, tenantId: services.tenantId, origin, properties: { enableRbacAuthorization: true } }));
  } else if ((vault.properties as { vaultUri?: string }).vaultUri !== `${origin}/`) {
    store.put({ ...vault, properties: { ...vault.properties, vaultUri: `${origin}/` } });
  }

  return {
    webApp: ids.webApp, slot, functionApp: ids.functionApp, containerApp: ids.containerApp, userIdentity: ids.userIdentity,
    storageAccount: ids.storageAccount, otherStorageAccount: ids.otherStorageAccount, keyVault: ids.keyVault, subnet,
    ...(await seedTargetResources({ store, services, subscriptionId: s.subscriptionId, rg, location })),
  };
}

/** One of each connection target (idempotent: existing resources are kept); returns their ids by sandbox.json key. */
async function seedTargetResources(s: { store: ResourceStore; services: CoreServices; subscriptionId: string; rg: string; location: string }): Promise<Record<string, string>> {
  const { store, services, rg, location } = s;
  const putAll = (id: string, build: () => StoredResource[]) => {
    if (!store.get(id)) for (const r of build()) store.put(r);
  };
  const sqlServer = `${rg}/providers/Microsoft.Sql/servers/${DEMO_NAMES.sqlServer}`;
  const pgServer = `${rg}/providers/Microsoft.DBforPostgreSQL/flexibleServers/${DEMO_NAMES.postgresServer}`;
  const mysqlServer = `${rg}/providers/Microsoft.DBforMySQL/flexibleServers/${DEMO_NAMES.mysqlServer}`;
  const cosmosAccount = `${rg}/providers/Microsoft.DocumentDB/databaseAccounts/${DEMO_NAMES.cosmosAccount}`;
  const ids = {
    sqlDatabase: `${sqlServer}/databases/${DEMO_NAMES.database}`,
    postgresDatabase: `${pgServer}/databases/${DEMO_NAMES.database}`,
    mysqlDatabase: `${mysqlServer}/databases/${DEMO_NAMES.database}`,
    cosmosAccount,
    cosmosSqlDatabase: `${cosmosAccount}/sqlDatabases/${DEMO_NAMES.database}`,
    serviceBus: `${rg}/providers/Microsoft.ServiceBus/namespaces/${DEMO_NAMES.serviceBus}`,
    eventHubs: `${rg}/providers/Microsoft.EventHub/namespaces/${DEMO_NAMES.eventHubs}`,
    signalR: `${rg}/providers/Microsoft.SignalRService/SignalR/${DEMO_NAMES.signalR}`,
    webPubSub: `${rg}/providers/Microsoft.SignalRService/WebPubSub/${DEMO_NAMES.webPubSub}`,
    appConfig: `${rg}/providers/Microsoft.AppConfiguration/configurationStores/${DEMO_NAMES.appConfig}`,
    // Redis targets are database ids (Service Connector's form, the catalogue's idPattern); the cache is the parent.
    redis: `${rg}/providers/Microsoft.Cache/Redis/${DEMO_NAMES.redis}/databases/0`,
    cognitiveServices: `${rg}/providers/Microsoft.CognitiveServices/accounts/${DEMO_NAMES.cognitiveServices}`,
    appInsights: `${rg}/providers/Microsoft.Insights/components/${DEMO_NAMES.appInsights}`,
  };

  putAll(sqlServer, () => buildSqlServer({ id: sqlServer, location, tenantId: services.tenantId }));
  putAll(ids.sqlDatabase, () => [buildSqlDatabase({ id: ids.sqlDatabase, location })]);
  putAll(pgServer, () => buildFlexibleServer(POSTGRES_KIND, { id: pgServer, location, tenantId: services.tenantId }));
  putAll(ids.postgresDatabase, () => [buildFlexibleDatabase(POSTGRES_KIND, ids.postgresDatabase)]);
  putAll(mysqlServer, () => buildFlexibleServer(MYSQL_KIND, { id: mysqlServer, location, tenantId: services.tenantId }));
  putAll(ids.mysqlDatabase, () => [buildFlexibleDatabase(MYSQL_KIND, ids.mysqlDatabase)]);
  putAll(ids.signalR, () => [buildSignalRResource("SignalR", { id: ids.signalR, location })]);
  putAll(ids.webPubSub, () => [buildSignalRResource("WebPubSub", { id: ids.webPubSub, location })]);
  const redisCache = ids.redis.replace(/\/databases\/0$/, "");
  putAll(redisCache, () => [buildRedisCache({ id: redisCache, location })]);
  putAll(ids.cognitiveServices, () => [buildCognitiveAccount({ id: ids.cognitiveServices, location, kind: "OpenAI", properties: { customSubDomainName: DEMO_NAMES.cognitiveServices } })]);
  putAll(ids.appInsights, () => [buildAppInsightsComponent({ id: ids.appInsights, location, subscriptionId: s.subscriptionId })]);
  putAll(cosmosAccount, () => {
    const { account, roleDefinitions } = buildCosmosAccount({ id: cosmosAccount, location });
    return [account, ...roleDefinitions];
  });
  putAll(ids.cosmosSqlDatabase, () => [buildCosmosSqlDatabase(ids.cosmosSqlDatabase, location)]);
  putAll(ids.serviceBus, () => buildMessagingNamespace("Microsoft.ServiceBus", { id: ids.serviceBus, location, subscriptionId: s.subscriptionId }));
  putAll(ids.eventHubs, () => {
    const [ns, rule] = buildMessagingNamespace("Microsoft.EventHub", { id: ids.eventHubs, location, subscriptionId: s.subscriptionId });
    const hub: StoredResource = {
      id: `${ids.eventHubs}/eventhubs/${DEMO_NAMES.eventHub}`, name: DEMO_NAMES.eventHub, type: "Microsoft.EventHub/Namespaces/EventHubs",
      properties: { messageRetentionInDays: 1, partitionCount: 2, partitionIds: ["0", "1"], status: "Active", createdAt: new Date().toISOString(), updatedAt: new Date().toISOString() },
    };
    const group: StoredResource = { id: `${hub.id}/consumergroups/$Default`, name: "$Default", type: "Microsoft.EventHub/Namespaces/EventHubs/ConsumerGroups", properties: {} };
    return [ns, rule, hub, group];
  });
  const appConfigOrigin = await ensureAppConfigDataPlane(store, services, ids.appConfig);
  if (!store.get(ids.appConfig)) store.put(buildConfigurationStore({ id: ids.appConfig, location, origin: appConfigOrigin }));
  return ids;
}
