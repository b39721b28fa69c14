// configurationInfo.configurationStore end to end: the linker's configuration goes to the App Configuration store's
// key-values (written by linkwright's own identity, App Configuration Data Owner on the store as a platform team
// would grant it), not to the source's app settings. Read back with @azure/app-configuration on the store's access
// key; listConfigurations reports them; delete removes them. With a Functions binding-aware request the key names
// use ':' (the App Configuration provider's section separator) instead of '__'.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppConfigurationClient } from "@azure/app-configuration";
import { startLinkwright, type Linkwright } from "./linkwright.js";

let lw: Linkwright;
let storeId: string;
let store: AppConfigurationClient;
beforeAll(async () => {
  lw = await startLinkwright();
  storeId = lw.ids.appConfig!;
  const keys = await lw.arm("POST", `${storeId}/listKeys?api-version=2023-03-01`);
  expect(keys.status, keys.text).toBe(200);
  store = new AppConfigurationClient((keys.json().value as { connectionString: string; readOnly: boolean }[]).find((k) => !k.readOnly)!.connectionString);
}, 60_000);
afterAll(async () => { await lw?.stop(); });

const blob = () => `${lw.ids.storageAccount}/blobServices/default`;
/** The account's blob endpoint as the emulator reports it (Azurite's URL in the sandbox). */
const blobEndpoint = () => String((lw.te.emulator.store.get(lw.ids.storageAccount!)!.properties as { primaryEndpoints: { blob: string } }).primaryEndpoints.blob).replace(/\/+$/, "");
/** The store's data-plane write counter (syncSeq) moves with every key write, as its etags do: compare without it. */
const comparable = () => JSON.stringify(JSON.parse(lw.comparableState(), (k, v) => (k === "syncSeq" ? undefined : v)));
const settingsOf = (id: string) => ((lw.te.emulator.store.get(id) as { appSettings?: Record<string, string> }).appSettings ?? {});

async function storeKeys(): Promise<Record<string, { value?: string; tags?: Record<string, string> }>> {
  const out: Record<string, { value?: string; tags?: Record<string, string> }> = {};
  for await (const kv of store.listConfigurationSettings()) out[kv.key] = { value: kv.value, tags: kv.tags };
  return out;
}

