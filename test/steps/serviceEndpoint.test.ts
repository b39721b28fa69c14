// The service-endpoint network step against the seeded emulator, through the real SDK clients of the factory:
// apply enables the service endpoint on the source's subnet and adds the subnet's rule to the target, a second apply
// writes nothing, verify names what is missing, compensation removes exactly what apply added.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStepsSandbox, type StepsSandbox } from "./support.js";
import {
  noVnetIntegrationMessage, serviceEndpointInputFor, serviceEndpointStep, serviceEndpointUnsupportedMessage,
} from "../../src/steps/serviceEndpoint.js";
import { serviceEndpointServiceFor, sqlVnetRuleName, vnetRulesFor } from "../../src/targets/vnetRules.js";
import { sourceSubnet } from "../../src/sources/subnet.js";
import { parseResourceId } from "../../src/azure/resourceId.js";
import { stateDiff } from "../support/emulator-state.js";

let sb: StepsSandbox;
let subnetId: string;
beforeAll(async () => {
  sb = await startStepsSandbox();
  subnetId = sb.ids.subnet!;
  // Regional VNet integration of the seeded web app into the seeded (Microsoft.Web/serverFarms-delegated) subnet.
  const web = parseResourceId(sb.ids.webApp!)!;
  await sb.ctx.clients.webApps(web.subscriptionId).webApps.update(web.resourceGroup, web.names[0]!, { virtualNetworkSubnetId: subnetId });
});
afterAll(async () => { await sb?.close(); });

/** The emulator state without etags, which every write renews (as in Azure) even when it restores the content. */
const snapshot = () => JSON.stringify(JSON.parse(sb.comparableState(), (k, v) => (k === "etag" ? undefined : v)));

async function subnetEndpoints(): Promise<string[]> {
  const p = parseResourceId(subnetId)!;
  const subnet = await sb.ctx.clients.network(p.subscriptionId).subnets.get(p.resourceGroup, p.names[0]!, p.names[1]!);
  return (subnet.serviceEndpoints ?? []).map((e) => e.service!);
}

describe("source subnet", () => {
  it("is a site's regional VNet integration subnet, and undefined for a source without one", async () => {
    expect(await sourceSubnet(sb.ctx.clients, sb.ids.webApp!)).toBe(subnetId);
    expect(await sourceSubnet(sb.ctx.clients, sb.ids.slot!)).toBeUndefined();
    await expect(sourceSubnet(sb.ctx.clients, sb.ids.storageAccount!)).rejects.toThrow(/not supported/);
    expect(noVnetIntegrationMessage(sb.ids.slot!)).toContain(sb.ids.slot!);
  });
});

describe("service endpoint input", () => {
  it("names the top-level target and its service, and nothing for a target without virtual-network rules", () => {
    expect(serviceEndpointInputFor({ subnetId, targetResourceId: `${sb.ids.storageAccount}/blobServices/default` }))
      .toEqual({ subnetId, targetId: sb.ids.storageAccount, serviceName: "Microsoft.Storage" });
    expect(serviceEndpointInputFor({ subnetId, targetResourceId: sb.ids.sqlDatabase! })?.targetId).toBe(sb.ids.sqlDatabase!.replace(/\/databases\/[^/]+$/, ""));
    expect(serviceEndpointServiceFor(sb.ids.cosmosSqlDatabase!)).toBe("Microsoft.AzureCosmosDB");
    expect(serviceEndpointServiceFor(sb.ids.eventHubs!)).toBe("Microsoft.EventHub");
    expect(serviceEndpointInputFor({ subnetId, targetResourceId: sb.ids.appConfig! })).toBeUndefined();
    expect(vnetRulesFor(sb.ctx.clients, sb.ids.appConfig!)).toBeUndefined();
    expect(serviceEndpointUnsupportedMessage(sb.ids.appConfig!)).toContain("Microsoft.AppConfiguration/configurationStores");
  });
});

