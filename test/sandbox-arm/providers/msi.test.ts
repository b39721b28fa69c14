// Microsoft.ManagedIdentity through the real @azure/arm-msi client: user-assigned identity CRUD with principals
// registered in the sandbox directory, and systemAssignedIdentities.getByScope for a web app.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManagedServiceIdentityClient } from "@azure/arm-msi";
import { WebSiteManagementClient } from "@azure/arm-appservice";
import { startTestEmulator, type TestEmulator } from "../support/emulator.js";
import { createResourceGroup, expectRestError } from "./helpers.js";

let t: TestEmulator;
let msi: ManagedServiceIdentityClient;
const rg = "rg-msi";

beforeAll(async () => {
  t = await startTestEmulator();
  msi = new ManagedServiceIdentityClient(t.credential, t.subscriptionId, { endpoint: t.endpoint });
  await createResourceGroup(t, rg);
});
afterAll(async () => { await t?.close(); });

describe("Microsoft.ManagedIdentity", () => {
  it("creates, reads, updates, lists and deletes a user-assigned identity", async () => {
    const created = await msi.userAssignedIdentities.createOrUpdate(rg, "uami1", { location: "westeurope", tags: { a: "1" } });
    expect(created.type).toBe("Microsoft.ManagedIdentity/userAssignedIdentities");
    expect(created.tenantId).toBe(t.tenantId);
    expect(created.principalId).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.clientId).toMatch(/^[0-9a-f-]{36}$/);
    const principal = t.emulator.principals.get(created.principalId!);
    expect(principal?.clientId).toBe(created.clientId);
    expect(principal?.principalType).toBe("ServicePrincipal");

    const again = await msi.userAssignedIdentities.createOrUpdate(rg, "uami1", { location: "westeurope", tags: { a: "2" } });
    expect(again.principalId).toBe(created.principalId);
    const patched = await msi.userAssignedIdentities.update(rg, "uami1", { tags: { b: "3" } });
    expect(patched.tags).toEqual({ b: "3" });
    expect((await msi.userAssignedIdentities.get(rg, "UAMI1")).clientId).toBe(created.clientId);
    const names: string[] = [];
    for await (const i of msi.userAssignedIdentities.listByResourceGroup(rg)) names.push(i.name!);
    expect(names).toEqual(["uami1"]);

    await msi.userAssignedIdentities.delete(rg, "uami1");
    expect(t.emulator.principals.get(created.principalId!)).toBeUndefined();
    await expectRestError(msi.userAssignedIdentities.get(rg, "uami1"), 404, "ResourceNotFound");
  });

  it("reports a site's system-assigned identity by scope", async () => {
    const web = new WebSiteManagementClient(t.credential, t.subscriptionId, t.clientOptions);
    const site = await web.webApps.createOrUpdate(rg, "msi-site", { location: "westeurope", identity: { type: "SystemAssigned" } });
    const sys = await msi.systemAssignedIdentities.getByScope(site.id!.slice(1));
    expect(sys.principalId).toBe(site.identity?.principalId);
    expect(sys.clientId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("denies a Reader's write and reports a missing resource group", async () => {
    const asReader = new ManagedServiceIdentityClient(t.readerCredential, t.subscriptionId, { endpoint: t.endpoint });
    await expectRestError(asReader.userAssignedIdentities.createOrUpdate(rg, "uami-r", { location: "westeurope" }), 403, "AuthorizationFailed");
    await expectRestError(msi.userAssignedIdentities.get("rg-none", "x"), 404, "ResourceGroupNotFound");
  });
});
