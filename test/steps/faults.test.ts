// Steps under the emulator's faults (the fault matrix's findings, one test each, test/chaos/faults): a write whose
// answer is lost after it took effect, or comes late, must neither be applied twice nor left behind.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startStepsSandbox, type StepsSandbox } from "./support.js";
import { secretStoreStep } from "../../src/steps/secretStore.js";
import { serviceEndpointStep } from "../../src/steps/serviceEndpoint.js";
import { appConfigurationStep } from "../../src/steps/appConfiguration.js";
import { readAppConfigurationStoreEndpoint } from "../../src/targets/appConfiguration.js";
import { parseResourceId } from "../../src/azure/resourceId.js";

let sb: StepsSandbox;
let vaultUri: string;
beforeAll(async () => {
  sb = await startStepsSandbox();
  const p = parseResourceId(sb.ids.keyVault!)!;
  vaultUri = (await sb.ctx.clients.keyVault(p.subscriptionId).vaults.get(p.resourceGroup, p.names[0]!)).properties.vaultUri!;
  sb.te.emulator.assignRole(sb.te.emulator.seedResult!.linkwrightIdentity.principalId, "Key Vault Secrets Officer", sb.ids.keyVault!);
});
beforeEach(() => sb.te.emulator.control.clearRules());
afterAll(async () => { await sb?.close(); });

async function versionsOf(name: string): Promise<number> {
  let n = 0;
  for await (const _ of sb.ctx.clients.secrets(vaultUri).listPropertiesOfSecretVersions(name)) n++;
  return n;
}

describe("Key Vault secret step", () => {
  it("a lost answer to the secret write: one version, recorded as written (the SDK does not write it again)", async () => {
    const input = { vaultUri, secretName: "lost-answer", source: { kind: "sealed" as const, value: sb.ctx.sealer.seal("s3cret") } };
    sb.te.emulator.control.addFault({ plane: "^keyvault:", method: "PUT", path: "^/secrets/lost-answer$", mode: "lost" });
    const out = await secretStoreStep.apply(input, sb.ctx);
    expect(out).toMatchObject({ changed: true, prior: { existed: false } });
    expect(await versionsOf("lost-answer")).toBe(1);
    expect((await secretStoreStep.verify(input, sb.ctx)).result).toBe("success");
  });

  it("a lost answer after a throttled attempt: the retry is still not sent twice", async () => {
    const input = { vaultUri, secretName: "throttled-then-lost", source: { kind: "sealed" as const, value: sb.ctx.sealer.seal("s3cret") } };
    sb.te.emulator.control.addFault({ plane: "^keyvault:", method: "PUT", path: "^/secrets/throttled-then-lost$", status: 429, retryAfter: 0, times: 1 });
    sb.te.emulator.control.addFault({ plane: "^keyvault:", method: "PUT", path: "^/secrets/throttled-then-lost$", mode: "lost" });
    expect((await secretStoreStep.apply(input, sb.ctx)).changed).toBe(true);
    expect(await versionsOf("throttled-then-lost")).toBe(1);
  });

  it("a lost answer to the delete of a secret it created: compensation still purges it", async () => {
    const input = { vaultUri, secretName: "lost-delete", source: { kind: "sealed" as const, value: sb.ctx.sealer.seal("s3cret") } };
    const before = sb.comparableState();
    const out = await secretStoreStep.apply(input, sb.ctx);
    sb.te.emulator.control.addFault({ plane: "^keyvault:", method: "DELETE", path: "^/secrets/lost-delete$", mode: "lost" });
    await secretStoreStep.compensate(input, out.prior!, sb.ctx);
    expect(sb.te.emulator.control.rules().faults[0]!.hits).toBe(1);
    expect(sb.comparableState()).toBe(before);
  });

  it("a write refused before any effect (429, then 500) is still retried: one version", async () => {
    const input = { vaultUri, secretName: "throttled", source: { kind: "sealed" as const, value: sb.ctx.sealer.seal("s3cret") } };
    sb.te.emulator.control.addFault({ plane: "^keyvault:", method: "PUT", path: "^/secrets/throttled$", status: 429, retryAfter: 0, times: 1 });
    sb.te.emulator.control.addFault({ plane: "^keyvault:", method: "PUT", path: "^/secrets/throttled$", status: 500, times: 1 });
    expect((await secretStoreStep.apply(input, sb.ctx)).changed).toBe(true);
    expect(await versionsOf("throttled")).toBe(1);
  });
});

