// The App Configuration keys step against the seeded store's emulated key-values data plane, with the real
// AppConfigurationClient from the one factory on linkwright's managed identity. An "outside" writer uses the
// store's own access key (HMAC), as another tool or a person in the portal would.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppConfigurationClient, type ConfigurationSetting } from "@azure/app-configuration";
import { startStepsSandbox, type StepsSandbox } from "./support.js";
import { appConfigurationKeysInputFor, appConfigurationStep, AppConfigurationKeysError } from "../../src/steps/appConfiguration.js";
import { type AppConfigurationKeysInput } from "../../src/model/steps.js";
import {
  appConfigurationStoreEndpoint, keyVaultReferenceUri, readAppConfigurationStoreEndpoint, secretUriOfAppSettingReference,
  KEY_VAULT_REFERENCE_CONTENT_TYPE,
} from "../../src/targets/appConfiguration.js";
import { keyVaultReference } from "../../src/steps/secretStore.js";
import { genericArm } from "../../src/azure/armGeneric.js";
import type { StepContext } from "../../src/steps/step.js";

const SECRET_URI = "https://lw-demo-kv.vault.azure.net/secrets/conn-blob/";

let sb: StepsSandbox;
let storeId: string;
let endpoint: string;
let outside: AppConfigurationClient;

beforeAll(async () => {
  sb = await startStepsSandbox();
  storeId = sb.ids.appConfig!;
  endpoint = await readAppConfigurationStoreEndpoint(sb.ctx.clients, storeId);
  const keys = (await genericArm(sb.ctx.clients).invokeAction(storeId, "listKeys")) as { value: { connectionString: string; readOnly: boolean }[] };
  outside = new AppConfigurationClient(keys.value.find((k) => !k.readOnly)!.connectionString);
});
afterAll(async () => { await sb?.close(); });

/** Data-plane writes the store has seen (the emulator bumps the store's sync sequence on every write). */
const storeWrites = () => Number((sb.te.emulator.store.get(storeId) as { syncSeq?: number } | undefined)?.syncSeq ?? 0);

/** The store's key-values without etags and timestamps (which any rewrite changes, as in Azure). */
async function storeContent(): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const kv of outside.listConfigurationSettings()) {
    const { key, label, value, contentType, tags, isReadOnly } = kv as ConfigurationSetting;
    out.push({ key, label: label ?? null, value: value ?? null, contentType: contentType ?? null, tags: tags ?? {}, isReadOnly });
  }
  return out;
}

const input = (keys: AppConfigurationKeysInput["keys"], extra: Partial<AppConfigurationKeysInput> = {}): AppConfigurationKeysInput =>
  ({ storeId, endpoint, keys, ...extra });

/** The step's context with one outside write slipped in right before the step's first conditional write of `key`. */
function racingContext(key: string, outsideWrite: () => Promise<unknown>): StepContext {
  let fired = false;
  const wrap = (client: AppConfigurationClient) => new Proxy(client, {
    get(target, prop) {
      const real = Reflect.get(target, prop, target);
      if (typeof real !== "function") return real;
      if (prop !== "setConfigurationSetting" && prop !== "addConfigurationSetting") return real.bind(target);
      return async (setting: { key: string }, options?: unknown) => {
        if (!fired && setting.key === key) {
          fired = true;
          await outsideWrite();
        }
        return real.call(target, setting, options);
      };
    },
  });
  const clients = new Proxy(sb.ctx.clients, {
    get: (target, prop) => (prop === "appConfiguration" ? (ep: string) => wrap(target.appConfiguration(ep)) : Reflect.get(target, prop, target)),
  });
  return { ...sb.ctx, clients };
}