describe("service endpoint step: storage", () => {
  it("enables Microsoft.Storage on the subnet and adds the rule once, and compensation restores the exact prior state", async () => {
    const p = parseResourceId(sb.ids.storageAccount!)!;
    const accounts = sb.ctx.clients.storage(p.subscriptionId).storageAccounts;
    await accounts.update(p.resourceGroup, p.names[0]!, { networkRuleSet: { defaultAction: "Deny", bypass: "AzureServices" as never, ipRules: [{ iPAddressOrRange: "203.0.113.9", action: "Allow" }] } });
    const input = serviceEndpointInputFor({ subnetId: (await sourceSubnet(sb.ctx.clients, sb.ids.webApp!))!, targetResourceId: `${sb.ids.storageAccount}/blobServices/default` })!;
    const before = snapshot();

    const failing = await serviceEndpointStep.verify(input, sb.ctx);
    expect(failing).toMatchObject({ result: "failure", errorCode: "ServiceEndpointMissing" });
    expect(failing.errorMessage).toContain(`az network vnet subnet update --ids ${subnetId} --service-endpoints Microsoft.Storage`);
    expect(failing.errorMessage).toContain("az storage account network-rule add");
    expect((await serviceEndpointStep.plan(input, sb.ctx)).changes).toHaveLength(2);

    const out = await serviceEndpointStep.apply(input, sb.ctx);
    expect(out).toEqual({ changed: true, prior: { addedServiceEndpoint: "Microsoft.Storage", addedRuleSubnetId: subnetId } });
    expect(await subnetEndpoints()).toEqual(["Microsoft.Storage"]);
    const acls = (await accounts.getProperties(p.resourceGroup, p.names[0]!)).networkRuleSet!;
    expect(acls.virtualNetworkRules!.map((r) => r.virtualNetworkResourceId)).toEqual([subnetId]);
    expect(acls.defaultAction).toBe("Deny");
    expect(acls.ipRules!.map((r) => r.iPAddressOrRange)).toEqual(["203.0.113.9"]);
    expect((await serviceEndpointStep.verify(input, sb.ctx)).result).toBe("success");

    sb.resetCalls();
    expect(await serviceEndpointStep.apply(input, sb.ctx)).toEqual({ changed: false });
    expect((await serviceEndpointStep.plan(input, sb.ctx)).changes).toEqual([]);
    expect(sb.writes()).toBe(0);

    await serviceEndpointStep.compensate(input, out.prior!, sb.ctx);
    expect(snapshot()).toBe(before);
    sb.resetCalls();
    await serviceEndpointStep.compensate(input, out.prior!, sb.ctx);
    expect(sb.writes()).toBe(0);
  });

  it("reports a rule removed from outside, and compensation then removes only the service endpoint it added", async () => {
    const p = parseResourceId(sb.ids.storageAccount!)!;
    const accounts = sb.ctx.clients.storage(p.subscriptionId).storageAccounts;
    const input = serviceEndpointInputFor({ subnetId, targetResourceId: sb.ids.storageAccount! })!;
    const out = await serviceEndpointStep.apply(input, sb.ctx);
    const acls = (await accounts.getProperties(p.resourceGroup, p.names[0]!)).networkRuleSet!;
    await accounts.update(p.resourceGroup, p.names[0]!, { networkRuleSet: { ...acls, virtualNetworkRules: [] } });

    const check = await serviceEndpointStep.verify(input, sb.ctx);
    expect(check).toMatchObject({ result: "failure", errorCode: "VirtualNetworkRuleMissing" });
    expect(check.errorMessage).toContain(`az storage account network-rule add --resource-group ${p.resourceGroup} --account-name ${p.names[0]} --subnet ${subnetId}`);
    expect(check.errorMessage).not.toContain("az network vnet subnet update");

    await serviceEndpointStep.compensate(input, out.prior!, sb.ctx);
    expect(await subnetEndpoints()).toEqual([]);
    await accounts.update(p.resourceGroup, p.names[0]!, { networkRuleSet: { defaultAction: "Allow", bypass: "AzureServices" as never, ipRules: [] } });
  });
});

