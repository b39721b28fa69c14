// Microsoft.Network through the real @azure/arm-network client: virtual networks with inline subnets, subnet
// service endpoints, private endpoints, the Azure-AsyncOperation poller, RBAC and errors.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NetworkManagementClient } from "@azure/arm-network";
import { startTestEmulator, type TestEmulator } from "../support/emulator.js";
import { createResourceGroup, expectRestError } from "./helpers.js";

let t: TestEmulator;
let net: NetworkManagementClient;
const rg = "rg-net";

beforeAll(async () => {
  t = await startTestEmulator();
  net = new NetworkManagementClient(t.credential, t.subscriptionId, t.clientOptions);
  await createResourceGroup(t, rg);
});
afterAll(async () => { await t?.close(); });

describe("Microsoft.Network", () => {
  it("creates a vnet with subnets, then adds service endpoints to one subnet", async () => {
    const vnet = await net.virtualNetworks.createOrUpdate(rg, "vnet1", {
      location: "westeurope", addressSpace: { addressPrefixes: ["10.1.0.0/16"] },
      subnets: [{ name: "apps", addressPrefix: "10.1.1.0/24" }, { name: "data", addressPrefix: "10.1.2.0/24" }],
    });
    expect(vnet.provisioningState).toBe("Succeeded");
    expect(vnet.subnets?.map((s) => s.name)).toEqual(["apps", "data"]);
    const subnet = await net.subnets.createOrUpdate(rg, "vnet1", "apps", {
      addressPrefix: "10.1.1.0/24", serviceEndpoints: [{ service: "Microsoft.Storage" }, { service: "Microsoft.KeyVault", locations: ["*"] }],
    });
    expect(subnet.id).toBe(`${vnet.id}/subnets/apps`);
    expect(subnet.serviceEndpoints).toEqual([
      { service: "Microsoft.Storage", locations: ["westeurope"], provisioningState: "Succeeded" },
      { service: "Microsoft.KeyVault", locations: ["*"], provisioningState: "Succeeded" },
    ]);
    const got = await net.virtualNetworks.get(rg, "vnet1");
    expect(got.subnets?.find((s) => s.name === "apps")?.serviceEndpoints).toHaveLength(2);
    const listed: string[] = [];
    for await (const s of net.subnets.list(rg, "vnet1")) listed.push(s.name!);
    expect(listed).toEqual(["apps", "data"]);
    const replaced = await net.virtualNetworks.createOrUpdate(rg, "vnet1", {
      location: "westeurope", addressSpace: { addressPrefixes: ["10.1.0.0/16"] }, subnets: [{ name: "apps", addressPrefix: "10.1.1.0/24" }],
    });
    expect(replaced.subnets?.map((s) => s.name)).toEqual(["apps"]);
    await expectRestError(net.subnets.get(rg, "vnet1", "data"), 404, "ResourceNotFound");
  });

  it("creates, gets and lists private endpoints", async () => {
    const subnetId = `/subscriptions/${t.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Network/virtualNetworks/vnet1/subnets/apps`;
    const target = `/subscriptions/${t.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.KeyVault/vaults/kv1`;
    const pe = await net.privateEndpoints.createOrUpdate(rg, "pe1", {
      location: "westeurope", subnet: { id: subnetId },
      privateLinkServiceConnections: [{ name: "kv", privateLinkServiceId: target, groupIds: ["vault"] }],
    });
    expect(pe.subnet?.id).toBe(subnetId);
    const got = await net.privateEndpoints.get(rg, "pe1");
    expect(got.privateLinkServiceConnections?.[0].privateLinkServiceId).toBe(target);
    expect(got.privateLinkServiceConnections?.[0].privateLinkServiceConnectionState?.status).toBe("Approved");
    const names: string[] = [];
    for await (const p of net.privateEndpoints.listBySubscription()) names.push(p.name!);
    expect(names).toEqual(["pe1"]);
    await expectRestError(net.privateEndpoints.createOrUpdate(rg, "pe-bad", { location: "westeurope", subnet: { id: `${subnetId}-missing` } }), 400, "InvalidResourceReference");
  });

  it("completes a subnet update through the Azure-AsyncOperation poller, and enforces RBAC", async () => {
    t.emulator.control.addLroRule({ method: "PUT", path: "/subnets/apps$" });
    try {
      const poller = await net.subnets.beginCreateOrUpdate(rg, "vnet1", "apps", { addressPrefix: "10.1.1.0/24" }, { updateIntervalInMs: 10 });
      const states: string[] = [];
      poller.onProgress((s) => states.push(s.status));
      expect((await poller.pollUntilDone()).serviceEndpoints).toEqual([]);
      expect(states).toContain("running");
    } finally {
      t.emulator.control.clearRules();
    }
    const asReader = new NetworkManagementClient(t.readerCredential, t.subscriptionId, t.clientOptions);
    expect((await asReader.virtualNetworks.get(rg, "vnet1")).name).toBe("vnet1");
    await expectRestError(asReader.subnets.createOrUpdate(rg, "vnet1", "x", { addressPrefix: "10.1.9.0/24" }), 403, "AuthorizationFailed");
    await expectRestError(net.virtualNetworks.get(rg, "nope"), 404, "ResourceNotFound");
    await expectRestError(net.networkSecurityGroups.get(rg, "nsg"), 400, "InvalidResourceType");
  });
});