describe("App Configuration helpers", () => {
  it("reads the store endpoint from wire JSON or the flattened SDK model", () => {
    expect(appConfigurationStoreEndpoint({ properties: { endpoint: "https://x.azconfig.io/" } })).toBe("https://x.azconfig.io");
    expect(appConfigurationStoreEndpoint({ endpoint: "https://y.azconfig.io" })).toBe("https://y.azconfig.io");
    expect(() => appConfigurationStoreEndpoint({ id: "/s/x", properties: {} })).toThrow(/no https endpoint/);
  });

  it("turns the plan's settings into key-values, App Service Key Vault references into Key Vault reference key-values", () => {
    const built = appConfigurationKeysInputFor({
      storeId: "/sub/store", endpoint: "https://s.azconfig.io",
      settings: [
        { name: "Conn:blobServiceUri", value: "https://a.blob.core.windows.net" },
        { name: "AZURE_STORAGEBLOB_CONNECTIONSTRING", value: keyVaultReference("https://v.vault.azure.net/", "conn-blob") },
        { name: "RAW", secretSource: { kind: "sealed", value: "sealed!" } },
      ],
    });
    expect(built).toEqual({
      storeId: "/sub/store", endpoint: "https://s.azconfig.io",
      keys: [
        { key: "Conn:blobServiceUri", value: "https://a.blob.core.windows.net" },
        { key: "AZURE_STORAGEBLOB_CONNECTIONSTRING", keyVaultReference: "https://v.vault.azure.net/secrets/conn-blob/" },
        { key: "RAW", secretSource: { kind: "sealed", value: "sealed!" } },
      ],
    });
    expect(secretUriOfAppSettingReference("plain")).toBeUndefined();
    expect(keyVaultReferenceUri('{"uri":"https://v/secrets/a"}')).toBe("https://v/secrets/a");
    expect(keyVaultReferenceUri("not json")).toBeUndefined();
  });
});

