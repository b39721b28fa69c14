// A step's activity run again after the host died between the step's write and the record of its result (issue #15,
// kill-and-resume): the second run finds its own write done. Through the real activities, the one client factory on
// linkwright's identity, the seeded emulator and the operations table on Azurite, each step run twice in the same
// journal slot must return the first run's prior (changed), and compensating with it restores the state before the
// first run — before the write-ahead journal the second run said "nothing changed", and a delete left the write behind.
import { afterAll, beforeAll, describe, expect, it, inject } from "vitest";
import { readFileSync } from "node:fs";
import { AppConfigurationClient } from "@azure/app-configuration";
import { startStepsSandbox, type StepsSandbox } from "../steps/support.js";
import { createTableStore } from "../../src/store/tableStore.js";
import { createConnectionActivities } from "../../src/activities/connectionActivities.js";
import { createOperationRecords } from "../../src/store/operationRecords.js";
import { sourceAdapterFor } from "../../src/sources/index.js";
import { parseResourceId } from "../../src/azure/resourceId.js";
import { readAppConfigurationStoreEndpoint } from "../../src/targets/appConfiguration.js";
import { genericArm } from "../../src/azure/armGeneric.js";
import { STEPS } from "../../src/steps/registry.js";
import type { StepRun } from "../../src/model/plan.js";
import type { ConnectionStore } from "../../src/store/types.js";

let sb: StepsSandbox;
let store: ConnectionStore;
let activities: ReturnType<typeof createConnectionActivities>;
let slot = 0;

beforeAll(async () => {
  sb = await startStepsSandbox();
  const { connectionString } = inject("azurite");
  store = await createTableStore({ connectionString, tablePrefix: `wal${Date.now().toString(36)}`, allowInsecureConnection: true });
  const records = createOperationRecords({ store, clock: () => new Date(), newId: () => crypto.randomUUID(), location: "westus" });
  activities = createConnectionActivities({ clients: sb.ctx.clients, store, records, sealer: sb.ctx.sealer });
});
afterAll(async () => { await sb?.close(); });

/** Runs the step's activity twice in one journal slot (the second run: the resumed one). */
async function runTwice(step: StepRun["step"], input: unknown) {
  const journal = { operationId: crypto.randomUUID(), slot: String(slot++) };
  const first = await activities.runStep({ step, input: input as StepRun["input"], journal });
  const again = await activities.runStep({ step, input: input as StepRun["input"], journal });
  return { first, again };
}

/** A value as the saga's history records it (JSON). */
const asRecorded = (x: unknown) => JSON.parse(JSON.stringify(x)) as unknown;

async function compensate(step: StepRun["step"], input: unknown, prior: unknown) {
  expect(await activities.compensateStep({ step, input: input as never, prior })).toEqual({ ok: true });
}

