// Microsoft.Storage through the real @azure/arm-storage client, with the emulator pointing accounts at Azurite:
// create (sync and LRO), network ACL updates (validated against the subnet's service endpoints), keys, services.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StorageManagementClient } from "@azure/arm-storage";
import { NetworkManagementClient } from "@azure/arm-network";
import { BlobServiceClient } from "@azure/storage-blob";
import { startTestEmulator, type TestEmulator } from "../support/emulator.js";
import { createResourceGroup, expectRestError } from "./helpers.js";

let t: TestEmulator;
let storage: StorageManagementClient;
const rg = "rg-storage";

beforeAll(async () => {
  t = await startTestEmulator({ withAzurite: true });
  storage = new StorageManagementClient(t.credential, t.subscriptionId, t.clientOptions);
  await createResourceGroup(t, rg);
});
afterAll(async () => { await t?.close(); });

describe("Microsoft.Storage storageAccounts", () => {
  it("creates an account on Azurite whose keys and endpoints make a working connection string", async () => {
    const account = await storage.storageAccounts.create(rg, "lwstore1", { location: "westeurope", kind: "StorageV2", sku: { name: "Standard_LRS" } });
    expect(account.provisioningState).toBe("Succeeded");
    const azurite = t.emulator.services.azurite!;
    expect(account.primaryEndpoints?.blob).toBe(`${azurite.blobEndpoint.replace(/\/$/, "")}/`);
    const keys = await storage.storageAccounts.listKeys(rg, "lwstore1");
    expect(keys.keys?.map((k) => k.keyName)).toEqual(["key1", "key2"]);
    expect(keys.keys?.[0].permissions).toBe("FULL"); // Azure sends upper case on the wire
    const conn = `DefaultEndpointsProtocol=http;AccountName=${azurite.accountName};AccountKey=${keys.keys![0].value};BlobEndpoint=${account.primaryEndpoints!.blob}`;
    const blob = BlobServiceClient.fromConnectionString(conn);
    const container = blob.getContainerClient(`arm-storage-${Date.now()}`);
    await container.create();
    expect(await container.exists()).toBe(true);
    await container.delete();
  });

  it("regenerates one key and leaves the other", async () => {
    await storage.storageAccounts.create(rg, "lwstore2", { location: "westeurope", kind: "StorageV2", sku: { name: "Standard_LRS" } });
    const before = await storage.storageAccounts.listKeys(rg, "lwstore2");
    const after = await storage.storageAccounts.regenerateKey(rg, "lwstore2", { keyName: "key2" });
    expect(after.keys![0].value).toBe(before.keys![0].value);
    expect(after.keys![1].value).not.toBe(before.keys![1].value);
    expect((await storage.storageAccounts.listKeys(rg, "lwstore2")).keys![1].value).toBe(after.keys![1].value);
  });

  it("replaces networkAcls on PATCH and validates subnet service endpoints", async () => {
    await storage.storageAccounts.create(rg, "lwstore3", { location: "westeurope", kind: "StorageV2", sku: { name: "Standard_LRS" } });
    const network = new NetworkManagementClient(t.credential, t.subscriptionId, t.clientOptions);
    await network.virtualNetworks.createOrUpdate(rg, "vnet1", {
      location: "westeurope", addressSpace: { addressPrefixes: ["10.0.0.0/16"] },
      subnets: [{ name: "plain", addressPrefix: "10.0.1.0/24" }, { name: "withse", addressPrefix: "10.0.2.0/24", serviceEndpoints: [{ service: "Microsoft.Storage" }] }],
    });
    const vnetId = `/subscriptions/${t.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Network/virtualNetworks/vnet1`;
    await expectRestError(storage.storageAccounts.update(rg, "lwstore3", {
      networkRuleSet: { defaultAction: "Deny", virtualNetworkRules: [{ virtualNetworkResourceId: `${vnetId}/subnets/plain` }] },
    }), 400, "NetworkAclsValidationFailure");
    const updated = await storage.storageAccounts.update(rg, "lwstore3", {
      networkRuleSet: {
        defaultAction: "Deny", bypass: "AzureServices,Logging",
        ipRules: [{ iPAddressOrRange: "20.1.2.3", action: "Allow" }],
        virtualNetworkRules: [{ virtualNetworkResourceId: `${vnetId}/subnets/withse` }],
      },
    });
    expect(updated.networkRuleSet?.defaultAction).toBe("Deny");
    expect(updated.networkRuleSet?.bypass).toBe("AzureServices,Logging");
    expect(updated.networkRuleSet?.ipRules).toEqual([{ iPAddressOrRange: "20.1.2.3", action: "Allow" }]);
    expect(updated.networkRuleSet?.virtualNetworkRules?.[0].virtualNetworkResourceId).toBe(`${vnetId}/subnets/withse`);
    const replaced = await storage.storageAccounts.update(rg, "lwstore3", { networkRuleSet: { defaultAction: "Allow", ipRules: [] } });
    expect(replaced.networkRuleSet?.virtualNetworkRules).toEqual([]);
    expect((await storage.storageAccounts.getProperties(rg, "lwstore3")).networkRuleSet?.defaultAction).toBe("Allow");
  });

  it("serves the default blob/queue/table/file services and lists accounts", async () => {
    const blob = await storage.blobServices.getServiceProperties(rg, "lwstore1");
    expect(blob.name).toBe("default");
    expect(blob.type).toBe("Microsoft.Storage/storageAccounts/blobServices");
    expect((await storage.queueServices.getServiceProperties(rg, "lwstore1")).type).toBe("Microsoft.Storage/storageAccounts/queueServices");
    expect((await storage.tableServices.getServiceProperties(rg, "lwstore1")).type).toBe("Microsoft.Storage/storageAccounts/tableServices");
    expect((await storage.fileServices.getServiceProperties(rg, "lwstore1")).type).toBe("Microsoft.Storage/storageAccounts/fileServices");
    const names: string[] = [];
    for await (const a of storage.storageAccounts.list()) names.push(a.name!);
    expect(names).toEqual(expect.arrayContaining(["lwstore1", "lwstore2", "lwstore3"]));
  });

  it("creates through the SDK poller when the emulator answers 202 + Location", async () => {
    t.emulator.control.addLroRule({ method: "PUT", path: "/storageAccounts/lwlro$", pollsUntilDone: 1 });
    try {
      const poller = await storage.storageAccounts.beginCreate(rg, "lwlro", { location: "westeurope", kind: "StorageV2", sku: { name: "Standard_LRS" } }, { updateIntervalInMs: 10 });
      const states: string[] = [];
      poller.onProgress((s) => states.push(s.status));
      const account = await poller.pollUntilDone();
      expect(account.name).toBe("lwlro");
      expect(states).toContain("running");
    } finally {
      t.emulator.control.clearRules();
    }
  });

  it("rejects Readers and bad input with Azure's codes", async () => {
    const asReader = new StorageManagementClient(t.readerCredential, t.subscriptionId, t.clientOptions);
    expect((await asReader.storageAccounts.getProperties(rg, "lwstore1")).name).toBe("lwstore1");
    await expectRestError(asReader.storageAccounts.listKeys(rg, "lwstore1"), 403, "AuthorizationFailed");
    await expectRestError(asReader.storageAccounts.update(rg, "lwstore1", { tags: { a: "b" } }), 403, "AuthorizationFailed");
    await expectRestError(storage.storageAccounts.create(rg, "Bad_Name", { location: "westeurope", kind: "StorageV2", sku: { name: "Standard_LRS" } }), 400, "AccountNameInvalid");
    await expectRestError(storage.storageAccounts.getProperties(rg, "nosuchaccount"), 404, "ResourceNotFound");
    await expectRestError(storage.blobContainers.get(rg, "lwstore1", "c1"), 400, "InvalidResourceType");
  });
});
