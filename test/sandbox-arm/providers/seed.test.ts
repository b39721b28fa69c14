// The demo seed (sandbox/seed/resources.ts), read back through the real SDK clients as the connector would.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSiteManagementClient } from "@azure/arm-appservice";
import { ContainerAppsAPIClient } from "@azure/arm-appcontainers";
import { StorageManagementClient } from "@azure/arm-storage";
import { KeyVaultManagementClient } from "@azure/arm-keyvault";
import { NetworkManagementClient } from "@azure/arm-network";
import { ManagedServiceIdentityClient } from "@azure/arm-msi";
import { SecretClient } from "@azure/keyvault-secrets";
import { analyzeLoops, functionsFromEnvelopes } from "../../../src/loops/index.js";
import { startTestEmulator, type TestEmulator } from "../support/emulator.js";

let t: TestEmulator;
let ids: Record<string, string>;
const rg = "linkwright-demo";
const nameOf = (id: string) => id.split("/").pop()!;

beforeAll(async () => {
  t = await startTestEmulator({ seed: true, withAzurite: true });
  ids = t.emulator.seeded!;
});
afterAll(async () => { await t?.close(); });

describe("seedDemoResources", () => {
  it("returns every documented id", () => {
    expect(Object.keys(ids).sort()).toEqual([
      "appConfig", "appInsights", "cognitiveServices", "containerApp", "cosmosAccount", "cosmosSqlDatabase", "eventHubs", "functionApp",
      "keyVault", "mysqlDatabase", "otherStorageAccount", "postgresDatabase", "redis", "serviceBus", "signalR", "slot", "sqlDatabase", "storageAccount", "subnet",
      "userIdentity", "webApp", "webPubSub",
    ]);
  });

  it("seeds a Linux web app with a staging slot and a function app with a blob trigger/output loop", async () => {
    const web = new WebSiteManagementClient(t.credential, t.subscriptionId, t.clientOptions);
    const app = await web.webApps.get(rg, nameOf(ids.webApp));
    expect(app.kind).toBe("app,linux");
    expect(app.identity?.principalId).toBeDefined();
    expect((await web.webApps.getSlot(rg, nameOf(ids.webApp), "staging")).id).toBe(ids.slot);
    const fn = await web.webApps.get(rg, nameOf(ids.functionApp));
    expect(fn.kind).toBe("functionapp,linux");
    const settings = (await web.webApps.listApplicationSettings(rg, nameOf(ids.functionApp))).properties!;
    expect(settings.FUNCTIONS_WORKER_RUNTIME).toBe("node");
    expect(settings.AzureWebJobsStorage).toBe(t.emulator.services.azurite!.connectionString);
    const bindings: { type: string; path?: string; connection?: string; direction: string }[] = [];
    for await (const f of web.webApps.listFunctions(rg, nameOf(ids.functionApp))) bindings.push(...(f.config as { bindings: typeof bindings }).bindings);
    const trigger = bindings.find((b) => b.type === "blobTrigger")!;
    const output = bindings.find((b) => b.type === "blob" && b.direction === "out")!;
    expect(trigger).toMatchObject({ path: "images/{name}", connection: "AzureWebJobsStorage" });
    expect(output).toMatchObject({ path: "images/thumbs/{name}", connection: "AzureWebJobsStorage" });
    expect(output.path!.startsWith(trigger.path!.split("/")[0] + "/")).toBe(true);
  });

  it("seeds a function app whose blob trigger/output loop the loop detector finds", async () => {
    const web = new WebSiteManagementClient(t.credential, t.subscriptionId, t.clientOptions);
    const envelopes = [];
    for await (const f of web.webApps.listFunctions(rg, nameOf(ids.functionApp))) envelopes.push(f);
    const appSettings = (await web.webApps.listApplicationSettings(rg, nameOf(ids.functionApp))).properties!;
    const analysis = analyzeLoops([{ appId: ids.functionApp, appSettings, functions: functionsFromEnvelopes(envelopes) }]);
    expect(analysis.findings.length).toBeGreaterThan(0);
    expect(JSON.stringify(analysis.findings)).toContain("ResizeImage");
  });

  it("seeds a container app, a user identity, a storage account on Azurite and a subnet", async () => {
    const aca = await new ContainerAppsAPIClient(t.credential, t.subscriptionId, t.clientOptions).containerApps.get(rg, nameOf(ids.containerApp));
    expect(aca.template?.containers?.[0].name).toBe("main");
    const uami = await new ManagedServiceIdentityClient(t.credential, t.subscriptionId, { endpoint: t.endpoint }).userAssignedIdentities.get(rg, nameOf(ids.userIdentity));
    expect(Object.values(aca.identity!.userAssignedIdentities!)[0].principalId).toBe(uami.principalId);
    const account = await new StorageManagementClient(t.credential, t.subscriptionId, t.clientOptions).storageAccounts.getProperties(rg, nameOf(ids.storageAccount));
    expect(account.primaryEndpoints?.blob?.startsWith(t.emulator.services.azurite!.blobEndpoint)).toBe(true);
    const subnet = await new NetworkManagementClient(t.credential, t.subscriptionId, t.clientOptions).subnets.get(rg, ids.subnet.split("/")[8], nameOf(ids.subnet));
    expect(subnet.id).toBe(ids.subnet);
  });

  it("seeds an RBAC-model key vault whose data plane is listening", async () => {
    const vault = await new KeyVaultManagementClient(t.credential, t.subscriptionId, t.clientOptions).vaults.get(rg, nameOf(ids.keyVault));
    expect(vault.properties.enableRbacAuthorization).toBe(true);
    t.emulator.assignRole(t.emulator.credentials.admin.objectId, "Key Vault Secrets Officer", ids.keyVault);
    const secrets = new SecretClient(vault.properties.vaultUri!, t.credential, { disableChallengeResourceVerification: true });
    await secrets.setSecret("seed-check", "ok");
    expect((await secrets.getSecret("seed-check")).value).toBe("ok");
  });
});
