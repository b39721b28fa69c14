import { describe, expect, it } from "vitest";
import { accountFromEndpoint, armIdSegment, storageAccountFromConnectionString } from "../../src/loops/endpoints.js";
import {
  resolveCosmosConnection,
  resolveMessagingConnection,
  resolveStorageConnection,
} from "../../src/loops/connections.js";
import { settingsView } from "../../src/loops/settings.js";
import { resolveApp } from "../../src/loops/resolve.js";
import { showGlob } from "../../src/loops/pattern.js";
import { app, blobOut, blobTrigger, fn, sbTopicTrigger, serviceBusCs, STORAGE, storageCs } from "./fixtures.js";

const view = (appSettings: Record<string, string>, connectionStrings?: Record<string, { value: string; type: string }>) =>
  settingsView({ appSettings, ...(connectionStrings ? { connectionStrings } : {}) });

describe("accountFromEndpoint", () => {
  it.each([
    ["https://acct.blob.core.windows.net/", "acct"],
    ["https://ACCT.queue.core.chinacloudapi.cn", "acct"],
    ["sb://ns.servicebus.windows.net/", "ns"],
    ["ns.servicebus.windows.net", "ns"],
    ["https://cosmos.documents.azure.com:443/", "cosmos"],
    ["http://127.0.0.1:10000/devstoreaccount1", "devstoreaccount1"],
    ["http://localhost:10001/devstoreaccount1/", "devstoreaccount1"],
  ])("%s → %s", (endpoint, account) => expect(accountFromEndpoint(endpoint)).toBe(account));

  it("reads the account from storage connection strings", () => {
    expect(storageAccountFromConnectionString(storageCs("StAcct"), "blob")).toBe("stacct");
    expect(storageAccountFromConnectionString("UseDevelopmentStorage=true", "queue")).toBe("devstoreaccount1");
    expect(storageAccountFromConnectionString("BlobEndpoint=https://sas.blob.core.windows.net/;SharedAccessSignature=sv=1&sig=a", "blob")).toBe("sas");
    expect(storageAccountFromConnectionString("BlobEndpoint=https://sas.blob.core.windows.net/", "queue")).toBeUndefined();
  });

  it("reads ARM id segments case-insensitively", () => {
    expect(armIdSegment(`${STORAGE}stx/blobServices/default/containers/imgs`, "storageaccounts")).toBe("stx");
    expect(armIdSegment(`${STORAGE}stx/blobServices/default/containers/imgs`, "containers")).toBe("imgs");
  });
});

describe("connection resolution", () => {
  it("an exact setting wins over the prefix form", () => {
    const v = view({ S: storageCs("exact"), S__serviceUri: "https://prefix.blob.core.windows.net" });
    expect(resolveStorageConnection(v, "S", "blob").account).toBe("exact");
  });
  it("blob uses __blobServiceUri before __serviceUri; queue uses __queueServiceUri before __serviceUri", () => {
    const v = view({
      S__serviceUri: "https://generic.blob.core.windows.net",
      S__blobServiceUri: "https://blobacct.blob.core.windows.net",
      S__queueServiceUri: "https://queueacct.queue.core.windows.net",
    });
    expect(resolveStorageConnection(v, "S", "blob").account).toBe("blobacct");
    expect(resolveStorageConnection(v, "S", "queue").account).toBe("queueacct");
  });
  it("accepts ':' as the separator and matches setting names case-insensitively", () => {
    expect(resolveStorageConnection(view({ "s:SERVICEURI": "https://colon.blob.core.windows.net" }), "S", "blob").account).toBe("colon");
    expect(resolveStorageConnection(view({ azurewebjobsstorage: storageCs("lower") }), undefined, "blob").account).toBe("lower");
  });
  it("sees connection strings from listConnectionStrings", () => {
    const v = view({}, { Data: { value: storageCs("fromcs"), type: "Custom" } });
    expect(resolveStorageConnection(v, "Data", "blob").account).toBe("fromcs");
  });
  it("explains what it could not resolve", () => {
    const r = resolveStorageConnection(view({}), "Nope", "queue");
    expect(r.account).toBeUndefined();
    expect(r.reason).toMatch(/"AzureWebJobsNope" or "Nope"/);
    const kv = resolveMessagingConnection(view({ SB: "@Microsoft.KeyVault(VaultName=v;SecretName=s)" }), "SB", "serviceBus");
    expect(kv.reason).toMatch(/Key Vault/);
  });
  it("Service Bus defaults to AzureWebJobsServiceBus and keeps EntityPath; Cosmos reads __accountEndpoint", () => {
    const sb = resolveMessagingConnection(view({ AzureWebJobsServiceBus: serviceBusCs("dflt", "q9") }), undefined, "serviceBus");
    expect(sb).toEqual({ account: "dflt", entityPath: "q9" });
    const cosmos = resolveCosmosConnection(view({ C__accountEndpoint: "https://cdb.documents.azure.com:443/" }), "C");
    expect(cosmos.account).toBe("cdb");
  });
});