describe("App Configuration keys step", () => {
  it("fails with the missing role and the exact grant while linkwright's identity has no data-plane rights", async () => {
    const probe = input([{ key: "LW_PROBE", value: "x" }]);
    const err = await appConfigurationStep.apply(probe, sb.ctx).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(AppConfigurationKeysError);
    const principalId = sb.te.emulator.seedResult!.linkwrightIdentity.principalId;
    expect(err).toMatchObject({ code: "AuthorizationFailed", statusCode: 403 });
    expect((err as Error).message).toContain("App Configuration Data Owner");
    expect((err as Error).message).toContain(`az role assignment create --assignee-object-id ${principalId}`);
    expect((err as Error).message).toContain(`--scope ${storeId}`);
    const check = await appConfigurationStep.verify(probe, sb.ctx);
    expect(check).toMatchObject({ result: "failure", errorCode: "AuthorizationFailed" });

    sb.te.emulator.assignRole(principalId, "App Configuration Data Owner", storeId);
    expect((await appConfigurationStep.plan(probe, sb.ctx)).changes).toEqual([`Set key LW_PROBE in the App Configuration store ${storeId.split("/").pop()}.`]);
  });

  it("writes plain, secret and Key Vault reference key-values once and compensation restores the store exactly", async () => {
    await outside.setConfigurationSetting({ key: "AZURE_STORAGEBLOB_RESOURCEENDPOINT", value: "https://old/", tags: { team: "a" } });
    await outside.setConfigurationSetting({ key: "UNRELATED", value: "keep" });
    const before = await storeContent();
    const step = input([
      { key: "AZURE_STORAGEBLOB_RESOURCEENDPOINT", value: "https://new.blob.core.windows.net/" },
      { key: "AZURE_STORAGEBLOB_CONNECTIONSTRING", secretSource: { kind: "storageConnectionString", storageAccountId: sb.ids.storageAccount! } },
      { key: "AZURE_STORAGEBLOB_KEY", keyVaultReference: SECRET_URI },
    ]);
    expect((await appConfigurationStep.verify(step, sb.ctx)).errorCode).toBe("ConfigurationMissing");
    expect((await appConfigurationStep.plan(step, sb.ctx)).changes).toHaveLength(3);

    const out = await appConfigurationStep.apply(step, sb.ctx);
    expect(out.changed).toBe(true);
    const conn = await outside.getConfigurationSetting({ key: "AZURE_STORAGEBLOB_CONNECTIONSTRING" });
    const accountKey = /AccountKey=([^;]+)/.exec(conn.value ?? "")?.[1];
    expect(accountKey).toBeTruthy();
    expect(JSON.stringify(out)).not.toContain(accountKey);
    expect(JSON.stringify(out)).not.toContain("https://old/");
    const ref = await outside.getConfigurationSetting({ key: "AZURE_STORAGEBLOB_KEY" });
    expect(ref.contentType).toBe(KEY_VAULT_REFERENCE_CONTENT_TYPE);
    expect(JSON.parse(ref.value!)).toEqual({ uri: "https://lw-demo-kv.vault.azure.net/secrets/conn-blob" });
    const endpointKv = await outside.getConfigurationSetting({ key: "AZURE_STORAGEBLOB_RESOURCEENDPOINT" });
    expect(endpointKv).toMatchObject({ value: "https://new.blob.core.windows.net/", tags: { team: "a", managedBy: "linkwright" } });
    expect(endpointKv.label).toBeUndefined();
    expect((await appConfigurationStep.verify(step, sb.ctx)).result).toBe("success");

    const writes = storeWrites();
    const again = await appConfigurationStep.apply(step, sb.ctx);
    expect(again.changed).toBe(false);
    expect(storeWrites()).toBe(writes);
    expect((await appConfigurationStep.plan(step, sb.ctx)).changes).toEqual([]);

    await appConfigurationStep.compensate(step, out.prior!, sb.ctx);
    expect(await storeContent()).toEqual(before);
    const check = await appConfigurationStep.verify(step, sb.ctx);
    expect(check.result).toBe("failure");
    expect(check.errorMessage).toContain("AZURE_STORAGEBLOB_CONNECTIONSTRING");
  });

  it("reports keys deleted or changed outside linkwright, and compares Key Vault references by uri", async () => {
    const step = input([
      { key: "LW_A", value: "a" },
      { key: "LW_B", value: "b" },
      { key: "LW_REF", keyVaultReference: SECRET_URI },
    ], { label: "prod" });
    await outside.setConfigurationSetting({ key: "LW_B", label: "prod", value: "orig" });
    const out = await appConfigurationStep.apply(step, sb.ctx);
    expect(out.prior!.changed.find((c) => c.key === "LW_B")).toMatchObject({ existed: true });
    expect((await outside.getConfigurationSetting({ key: "LW_A", label: "prod" })).value).toBe("a");
    // The same secret written differently (spacing, trailing slash) is still the same reference.
    await outside.setConfigurationSetting({ key: "LW_REF", label: "prod", contentType: KEY_VAULT_REFERENCE_CONTENT_TYPE, value: `{ "uri": "${SECRET_URI}" }` });
    expect((await appConfigurationStep.verify(step, sb.ctx)).result).toBe("success");

    await outside.deleteConfigurationSetting({ key: "LW_A", label: "prod" });
    let check = await appConfigurationStep.verify(step, sb.ctx);
    expect(check).toMatchObject({ result: "failure", errorCode: "ConfigurationMissing" });
    expect(check.errorMessage).toContain("Missing key-values: LW_A.");
    expect(check.errorMessage).toContain("Re-run the connection");

    await outside.setConfigurationSetting({ key: "LW_A", label: "prod", value: "a" });
    await outside.setConfigurationSetting({ key: "LW_B", label: "prod", value: "theirs" });
    check = await appConfigurationStep.verify(step, sb.ctx);
    expect(check).toMatchObject({ result: "failure", errorCode: "ConfigurationChanged" });
    expect(check.errorMessage).toContain("Changed outside linkwright: LW_B.");

    // Compensation touches only what still carries our write: all three were rewritten outside, so nothing moves
    // (LW_B is not put back to its prior 'orig').
    await appConfigurationStep.compensate(step, out.prior!, sb.ctx);
    expect((await outside.getConfigurationSetting({ key: "LW_B", label: "prod" })).value).toBe("theirs");
    expect((await outside.getConfigurationSetting({ key: "LW_A", label: "prod" })).value).toBe("a");
    for (const key of ["LW_A", "LW_B", "LW_REF"]) await outside.deleteConfigurationSetting({ key, label: "prod" });
  });

  it("does not overwrite an outside change made between its read and its write, and puts back what it wrote", async () => {
    await outside.setConfigurationSetting({ key: "LW_RACE_B", value: "old" });
    const before = await storeContent();
    const step = input([{ key: "LW_RACE_A", value: "ours-a" }, { key: "LW_RACE_B", value: "ours-b" }]);
    const racing = racingContext("LW_RACE_B", () => outside.setConfigurationSetting({ key: "LW_RACE_B", value: "theirs" }));
    const err = await appConfigurationStep.apply(step, racing).then(() => undefined, (e: unknown) => e);
    expect(err).toMatchObject({ code: "PreconditionFailed", statusCode: 412 });
    expect((err as Error).message).toContain("LW_RACE_B");
    expect((await outside.getConfigurationSetting({ key: "LW_RACE_B" })).value).toBe("theirs");
    const expected = (before as { key: string }[]).map((kv) => (kv.key === "LW_RACE_B" ? { ...kv, value: "theirs" } : kv));
    expect(await storeContent()).toEqual(expected); // LW_RACE_A, written first, was deleted again

    // A key created outside after the read is not overwritten either.
    const fresh = input([{ key: "LW_RACE_NEW", value: "ours" }]);
    const racingNew = racingContext("LW_RACE_NEW", () => outside.addConfigurationSetting({ key: "LW_RACE_NEW", value: "theirs" }));
    await expect(appConfigurationStep.apply(fresh, racingNew)).rejects.toMatchObject({ code: "PreconditionFailed" });
    expect((await outside.getConfigurationSetting({ key: "LW_RACE_NEW" })).value).toBe("theirs");
    for (const key of ["LW_RACE_B", "LW_RACE_NEW"]) await outside.deleteConfigurationSetting({ key });
  });

  it("reads the endpoint from the store when the input has none, and reports a missing store", async () => {
    const noEndpoint = { storeId, keys: [{ key: "LW_NO_ENDPOINT", value: "v" }] };
    const out = await appConfigurationStep.apply(noEndpoint, sb.ctx);
    expect((await outside.getConfigurationSetting({ key: "LW_NO_ENDPOINT" })).value).toBe("v");
    await appConfigurationStep.compensate(noEndpoint, out.prior!, sb.ctx);
    await expect(outside.getConfigurationSetting({ key: "LW_NO_ENDPOINT" })).rejects.toMatchObject({ statusCode: 404 });
    const gone = await appConfigurationStep.verify({ storeId: `${storeId}-gone`, keys: [{ key: "K", value: "v" }] }, sb.ctx);
    expect(gone).toMatchObject({ result: "failure", errorCode: "ResourceNotFound" });
  });

  it("removes keys an update no longer wants only while they hold what was written, and names locked keys", async () => {
    const first = await appConfigurationStep.apply(input([{ key: "LW_OLD", value: "v1" }, { key: "LW_KEPT", value: "k" }, { key: "LW_OTHER", value: "o" }]), sb.ctx);
    const written = first.outputs!.written as { key: string; writtenSealed: string }[];
    await outside.setConfigurationSetting({ key: "LW_OTHER", value: "edited by a person" });
    const update = input([{ key: "LW_KEPT", value: "k" }], { remove: written.filter((w) => w.key !== "LW_KEPT") });
    expect((await appConfigurationStep.plan(update, sb.ctx)).changes).toEqual([`Remove key LW_OLD in the App Configuration store ${storeId.split("/").pop()}.`]);
    const out = await appConfigurationStep.apply(update, sb.ctx);
    expect(out.prior!.changed).toEqual([expect.objectContaining({ key: "LW_OLD", existed: true })]);
    await expect(outside.getConfigurationSetting({ key: "LW_OLD" })).rejects.toMatchObject({ statusCode: 404 });
    expect((await outside.getConfigurationSetting({ key: "LW_OTHER" })).value).toBe("edited by a person");
    await appConfigurationStep.compensate(update, out.prior!, sb.ctx);
    expect((await outside.getConfigurationSetting({ key: "LW_OLD" })).value).toBe("v1");

    await outside.setReadOnly({ key: "LW_KEPT" }, true);
    const err = await appConfigurationStep.apply(input([{ key: "LW_KEPT", value: "k2" }]), sb.ctx).then(() => undefined, (e: unknown) => e);
    expect(err).toMatchObject({ code: "Conflict" });
    expect((err as Error).message).toContain("az appconfig kv unlock");
    await outside.setReadOnly({ key: "LW_KEPT" }, false);
    for (const key of ["LW_OLD", "LW_KEPT", "LW_OTHER"]) await outside.deleteConfigurationSetting({ key });
  });
});
