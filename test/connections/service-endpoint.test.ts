// vNetSolution type serviceEndpoint end to end: the official ServiceLinker client → ARM endpoint → linkwright in the
// dev host → the saga's serviceEndpoint step → the emulator. A VNet-integrated web app gets the Microsoft.Storage
// service endpoint on its subnet and the storage account a virtual-network rule for that subnet (and no IP rules);
// a source without VNet integration is refused with the fix, and nothing changes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSiteManagementClient } from "@azure/arm-appservice";
import { StorageManagementClient } from "@azure/arm-storage";
import { startLinkwright, type Linkwright } from "./linkwright.js";
import { parseResourceId } from "../../src/azure/resourceId.js";

let lw: Linkwright;
beforeAll(async () => {
  lw = await startLinkwright();
  // Regional VNet integration of the seeded web app into the seeded (Microsoft.Web/serverFarms-delegated) subnet.
  const web = parseResourceId(lw.ids.webApp!)!;
  const apps = new WebSiteManagementClient(lw.te.credential, lw.te.subscriptionId, lw.te.clientOptions);
  await apps.webApps.update(web.resourceGroup, web.names[0]!, { virtualNetworkSubnetId: lw.ids.subnet! });
}, 60_000);
afterAll(async () => { await lw?.stop(); });

/** Every write renews etags (as in Azure) even where it restores the content: compare without them. */
const withoutEtags = (state: string) => JSON.stringify(JSON.parse(state, (k, v) => (k === "etag" ? undefined : v)));
const blob = () => `${lw.ids.storageAccount}/blobServices/default`;
const props = (id: string) => (lw.te.emulator.store.get(id)!.properties ?? {}) as Record<string, any>;
const subnetEndpoints = () => ((props(lw.ids.subnet!).serviceEndpoints ?? []) as { service: string }[]).map((e) => e.service);
const accountAcls = () => (props(lw.ids.storageAccount!).networkAcls ?? {}) as { virtualNetworkRules?: { id: string }[]; ipRules?: unknown[] };