describe("service endpoint step: key vault", () => {
  it("keeps the subnet's other endpoints and a service endpoint that was already there", async () => {
    const n = parseResourceId(subnetId)!;
    const subnets = sb.ctx.clients.network(n.subscriptionId).subnets;
    const subnet = await subnets.get(n.resourceGroup, n.names[0]!, n.names[1]!);
    await subnets.createOrUpdate(n.resourceGroup, n.names[0]!, n.names[1]!, { ...subnet, serviceEndpoints: [{ service: "Microsoft.Sql" }] });
    const before = snapshot();
    const input = serviceEndpointInputFor({ subnetId, targetResourceId: sb.ids.keyVault! })!;
    expect(input.serviceName).toBe("Microsoft.KeyVault");

    const out = await serviceEndpointStep.apply(input, sb.ctx);
    expect(out.prior).toEqual({ addedServiceEndpoint: "Microsoft.KeyVault", addedRuleSubnetId: subnetId });
    expect(await subnetEndpoints()).toEqual(["Microsoft.Sql", "Microsoft.KeyVault"]);
    const after = await subnets.get(n.resourceGroup, n.names[0]!, n.names[1]!);
    expect(after.delegations?.map((d) => d.serviceName)).toEqual(["Microsoft.Web/serverFarms"]);
    expect(after.addressPrefix).toBe("10.20.1.0/24");
    const p = parseResourceId(sb.ids.keyVault!)!;
    const vaults = sb.ctx.clients.keyVault(p.subscriptionId).vaults;
    const acls = (await vaults.get(p.resourceGroup, p.names[0]!)).properties.networkAcls!;
    expect(acls.virtualNetworkRules!.map((r) => r.id)).toEqual([subnetId]);
    expect(acls.defaultAction).toBe("Allow");
    expect((await serviceEndpointStep.verify(input, sb.ctx)).result).toBe("success");
    sb.resetCalls();
    expect((await serviceEndpointStep.apply(input, sb.ctx)).changed).toBe(false);
    expect(sb.writes()).toBe(0);
    await serviceEndpointStep.compensate(input, out.prior!, sb.ctx);
    expect(snapshot()).toBe(before);

    // The endpoint is there already (someone else's): apply adds only the rule, compensation leaves the endpoint.
    await subnets.createOrUpdate(n.resourceGroup, n.names[0]!, n.names[1]!, { ...subnet, serviceEndpoints: [{ service: "Microsoft.KeyVault" }] });
    const second = await serviceEndpointStep.apply(input, sb.ctx);
    expect(second.prior).toEqual({ addedRuleSubnetId: subnetId });
    await serviceEndpointStep.compensate(input, second.prior!, sb.ctx);
    expect(await subnetEndpoints()).toEqual(["Microsoft.KeyVault"]);
    expect((await vaults.get(p.resourceGroup, p.names[0]!)).properties.networkAcls!.virtualNetworkRules).toEqual([]);
    const check = await serviceEndpointStep.verify(input, sb.ctx);
    expect(check).toMatchObject({ result: "failure", errorCode: "VirtualNetworkRuleMissing" });
    expect(check.errorMessage).toContain(`az keyvault network-rule add --resource-group ${p.resourceGroup} --name ${p.names[0]} --subnet ${subnetId}`);
    await subnets.createOrUpdate(n.resourceGroup, n.names[0]!, n.names[1]!, { ...subnet, serviceEndpoints: [] });
  });

  it("is refused by the vault for a subnet without the Microsoft.KeyVault endpoint, as Azure refuses it", async () => {
    const p = parseResourceId(sb.ids.keyVault!)!;
    const vaults = sb.ctx.clients.keyVault(p.subscriptionId).vaults;
    const err = await vaults.update(p.resourceGroup, p.names[0]!, { properties: { networkAcls: { virtualNetworkRules: [{ id: subnetId }] } } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ statusCode: 400, code: "SubnetsHaveNoServiceEndpointsConfigured" });
    const ignored = await vaults.update(p.resourceGroup, p.names[0]!, { properties: { networkAcls: { virtualNetworkRules: [{ id: subnetId, ignoreMissingVnetServiceEndpoint: true }] } } });
    expect(ignored.properties.networkAcls!.virtualNetworkRules).toEqual([{ id: subnetId, ignoreMissingVnetServiceEndpoint: true }]);
    await vaults.update(p.resourceGroup, p.names[0]!, { properties: { networkAcls: { virtualNetworkRules: [] } } });
  });
});