describe("a step's activity run again after its write (the host died before the result was recorded)", () => {
  it("configuration: the resumed run returns the first run's prior, and compensating removes the settings", async () => {
    const source = sourceAdapterFor(sb.ctx.clients, sb.ids.webApp!);
    const before = await source.readSettings();
    const input = { sourceId: sb.ids.webApp!, settings: [{ name: "LW_WAL_PROBE", value: "ours" }] };
    const { first, again } = await runTwice("configuration", input);
    expect(first).toMatchObject({ ok: true, changed: true });
    expect(again).toMatchObject({ ok: true, changed: true, prior: asRecorded(first.prior) });
    await compensate("configuration", input, again.prior);
    expect(await source.readSettings()).toEqual(before);
  });

  it("firewall: the resumed run returns the rules the first run added, and compensating removes them", async () => {
    const p = parseResourceId(sb.ids.storageAccount!)!;
    const accounts = sb.ctx.clients.storage(p.subscriptionId).storageAccounts;
    await accounts.update(p.resourceGroup, p.names[0]!, { networkRuleSet: { defaultAction: "Deny", bypass: "None" as never, ipRules: [] } });
    const { outboundIps } = await sourceAdapterFor(sb.ctx.clients, sb.ids.webApp!).read();
    const input = { targetId: `${sb.ids.storageAccount}/blobServices/default`, ips: outboundIps };
    const { first, again } = await runTwice("firewall", input);
    expect(first).toMatchObject({ ok: true, changed: true });
    expect(again).toMatchObject({ ok: true, changed: true, prior: asRecorded(first.prior) });
    await compensate("firewall", input, again.prior);
    expect((await accounts.getProperties(p.resourceGroup, p.names[0]!)).networkRuleSet!.ipRules).toEqual([]);
    await accounts.update(p.resourceGroup, p.names[0]!, { networkRuleSet: { defaultAction: "Allow", ipRules: [] } });
  });

  it("secretStore: the resumed run writes no second version, returns 'did not exist', and compensating deletes the secret", async () => {
    const p = parseResourceId(sb.ids.keyVault!)!;
    const vaultUri = (await sb.ctx.clients.keyVault(p.subscriptionId).vaults.get(p.resourceGroup, p.names[0]!)).properties.vaultUri!;
    sb.te.emulator.assignRole(sb.te.emulator.seedResult!.linkwrightIdentity.principalId, "Key Vault Secrets Officer", sb.ids.keyVault!);
    const input = { vaultUri, secretName: "wal-blob", source: { kind: "storageConnectionString" as const, storageAccountId: sb.ids.storageAccount! } };
    const { first, again } = await runTwice("secretStore", input);
    expect(first).toMatchObject({ ok: true, changed: true, prior: { existed: false } });
    expect(again).toMatchObject({ ok: true, changed: true, prior: { existed: false } });
    const secrets = sb.ctx.clients.secrets(vaultUri);
    let versions = 0;
    for await (const _ of secrets.listPropertiesOfSecretVersions("wal-blob")) versions++;
    expect(versions).toBe(1);
    await compensate("secretStore", input, again.prior);
    await expect(secrets.getSecret("wal-blob")).rejects.toMatchObject({ statusCode: 404 });
  });

  it("appConfiguration: the resumed run returns what the keys held and the etags of the first run's writes; compensating removes them", async () => {
    const storeId = sb.ids.appConfig!;
    sb.te.emulator.assignRole(sb.te.emulator.seedResult!.linkwrightIdentity.principalId, "App Configuration Data Owner", storeId);
    const endpoint = await readAppConfigurationStoreEndpoint(sb.ctx.clients, storeId);
    const keys = (await genericArm(sb.ctx.clients).invokeAction(storeId, "listKeys")) as { value: { connectionString: string; readOnly: boolean }[] };
    const outside = new AppConfigurationClient(keys.value.find((k) => !k.readOnly)!.connectionString);
    await outside.setConfigurationSetting({ key: "WAL_EXISTING", value: "theirs" });
    const input = { storeId, endpoint, keys: [{ key: "WAL_NEW", value: "ours" }, { key: "WAL_EXISTING", value: "ours too" }] };
    const { first, again } = await runTwice("appConfiguration", input);
    expect(first).toMatchObject({ ok: true, changed: true });
    // Sealing draws a fresh nonce each time: what the keys held is compared unsealed.
    type Entry = { key: string; existed: boolean; priorSealed?: string; writtenEtag?: string };
    const opened = (prior: unknown) => (prior as { changed: Entry[] }).changed
      .map((e) => ({ ...e, priorSealed: e.priorSealed && sb.ctx.sealer.unseal(e.priorSealed) }));
    expect(again).toMatchObject({ ok: true, changed: true });
    expect(opened(again.prior)).toEqual(opened(first.prior));
    await compensate("appConfiguration", input, again.prior);
    await expect(outside.getConfigurationSetting({ key: "WAL_NEW" })).rejects.toMatchObject({ statusCode: 404 });
    expect((await outside.getConfigurationSetting({ key: "WAL_EXISTING" })).value).toBe("theirs");
  });

  it("without a journal slot (a step put back on failure, a validation) a second run still reports no change", async () => {
    const input = { sourceId: sb.ids.webApp!, settings: [{ name: "LW_WAL_PLAIN", value: "x" }] };
    const first = await activities.runStep({ step: "configuration", input: input as StepRun["input"] });
    const again = await activities.runStep({ step: "configuration", input: input as StepRun["input"] });
    expect(first).toMatchObject({ ok: true, changed: true });
    expect(again).toMatchObject({ ok: true, changed: false });
    await compensate("configuration", input, first.prior);
  });
});

