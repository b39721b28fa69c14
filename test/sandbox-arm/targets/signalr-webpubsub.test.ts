// Microsoft.SignalRService through the real @azure/arm-signalr and @azure/arm-webpubsub clients: hostName,
// listKeys (keys + connection strings), networkACLs via update, RBAC and errors; the catalogue's facts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SignalRManagementClient } from "@azure/arm-signalr";
import { WebPubSubManagementClient } from "@azure/arm-webpubsub";
import { factsFromResource, factsFromSecretResponse, secretSource } from "../../../src/catalogue/index.js";
import { startTestEmulator, type TestEmulator } from "../support/emulator.js";
import { createResourceGroup, expectRestError } from "../providers/helpers.js";
import { armWire } from "./wire.js";

let t: TestEmulator;
let signalr: SignalRManagementClient;
let wps: WebPubSubManagementClient;
const rg = "rg-signalr";

beforeAll(async () => {
  t = await startTestEmulator();
  signalr = new SignalRManagementClient(t.credential, t.subscriptionId, t.clientOptions);
  wps = new WebPubSubManagementClient(t.credential, t.subscriptionId, t.clientOptions);
  await createResourceGroup(t, rg);
});
afterAll(async () => { await t?.close(); });

describe("Microsoft.SignalRService/SignalR", () => {
  it("creates a service with its hostName and keys; the catalogue reads host and access key", async () => {
    const s = await signalr.signalR.beginCreateOrUpdateAndWait(rg, "lw-signalr", { location: "westeurope", kind: "SignalR", sku: { name: "Standard_S1", capacity: 1 } });
    expect(s).toMatchObject({ hostName: "lw-signalr.service.signalr.net", kind: "SignalR", publicPort: 443 });
    expect(factsFromResource("signalr", await armWire(t, "GET", s.id!))).toEqual({ host: "lw-signalr.service.signalr.net" });
    const keys = await signalr.signalR.listKeys(rg, "lw-signalr");
    expect(keys.primaryConnectionString).toBe(`Endpoint=https://lw-signalr.service.signalr.net;AccessKey=${keys.primaryKey};Version=1.0;`);
    expect(factsFromSecretResponse(secretSource("signalr")!, await armWire(t, "POST", `${s.id!}/listKeys`))).toEqual({ accessKey: keys.primaryKey });
  });

  it("updates networkACLs and rejects invalid request types", async () => {
    const updated = await signalr.signalR.beginUpdateAndWait(rg, "lw-signalr", { networkACLs: { defaultAction: "Deny", publicNetwork: { allow: ["ClientConnection"] } } });
    expect(updated.networkACLs).toMatchObject({ defaultAction: "Deny", publicNetwork: { allow: ["ClientConnection"] } });
    expect((await signalr.signalR.get(rg, "lw-signalr")).hostName).toBe("lw-signalr.service.signalr.net");
    await expectRestError(signalr.signalR.beginUpdateAndWait(rg, "lw-signalr", { networkACLs: { publicNetwork: { allow: ["Everything" as never] } } }), 400, "InvalidRequest");
  });

  it("rejects a Reader's update and listKeys, and a missing resource", async () => {
    const asReader = new SignalRManagementClient(t.readerCredential, t.subscriptionId, t.clientOptions);
    expect((await asReader.signalR.get(rg, "lw-signalr")).name).toBe("lw-signalr");
    await expectRestError(asReader.signalR.beginUpdateAndWait(rg, "lw-signalr", { tags: { a: "b" } }), 403, "AuthorizationFailed");
    await expectRestError(asReader.signalR.listKeys(rg, "lw-signalr"), 403, "AuthorizationFailed");
    await expectRestError(signalr.signalR.get(rg, "lw-missing"), 404, "ResourceNotFound");
  });
});

describe("Microsoft.SignalRService/WebPubSub", () => {
  it("creates a hub service with its hostName and keys, updates networkACLs", async () => {
    const w = await wps.webPubSub.beginCreateOrUpdateAndWait(rg, "lw-wps", { location: "westeurope", sku: { name: "Standard_S1", capacity: 1 } });
    expect(w).toMatchObject({ hostName: "lw-wps.webpubsub.azure.com", kind: "WebPubSub" });
    expect(factsFromResource("webpubsub", await armWire(t, "GET", w.id!))).toEqual({ host: "lw-wps.webpubsub.azure.com" });
    const keys = await wps.webPubSub.listKeys(rg, "lw-wps");
    expect(keys.primaryConnectionString).toBe(`Endpoint=https://lw-wps.webpubsub.azure.com;AccessKey=${keys.primaryKey};Version=1.0;`);
    expect(factsFromSecretResponse(secretSource("webpubsub")!, await armWire(t, "POST", `${w.id!}/listKeys`))).toEqual({ accessKey: keys.primaryKey });
    const updated = await wps.webPubSub.beginUpdateAndWait(rg, "lw-wps", { location: "westeurope", networkACLs: { defaultAction: "Deny", publicNetwork: { allow: ["ServerConnection", "RESTAPI"] } } });
    expect(updated.networkACLs?.publicNetwork?.allow).toEqual(["ServerConnection", "RESTAPI"]);
    const asReader = new WebPubSubManagementClient(t.readerCredential, t.subscriptionId, t.clientOptions);
    await expectRestError(asReader.webPubSub.listKeys(rg, "lw-wps"), 403, "AuthorizationFailed");
    await expectRestError(wps.webPubSub.get(rg, "lw-missing"), 404, "ResourceNotFound");
  });
});
