// Seeds the sandbox: tenant + subscription (by startArmEmulator), resource group `linkwright-demo`, principals
// `admin` (Owner) and `reader` (Reader), linkwright's own function-app managed identity (Contributor +
// User Access Administrator on the subscription), then the demo resources of sandbox/seed/resources.ts.
import type { ArmEmulator } from "../arm/index.js";
import type { CoreServices, ResourceStore } from "../arm/core/contract.js";

export const DEMO_RESOURCE_GROUP = "linkwright-demo";
export const DEMO_LOCATION = "westeurope";
export const LINKWRIGHT_APP_IDENTITY = "linkwright-functions";

export interface SeedResult {
  resourceGroup: string;
  location: string;
  /** The linkwright function app's managed identity (system-assigned style principal). */
  linkwrightIdentity: { principalId: string; clientId: string };
  /** Resource ids from seedDemoResources (webApp, slot, functionApp, containerApp, userIdentity, storageAccount, keyVault, subnet). */
  resources: Record<string, string>;
}

type SeedDemoResources = (s: { store: ResourceStore; services: CoreServices; subscriptionId: string; resourceGroup: string; location: string })
  => Promise<Record<string, string>>;

export async function seedSandbox(emulator: ArmEmulator, log: (line: string) => void = (l) => console.warn(l)): Promise<SeedResult> {
  const { store, subscriptionId } = emulator;
  const subScope = `/subscriptions/${subscriptionId}`;
  const rgId = `${subScope}/resourceGroups/${DEMO_RESOURCE_GROUP}`;
  if (!store.get(rgId)) {
    store.put({ id: rgId, name: DEMO_RESOURCE_GROUP, type: "Microsoft.Resources/resourceGroups", location: DEMO_LOCATION,
      properties: { provisioningState: "Succeeded" } });
  }
  const appResourceId = `${rgId}/providers/Microsoft.Web/sites/${LINKWRIGHT_APP_IDENTITY}`;
  const mi = emulator.principals.createManagedIdentity(appResourceId, "SystemAssigned");
  emulator.assignRole(mi.principalId, "Contributor", subScope);
  emulator.assignRole(mi.principalId, "User Access Administrator", subScope);

  let resources: Record<string, string> = {};
  let mod: { seedDemoResources?: SeedDemoResources } | undefined;
  try {
    // Owned by the providers engineer; imported by a computed specifier so its absence is not a compile error.
    const specifier = "./resources.js";
    mod = (await import(specifier)) as { seedDemoResources?: SeedDemoResources };
  } catch (e) {
    log(`[seed] sandbox/seed/resources.ts not loadable (${(e as Error).message.split("\n")[0]}); demo resources not seeded`);
  }
  if (mod?.seedDemoResources) {
    resources = await mod.seedDemoResources({
      store, services: emulator.services, subscriptionId, resourceGroup: DEMO_RESOURCE_GROUP, location: DEMO_LOCATION,
    });
  } else if (mod) {
    log("[seed] sandbox/seed/resources.ts has no seedDemoResources export; demo resources not seeded");
  }
  return { resourceGroup: DEMO_RESOURCE_GROUP, location: DEMO_LOCATION, linkwrightIdentity: { principalId: mi.principalId, clientId: mi.clientId }, resources };
}
