// Microsoft.AppConfiguration through the real @azure/arm-appconfiguration client, and each store's key-values data
// plane through the real @azure/app-configuration AppConfigurationClient (Entra bearer with the App Configuration
// data roles, HMAC with an access key, ETag conditions, paging, read-only locks).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppConfigurationManagementClient } from "@azure/arm-appconfiguration";
import { AppConfigurationClient } from "@azure/app-configuration";
import { factsFromResource, factsFromSecretResponse, secretSource } from "../../../src/catalogue/index.js";
import { startTestEmulator, type TestEmulator } from "../support/emulator.js";
import { rawRequest } from "../support/raw.js";
import { createResourceGroup, expectRestError } from "../providers/helpers.js";

let t: TestEmulator;
let arm: AppConfigurationManagementClient;
const rg = "rg-appconfig";
const dataOptions = { retryOptions: { maxRetries: 0 } };

beforeAll(async () => {
  t = await startTestEmulator();
  arm = new AppConfigurationManagementClient(t.credential, t.subscriptionId, t.clientOptions);
  await createResourceGroup(t, rg);
});
afterAll(async () => { await t?.close(); });

describe("Microsoft.AppConfiguration configurationStores (ARM)", () => {
  it("creates a store whose endpoint is its own data-plane origin, updates publicNetworkAccess, lists keys", async () => {
    const store = await arm.configurationStores.beginCreateAndWait(rg, "lw-appcs", { location: "westeurope", sku: { name: "standard" } });
    expect(store.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(store.endpoint).not.toBe(t.endpoint);
    const updated = await arm.configurationStores.beginUpdateAndWait(rg, "lw-appcs", { publicNetworkAccess: "Disabled", tags: { env: "test" } });
    expect(updated.publicNetworkAccess).toBe("Disabled");
    expect(updated.tags).toEqual({ env: "test" });
    expect((await arm.configurationStores.get(rg, "lw-appcs")).publicNetworkAccess).toBe("Disabled");
    const keys = [];
    for await (const k of arm.configurationStores.listKeys(rg, "lw-appcs")) keys.push(k);
    expect(keys.map((k) => [k.name, k.readOnly])).toEqual([["Primary", false], ["Secondary", false], ["Primary Read Only", true], ["Secondary Read Only", true]]);
    expect(keys[0].connectionString).toBe(`Endpoint=${store.endpoint};Id=${keys[0].id};Secret=${keys[0].value}`);
    const names: string[] = [];
    for await (const s of arm.configurationStores.listByResourceGroup(rg)) names.push(s.name!);
    expect(names).toEqual(["lw-appcs"]);
  });

  it("gives the catalogue its facts from the wire bodies", async () => {
    const token = (await t.credential.getToken("https://management.azure.com/.default"))!.token;
    const id = `/subscriptions/${t.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.AppConfiguration/configurationStores/lw-appcs`;
    const get = await rawRequest(t.endpoint, "GET", `${id}?api-version=2024-06-01`, { token });
    expect(factsFromResource("appconfig", get.json())).toEqual({ endpoint: get.json().properties.endpoint });
    const keys = await rawRequest(t.endpoint, "POST", `${id}/listKeys?api-version=2024-06-01`, { token });
    const src = secretSource("appconfig")!;
    expect(factsFromSecretResponse(src, keys.json())).toEqual({ accessKeyId: keys.json().value[0].id, accessKey: keys.json().value[0].value });
  });

  it("rejects a Reader's write and listKeys, and a missing store", async () => {
    const asReader = new AppConfigurationManagementClient(t.readerCredential, t.subscriptionId, t.clientOptions);
    expect((await asReader.configurationStores.get(rg, "lw-appcs")).name).toBe("lw-appcs");
    await expectRestError(asReader.configurationStores.beginUpdateAndWait(rg, "lw-appcs", { tags: { a: "b" } }), 403, "AuthorizationFailed");
    await expectRestError(asReader.configurationStores.listKeys(rg, "lw-appcs").next(), 403, "AuthorizationFailed");
    await expectRestError(arm.configurationStores.get(rg, "lw-missing"), 404, "ResourceNotFound");
  });
});

describe("App Configuration key-values data plane", () => {
  let endpoint: string;
  let storeId: string;
  beforeAll(async () => {
    const store = await arm.configurationStores.beginCreateAndWait(rg, "lw-appcs-data", { location: "westeurope", sku: { name: "standard" } });
    endpoint = store.endpoint!;
    storeId = store.id!;
  });

  it("needs a data role: Owner alone is forbidden, Data Owner writes, Data Reader only reads", async () => {
    const admin = new AppConfigurationClient(endpoint, t.credential, dataOptions);
    await expect(admin.getConfigurationSetting({ key: "a" })).rejects.toMatchObject({ statusCode: 403 });
    t.emulator.assignRole(t.emulator.credentials.admin.objectId, "App Configuration Data Owner", storeId);
    t.emulator.assignRole(t.emulator.credentials.reader.objectId, "App Configuration Data Reader", storeId);
    const set = await admin.setConfigurationSetting({ key: "App:Color", label: "prod", value: "blue", contentType: "text/plain", tags: { team: "a" } });
    expect(set).toMatchObject({ key: "App:Color", label: "prod", value: "blue", contentType: "text/plain", tags: { team: "a" }, isReadOnly: false });
    const reader = new AppConfigurationClient(endpoint, t.readerCredential, dataOptions);
    expect((await reader.getConfigurationSetting({ key: "App:Color", label: "prod" })).value).toBe("blue");
    await expect(reader.setConfigurationSetting({ key: "App:Color", label: "prod", value: "red" })).rejects.toMatchObject({ statusCode: 403 });
    const anonymous = await rawRequest(endpoint, "GET", "/kv/App%3AColor?label=prod&api-version=2023-11-01");
    expect(anonymous.status).toBe(401);
  });

  it("sets, gets, lists with key/label filters and deletes; labels are distinct keys", async () => {
    const c = new AppConfigurationClient(endpoint, t.credential, dataOptions);
    await c.setConfigurationSetting({ key: "App:Color", value: "green" });
    await c.setConfigurationSetting({ key: "App:Size", label: "prod", value: "L" });
    await c.setConfigurationSetting({ key: "Other", value: "x" });
    expect((await c.getConfigurationSetting({ key: "App:Color" })).value).toBe("green");
    expect((await c.getConfigurationSetting({ key: "App:Color", label: "prod" })).value).toBe("blue");
    const list = async (keyFilter?: string, labelFilter?: string) => {
      const out: string[] = [];
      for await (const s of c.listConfigurationSettings({ keyFilter, labelFilter })) out.push(`${s.key}@${s.label ?? ""}=${s.value}`);
      return out;
    };
    expect(await list("App:*")).toEqual(["App:Color@=green", "App:Color@prod=blue", "App:Size@prod=L"]);
    expect(await list("App:*", "prod")).toEqual(["App:Color@prod=blue", "App:Size@prod=L"]);
    expect(await list(undefined, "\0")).toEqual(["App:Color@=green", "Other@=x"]);
    expect(await list("Other,App:Size")).toEqual(["App:Size@prod=L", "Other@=x"]);
    const deleted = await c.deleteConfigurationSetting({ key: "Other" });
    expect(deleted.statusCode).toBe(200);
    expect((await c.deleteConfigurationSetting({ key: "Other" })).statusCode).toBe(204);
    await expect(c.getConfigurationSetting({ key: "Other" })).rejects.toMatchObject({ statusCode: 404 });
  });

  it("honours ETags: add refuses an existing key, onlyIfUnchanged refuses a stale etag, onlyIfChanged answers 304", async () => {
    const c = new AppConfigurationClient(endpoint, t.credential, dataOptions);
    const first = await c.addConfigurationSetting({ key: "Etag:Key", value: "1" });
    await expect(c.addConfigurationSetting({ key: "Etag:Key", value: "2" })).rejects.toMatchObject({ statusCode: 412 });
    const second = await c.setConfigurationSetting({ ...first, value: "2" }, { onlyIfUnchanged: true });
    expect(second.etag).not.toBe(first.etag);
    await expect(c.setConfigurationSetting({ ...first, value: "3" }, { onlyIfUnchanged: true })).rejects.toMatchObject({ statusCode: 412 });
    await expect(c.deleteConfigurationSetting(first, { onlyIfUnchanged: true })).rejects.toMatchObject({ statusCode: 412 });
    const unchanged = await c.getConfigurationSetting(second, { onlyIfChanged: true });
    expect(unchanged.statusCode).toBe(304);
    expect((await c.getConfigurationSetting(first, { onlyIfChanged: true })).value).toBe("2");
    await c.setReadOnly({ key: "Etag:Key" }, true);
    await expect(c.setConfigurationSetting({ key: "Etag:Key", value: "4" })).rejects.toMatchObject({ statusCode: 409 });
    await c.setReadOnly({ key: "Etag:Key" }, false);
    expect((await c.deleteConfigurationSetting({ key: "Etag:Key" })).statusCode).toBe(200);
  });

  it("pages lists of more than 100 through @nextLink", async () => {
    const c = new AppConfigurationClient(endpoint, t.credential, dataOptions);
    for (let i = 0; i < 105; i++) await c.setConfigurationSetting({ key: `Page:${String(i).padStart(3, "0")}`, value: String(i) });
    let pages = 0;
    const keys: string[] = [];
    for await (const page of c.listConfigurationSettings({ keyFilter: "Page:*" }).byPage()) {
      pages++;
      keys.push(...page.items.map((s) => s.key));
    }
    expect(pages).toBe(2);
    expect(keys).toHaveLength(105);
    expect(new Set(keys).size).toBe(105);
  });

  it("authenticates a connection string (HMAC) from listKeys; a read-only key cannot write", async () => {
    const keys = [];
    for await (const k of arm.configurationStores.listKeys(rg, "lw-appcs-data")) keys.push(k);
    const rw = new AppConfigurationClient(keys[0].connectionString!, dataOptions);
    await rw.setConfigurationSetting({ key: "Hmac:Key", value: "ok" });
    expect((await rw.getConfigurationSetting({ key: "Hmac:Key" })).value).toBe("ok");
    const ro = new AppConfigurationClient(keys[2].connectionString!, dataOptions);
    expect((await ro.getConfigurationSetting({ key: "Hmac:Key" })).value).toBe("ok");
    await expect(ro.setConfigurationSetting({ key: "Hmac:Key", value: "no" })).rejects.toMatchObject({ statusCode: 403 });
    const forged = new AppConfigurationClient(`Endpoint=${endpoint};Id=${keys[0].id};Secret=${Buffer.alloc(32).toString("base64")}`, dataOptions);
    await expect(forged.getConfigurationSetting({ key: "Hmac:Key" })).rejects.toMatchObject({ statusCode: 401 });
  });
});