describe("the journal settles to what the run that wrote ahead did (review findings)", () => {
  it("a run that wrote ahead and then failed settles void: a run resumed after it does not claim the earlier intent", async () => {
    const p = parseResourceId(sb.ids.keyVault!)!;
    const vaultUri = (await sb.ctx.clients.keyVault(p.subscriptionId).vaults.get(p.resourceGroup, p.names[0]!)).properties.vaultUri!;
    sb.te.emulator.assignRole(sb.te.emulator.seedResult!.linkwrightIdentity.principalId, "Key Vault Secrets Officer", sb.ids.keyVault!);
    const input = { vaultUri, secretName: "wal-refused", source: { kind: "storageConnectionString" as const, storageAccountId: sb.ids.storageAccount! } };
    const journal = { operationId: crypto.randomUUID(), slot: "0" };
    sb.te.emulator.control.addFault({ plane: "^keyvault:", method: "PUT", path: "^/secrets/wal-refused$", status: 400, times: 1 });
    const first = await activities.runStep({ step: "secretStore", input: input as StepRun["input"], journal });
    expect(first).toMatchObject({ ok: false });
    // Someone else (here: another connection's run) then stores the same value; a run of the step resumed after the
    // first finds it there. Before the entry was settled, it claimed the first run's intent ("did not exist") as its
    // change, and compensating it would have deleted their secret.
    const secrets = sb.ctx.clients.secrets(vaultUri);
    const theirs = await activities.runStep({ step: "secretStore", input: input as StepRun["input"] });
    expect(theirs).toMatchObject({ ok: true, changed: true });
    const resumed = await activities.runStep({ step: "secretStore", input: input as StepRun["input"], journal });
    expect(resumed).toMatchObject({ ok: true, changed: false });
    expect(resumed.prior).toBeUndefined();
    await compensate("secretStore", input, theirs.prior);
    await expect(secrets.getSecret("wal-refused")).rejects.toMatchObject({ statusCode: 404 });
  });

  it("a run that wrote ahead and then changed nothing settles void", async () => {
    const journal = { operationId: crypto.randomUUID(), slot: "3" };
    await store.journal.writeAhead(journal.operationId, journal.slot, { createdName: "x" });
    await store.journal.settle(journal.operationId, journal.slot, "void");
    expect(await store.journal.earlier(journal.operationId, journal.slot)).toBeUndefined();
    expect(await store.journal.writeAhead(journal.operationId, journal.slot, { createdName: "y" })).toEqual({});
    expect(await store.journal.earlier(journal.operationId, journal.slot)).toEqual({ prior: { createdName: "y" } });
    expect(await store.journal.writeAhead(journal.operationId, journal.slot, { createdName: "z" })).toEqual({ earlier: { createdName: "y" } });
  });

  it("a resumed run that fails still returns the earlier run's prior, so the saga compensates the earlier write", async () => {
    const source = sourceAdapterFor(sb.ctx.clients, sb.ids.webApp!);
    const before = await source.readSettings();
    const input = { sourceId: sb.ids.webApp!, settings: [{ name: "LW_WAL_RESUMED_FAILS", value: "ours" }] };
    const journal = { operationId: crypto.randomUUID(), slot: "0" };
    const first = await activities.runStep({ step: "configuration", input: input as StepRun["input"], journal });
    expect(first).toMatchObject({ ok: true, changed: true });
    sb.te.emulator.control.addFault({ method: "POST", path: "/sites/[^/]+/config/appsettings/list$", status: 400, times: -1 });
    let again;
    try {
      again = await activities.runStep({ step: "configuration", input: input as StepRun["input"], journal });
    } finally {
      sb.te.emulator.control.clearRules();
    }
    expect(again).toMatchObject({ ok: false, changed: true, prior: asRecorded(first.prior) });
    await compensate("configuration", input, again.prior);
    expect(await source.readSettings()).toEqual(before);
  });

  it("the operation's end clears its entries", async () => {
    const operationId = crypto.randomUUID();
    await store.journal.writeAhead(operationId, "0", { a: 1 });
    await store.journal.writeAhead(operationId, "1", { b: 2 });
    await store.journal.clear(operationId);
    expect(await store.journal.earlier(operationId, "0")).toBeUndefined();
    expect(await store.journal.earlier(operationId, "1")).toBeUndefined();
  });
});

it("every step writes its prior ahead of its first write (ctx.writeAhead in its apply)", () => {
  for (const step of Object.values(STEPS)) {
    const file = readFileSync(new URL(`../../src/steps/${step.name}.ts`, import.meta.url), "utf8");
    expect(file, `src/steps/${step.name}.ts`).toMatch(/await ctx\.writeAhead\?\.\(/);
  }
});