describe("resolveApp", () => {
  it("normalises blob, Service Bus and connection-writer endpoints to resource keys", () => {
    const resolved = resolveApp(
      app("a", { AzureWebJobsStorage: storageCs("st"), SB: serviceBusCs("ns") }, [
        fn("F", blobTrigger("Images/{name}"), blobOut("images/thumbs/{name}")),
        fn("G", sbTopicTrigger("Orders", "audit", "SB")),
      ], { connections: [{ linkerId: "l1", targetResourceId: `${STORAGE}st/blobServices/default/containers/images`, targetKind: "storageBlob" }] }),
    );
    const [f, g] = resolved.functions;
    expect(f!.triggers[0]!.ref).toMatchObject({ kind: "blob", account: "st", entity: "images", key: "blob://st/images" });
    expect(showGlob(f!.triggers[0]!.glob)).toBe("images/*");
    expect(f!.writers[0]!.ref.pattern).toBe("images/thumbs/{name}");
    expect(g!.triggers[0]!.ref).toMatchObject({ kind: "serviceBus", account: "ns", entity: "orders", pattern: "orders/subscriptions/audit" });
    expect(resolved.connectionWriters[0]!.ref).toMatchObject({ kind: "blob", account: "st", entity: "images" });
    expect(resolved.connectionWriters[0]!.uncertain[0]).toMatch(/l1/);
  });
});

describe("functionsFromEnvelopes", () => {
  it("reads the SDK's flattened envelope and the raw wire shape", async () => {
    const { functionsFromEnvelopes } = await import("../../src/loops/fromArm.js");
    const bindings = [{ name: "msg", type: "queueTrigger", direction: "in", queueName: "q1", connection: "AzureWebJobsStorage" }];
    expect(functionsFromEnvelopes([
      { id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/app1/functions/F1", name: "app1/F1", config: { bindings }, isDisabled: false },
      { name: "app1/F2", properties: { name: "F2", config: { bindings }, isDisabled: true } },
      { name: "app1/F3" },
    ])).toEqual([
      { name: "F1", bindings },
      { name: "F2", bindings, isDisabled: true },
      { name: "F3", bindings: [] },
    ]);
    expect(() => functionsFromEnvelopes([{ name: "a/F", config: { bindings: "nope" } }])).toThrow(/not an array/);
  });
});

describe("connection strings vs app settings", () => {
  it("a listConnectionStrings entry wins over an app setting of the same name", () => {
    const v = view({ Data: storageCs("fromsetting") }, { Data: { value: storageCs("fromcs"), type: "Custom" } });
    expect(resolveStorageConnection(v, "Data", "blob").account).toBe("fromcs");
  });
});

describe("AzureWebJobs prefix order", () => {
  it("AzureWebJobs<name> is looked up before <name> (GetWebJobsConnectionStringSection)", () => {
    const v = view({ Data: storageCs("plain"), AzureWebJobsData: storageCs("prefixed") });
    expect(resolveStorageConnection(v, "Data", "queue").account).toBe("prefixed");
    expect(resolveMessagingConnection(view({ AzureWebJobsSB: serviceBusCs("pre"), SB: serviceBusCs("plain") }), "SB", "serviceBus").account).toBe("pre");
  });
});
