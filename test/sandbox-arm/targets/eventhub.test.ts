// Microsoft.EventHub through the real @azure/arm-eventhub client: namespace (serviceBusEndpoint), event hubs,
// consumer groups, RootManageSharedAccessKey listKeys, the network rule set, RBAC and errors; the catalogue's facts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EventHubManagementClient } from "@azure/arm-eventhub";
import { factsFromResource, factsFromSecretResponse, secretSource } from "../../../src/catalogue/index.js";
import { startTestEmulator, type TestEmulator } from "../support/emulator.js";
import { createResourceGroup, expectRestError } from "../providers/helpers.js";
import { armWire } from "./wire.js";

let t: TestEmulator;
let eh: EventHubManagementClient;
const rg = "rg-eh";

beforeAll(async () => {
  t = await startTestEmulator();
  eh = new EventHubManagementClient(t.credential, t.subscriptionId, t.clientOptions);
  await createResourceGroup(t, rg);
  await eh.namespaces.createOrUpdate(rg, "lw-eh-ns", { location: "westeurope", sku: { name: "Standard", tier: "Standard" } });
});
afterAll(async () => { await t?.close(); });

describe("Microsoft.EventHub", () => {
  it("creates a namespace with its endpoint and root SAS rule; the catalogue reads host and key", async () => {
    const ns = await eh.namespaces.get(rg, "lw-eh-ns");
    expect(ns.serviceBusEndpoint).toBe("https://lw-eh-ns.servicebus.windows.net:443/");
    expect(ns.kafkaEnabled).toBe(true);
    expect(factsFromResource("eventhub", await armWire(t, "GET", ns.id!))).toEqual({ host: "lw-eh-ns.servicebus.windows.net" });
    const keys = await eh.namespaces.listKeys(rg, "lw-eh-ns", "RootManageSharedAccessKey");
    expect(keys.primaryConnectionString).toBe(`Endpoint=sb://lw-eh-ns.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=${keys.primaryKey}`);
    const wireKeys = await armWire(t, "POST", `${ns.id!}/authorizationRules/RootManageSharedAccessKey/listKeys`);
    expect(factsFromSecretResponse(secretSource("eventhub")!, wireKeys)).toEqual({ sharedAccessKeyName: "RootManageSharedAccessKey", accessKey: keys.primaryKey });
  });

  it("creates, gets and lists event hubs and consumer groups; hub rules carry EntityPath", async () => {
    const hub = await eh.eventHubs.createOrUpdate(rg, "lw-eh-ns", "telemetry", { partitionCount: 2, messageRetentionInDays: 3 });
    expect(hub).toMatchObject({ partitionCount: 2, messageRetentionInDays: 3, status: "Active" });
    await eh.eventHubs.createOrUpdate(rg, "lw-eh-ns", "audit", {});
    const hubs: string[] = [];
    for await (const h of eh.eventHubs.listByNamespace(rg, "lw-eh-ns")) hubs.push(h.name!);
    expect(hubs.sort()).toEqual(["audit", "telemetry"]);
    expect(hub.partitionIds).toEqual(["0", "1"]);
    await eh.consumerGroups.createOrUpdate(rg, "lw-eh-ns", "telemetry", "processor", { userMetadata: "m" });
    const groups: string[] = [];
    for await (const g of eh.consumerGroups.listByEventHub(rg, "lw-eh-ns", "telemetry")) groups.push(g.name!);
    expect(groups.sort()).toEqual(["$Default", "processor"]);
    expect((await eh.consumerGroups.get(rg, "lw-eh-ns", "telemetry", "processor")).userMetadata).toBe("m");
    await eh.eventHubs.createOrUpdateAuthorizationRule(rg, "lw-eh-ns", "telemetry", "listen", { rights: ["Listen"] });
    const keys = await eh.eventHubs.listKeys(rg, "lw-eh-ns", "telemetry", "listen");
    expect(keys.primaryConnectionString).toMatch(/;SharedAccessKeyName=listen;SharedAccessKey=.+;EntityPath=telemetry$/);
    await expectRestError(eh.eventHubs.createOrUpdateAuthorizationRule(rg, "lw-eh-ns", "telemetry", "bad", { rights: ["Manage"] }), 400, "BadRequest");
  });

  it("reads and replaces the network rule set", async () => {
    expect((await eh.namespaces.getNetworkRuleSet(rg, "lw-eh-ns"))).toMatchObject({ defaultAction: "Allow", ipRules: [] });
    const set = await eh.namespaces.createOrUpdateNetworkRuleSet(rg, "lw-eh-ns", {
      defaultAction: "Deny", publicNetworkAccess: "Enabled", trustedServiceAccessEnabled: true, ipRules: [{ ipMask: "20.0.0.0/24", action: "Allow" }],
    });
    expect(set).toMatchObject({ defaultAction: "Deny", trustedServiceAccessEnabled: true, ipRules: [{ ipMask: "20.0.0.0/24", action: "Allow" }] });
    const listed = await eh.namespaces.listNetworkRuleSet(rg, "lw-eh-ns");
    expect(listed.value?.map((r) => r.defaultAction)).toEqual(["Deny"]);
  });

  it("rejects a Reader's writes and listKeys, and missing resources", async () => {
    const asReader = new EventHubManagementClient(t.readerCredential, t.subscriptionId, t.clientOptions);
    expect((await asReader.eventHubs.get(rg, "lw-eh-ns", "telemetry")).name).toBe("telemetry");
    await expectRestError(asReader.eventHubs.createOrUpdate(rg, "lw-eh-ns", "x", {}), 403, "AuthorizationFailed");
    await expectRestError(asReader.namespaces.listKeys(rg, "lw-eh-ns", "RootManageSharedAccessKey"), 403, "AuthorizationFailed");
    await expectRestError(eh.namespaces.get(rg, "lw-eh-missing"), 404, "ResourceNotFound");
  });
});
