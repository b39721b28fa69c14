// The app settings the function app gets in the sandbox — what a deployment would set, pointed at the emulator,
// with linkwright's identity being the seeded managed identity. One place for npm start, tests and benches.
import type { ArmEmulator } from "./arm/index.js";
import type { AzuriteInstance } from "./azurite.js";
import { LINKWRIGHT_APP_IDENTITY } from "./seed/index.js";

/** Where linkwright's AzureWebJobsStorage is: an Azurite (keyless when it runs in OAuth mode), or a connection string. */
export type LinkwrightStorage =
  | { azurite: Pick<AzuriteInstance, "blobEndpoint" | "queueEndpoint" | "tableEndpoint" | "connectionString" | "oauth">; storageConnectionString?: never }
  | { storageConnectionString: string; azurite?: never };

/**
 * AzureWebJobsStorage as a deployment sets it. Azurite in OAuth mode gets the identity-based form, with the setting
 * names the Functions host reads: the three service URIs and `__credential=managedidentity`
 * (linkwright's system-assigned identity: no `__clientId`), so no account key is in the settings and every request
 * carries a token from the managed-identity endpoint (IDENTITY_ENDPOINT) for https://storage.azure.com. Otherwise the
 * connection string, with LINKWRIGHT_STORAGE_ALLOW_INSECURE when it is plain http.
 */
export function storageAppSettings(storage: LinkwrightStorage): Record<string, string> {
  if (storage.azurite?.oauth) {
    return {
      AzureWebJobsStorage__blobServiceUri: storage.azurite.blobEndpoint,
      AzureWebJobsStorage__queueServiceUri: storage.azurite.queueEndpoint,
      AzureWebJobsStorage__tableServiceUri: storage.azurite.tableEndpoint,
      AzureWebJobsStorage__credential: "managedidentity",
    };
  }
  const connectionString = storage.azurite?.connectionString ?? storage.storageConnectionString!;
  return {
    AzureWebJobsStorage: connectionString,
    ...(/DefaultEndpointsProtocol=http;|Endpoint=http:/i.test(connectionString) ? { LINKWRIGHT_STORAGE_ALLOW_INSECURE: "true" } : {}),
  };
}

export function linkwrightAppSettings(options: LinkwrightStorage & {
  arm: ArmEmulator; sealKey: string;
  /** The database wire emulators' routes (sandbox/databases: `endpoints`), as LINKWRIGHT_DATABASE_ENDPOINTS. */
  databaseEndpoints?: Record<string, string>;
}): Record<string, string> {
  const { arm } = options;
  const identity = arm.seedResult?.linkwrightIdentity;
  if (!identity || !arm.seedResult) throw new Error("The emulator was started without the seed: linkwright has no managed identity.");
  return {
    ...storageAppSettings(options),
    LINKWRIGHT_OPENID_ISSUER: `${arm.endpoint}/${arm.tenantId}/v2.0`,
    // linkwright's app registration: users' tokens for it are exchanged on their behalf (the app's credential is
    // linkwright's managed identity, a federated credential), applications' tokens carry its app role.
    LINKWRIGHT_AUDIENCE: arm.seedResult.linkwrightApp.audience,
    LINKWRIGHT_APP_CLIENT_ID: arm.seedResult.linkwrightApp.clientId,
    // The sandbox's ARM endpoint forwards Microsoft.ServiceLinker with the caller's ARM token, as ARM does; the
    // token is the caller's credential for the permission checks. (HLC SDK clients ask for "<endpoint>/.default":
    // the ARM endpoint's origin counts as ARM's audience.)
    LINKWRIGHT_ACCEPT_ARM_TOKENS: "true",
    LINKWRIGHT_SEAL_KEY: options.sealKey,
    LINKWRIGHT_ARM_ENDPOINT: arm.endpoint,
    LINKWRIGHT_KEYVAULT_DISABLE_CHALLENGE_VERIFICATION: "true",
    // The emulator's role assignments take effect at once (Azure's take minutes): health need not wait for them.
    LINKWRIGHT_ROLE_PROPAGATION_SECONDS: "1",
    ...arm.managedIdentityEnvironment(identity.principalId),
    // What App Service itself sets in every site's environment: the owner ("{subscription}+{resource group}-{region}
    // webspace", from which the loop scan learns its subscription, as in Azure) and the site's name and group.
    ...platformEnvironment(arm),
    ...(options.databaseEndpoints ? { LINKWRIGHT_DATABASE_ENDPOINTS: JSON.stringify(options.databaseEndpoints) } : {}),
  };
}

/** App Service's own environment variables for linkwright's seeded function app (not app settings: the platform's). */
export function platformEnvironment(arm: ArmEmulator): Record<string, string> {
  const seed = arm.seedResult;
  if (!seed) return {};
  return {
    WEBSITE_OWNER_NAME: `${arm.subscriptionId}+${seed.resourceGroup}-${seed.location.replace(/\s+/g, "")}webspace`,
    WEBSITE_SITE_NAME: LINKWRIGHT_APP_IDENTITY,
    WEBSITE_RESOURCE_GROUP: seed.resourceGroup,
  };
}
