// Demo resources for the sandbox, written straight into the ARM store in the shapes the providers serve:
// a Linux Node web app with a `staging` slot, a function app with a blob-triggered function whose output binding
// writes back under the trigger's container (a real trigger/output loop), a container app, a user-assigned
// identity, a storage account (endpoints on Azurite when present), an RBAC-model key vault with its data plane
// listening, and a vnet with a subnet. Imported by sandbox/seed/index.ts.
import type { CoreServices, ResourceStore } from "../arm/core/contract.js";
import { buildSite } from "../arm/providers/web/sites.js";
import { buildFunction } from "../arm/providers/web/functions.js";
import { buildUserAssignedIdentity } from "../arm/providers/msi.js";
import { buildStorageAccount, type AccountPrivate } from "../arm/providers/storage/accounts.js";
import { buildVault, ensureVaultDataPlane } from "../arm/providers/keyvault/vaults.js";
import { buildContainerApp } from "../arm/providers/containerapps/container-apps.js";
import { storeVirtualNetwork, VNET_TYPE } from "../arm/providers/network/virtual-networks.js";

export const DEMO_NAMES = {
  webApp: "lw-demo-web", slot: "staging", functionApp: "lw-demo-func", containerApp: "lw-demo-aca", userIdentity: "lw-demo-identity",
  storageAccount: "lwdemostorage", keyVault: "lw-demo-kv", vnet: "lw-demo-vnet", subnet: "apps",
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
    storageAccount: ids.storageAccount, keyVault: ids.keyVault, subnet,
  };
}