describe("storage-blob with vNetSolution serviceEndpoint", () => {
  it("enables the service endpoint and the account's VNet rule, validates, and deletes back to the prior state", async () => {
    const webApp = lw.ids.webApp!;
    const before = lw.comparableState();
    const ipRulesBefore = accountAcls().ipRules ?? [];
    expect(subnetEndpoints()).toEqual([]);

    const created = await lw.client.linker.beginCreateOrUpdateAndWait(webApp, "blobvnet", {
      targetService: { type: "AzureResource", id: blob() },
      authInfo: { authType: "systemAssignedIdentity" },
      vNetSolution: { type: "serviceEndpoint" },
      clientType: "nodejs",
    });
    expect(created.provisioningState).toBe("Succeeded");
    expect(created.vNetSolution).toEqual({ type: "serviceEndpoint" });
    expect(subnetEndpoints()).toEqual(["Microsoft.Storage"]);
    const acls = accountAcls();
    expect((acls.virtualNetworkRules ?? []).map((r) => r.id.toLowerCase())).toEqual([lw.ids.subnet!.toLowerCase()]);
    expect(acls.ipRules ?? []).toEqual(ipRulesBefore);

    const validated = await lw.client.linker.beginValidateAndWait(webApp, "blobvnet");
    const network = validated.validationDetail?.filter((d) => d.name === "Network") ?? [];
    expect(network.length, JSON.stringify(validated.validationDetail)).toBeGreaterThan(0);
    expect(network.every((d) => d.result === "success"), JSON.stringify(network)).toBe(true);
    expect(validated.isConnectionAvailable, JSON.stringify(validated.validationDetail)).toBe(true);

    await lw.client.linker.beginDeleteAndWait(webApp, "blobvnet");
    expect(subnetEndpoints()).toEqual([]);
    expect(lw.diff(withoutEtags(before), withoutEtags(lw.comparableState()))).toEqual([]);
  });

  it("an update without vNetSolution undoes the rule; two connections share one rule until the last one goes", async () => {
    const webApp = lw.ids.webApp!;
    const before = withoutEtags(lw.comparableState());
    const body = (id: string, vnet: boolean) => ({
      targetService: { type: "AzureResource" as const, id }, authInfo: { authType: "systemAssignedIdentity" as const }, clientType: "nodejs",
      ...(vnet ? { vNetSolution: { type: "serviceEndpoint" as const } } : { publicNetworkSolution: { action: "optOut" } }),
    });
    expect((await lw.client.linker.beginCreateOrUpdateAndWait(webApp, "sea", body(blob(), true))).provisioningState).toBe("Succeeded");
    expect(subnetEndpoints()).toEqual(["Microsoft.Storage"]);
    const updated = await lw.putLinker(webApp, "sea", body(blob(), false));
    expect(updated.status.status, JSON.stringify(updated.status.error)).toBe("Succeeded");
    expect(subnetEndpoints()).toEqual([]);
    expect(accountAcls().virtualNetworkRules ?? []).toEqual([]);

    // Two connections to the same account through the same subnet: one service endpoint, one rule, kept for the other.
    await lw.client.linker.beginCreateOrUpdateAndWait(webApp, "sea", body(blob(), true));
    await lw.client.linker.beginCreateOrUpdateAndWait(webApp, "seb", body(`${lw.ids.storageAccount}/queueServices/default`, true));
    await lw.client.linker.beginDeleteAndWait(webApp, "sea");
    expect(subnetEndpoints()).toEqual(["Microsoft.Storage"]);
    expect((accountAcls().virtualNetworkRules ?? []).length).toBe(1);
    await lw.client.linker.beginDeleteAndWait(webApp, "seb");
    expect(subnetEndpoints()).toEqual([]);
    expect(accountAcls().virtualNetworkRules ?? []).toEqual([]);
    expect(lw.diff(before, withoutEtags(lw.comparableState()))).toEqual([]);
  });

  it("with the public firewall opened too, the account keeps both the VNet rule and the IP rules", async () => {
    const webApp = lw.ids.webApp!;
    // A closed account (default action Deny): both the firewall step and the service-endpoint step write its network rules.
    const account = parseResourceId(lw.ids.storageAccount!)!;
    const storage = new StorageManagementClient(lw.te.credential, lw.te.subscriptionId, lw.te.clientOptions);
    const open = (await storage.storageAccounts.getProperties(account.resourceGroup, account.names[0]!)).networkRuleSet!;
    await storage.storageAccounts.update(account.resourceGroup, account.names[0]!, { networkRuleSet: { ...open, defaultAction: "Deny" } });
    const before = withoutEtags(lw.comparableState());
    // Both steps rewrite the account's networkAcls from what they read. Slow account writes (as ARM's are) would let
    // one overwrite the other if they ran at once: the service-endpoint step must wait for the firewall's write.
    const slow = lw.te.emulator.control.addLatency({ method: "PATCH", path: `/storageAccounts/${account.names[0]}($|\\?)`, ms: 700 });
    const created = await lw.putLinker(webApp, "seboth", {
      targetService: { type: "AzureResource", id: blob() }, authInfo: { authType: "systemAssignedIdentity" }, clientType: "nodejs",
      vNetSolution: { type: "serviceEndpoint" },
      publicNetworkSolution: { action: "enable", firewallRules: { ipRanges: ["203.0.113.7"] } },
    });
    expect(created.status.status, JSON.stringify(created.status.error)).toBe("Succeeded");
    lw.te.emulator.control.removeRule(slow.id);
    const acls = accountAcls() as { virtualNetworkRules?: { id: string }[]; ipRules?: { value: string }[] };
    expect((acls.virtualNetworkRules ?? []).map((r) => r.id.toLowerCase())).toEqual([lw.ids.subnet!.toLowerCase()]);
    expect((acls.ipRules ?? []).map((r) => r.value), JSON.stringify(acls)).toContain("203.0.113.7");
    await lw.client.linker.beginDeleteAndWait(webApp, "seboth");
    expect(lw.diff(before, withoutEtags(lw.comparableState()))).toEqual([]);
    await storage.storageAccounts.update(account.resourceGroup, account.names[0]!, { networkRuleSet: open });
  });

  it("an update moving the connection to another account keeps the subnet's service endpoint it still needs", async () => {
    const webApp = lw.ids.webApp!;
    const before = withoutEtags(lw.comparableState());
    const body = (account: string) => ({
      targetService: { type: "AzureResource" as const, id: `${account}/blobServices/default` }, authInfo: { authType: "systemAssignedIdentity" as const },
      clientType: "nodejs", vNetSolution: { type: "serviceEndpoint" as const },
    });
    expect((await lw.client.linker.beginCreateOrUpdateAndWait(webApp, "semove", body(lw.ids.storageAccount!))).provisioningState).toBe("Succeeded");
    const moved = await lw.putLinker(webApp, "semove", body(lw.ids.otherStorageAccount!));
    expect(moved.status.status, JSON.stringify(moved.status.error)).toBe("Succeeded");
    // The old account's rule is undone; the subnet keeps the endpoint the new account's rule needs.
    expect(accountAcls().virtualNetworkRules ?? []).toEqual([]);
    expect(subnetEndpoints()).toEqual(["Microsoft.Storage"]);
    const validated = await lw.client.linker.beginValidateAndWait(webApp, "semove");
    expect(validated.isConnectionAvailable, JSON.stringify(validated.validationDetail)).toBe(true);
    // The connection now owns the endpoint: its delete takes it off.
    await lw.client.linker.beginDeleteAndWait(webApp, "semove");
    expect(subnetEndpoints()).toEqual([]);
    expect(lw.diff(before, withoutEtags(lw.comparableState()))).toEqual([]);
  });

  it("refuses a source without VNet integration with the fix, and changes nothing", async () => {
    const slot = lw.ids.slot!;
    const before = lw.comparableState();
    lw.resetCalls();
    const { status, linker } = await lw.putLinker(slot, "blobnovnet", {
      targetService: { type: "AzureResource", id: blob() },
      authInfo: { authType: "systemAssignedIdentity" },
      vNetSolution: { type: "serviceEndpoint" },
      clientType: "nodejs",
    }, "2022-05-01");
    expect(status.status).toBe("Failed");
    expect(status.error?.code).toBe("InvalidConnection");
    expect(status.error?.message).toContain("az webapp vnet-integration add");
    expect(status.error?.message).toContain(slot);
    expect(linker?.properties?.provisioningState ?? "Failed").toBe("Failed");
    expect(lw.armWrites()).toBe(0);
    expect(lw.diff(before, lw.comparableState())).toEqual([]);
    const sdkError = await lw.client.linker.beginCreateOrUpdateAndWait(slot, "blobnovnet", {
      targetService: { type: "AzureResource", id: blob() }, authInfo: { authType: "systemAssignedIdentity" }, vNetSolution: { type: "serviceEndpoint" },
    }).catch((e: unknown) => e);
    expect(String((sdkError as Error).message)).toContain("vnet-integration");
    await lw.client.linker.beginDeleteAndWait(slot, "blobnovnet").catch(() => undefined);
  });
});
