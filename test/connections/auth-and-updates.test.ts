// Issue 4 acceptance beyond the identity cases: servicePrincipalSecret end to end (role for the given principal,
// client id / secret / tenant settings, the secret never echoed), PATCH that switches the auth type (the role the
// connection no longer needs is removed, the connection string takes over), and a managed identity across tenants
// refused with 400 before anything changes.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { subscriptionResource } from "../../sandbox/arm/providers/resources.js";
import { startLinkwright, type Linkwright } from "./linkwright.js";

let lw: Linkwright;
beforeAll(async () => { lw = await startLinkwright(); }, 60_000);
afterAll(async () => { await lw?.stop(); });

const blob = () => `${lw.ids.storageAccount}/blobServices/default`;
const settingsOf = (id: string) => ((lw.te.emulator.store.get(id) as { appSettings?: Record<string, string> }).appSettings ?? {});
const roleAssignmentsFor = (principalId: string) => lw.te.emulator.store.peekOfType("Microsoft.Authorization/roleAssignments")
  .filter((r) => (r.properties as { principalId?: string }).principalId === principalId);

async function putRaw(sourceId: string, name: string, properties: unknown): Promise<Response> {
  return fetch(`${lw.te.endpoint}${sourceId}/providers/Microsoft.ServiceLinker/linkers/${name}?api-version=2024-04-01`, {
    method: "PUT",
    headers: { authorization: `Bearer ${await lw.te.emulator.tokenFor("admin")}`, "content-type": "application/json" },
    body: JSON.stringify({ properties }),
  });
}

describe("servicePrincipalSecret", () => {
  it("assigns the role to the given principal, writes client id / secret / tenant, never echoes the secret, and deletes back", async () => {
    const before = lw.comparableState();
    const sp = lw.te.emulator.credentials.reader;
    const secret = `sp-secret-${randomUUID()}`;
    const res = await lw.client.linker.beginCreateOrUpdateAndWait(lw.ids.webApp!, "spblob", {
      targetService: { type: "AzureResource", id: blob() },
      authInfo: { authType: "servicePrincipalSecret", clientId: sp.clientId, principalId: sp.objectId, secret } as never,
      clientType: "nodejs",
    });
    expect(res.provisioningState).toBe("Succeeded");
    expect(JSON.stringify(res)).not.toContain(secret);
    const settings = settingsOf(lw.ids.webApp!);
    expect(settings.AZURE_STORAGEBLOB_CLIENTID).toBe(sp.clientId);
    expect(settings.AZURE_STORAGEBLOB_CLIENTSECRET).toBe(secret);
    expect(settings.AZURE_STORAGEBLOB_TENANTID).toBe(lw.te.tenantId);
    const roles = roleAssignmentsFor(sp.objectId).filter((r) => String((r.properties as { scope: string }).scope).toLowerCase() === blob().toLowerCase());
    expect(roles.map((r) => String((r.properties as { roleDefinitionId: string }).roleDefinitionId).split("/").pop()))
      .toEqual(["ba92f5b4-2d11-453d-a403-e96b0029c9fe"]); // Storage Blob Data Contributor
    const got = await lw.client.linker.get(lw.ids.webApp!, "spblob");
    expect(JSON.stringify(got)).not.toContain(secret);
    expect(lw.logs()).not.toContain(secret);

    await lw.client.linker.beginDeleteAndWait(lw.ids.webApp!, "spblob");
    expect(lw.diff(before, lw.comparableState())).toEqual([]);
  });
});

describe("PATCH", () => {
  it("switching systemAssignedIdentity → secret removes the role the connection no longer needs and writes the connection string", async () => {
    const before = lw.comparableState();
    const created = await lw.client.linker.beginCreateOrUpdateAndWait(lw.ids.webApp!, "patchme", {
      targetService: { type: "AzureResource", id: blob() }, authInfo: { authType: "systemAssignedIdentity" }, clientType: "python",
    });
    expect(created.provisioningState).toBe("Succeeded");
    const principalId = (lw.te.emulator.store.get(lw.ids.webApp!)!.identity as { principalId: string }).principalId;
    const atBlob = () => roleAssignmentsFor(principalId).filter((r) => String((r.properties as { scope: string }).scope).toLowerCase() === blob().toLowerCase());
    expect(atBlob()).toHaveLength(1);
    expect(settingsOf(lw.ids.webApp!).AZURE_STORAGEBLOB_RESOURCEENDPOINT).toBeDefined();

    const patched = await lw.client.linker.beginUpdateAndWait(lw.ids.webApp!, "patchme", { authInfo: { authType: "secret" } as never });
    expect(patched.provisioningState).toBe("Succeeded");
    expect(atBlob()).toHaveLength(0);
    const settings = settingsOf(lw.ids.webApp!);
    expect(settings.AZURE_STORAGEBLOB_CONNECTIONSTRING).toMatch(/AccountKey=/);
    expect(settings.AZURE_STORAGEBLOB_RESOURCEENDPOINT).toBeUndefined();
    expect((await lw.client.linker.get(lw.ids.webApp!, "patchme")).authInfo?.authType).toBe("secret");

    await lw.client.linker.beginDeleteAndWait(lw.ids.webApp!, "patchme");
    expect(lw.diff(before, lw.comparableState())).toEqual([]);
  });
});

describe("managed identity across tenants", () => {
  it("is refused with 400 naming the target and the alternatives; nothing changes", async () => {
    const foreignSub = randomUUID();
    lw.te.emulator.store.put(subscriptionResource(foreignSub, randomUUID(), "Another tenant's subscription"));
    const foreignBlob = `/subscriptions/${foreignSub}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/foreign/blobServices/default`;
    const before = lw.comparableState();
    lw.resetCalls();
    const res = await putRaw(lw.ids.webApp!, "acrosstenants", {
      targetService: { type: "AzureResource", id: foreignBlob }, authInfo: { authType: "systemAssignedIdentity" }, clientType: "dotnet",
    });
    expect(res.status).toBe(400);
    const body = await res.json() as { error: { code: string; message: string; target?: string } };
    expect(body.error.code).toBe("InvalidConnection");
    expect(body.error.target).toBe("properties.targetService.id");
    expect(body.error.message).toMatch(/another tenant.*cannot be used across tenants.*'secret'.*'servicePrincipalSecret'/s);
    expect(lw.armWrites()).toBe(0);
    expect(lw.diff(before, lw.comparableState())).toEqual([]);
    const get = await fetch(`${lw.te.endpoint}${lw.ids.webApp}/providers/Microsoft.ServiceLinker/linkers/acrosstenants?api-version=2024-04-01`, {
      headers: { authorization: `Bearer ${await lw.te.emulator.tokenFor("admin")}` },
    });
    expect(get.status).toBe(404);
  });

  it("a target in another subscription of the same tenant passes the check", async () => {
    const otherSub = randomUUID();
    lw.te.emulator.store.put(subscriptionResource(otherSub, lw.te.tenantId, "Same tenant, other subscription"));
    const res = await putRaw(lw.ids.webApp!, "samesubtenant", {
      targetService: { type: "AzureResource", id: `/subscriptions/${otherSub}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/x/blobServices/default` },
      authInfo: { authType: "systemAssignedIdentity" }, clientType: "dotnet",
    });
    expect(res.status).toBe(201);
  });
});
