// Integration harness: a seeded ARM emulator + Azurite, the app's ArmClients, a connection store, and a connection's
// effects set up by hand with the real SDKs (identity of the seeded webApp, a role assignment, app settings).
import { randomUUID } from "node:crypto";
import { inject } from "vitest";
import { WebSiteManagementClient } from "@azure/arm-appservice";
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { StorageManagementClient } from "@azure/arm-storage";
import { createArmClients, type ArmClients } from "../../src/azure/clients.js";
import { parseResourceId } from "../../src/azure/resourceId.js";
import { createTableStore } from "../../src/store/index.js";
import type { ConnectionStore } from "../../src/store/types.js";
import type { StoredLinker } from "../../src/model/connection.js";
import { startTestEmulator, type TestEmulator } from "../sandbox-arm/support/emulator.js";

export const BLOB_DATA_CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
export const ENDPOINT_SETTING = "AZURE_STORAGEBLOB_RESOURCEENDPOINT";
export const CS_SETTING = "AZURE_STORAGEBLOB_CONNECTIONSTRING";

export interface Harness {
  t: TestEmulator;
  /** linkwright's clients, as its own principal (Owner on the subscription); the SDK clients below act as `admin`. */
  clients: ArmClients;
  /** linkwright's own principal. */
  self: { objectId: string; clientId: string };
  store: ConnectionStore;
  web: WebSiteManagementClient;
  authz: AuthorizationManagementClient;
  storage: StorageManagementClient;
  rg: string;
  webApp: string;
  webAppName: string;
  account: string;
  accountName: string;
  blob: string;
  principalId: string;
}

export async function startHarness(tablePrefix: string): Promise<Harness> {
  const t = await startTestEmulator({ seed: true, withAzurite: true });
  const { connectionString } = inject("azurite");
  const own = t.emulator.principals.addServicePrincipal(`linkwright-${tablePrefix}`);
  t.emulator.assignRole(own.objectId, "Owner", `/subscriptions/${t.subscriptionId}`);
  const credential = t.credentialFor(own.clientId!, own.clientSecret!);
  await credential.getToken("https://management.azure.com/.default"); // token requests are not counted as ARM calls later
  const clients = createArmClients({
    credential, armEndpoint: t.endpoint, armAudience: "https://management.azure.com/", maxRetries: 3, maxRetryDelayInMs: 200,
  });
  const store = await createTableStore({ connectionString, tablePrefix, allowInsecureConnection: true });
  const ids = t.emulator.seeded!;
  const webApp = ids.webApp!;
  const account = ids.storageAccount!;
  const web = new WebSiteManagementClient(t.credential, t.subscriptionId, t.clientOptions);
  const authz = new AuthorizationManagementClient(t.credential, t.subscriptionId, t.clientOptions);
  const storage = new StorageManagementClient(t.credential, t.subscriptionId, t.clientOptions);
  const rg = parseResourceId(webApp)!.resourceGroup;
  const webAppName = parseResourceId(webApp)!.names[0]!;
  const site = await web.webApps.get(rg, webAppName);
  return {
    t, clients, self: { objectId: own.objectId, clientId: own.clientId! }, store, web, authz, storage, rg, webApp, webAppName, account,
    accountName: parseResourceId(account)!.names[0]!, blob: `${account}/blobServices/default`, principalId: site.identity!.principalId!,
  };
}

/** Merges settings into the webApp's app settings (read-merge-write, as the configuration step does). */
export async function mergeSettings(h: Harness, settings: Record<string, string>): Promise<void> {
  const current = (await h.web.webApps.listApplicationSettings(h.rg, h.webAppName)).properties ?? {};
  await h.web.webApps.updateApplicationSettings(h.rg, h.webAppName, { properties: { ...current, ...settings } });
}

export async function assignBlobRole(h: Harness, name = randomUUID()): Promise<string> {
  const ra = await h.authz.roleAssignments.create(h.blob, name, {
    roleDefinitionId: `/subscriptions/${h.t.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${BLOB_DATA_CONTRIBUTOR}`,
    principalId: h.principalId, principalType: "ServicePrincipal",
  });
  return ra.name!;
}

export async function connectionString(h: Harness): Promise<string> {
  const keys = (await h.storage.storageAccounts.listKeys(h.rg, h.accountName)).keys!;
  return `DefaultEndpointsProtocol=https;AccountName=${h.accountName};AccountKey=${keys[0]!.value};EndpointSuffix=core.windows.net`;
}

const HOUR_AGO = () => new Date(Date.now() - 3600_000).toISOString();

/** The identity connection's record: identity + role assignment + endpoint setting. */
export function identityLinker(h: Harness, name: string, configuredAt = HOUR_AGO()): StoredLinker {
  return {
    id: `${h.webApp}/providers/Microsoft.ServiceLinker/linkers/${name}`, sourceId: h.webApp, name,
    properties: { targetService: { type: "AzureResource", id: h.blob }, authInfo: { authType: "systemAssignedIdentity" }, clientType: "nodejs" },
    provisioningState: "Succeeded", systemData: { createdAt: configuredAt, lastModifiedAt: configuredAt }, secretPaths: [],
    state: {
      principalId: h.principalId, sourceKind: "webapp", targetKind: "storage-blob",
      applied: [
        { step: "identity", changed: true, input: { sourceId: h.webApp, systemAssigned: true } },
        { step: "roleAssignment", changed: true, input: { scope: h.blob, principalId: h.principalId, principalType: "ServicePrincipal", role: BLOB_DATA_CONTRIBUTOR } },
        { step: "configuration", changed: true, input: { sourceId: h.webApp, settings: [{ name: ENDPOINT_SETTING, value: `https://${h.accountName}.blob.core.windows.net/` }] } },
      ],
    },
  };
}

/** The secret connection's record: the connection string as an app setting. */
export function secretLinker(h: Harness, name: string): StoredLinker {
  return {
    id: `${h.webApp}/providers/Microsoft.ServiceLinker/linkers/${name}`, sourceId: h.webApp, name,
    properties: { targetService: { type: "AzureResource", id: h.blob }, authInfo: { authType: "secret" }, clientType: "nodejs" },
    provisioningState: "Succeeded", systemData: { createdAt: HOUR_AGO(), lastModifiedAt: HOUR_AGO() }, secretPaths: [],
    state: {
      sourceKind: "webapp", targetKind: "storage-blob",
      applied: [{ step: "configuration", changed: true, input: { sourceId: h.webApp, settings: [{ name: CS_SETTING, secretSource: { kind: "storageConnectionString", storageAccountId: h.account } }] } }],
    },
  };
}

export async function saveLinker(h: Harness, linker: StoredLinker): Promise<StoredLinker> {
  const saved = await h.store.linkers.save(linker, { expectedEtag: null });
  await h.store.dependencies.add(linker.id, { kind: "source", resourceId: linker.sourceId });
  await h.store.dependencies.add(linker.id, { kind: "target", resourceId: String(linker.properties.targetService.id) });
  return saved;
}
