// Issue #12 §2: when linkwright itself lacks a permission, the connection fails with what to grant to whom — the
// action, the scope, linkwright's principal and the exact `az role assignment create` — and a dry run says the same
// beforehand. Here: a secretStore vault on which linkwright's identity holds no data role (the bare seed; npm start's
// platform grants would give it Key Vault Secrets Officer).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLinkwright, type Linkwright } from "./linkwright.js";

let lw: Linkwright;
beforeAll(async () => { lw = await startLinkwright(); }, 60_000);
afterAll(async () => { await lw?.stop(); });

describe("linkwright's own missing permission", () => {
  it("fails the connection naming the data action, the vault, linkwright's principal and the grant; everything undone", async () => {
    const vault = lw.ids.keyVault!;
    const principal = lw.te.emulator.seedResult!.linkwrightIdentity.principalId;
    const properties = {
      targetService: { type: "AzureResource", id: `${lw.ids.storageAccount}/blobServices/default` }, authInfo: { authType: "secret" }, clientType: "nodejs",
      secretStore: { keyVaultId: vault },
    };
    const before = lw.comparableState();
    const { status } = await lw.putLinker(lw.ids.webApp!, "kvmissing", properties);
    expect(status.status).toBe("Failed");
    const message: string = status.error.message;
    expect(message).toContain(`linkwright's identity (principal ${principal})`);
    expect(message).toMatch(/Microsoft\.KeyVault\/vaults\/secrets\/\w+\/action/);
    expect(message.toLowerCase()).toContain(vault.toLowerCase());
    expect(message).toContain(`az role assignment create --assignee-object-id ${principal} --assignee-principal-type ServicePrincipal --role "Key Vault Secrets Officer" --scope`);
    const after = lw.comparableState();
    if (after !== before) expect(lw.diff(before, after).filter((d) => !d.includes("Microsoft.ServiceLinker"))).toEqual([]);

    // The dry run reports it beforehand, as its own prerequisite result (the caller's permissionsMissing are apart).
    const dry = await lw.arm("PUT", `${lw.ids.webApp}/providers/Microsoft.ServiceLinker/dryruns/kvmissing?api-version=2024-04-01`,
      { properties: { parameters: { actionName: "createOrUpdate", ...properties } } });
    expect(dry.status).toBe(200);
    const results = dry.json().properties.prerequisiteResults as { type: string; code: string; message: string }[];
    expect(results.some((r) => r.type === "basicError" && r.message.includes(`az role assignment create --assignee-object-id ${principal}`))).toBe(true);
    expect(results.filter((r) => r.type === "permissionsMissing")).toEqual([]);
  });
});
