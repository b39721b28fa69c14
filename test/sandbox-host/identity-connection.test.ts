// The dev host reaches storage the keyless way when the app's settings are identity-based, as the Functions host does:
// AzureWebJobsStorage__blobServiceUri/__queueServiceUri/__tableServiceUri and __credential=managedidentity, a token
// from the app's managed identity (the emulator's IDENTITY_ENDPOINT) for https://storage.azure.com, on the shared
// Azurite in OAuth mode. Durable state, queue triggers, queue/blob/table outputs and the timer status blob all go
// that way; no connection string is in the app's settings. The resolution rules themselves are checked first.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { QueueServiceClient } from "@azure/storage-queue";
import { BlobServiceClient } from "@azure/storage-blob";
import { TableClient } from "@azure/data-tables";
import { FakeClock } from "../../sandbox/clock.js";
import { startFunctionHost, memoryLogger, type FunctionHost } from "../../sandbox/host/index.js";
import { resolveStorageConnection, serviceUri } from "../../sandbox/host/storage-connection.js";
import { TIMER_STATUS_CONTAINER, timerStatusBlobName } from "../../sandbox/host/timer-service.js";
import { tableNameFor } from "../../sandbox/host/durable/store.js";
import { startTestEmulator, type TestEmulator } from "../sandbox-arm/support/emulator.js";
import { ALL_ENTRY, sampleAppDir, uniqueNames, waitFor } from "./sample-app.js";

describe("resolving a storage connection as the Functions host does", () => {
  const uris = { AzureWebJobsStorage__blobServiceUri: "https://a.blob.core.windows.net/", AzureWebJobsStorage__queueServiceUri: "https://a.queue.core.windows.net",
    AzureWebJobsStorage__tableServiceUri: "https://a.table.core.windows.net" };

  it("a connection string wins over the identity-based settings", () => {
    expect(resolveStorageConnection(undefined, { AzureWebJobsStorage: "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=k", ...uris }))
      .toMatchObject({ name: "AzureWebJobsStorage", kind: "connectionString" });
  });

  it("the identity-based form: service URIs (trailing slash dropped), the system-assigned identity unless __clientId names one", () => {
    expect(resolveStorageConnection("AzureWebJobsStorage", { ...uris, AzureWebJobsStorage__credential: "managedidentity" })).toEqual({
      name: "AzureWebJobsStorage", kind: "identity", identity: {},
      serviceUris: { blob: "https://a.blob.core.windows.net", queue: "https://a.queue.core.windows.net", table: "https://a.table.core.windows.net" },
    });
    expect(resolveStorageConnection(undefined, { ...uris, AzureWebJobsStorage__clientId: "c1" })).toMatchObject({ identity: { clientId: "c1" } });
  });

  it("__accountName gives the public cloud's URLs; __serviceUri serves a blob or queue binding", () => {
    const byAccount = resolveStorageConnection("Orders", { Orders__accountName: "acct" });
    expect(byAccount.kind === "identity" && serviceUri(byAccount, "table")).toBe("https://acct.table.core.windows.net");
    const single = resolveStorageConnection("Q", { Q__serviceUri: "https://q.queue.core.windows.net/" });
    expect(single.kind === "identity" && serviceUri(single, "queue")).toBe("https://q.queue.core.windows.net");
    expect(() => single.kind === "identity" && serviceUri(single, "table")).toThrow(/Q__tableServiceUri/);
  });

  it("fails loudly on what the sandbox cannot do or what is missing", () => {
    expect(() => resolveStorageConnection(undefined, { ...uris, AzureWebJobsStorage__credential: "clientsecret" })).toThrow(/managedidentity only/);
    expect(() => resolveStorageConnection("Nope", {})).toThrow(/"Nope" is not defined/);
    expect(() => resolveStorageConnection(undefined, { AzureWebJobsStorage: "UseDevelopmentStorage=true" })).toThrow(/explicit connection string/);
  });
});

