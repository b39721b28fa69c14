// Seeds the sandbox: tenant + subscription (by startArmEmulator), resource group `linkwright-demo`, principals
// `admin` (Owner, plus the data roles of the demo vault and App Configuration store) and `reader` (Reader), linkwright's own function-app managed identity (Contributor +
// User Access Administrator on the subscription), the demo resources of sandbox/seed/resources.ts, then the principals
// of caller authorization: linkwright's app registration (audience api://{clientId}, delegated scope
// user_impersonation, app role Connections.ReadWrite, a federated identity credential trusting linkwright's managed
// identity), the least-privilege service principal `team` and the user `dev` (each: Contributor on lw-demo-web and
// Role Based Access Control Administrator on lwdemostorage; `team` also holds Connections.ReadWrite).
// Idempotent: a second start over persisted state (store.json + principals.json) finds and keeps everything.
import type { ArmEmulator } from "../arm/index.js";
import type { CoreServices, ResourceStore } from "../arm/core/contract.js";
import type { Principal } from "../arm/identity/principals.js";

export const DEMO_RESOURCE_GROUP = "linkwright-demo";
export const DEMO_LOCATION = "westeurope";
export const LINKWRIGHT_APP_IDENTITY = "linkwright-functions";
/** linkwright's app registration: display name, delegated scope, app role. */
export const LINKWRIGHT_APP = { displayName: "linkwright", scope: "user_impersonation", appRole: "Connections.ReadWrite" } as const;
/** The audience Entra's workload identity federation expects of a managed identity's assertion. */
export const TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";
export const TEAM_PRINCIPAL = "team";
export const DEV_USER = { displayName: "dev", userPrincipalName: "dev@linkwright.sandbox" } as const;
const LINKWRIGHT_FIC_NAME = "linkwright-functions-managed-identity";

export interface SeedResult {
  resourceGroup: string;
  location: string;
  /** The linkwright function app's managed identity (system-assigned style principal). */
  linkwrightIdentity: { principalId: string; clientId: string };
  /** Resource ids from seedDemoResources (webApp, slot, functionApp, containerApp, userIdentity, storageAccount,
   *  otherStorageAccount, keyVault, subnet, the connection targets). */
  resources: Record<string, string>;
  /** linkwright's app registration: callers' tokens for linkwright have `aud` = `audience`; a user's delegated token
   *  carries `scp` = `scope`; an app's token `roles` = [`appRole`] when assigned. Its only credential is a federated
   *  identity credential for linkwright's managed identity (issuer = the emulator's v2.0 issuer, audience
   *  api://AzureADTokenExchange): OnBehalfOfCredential({ clientId, getAssertion: MI token for api://AzureADTokenExchange }). */
  linkwrightApp: { clientId: string; objectId: string; audience: string; scope: string; appRole: string };
  /** Least-privilege service principal (client secret in arm.credentials.team): Contributor on lw-demo-web, Role Based
   *  Access Control Administrator on lwdemostorage (no condition), app role Connections.ReadWrite on linkwright. */
  team: { objectId: string; clientId: string };
  /** A user with team's two role assignments (for delegated / on-behalf-of tests: arm.tokenFor("dev", audience, { scp })). */
  dev: { objectId: string; userPrincipalName: string };
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
  // The admin is Owner, which grants no data actions: like a platform admin who uses the demo vault and store as a
  // connection's secretStore / configurationStore, it holds their data roles (linkwright checks them as the caller).
  if (resources.keyVault) emulator.assignRole(emulator.credentials.admin.objectId, "Key Vault Secrets Officer", resources.keyVault);
  if (resources.appConfig) emulator.assignRole(emulator.credentials.admin.objectId, "App Configuration Data Owner", resources.appConfig);
  const principals = seedCallerPrincipals(emulator, mi.principalId, resources, log);
  return { resourceGroup: DEMO_RESOURCE_GROUP, location: DEMO_LOCATION, linkwrightIdentity: { principalId: mi.principalId, clientId: mi.clientId }, resources, ...principals };
}

/** linkwright's app registration, `team` and `dev` (see the header); finds existing ones by display name. */
function seedCallerPrincipals(emulator: ArmEmulator, linkwrightPrincipalId: string, resources: Record<string, string>, log: (line: string) => void):
  Pick<SeedResult, "linkwrightApp" | "team" | "dev"> {
  const directory = emulator.principals;
  const existing = (name: string, test: (p: Principal) => boolean) => directory.list().find((p) => p.displayName === name && test(p));
  const app = existing(LINKWRIGHT_APP.displayName, (p) => p.identifierUris !== undefined) ?? directory.addApplication(LINKWRIGHT_APP.displayName, {
    oauth2PermissionScopes: [{
      value: LINKWRIGHT_APP.scope, type: "User", adminConsentDisplayName: "Manage connections as you",
      adminConsentDescription: "Allows the app to create and manage Service Connector connections with your permissions.",
    }],
    appRoles: [{
      value: LINKWRIGHT_APP.appRole, allowedMemberTypes: ["Application"], displayName: "Read and write connections",
      description: "Create, change and delete Service Connector connections as an application (with its own Azure permissions).",
    }],
  });
  // Rewritten on every start: the issuer names the emulator's origin, whose port may change between runs.
  directory.setFederatedIdentityCredential(app.objectId, {
    name: LINKWRIGHT_FIC_NAME, issuer: `${emulator.endpoint}/${emulator.tenantId}/v2.0`, subject: linkwrightPrincipalId,
    audiences: [TOKEN_EXCHANGE_AUDIENCE], description: "linkwright's function app managed identity acts as this app (no secret).",
  });

  const team = existing(TEAM_PRINCIPAL, (p) => p.principalType === "ServicePrincipal" && !!p.clientSecret) ?? directory.addServicePrincipal(TEAM_PRINCIPAL);
  const dev = existing(DEV_USER.displayName, (p) => p.principalType === "User") ?? directory.addUser(DEV_USER.displayName, DEV_USER.userPrincipalName);
  if (resources.webApp && resources.storageAccount) {
    for (const p of [team, dev]) {
      emulator.assignRole(p.objectId, "Contributor", resources.webApp);
      emulator.assignRole(p.objectId, "Role Based Access Control Administrator", resources.storageAccount);
    }
  } else {
    log("[seed] no demo web app / storage account: team and dev hold no role assignments");
  }
  directory.assignAppRole(team.objectId, app.objectId, LINKWRIGHT_APP.appRole);
  return {
    linkwrightApp: { clientId: app.clientId!, objectId: app.objectId, audience: `api://${app.clientId}`, scope: LINKWRIGHT_APP.scope, appRole: LINKWRIGHT_APP.appRole },
    team: { objectId: team.objectId, clientId: team.clientId! },
    dev: { objectId: dev.objectId, userPrincipalName: dev.userPrincipalName ?? DEV_USER.userPrincipalName },
  };
}