describe("App Configuration as the configuration destination", () => {
  it("without App Configuration Data Owner the linker fails with the grant to make, and everything is undone", async () => {
    const webApp = lw.ids.webApp!;
    const before = JSON.stringify(JSON.parse(comparable(), (k, v) => (k === "etag" ? undefined : v)));
    const { status, linker } = await lw.putLinker(webApp, "blobnorole", {
      targetService: { type: "AzureResource", id: blob() }, authInfo: { authType: "systemAssignedIdentity" }, clientType: "nodejs",
      configurationInfo: { configurationStore: { appConfigurationId: storeId } },
    });
    expect(status.status).toBe("Failed");
    expect(status.error?.code).toBe("AuthorizationFailed");
    expect(status.error?.message).toContain("App Configuration Data Owner");
    expect(status.error?.message).toContain(`az role assignment create --assignee-object-id ${lw.te.emulator.seedResult!.linkwrightIdentity.principalId}`);
    expect(linker?.properties?.provisioningState).toBe("Failed");
    expect(await storeKeys()).toEqual({});
    const after = JSON.stringify(JSON.parse(comparable(), (k, v) => (k === "etag" ? undefined : v)));
    expect(lw.diff(before, after)).toEqual([]);
    await lw.client.linker.beginDeleteAndWait(webApp, "blobnorole");

    // As a platform team grants it at deployment (npm start: sandbox/seed/platform-grants.ts).
    lw.te.emulator.assignRole(lw.te.emulator.seedResult!.linkwrightIdentity.principalId, "App Configuration Data Owner", storeId);
  });

  it("writes the keys to the store and not to the app settings, reports and validates them, and delete removes them", async () => {
    const webApp = lw.ids.webApp!;
    const before = comparable();
    const keysBefore = await storeKeys();
    const settingsBefore = settingsOf(webApp);

    const { status, linker } = await lw.putLinker(webApp, "blobappcfg", {
      targetService: { type: "AzureResource", id: blob() },
      authInfo: { authType: "systemAssignedIdentity" },
      clientType: "nodejs",
      configurationInfo: { configurationStore: { appConfigurationId: storeId } },
    });
    expect(status.status, JSON.stringify(status.error)).toBe("Succeeded");
    expect(linker?.properties?.configurationInfo?.configurationStore?.appConfigurationId).toBe(storeId);

    const keys = await storeKeys();
    const endpoint = keys.AZURE_STORAGEBLOB_RESOURCEENDPOINT;
    expect(endpoint?.value?.replace(/\/+$/, "")).toBe(blobEndpoint());
    expect(endpoint?.tags).toMatchObject({ managedBy: "linkwright" });
    expect(Object.keys(settingsOf(webApp))).not.toContain("AZURE_STORAGEBLOB_RESOURCEENDPOINT");
    expect(settingsOf(webApp)).toEqual(settingsBefore);

    const configs = await lw.client.linker.listConfigurations(webApp, "blobappcfg");
    expect(configs.configurations?.map((c) => c.name)).toContain("AZURE_STORAGEBLOB_RESOURCEENDPOINT");
    expect(configs.configurations?.find((c) => c.name === "AZURE_STORAGEBLOB_RESOURCEENDPOINT")?.value).toBe(endpoint?.value);

    const validated = await lw.client.linker.beginValidateAndWait(webApp, "blobappcfg");
    expect(validated.isConnectionAvailable, JSON.stringify(validated.validationDetail)).toBe(true);
    expect(validated.validationDetail?.find((d) => d.name === "App Configuration")?.result, JSON.stringify(validated.validationDetail)).toBe("success");
    // A key removed outside linkwright: validation names it and the fix.
    await store.deleteConfigurationSetting({ key: "AZURE_STORAGEBLOB_RESOURCEENDPOINT" });
    const drifted = await lw.client.linker.beginValidateAndWait(webApp, "blobappcfg");
    const item = drifted.validationDetail?.find((d) => d.name === "App Configuration");
    expect(item?.result, JSON.stringify(drifted.validationDetail)).toBe("failure");
    expect(item?.errorMessage).toContain("AZURE_STORAGEBLOB_RESOURCEENDPOINT");
    // Re-running the connection (raw: the 2022-05-01 SDK model has no configurationInfo) writes it again.
    expect((await lw.putLinker(webApp, "blobappcfg", {
      targetService: { type: "AzureResource", id: blob() }, authInfo: { authType: "systemAssignedIdentity" }, clientType: "nodejs",
      configurationInfo: { configurationStore: { appConfigurationId: storeId } },
    })).status.status).toBe("Succeeded");
    expect((await storeKeys()).AZURE_STORAGEBLOB_RESOURCEENDPOINT?.value).toBe(endpoint?.value);

    await lw.client.linker.beginDeleteAndWait(webApp, "blobappcfg");
    expect(await storeKeys()).toEqual(keysBefore);
    expect(lw.diff(before, comparable())).toEqual([]);
  });

  it("moving the configuration from the store back to the app settings removes the keys it wrote", async () => {
    const webApp = lw.ids.webApp!;
    const before = comparable();
    const keysBefore = await storeKeys();
    const props = (configurationInfo?: unknown) => ({
      targetService: { type: "AzureResource", id: blob() }, authInfo: { authType: "systemAssignedIdentity" }, clientType: "nodejs",
      ...(configurationInfo ? { configurationInfo } : {}),
    });
    expect((await lw.putLinker(webApp, "blobmove", props({ configurationStore: { appConfigurationId: storeId } }))).status.status).toBe("Succeeded");
    expect(Object.keys(await storeKeys())).toContain("AZURE_STORAGEBLOB_RESOURCEENDPOINT");

    const moved = await lw.putLinker(webApp, "blobmove", props());
    expect(moved.status.status, JSON.stringify(moved.status.error)).toBe("Succeeded");
    expect(settingsOf(webApp).AZURE_STORAGEBLOB_RESOURCEENDPOINT?.replace(/\/+$/, "")).toBe(blobEndpoint());
    expect(await storeKeys()).toEqual(keysBefore);

    // And back into the store: the app setting goes, the key comes.
    const back = await lw.putLinker(webApp, "blobmove", props({ configurationStore: { appConfigurationId: storeId } }));
    expect(back.status.status, JSON.stringify(back.status.error)).toBe("Succeeded");
    expect(Object.keys(settingsOf(webApp))).not.toContain("AZURE_STORAGEBLOB_RESOURCEENDPOINT");
    expect(Object.keys(await storeKeys())).toContain("AZURE_STORAGEBLOB_RESOURCEENDPOINT");

    await lw.client.linker.beginDeleteAndWait(webApp, "blobmove");
    expect(await storeKeys()).toEqual(keysBefore);
    expect(lw.diff(before, comparable())).toEqual([]);
  });

  it("writes Functions binding-aware names with ':' into the store", async () => {
    const functionApp = lw.ids.functionApp!;
    const before = comparable();
    const settingsBefore = settingsOf(functionApp);
    const { status } = await lw.putLinker(functionApp, "blobbinding", {
      targetService: { type: "AzureResource", id: blob() },
      authInfo: { authType: "systemAssignedIdentity" },
      clientType: "nodejs",
      configurationInfo: {
        configurationStore: { appConfigurationId: storeId },
        additionalConfigurations: { "linkwright.functionsConnection": "Photos" },
      },
    });
    expect(status.status, JSON.stringify(status.error)).toBe("Succeeded");
    const keys = await storeKeys();
    const names = Object.keys(keys).filter((k) => k.startsWith("Photos"));
    expect(names).toContain("Photos:blobServiceUri");
    expect(names.some((n) => n.includes("__"))).toBe(false);
    expect(keys["Photos:blobServiceUri"]?.value?.replace(/\/+$/, "")).toBe(blobEndpoint());
    expect(settingsOf(functionApp)).toEqual(settingsBefore);

    await lw.client.linker.beginDeleteAndWait(functionApp, "blobbinding");
    expect(Object.keys(await storeKeys()).filter((k) => k.startsWith("Photos"))).toEqual([]);
    expect(lw.diff(before, comparable())).toEqual([]);
  });
});
