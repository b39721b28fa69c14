// Microsoft.ServiceBus through the real @azure/arm-servicebus client: namespace (serviceBusEndpoint), queues, topics,
// subscriptions, RootManageSharedAccessKey listKeys, the network rule set, RBAC and errors; the catalogue's facts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ServiceBusManagementClient } from "@azure/arm-servicebus";
import { factsFromResource, factsFromSecretResponse, secretSource } from "../../../src/catalogue/index.js";
import { startTestEmulator, type TestEmulator } from "../support/emulator.js";
import { createResourceGroup, expectRestError } from "../providers/helpers.js";
import { armWire } from "./wire.js";

let t: TestEmulator;
let sb: ServiceBusManagementClient;
const rg = "rg-sb";

beforeAll(async () => {
  t = await startTestEmulator();
  sb = new ServiceBusManagementClient(t.credential, t.subscriptionId, t.clientOptions);
  await createResourceGroup(t, rg);
  await sb.namespaces.beginCreateOrUpdateAndWait(rg, "lw-sb-ns", { location: "westeurope", sku: { name: "Standard", tier: "Standard" } });
});
afterAll(async () => { await t?.close(); });

describe("Microsoft.ServiceBus", () => {
  it("creates a namespace with its endpoint and root SAS rule; the catalogue reads host and key", async () => {
    const ns = await sb.namespaces.get(rg, "lw-sb-ns");
    expect(ns.serviceBusEndpoint).toBe("https://lw-sb-ns.servicebus.windows.net:443/");
    expect(ns.type).toBe("Microsoft.ServiceBus/Namespaces");
    expect(factsFromResource("servicebus", await armWire(t, "GET", ns.id!))).toEqual({ host: "lw-sb-ns.servicebus.windows.net" });
    const keys = await sb.namespaces.listKeys(rg, "lw-sb-ns", "RootManageSharedAccessKey");
    expect(keys.keyName).toBe("RootManageSharedAccessKey");
    expect(keys.primaryConnectionString).toBe(`Endpoint=sb://lw-sb-ns.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=${keys.primaryKey}`);
    const wireKeys = await armWire(t, "POST", `${ns.id!}/authorizationRules/RootManageSharedAccessKey/listKeys`);
    expect(factsFromSecretResponse(secretSource("servicebus")!, wireKeys)).toEqual({ sharedAccessKeyName: "RootManageSharedAccessKey", accessKey: keys.primaryKey });
    const rule = await sb.namespaces.getAuthorizationRule(rg, "lw-sb-ns", "RootManageSharedAccessKey");
    expect(rule.rights).toEqual(["Listen", "Send", "Manage"]);
  });

  it("creates, gets and lists queues, topics and subscriptions; queue rules carry EntityPath", async () => {
    const q = await sb.queues.createOrUpdate(rg, "lw-sb-ns", "orders", { maxDeliveryCount: 5 });
    expect(q).toMatchObject({ name: "orders", maxDeliveryCount: 5, lockDuration: "PT1M", status: "Active" });
    await sb.queues.createOrUpdate(rg, "lw-sb-ns", "audit", {});
    const queues: string[] = [];
    for await (const x of sb.queues.listByNamespace(rg, "lw-sb-ns")) queues.push(x.name!);
    expect(queues.sort()).toEqual(["audit", "orders"]);
    await sb.topics.createOrUpdate(rg, "lw-sb-ns", "events", {});
    await sb.subscriptions.createOrUpdate(rg, "lw-sb-ns", "events", "billing", { maxDeliveryCount: 3 });
    expect((await sb.subscriptions.get(rg, "lw-sb-ns", "events", "billing")).maxDeliveryCount).toBe(3);
    const subs: string[] = [];
    for await (const s of sb.subscriptions.listByTopic(rg, "lw-sb-ns", "events")) subs.push(s.id!);
    expect(subs).toEqual([`/subscriptions/${t.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.ServiceBus/namespaces/lw-sb-ns/topics/events/subscriptions/billing`]);
    await sb.queues.createOrUpdateAuthorizationRule(rg, "lw-sb-ns", "orders", "sender", { rights: ["Send"] });
    const qKeys = await sb.queues.listKeys(rg, "lw-sb-ns", "orders", "sender");
    expect(qKeys.primaryConnectionString).toMatch(/;SharedAccessKeyName=sender;SharedAccessKey=.+;EntityPath=orders$/);
    await sb.queues.delete(rg, "lw-sb-ns", "audit");
    await expectRestError(sb.queues.get(rg, "lw-sb-ns", "audit"), 404, "ResourceNotFound");
  });

  it("reads and replaces the network rule set", async () => {
    const initial = await sb.namespaces.getNetworkRuleSet(rg, "lw-sb-ns");
    expect(initial).toMatchObject({ name: "default", defaultAction: "Allow", ipRules: [], virtualNetworkRules: [] });
    const subnet = `/subscriptions/${t.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Network/virtualNetworks/vnet/subnets/apps`;
    const set = await sb.namespaces.createOrUpdateNetworkRuleSet(rg, "lw-sb-ns", {
      defaultAction: "Deny", trustedServiceAccessEnabled: true, ipRules: [{ ipMask: "20.1.2.3", action: "Allow" }],
      virtualNetworkRules: [{ subnet: { id: subnet }, ignoreMissingVnetServiceEndpoint: true }],
    });
    expect(set).toMatchObject({ defaultAction: "Deny", trustedServiceAccessEnabled: true, ipRules: [{ ipMask: "20.1.2.3", action: "Allow" }] });
    expect((await sb.namespaces.getNetworkRuleSet(rg, "lw-sb-ns")).virtualNetworkRules).toEqual([{ subnet: { id: subnet }, ignoreMissingVnetServiceEndpoint: true }]);
    await expectRestError(sb.namespaces.createOrUpdateNetworkRuleSet(rg, "lw-sb-ns", { ipRules: [{ ipMask: "not-an-ip" }] }), 400, "BadRequest");
  });

  it("rejects a Reader's writes and listKeys, and missing resources", async () => {
    const asReader = new ServiceBusManagementClient(t.readerCredential, t.subscriptionId, t.clientOptions);
    expect((await asReader.queues.get(rg, "lw-sb-ns", "orders")).name).toBe("orders");
    await expectRestError(asReader.queues.createOrUpdate(rg, "lw-sb-ns", "x", {}), 403, "AuthorizationFailed");
    await expectRestError(asReader.namespaces.listKeys(rg, "lw-sb-ns", "RootManageSharedAccessKey"), 403, "AuthorizationFailed");
    await expectRestError(sb.namespaces.get(rg, "lw-sb-missing"), 404, "ResourceNotFound");
    await expectRestError(sb.queues.createOrUpdate(rg, "lw-sb-missing", "q", {}), 404, "ResourceNotFound");
  });
});
