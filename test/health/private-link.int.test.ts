// vNetSolution privateLink: validation checks, through the emulator's Resource Graph, that an approved private
// endpoint connects to the target's top-level resource; missing or not approved is a failure with the fix.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NetworkManagementClient } from "@azure/arm-network";
import { checkConnection, revalidateConnections } from "../../src/health/index.js";
import { checkPrivateLink, privateLinkGroupId } from "../../src/health/privateLink.js";
import { emptySnapshot } from "../../src/health/snapshot.js";
import type { StoredLinker } from "../../src/model/connection.js";
import { assignBlobRole, ENDPOINT_SETTING, identityLinker, mergeSettings, startHarness, type Harness } from "./harness.js";

let h: Harness;
let net: NetworkManagementClient;
beforeAll(async () => {
  h = await startHarness("healthpl");
  net = new NetworkManagementClient(h.t.credential, h.t.subscriptionId, h.t.clientOptions);
  await assignBlobRole(h);
  await mergeSettings(h, { [ENDPOINT_SETTING]: `https://${h.accountName}.blob.core.windows.net/` });
});
afterAll(async () => { await h?.t.close(); });

const privateLinker = (name: string): StoredLinker => {
  const l = identityLinker(h, name);
  return { ...l, properties: { ...l.properties, vNetSolution: { type: "privateLink" } } };
};
const item = (r: { result: { validationDetail: { name: string }[] } }) => r.result.validationDetail.find((d) => d.name === "PrivateLink") as
  { result: string; errorCode?: string; errorMessage?: string } | undefined;

describe("private link verification", () => {
  it("fails with the create command when no private endpoint connects to the target, then succeeds once one does", async () => {
    const linker = privateLinker("pl-blob");
    const missing = await checkConnection(linker, { clients: h.clients, attribution: false });
    expect(missing.status).toBe("Unhealthy");
    expect(item(missing)).toMatchObject({ result: "failure", errorCode: "PrivateEndpointMissing" });
    expect(item(missing)!.errorMessage).toContain(`az network private-endpoint create --name ${h.accountName}-pe --resource-group ${h.rg}`);
    expect(item(missing)!.errorMessage).toContain(`--private-connection-resource-id ${h.account} --group-id blob`);

    // A private endpoint to another resource does not count; one to the account (id in other casing) does.
    const subnet = `${h.t.emulator.seeded!.subnet!.replace(/\/subnets\/[^/]+$/, "")}/subnets/private-endpoints`;
    await net.privateEndpoints.createOrUpdate(h.rg, "pe-kv", {
      location: "westeurope", subnet: { id: subnet }, privateLinkServiceConnections: [{ name: "kv", privateLinkServiceId: h.t.emulator.seeded!.keyVault!, groupIds: ["vault"] }],
    });
    expect(item(await checkConnection(linker, { clients: h.clients, attribution: false }))).toMatchObject({ errorCode: "PrivateEndpointMissing" });
    await net.privateEndpoints.createOrUpdate(h.rg, "pe-blob", {
      location: "westeurope", subnet: { id: subnet }, privateLinkServiceConnections: [{ name: "blob", privateLinkServiceId: h.account.toUpperCase(), groupIds: ["blob"] }],
    });
    const ok = await checkConnection(linker, { clients: h.clients, attribution: false });
    expect(item(ok)).toMatchObject({ result: "success" });
    expect(ok.status).toBe("Healthy");

    // Revalidation reads the private endpoints in one Graph query for all connections; others need none.
    const run = await revalidateConnections([linker, privateLinker("pl-2")], { clients: h.clients, attribution: false });
    expect(run.results.map((r) => r.status)).toEqual(["Healthy", "Healthy"]);
    expect(run.stats.privateEndpointQueries).toBe(1);
    const plain = await revalidateConnections([identityLinker(h, "no-pl")], { clients: h.clients, attribution: false });
    expect(plain.stats.privateEndpointQueries).toBe(0);
    expect(plain.results[0]!.result.validationDetail.map((d) => d.name)).not.toContain("PrivateLink");
  });

  it("reports a connection that is not approved (pending or rejected), and an unread list as inconclusive (pure)", () => {
    const target = `${"/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv1"}`;
    const snap = emptySnapshot();
    snap.privateEndpoints = { ok: true, value: [{ id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe", properties: {
      manualPrivateLinkServiceConnections: [{ name: "manual", properties: { privateLinkServiceId: target.toLowerCase(), privateLinkServiceConnectionState: { status: "Pending" } } }],
    } }] };
    const pending = checkPrivateLink(snap, target);
    expect(pending).toMatchObject({ result: "failure", errorCode: "PrivateEndpointNotApproved" });
    expect(pending.errorMessage).toContain("manual on /subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe: Pending");
    expect(pending.errorMessage).toContain("az network private-endpoint-connection approve --resource-group rg --resource-name kv1 --type Microsoft.KeyVault/vaults");
    snap.privateEndpoints.value[0]!.properties.manualPrivateLinkServiceConnections![0]!.properties!.privateLinkServiceConnectionState!.status = "Approved";
    expect(checkPrivateLink(snap, target).result).toBe("success");
    snap.privateEndpoints = { ok: false, error: "429: throttled" };
    expect(checkPrivateLink(snap, target)).toMatchObject({ result: "warning", errorCode: "CheckInconclusive" });
    expect(privateLinkGroupId(`${target}`)).toBe("vault");
    expect(privateLinkGroupId("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/a/queueServices/default")).toBe("queue");
  });
});