describe("service endpoint step: SQL, Service Bus, Event Hubs, Cosmos DB", () => {
  const cases = [
    // The emulator synthesizes a namespace's networkRuleSets/default until the first PUT stores it (Azure always has one),
    // so after compensation that resource is stored, with the same content as the synthesized one.
    { name: "SQL server", key: "sqlDatabase", service: "Microsoft.Sql", fix: "az sql server vnet-rule create", stored: undefined },
    { name: "Service Bus namespace", key: "serviceBus", service: "Microsoft.ServiceBus", fix: "az servicebus namespace network-rule-set virtual-network-rule add", stored: "networkRuleSets/default" },
    { name: "Event Hubs namespace", key: "eventHubs", service: "Microsoft.EventHub", fix: "az eventhubs namespace network-rule-set virtual-network-rule add", stored: "networkRuleSets/default" },
    { name: "Cosmos DB account", key: "cosmosSqlDatabase", service: "Microsoft.AzureCosmosDB", fix: "az cosmosdb network-rule add", stored: undefined },
  ];
  for (const c of cases) {
    it(`adds the ${c.service} endpoint and the ${c.name}'s rule once, and removes both`, async () => {
      const input = serviceEndpointInputFor({ subnetId, targetResourceId: sb.ids[c.key]! })!;
      expect(input.serviceName).toBe(c.service);
      const rules = vnetRulesFor(sb.ctx.clients, input.targetId)!;
      expect(await rules.read()).toEqual([]);
      const before = snapshot();
      expect((await serviceEndpointStep.verify(input, sb.ctx)).errorMessage).toContain(c.fix);

      const out = await serviceEndpointStep.apply(input, sb.ctx);
      expect(out.prior).toEqual({ addedServiceEndpoint: c.service, addedRuleSubnetId: subnetId });
      expect(await rules.read()).toEqual([subnetId]);
      expect(await subnetEndpoints()).toEqual([c.service]);
      expect((await serviceEndpointStep.verify(input, sb.ctx)).result).toBe("success");
      sb.resetCalls();
      expect((await serviceEndpointStep.apply(input, sb.ctx)).changed).toBe(false);
      expect(sb.writes()).toBe(0);

      await serviceEndpointStep.compensate(input, out.prior!, sb.ctx);
      expect(await rules.read()).toEqual([]);
      expect(await subnetEndpoints()).toEqual([]);
      expect((await serviceEndpointStep.verify(input, sb.ctx)).errorCode).toBe("ServiceEndpointMissing");
      const diff = stateDiff(before, snapshot());
      if (!c.stored) expect(diff).toEqual([]);
      else {
        expect(diff).toHaveLength(1);
        expect(diff[0]).toContain(`added: ${input.targetId}/${c.stored} `);
        expect(diff[0]).toContain('"virtualNetworkRules":[]');
      }
    });
  }

  it("warns when a Cosmos DB account with IP rules does not apply its virtual-network rules, and leaves that switch alone", async () => {
    const input = serviceEndpointInputFor({ subnetId, targetResourceId: sb.ids.cosmosAccount! })!;
    const p = parseResourceId(input.targetId)!;
    const generic = sb.ctx.clients.resources(p.subscriptionId).resources;
    await generic.updateById(input.targetId, "2024-11-15", { properties: { ipRules: [{ ipAddressOrRange: "203.0.113.9" }], isVirtualNetworkFilterEnabled: false } });
    const out = await serviceEndpointStep.apply(input, sb.ctx);
    const check = await serviceEndpointStep.verify(input, sb.ctx);
    expect(check).toMatchObject({ result: "warning", errorCode: "VirtualNetworkRulesNotApplied" });
    expect(check.errorMessage).toContain(`az cosmosdb update --resource-group ${p.resourceGroup} --name ${p.names[0]} --enable-virtual-network true`);
    expect((await generic.getById(input.targetId, "2024-11-15")).properties?.isVirtualNetworkFilterEnabled).toBe(false);
    await generic.updateById(input.targetId, "2024-11-15", { properties: { isVirtualNetworkFilterEnabled: true } });
    expect((await serviceEndpointStep.verify(input, sb.ctx)).result).toBe("success");
    await serviceEndpointStep.compensate(input, out.prior!, sb.ctx);
    await generic.updateById(input.targetId, "2024-11-15", { properties: { ipRules: [], isVirtualNetworkFilterEnabled: false } });
  });

  it("names the SQL rules it creates after the subnet", () => {
    expect(sqlVnetRuleName(subnetId)).toMatch(/^lw-lw-demo-vnet-apps-[0-9a-f]{8}$/);
  });
});
