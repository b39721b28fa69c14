// An update undoes what the connection no longer needs, end to end: PUT the same linker name at another target and
// the previous target's role assignment and setting go, the new ones come; a role assignment another connection
// also relies on stays (reference count). Official ServiceLinker client → ARM endpoint → dev host → saga → emulator.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLinkwright, type Linkwright } from "./linkwright.js";

let lw: Linkwright;
beforeAll(async () => { lw = await startLinkwright(); }, 60_000);
afterAll(async () => { await lw?.stop(); });

const BLOB_DATA_CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
const QUEUE_DATA_CONTRIBUTOR = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
const blob = () => `${lw.ids.storageAccount}/blobServices/default`;
const queue = () => `${lw.ids.storageAccount}/queueServices/default`;
const settings = () => ((lw.te.emulator.store.get(lw.ids.webApp!) as { appSettings?: Record<string, string> }).appSettings ?? {});
const principal = () => (lw.te.emulator.store.get(lw.ids.webApp!)!.identity as { principalId: string }).principalId;
/** Roles (definition GUIDs) assigned to the web app's identity exactly at a scope. */
const rolesAt = (scope: string) => lw.te.emulator.store.list(scope, "Microsoft.Authorization/roleAssignments")
  .filter((r) => (r.properties as { principalId: string }).principalId === principal())
  .filter((r) => r.id.toLowerCase().startsWith(`${scope.toLowerCase()}/providers/`))
  .map((r) => String((r.properties as { roleDefinitionId: string }).roleDefinitionId).split("/").pop());
const body = (id: string) => ({ targetService: { type: "AzureResource" as const, id }, authInfo: { authType: "systemAssignedIdentity" as const }, clientType: "nodejs" });
/** Every write renews etags (as in Azure) even where it restores the content: compare without them. */
const withoutEtags = (state: string) => JSON.stringify(JSON.parse(state, (k, v) => (k === "etag" ? undefined : v)));

describe("update to another target", () => {
  it("removes the previous role assignment and setting, adds the new ones, and keeps a role another connection uses", async () => {
    const webApp = lw.ids.webApp!;
    const before = lw.comparableState();

    expect((await lw.client.linker.beginCreateOrUpdateAndWait(webApp, "upd", body(blob()))).provisioningState).toBe("Succeeded");
    expect(rolesAt(blob())).toEqual([BLOB_DATA_CONTRIBUTOR]);
    expect(settings().AZURE_STORAGEBLOB_RESOURCEENDPOINT).toBeDefined();

    // Same name, now the queue service: the blob role and the blob setting are no longer needed.
    const moved = await lw.client.linker.beginCreateOrUpdateAndWait(webApp, "upd", body(queue()));
    expect(moved.provisioningState).toBe("Succeeded");
    expect(rolesAt(blob())).toEqual([]);
    expect(rolesAt(queue())).toEqual([QUEUE_DATA_CONTRIBUTOR]);
    expect(Object.keys(settings())).not.toContain("AZURE_STORAGEBLOB_RESOURCEENDPOINT");
    expect(settings().AZURE_STORAGEQUEUE_RESOURCEENDPOINT).toBeDefined();
    expect((await lw.client.linker.listConfigurations(webApp, "upd")).configurations?.map((c) => c.name)).toEqual(["AZURE_STORAGEQUEUE_RESOURCEENDPOINT"]);
    const validated = await lw.client.linker.beginValidateAndWait(webApp, "upd");
    expect(validated.isConnectionAvailable, JSON.stringify(validated.validationDetail)).toBe(true);

    // A second connection relying on the same queue role: moving "upd" back to blob keeps that role.
    expect((await lw.client.linker.beginCreateOrUpdateAndWait(webApp, "other", body(queue()))).provisioningState).toBe("Succeeded");
    const otherNames = (await lw.client.linker.listConfigurations(webApp, "other")).configurations?.map((c) => c.name) ?? [];
    expect(otherNames.length).toBe(1);
    const back = await lw.client.linker.beginCreateOrUpdateAndWait(webApp, "upd", body(blob()));
    expect(back.provisioningState).toBe("Succeeded");
    expect(rolesAt(queue())).toEqual([QUEUE_DATA_CONTRIBUTOR]);
    expect(rolesAt(blob())).toEqual([BLOB_DATA_CONTRIBUTOR]);
    expect(settings().AZURE_STORAGEBLOB_RESOURCEENDPOINT).toBeDefined();
    expect(settings()[otherNames[0]!]).toBeDefined();
    expect(Object.keys(settings()).filter((k) => k.startsWith("AZURE_STORAGEQUEUE_"))).toEqual([otherNames[0]]);

    // Delete "other" last: the queue role goes with the last connection using it.
    await lw.client.linker.beginDeleteAndWait(webApp, "upd");
    expect(rolesAt(blob())).toEqual([]);
    expect(rolesAt(queue())).toEqual([QUEUE_DATA_CONTRIBUTOR]);
    await lw.client.linker.beginDeleteAndWait(webApp, "other");
    expect(rolesAt(queue())).toEqual([]);
    expect(lw.diff(withoutEtags(before), withoutEtags(lw.comparableState()))).toEqual([]);
  });
});
