// Issue 4 acceptance, first case: storage-blob with a system identity on the seeded webApp, through the
// official @azure/arm-servicelinker client → ARM endpoint → linkwright in the dev host → the emulator.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLinkwright, type Linkwright } from "./linkwright.js";

let lw: Linkwright;
beforeAll(async () => { lw = await startLinkwright(); }, 60_000);
afterAll(async () => { await lw?.stop(); });

const BLOB_DATA_CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";

describe("storage-blob, system identity, webApp", () => {
  it("creates, converges on re-run, lists configurations, and deletes back to the prior state", async () => {
    const webApp = lw.ids.webApp!;
    const blob = `${lw.ids.storageAccount}/blobServices/default`;
    const before = lw.comparableState();

    const body = { targetService: { type: "AzureResource" as const, id: blob }, authInfo: { authType: "systemAssignedIdentity" as const }, clientType: "nodejs" };
    const created = await lw.client.linker.beginCreateOrUpdateAndWait(webApp, "blobconn", body);
    expect(created.provisioningState).toBe("Succeeded");

    const web = lw.te.emulator.store.get(webApp)!;
    expect((web.identity as { type: string }).type).toBe("SystemAssigned");
    const principalId = (web.identity as { principalId: string }).principalId;
    const assignments = lw.te.emulator.store.list(blob, "Microsoft.Authorization/roleAssignments")
      .filter((r) => (r.properties as { principalId: string }).principalId === principalId);
    expect(assignments.map((a) => String((a.properties as { roleDefinitionId: string }).roleDefinitionId).split("/").pop())).toEqual([BLOB_DATA_CONTRIBUTOR]);

    const got = await lw.client.linker.get(webApp, "blobconn");
    expect(got.targetService).toMatchObject({ id: blob });
    const list = [];
    for await (const l of lw.client.linker.list(webApp)) list.push(l.name);
    expect(list).toContain("blobconn");
    const configs = await lw.client.linker.listConfigurations(webApp, "blobconn");
    expect(configs.configurations?.map((c) => c.name)).toContain("AZURE_STORAGEBLOB_RESOURCEENDPOINT");
    const appSettings = (lw.te.emulator.store.get(webApp) as { appSettings?: Record<string, string> }).appSettings ?? {};
    expect(appSettings.AZURE_STORAGEBLOB_RESOURCEENDPOINT).toMatch(/^http/);

    lw.resetCalls();
    const again = await lw.client.linker.beginCreateOrUpdateAndWait(webApp, "blobconn", body);
    expect(again.provisioningState).toBe("Succeeded");
    expect(lw.armWrites()).toBe(0);

    await lw.client.linker.beginDeleteAndWait(webApp, "blobconn");
    expect(lw.comparableState()).toBe(before);
  });
});
