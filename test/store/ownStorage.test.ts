// linkwright's own storage (its connection tables and the queues it writes), through the composition root
// (src/app/runtime.ts from src/config/settings.ts), in both forms AzureWebJobsStorage takes:
// - keyless, as the sandbox runs it: the identity-based form; its managed identity's token (the emulator's
//   IDENTITY_ENDPOINT) opens the shared Azurite in OAuth mode, and the same tables refuse a request without one;
// - the connection string, against a plain Azurite (http, no OAuth), which needs LINKWRIGHT_STORAGE_ALLOW_INSECURE.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { randomUUID } from "node:crypto";
import { TableClient } from "@azure/data-tables";
import { QueueClient } from "@azure/storage-queue";
import { createRuntime } from "../../src/app/runtime.js";
import { processSettings } from "../../src/config/settings.js";
import { queueClientOf } from "../../src/azure/ownStorage.js";
import { tableNames } from "../../src/store/tableClients.js";
import type { StoredLinker } from "../../src/model/connection.js";
import { startAzurite, type AzuriteInstance } from "../../sandbox/azurite.js";
import { startTestEmulator, type TestEmulator } from "../sandbox-arm/support/emulator.js";

const SOURCE = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Web/sites/app";
const linker = (name: string): StoredLinker => ({
  id: `${SOURCE}/providers/Microsoft.ServiceLinker/linkers/${name}`, sourceId: SOURCE, name, provisioningState: "Succeeded", secretPaths: [], systemData: {},
  properties: { targetService: { type: "AzureResource", id: "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv" }, authInfo: { authType: "systemAssignedIdentity" } },
});
const unique = (prefix: string) => `${prefix}${randomUUID().replace(/-/g, "").slice(0, 10)}`;

/** Receives one message (what linkwright wrote), read with the account key. */
async function receiveOne(connectionString: string, queueName: string): Promise<string | undefined> {
  const [m] = (await new QueueClient(connectionString, queueName).receiveMessages()).receivedMessageItems;
  return m?.messageText;
}

describe("keyless: identity-based AzureWebJobsStorage, linkwright's managed identity, Azurite in OAuth mode", () => {
  const azurite = inject("azurite");
  let te: TestEmulator;

  beforeAll(async () => {
    te = await startTestEmulator();
    const mi = te.emulator.principals.createManagedIdentity(`/subscriptions/${te.subscriptionId}/resourceGroups/rg/providers/Microsoft.Web/sites/linkwright`, "SystemAssigned");
    // ManagedIdentityCredential reads the App Service protocol's variables from the process, as in Azure.
    Object.assign(process.env, te.emulator.managedIdentityEnvironment(mi.principalId));
  });
  afterAll(async () => {
    delete process.env.IDENTITY_ENDPOINT;
    delete process.env.IDENTITY_HEADER;
    await te?.close();
  });

  it("the connection store and the host's queues work with the token alone; no key, no insecure flag", async () => {
    const prefix = unique("mi");
    const runtime = createRuntime(processSettings({
      AzureWebJobsStorage__blobServiceUri: azurite.blobEndpoint,
      AzureWebJobsStorage__queueServiceUri: azurite.queueEndpoint,
      AzureWebJobsStorage__tableServiceUri: azurite.tableEndpoint,
      AzureWebJobsStorage__credential: "managedidentity",
      LINKWRIGHT_TABLE_PREFIX: prefix,
    }));
    expect(runtime.settings.storage).toMatchObject({ host: { kind: "identity", tableServiceUri: azurite.tableEndpoint }, allowInsecure: false });
    expect(runtime.tables()).toMatchObject({ tableServiceUri: azurite.tableEndpoint, queueServiceUri: azurite.queueEndpoint, tablePrefix: prefix });
    expect(runtime.tables()).not.toHaveProperty("connectionString");

    const store = await runtime.store();
    const saved = await store.linkers.save(linker("Keyless"), { expectedEtag: null });
    expect((await store.linkers.get(SOURCE, "keyless"))?.etag).toBe(saved.etag);

    const queueName = unique("mi-");
    const queue = queueClientOf(runtime.hostStorage(), queueName);
    await queue.createIfNotExists();
    await queue.sendMessage("written with a token");
    expect(await receiveOne(azurite.connectionString, queueName)).toBe("written with a token");

    // The same table without a token is refused: the token is what opened it.
    const anonymous = new TableClient(azurite.tableEndpoint, tableNames(prefix).linkers);
    await expect(anonymous.listEntities().next()).rejects.toMatchObject({ statusCode: 403 });
  });
});

describe("connection-string mode: AzureWebJobsStorage as a connection string, a plain Azurite (http, no OAuth)", () => {
  let plain: AzuriteInstance;
  beforeAll(async () => { plain = await startAzurite(); }, 30_000);
  afterAll(async () => { await plain?.stop(); });

  it("the connection store and the host's queues work with LINKWRIGHT_STORAGE_ALLOW_INSECURE=true", async () => {
    expect(plain.oauth).toBe(false);
    expect(plain.connectionString).toMatch(/^DefaultEndpointsProtocol=http;/);
    const prefix = unique("cs");
    const runtime = createRuntime(processSettings({ AzureWebJobsStorage: plain.connectionString, LINKWRIGHT_STORAGE_ALLOW_INSECURE: "true", LINKWRIGHT_TABLE_PREFIX: prefix }));
    expect(runtime.settings.storage.host).toEqual({ kind: "connectionString", connectionString: plain.connectionString });
    const store = await runtime.store();
    await store.linkers.save(linker("Keyed"), { expectedEtag: null });
    expect((await store.linkers.get(SOURCE, "keyed"))?.name).toBe("Keyed");
    const queueName = unique("cs-");
    const queue = queueClientOf(runtime.hostStorage(), queueName);
    await queue.createIfNotExists();
    await queue.sendMessage("written with the key");
    expect(await receiveOne(plain.connectionString, queueName)).toBe("written with the key");
  });

  it("refuses http endpoints unless LINKWRIGHT_STORAGE_ALLOW_INSECURE is set", async () => {
    const runtime = createRuntime(processSettings({ AzureWebJobsStorage: plain.connectionString, LINKWRIGHT_TABLE_PREFIX: unique("cs") }));
    await expect(runtime.store()).rejects.toThrow(/allowInsecureConnection|insecure|http/i);
    expect(() => queueClientOf(runtime.hostStorage(), "any")).toThrow(/LINKWRIGHT_STORAGE_ALLOW_INSECURE/);
    const direct = TableClient.fromConnectionString(plain.connectionString, tableNames("cs").linkers, { allowInsecureConnection: false });
    await expect(direct.getEntity("x", "y")).rejects.toThrow(/allowInsecureConnection|insecure|http/i);
  });
});