describe("the dev host on identity-based AzureWebJobsStorage (Azurite in OAuth mode)", () => {
  const azurite = inject("azurite");
  const names = uniqueNames("mi");
  const hostId = `keyless-${names.IN_QUEUE}`;
  const clock = new FakeClock(Date.parse("2026-01-01T00:01:00Z"));
  // The test reads what the host wrote with the account key; the host itself has none.
  const queues = QueueServiceClient.fromConnectionString(azurite.connectionString);
  const blobs = BlobServiceClient.fromConnectionString(azurite.connectionString);
  let te: TestEmulator;
  let host: FunctionHost;
  let storageTokens = 0;
  let msiProxy: Server;

  beforeAll(async () => {
    te = await startTestEmulator();
    const app = te.emulator.principals.createManagedIdentity(`/subscriptions/${te.subscriptionId}/resourceGroups/rg/providers/Microsoft.Web/sites/sample`, "SystemAssigned");
    const msi = te.emulator.managedIdentityEnvironment(app.principalId);
    // In front of the emulator's managed-identity endpoint: counts the host's token requests for Azure Storage.
    msiProxy = createServer(async (req, res) => {
      const query = new URL(req.url!, "http://proxy").search;
      if (/storage\.azure\.com/.test(new URLSearchParams(query).get("resource") ?? "")) storageTokens++;
      const upstream = await fetch(`${msi.IDENTITY_ENDPOINT}${query}`, { headers: { "x-identity-header": String(req.headers["x-identity-header"] ?? "") } });
      res.writeHead(upstream.status, { "content-type": "application/json" }).end(await upstream.text());
    });
    await new Promise<void>((resolve) => msiProxy.listen(0, "127.0.0.1", resolve));
    host = await startFunctionHost({
      appDir: sampleAppDir,
      entry: ALL_ENTRY,
      env: {
        AzureWebJobsStorage__blobServiceUri: azurite.blobEndpoint,
        AzureWebJobsStorage__queueServiceUri: azurite.queueEndpoint,
        AzureWebJobsStorage__tableServiceUri: azurite.tableEndpoint,
        AzureWebJobsStorage__credential: "managedidentity",
        IDENTITY_ENDPOINT: `http://127.0.0.1:${(msiProxy.address() as AddressInfo).port}/msi/token`,
        IDENTITY_HEADER: msi.IDENTITY_HEADER,
        ...names,
      },
      clock,
      hostId,
      logger: memoryLogger(),
    });
  }, 60_000);
  afterAll(async () => {
    await host?.stop();
    msiProxy?.close();
    await te?.close();
  });

  it("has no connection string: the durable hub's table and the timer's status blob were written with the managed identity's token", async () => {
    expect(process.env.AzureWebJobsStorage).toBeUndefined();
    expect(storageTokens).toBeGreaterThan(0);
    expect(await TableClient.fromConnectionString(azurite.connectionString, tableNameFor(names.SAMPLE_TASK_HUB)).listEntities().next()).toBeDefined();
    const status = blobs.getContainerClient(TIMER_STATUS_CONTAINER).getBlobClient(timerStatusBlobName(hostId, "tick"));
    expect(JSON.parse((await status.downloadToBuffer()).toString("utf8"))).toMatchObject({ Next: "2026-01-01T00:05:00.000Z" });
  });

  it("a queue trigger reads its queue and writes its queue output", async () => {
    const input = queues.getQueueClient(names.IN_QUEUE);
    await input.createIfNotExists();
    await input.sendMessage(Buffer.from(JSON.stringify({ text: "keyless" })).toString("base64"));
    const out = queues.getQueueClient(names.OUT_QUEUE);
    const message = await waitFor("the output message", async () => {
      if (!(await out.exists())) return undefined;
      return (await out.receiveMessages()).receivedMessageItems[0];
    });
    expect(JSON.parse(Buffer.from(message.messageText, "base64").toString("utf8"))).toMatchObject({ received: { text: "keyless" }, dequeueCount: 1 });
  });

  it("queue, blob and table outputs of an HTTP function", async () => {
    const res = await fetch(`${host.baseUrl}/orders`, { method: "POST", body: JSON.stringify({ id: "k-1", qty: 2 }), headers: { "content-type": "application/json" } });
    expect(res.status).toBe(202);
    const orders = queues.getQueueClient(names.ORDERS_QUEUE);
    await waitFor("the order messages", async () => ((await orders.exists()) && (await orders.peekMessages({ numberOfMessages: 2 })).peekedMessageItems.length === 2 ? true : undefined));
    const blob = blobs.getContainerClient(names.ORDERS_CONTAINER).getBlobClient("k-1.json");
    expect(JSON.parse((await blob.downloadToBuffer()).toString("utf8"))).toEqual({ id: "k-1", qty: 2 });
    const table = TableClient.fromConnectionString(azurite.connectionString, names.ORDERS_TABLE);
    expect((await table.getEntity<{ qty: number }>("orders", "k-1")).qty).toBe(2);
  });

  it("an orchestration runs to completion on durable state reached keyless", async () => {
    const res = await fetch(`${host.baseUrl}/orchestrators/helloSequence`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ cities: ["Oslo"] }) });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    const done = await waitFor("the orchestration", async () => {
      const s = (await (await fetch(`${host.baseUrl}/status/${id}`)).json()) as { runtimeStatus: string; output: unknown };
      return ["Completed", "Failed"].includes(s.runtimeStatus) ? s : undefined;
    }, 20_000);
    expect(done).toEqual({ runtimeStatus: "Completed", output: { greetings: ["Hello Oslo"], count: 1 } });
  });
});