describe("service endpoint step", () => {
  it("the subnet rule refused after the service endpoint was added: the endpoint goes again, nothing is left", async () => {
    const before = sb.comparableState();
    const input = { subnetId: sb.ids.subnet!, targetId: sb.ids.storageAccount!, serviceName: "Microsoft.Storage" };
    sb.te.emulator.control.addFault({ method: "PATCH", path: "/storageAccounts/lwdemostorage$", status: 400, code: "InjectedFailure", times: -1 });
    await expect(serviceEndpointStep.apply(input, sb.ctx)).rejects.toMatchObject({ code: "InjectedFailure" });
    sb.te.emulator.control.clearRules();
    const subnet = sb.te.emulator.store.get(sb.ids.subnet!)!.properties as { serviceEndpoints?: { service: string }[] };
    expect(subnet.serviceEndpoints ?? []).toEqual([]);
    const withoutEtags = (s: string) => JSON.stringify(JSON.parse(s, (k, v) => (k === "etag" ? undefined : v)));
    expect(withoutEtags(sb.comparableState())).toBe(withoutEtags(before));
  });
});

describe("App Configuration keys step", () => {
  it("lost answers to its conditional writes (a new key, an existing key, a removal): applied once, compensated exactly", async () => {
    sb.te.emulator.assignRole(sb.te.emulator.seedResult!.linkwrightIdentity.principalId, "App Configuration Data Owner", sb.ids.appConfig!);
    const endpoint = await readAppConfigurationStoreEndpoint(sb.ctx.clients, sb.ids.appConfig!);
    const client = sb.ctx.clients.appConfiguration(endpoint);
    await client.addConfigurationSetting({ key: "LOST_EXISTING", value: "before" });
    const first = await appConfigurationStep.apply({ storeId: sb.ids.appConfig!, endpoint, keys: [{ key: "LOST_GONE", value: "old" }] }, sb.ctx);
    const before = sb.comparableState();
    const plane = "^appconfig:";
    sb.te.emulator.control.addFault({ plane, method: "PUT", path: "^/kv/LOST_NEW$", mode: "lost" });
    sb.te.emulator.control.addFault({ plane, method: "PUT", path: "^/kv/LOST_EXISTING$", mode: "lost" });
    sb.te.emulator.control.addFault({ plane, method: "DELETE", path: "^/kv/LOST_GONE$", mode: "lost" });
    const input = {
      storeId: sb.ids.appConfig!, endpoint, keys: [{ key: "LOST_NEW", value: "new" }, { key: "LOST_EXISTING", value: "after" }],
      remove: first.outputs!.written!.map((w) => ({ key: (w as { key: string }).key, writtenSealed: w.writtenSealed })),
    };
    const out = await appConfigurationStep.apply(input, sb.ctx);
    expect(sb.te.emulator.control.rules().faults.every((f) => f.hits === 1)).toBe(true);
    expect(out.changed).toBe(true);
    expect((await client.getConfigurationSetting({ key: "LOST_NEW" })).value).toBe("new");
    expect((await client.getConfigurationSetting({ key: "LOST_EXISTING" })).value).toBe("after");
    await expect(client.getConfigurationSetting({ key: "LOST_GONE" })).rejects.toMatchObject({ statusCode: 404 });
    await appConfigurationStep.compensate(input, out.prior!, sb.ctx);
    const values = (s: string) => JSON.stringify(JSON.parse(s, (k, v) => (["etag", "last_modified", "syncSeq"].includes(k) ? undefined : v)));
    // The store's key-values as its API lists them (sorted by key; the emulator keeps them in write order).
    const kvs = (s: string) => (JSON.parse(values(s)).resources as { id: string; keyValues?: { key: string }[] }[])
      .find((r) => r.id === sb.ids.appConfig)!.keyValues!.sort((a, b) => a.key.localeCompare(b.key));
    expect(kvs(sb.comparableState())).toEqual(kvs(before));
  });
});
