// Each configuration step against the seeded emulator: apply converges, a second apply writes nothing,
// verify reports the state, compensate restores exactly the prior state.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStepsSandbox, type StepsSandbox } from "./support.js";
import { identityStep } from "../../src/steps/identity.js";
import { roleAssignmentStep } from "../../src/steps/roleAssignment.js";
import { configurationStep } from "../../src/steps/configuration.js";
import { firewallStep } from "../../src/steps/firewall.js";
import { secretStoreStep, keyVaultReference } from "../../src/steps/secretStore.js";
import { sourceAdapterFor } from "../../src/sources/index.js";
import { parseResourceId } from "../../src/azure/resourceId.js";

const BLOB_DATA_CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";

let sb: StepsSandbox;
beforeAll(async () => { sb = await startStepsSandbox(); });
afterAll(async () => { await sb?.close(); });

const snapshot = () => sb.comparableState();

describe("identity step", () => {
  it("enables the system identity once, and compensation turns it off again", async () => {
    await sourceAdapterFor(sb.ctx.clients, sb.ids.webApp!).writeIdentity("None", []);
    const before = snapshot();
    const input = { sourceId: sb.ids.webApp!, systemAssigned: true };
    expect((await identityStep.plan(input, sb.ctx)).changes).toHaveLength(1);
    const first = await identityStep.apply(input, sb.ctx);
    expect(first.changed).toBe(true);
    expect(first.outputs?.principalId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await identityStep.verify(input, sb.ctx)).result).toBe("success");

    sb.resetCalls();
    const second = await identityStep.apply(input, sb.ctx);
    expect(second.changed).toBe(false);
    expect(second.outputs?.principalId).toBe(first.outputs?.principalId);
    expect(sb.writes()).toBe(0);

    await identityStep.compensate(input, first.prior!, sb.ctx);
    expect((await identityStep.verify(input, sb.ctx)).result).toBe("failure");
    expect(snapshot()).toBe(before);
  });

  it("attaches a user-assigned identity and reports its client id", async () => {
    const input = { sourceId: sb.ids.slot!, systemAssigned: false, userAssignedIdentityId: sb.ids.userIdentity! };
    const out = await identityStep.apply(input, sb.ctx);
    expect(out.changed).toBe(true);
    expect(out.outputs?.clientId).toMatch(/^[0-9a-f-]{36}$/);
    await identityStep.compensate(input, out.prior!, sb.ctx);
    const after = await sourceAdapterFor(sb.ctx.clients, sb.ids.slot!).read();
    expect(after.identity.type).toBe(out.prior!.type);
  });
});

describe("role assignment step", () => {
  it("assigns at the blob service scope under a deterministic name, once", async () => {
    const id = await identityStep.apply({ sourceId: sb.ids.functionApp!, systemAssigned: true }, sb.ctx);
    const input = {
      scope: `${sb.ids.storageAccount}/blobServices/default`,
      principalId: String(id.outputs!.principalId),
      principalType: "ServicePrincipal" as const,
      role: BLOB_DATA_CONTRIBUTOR,
    };
    expect((await roleAssignmentStep.verify(input, sb.ctx)).result).toBe("failure");
    const first = await roleAssignmentStep.apply(input, sb.ctx);
    expect(first.changed).toBe(true);
    expect(String(first.outputs!.roleAssignmentId)).toContain("/blobServices/default/providers/Microsoft.Authorization/roleAssignments/");
    sb.resetCalls();
    expect((await roleAssignmentStep.apply(input, sb.ctx)).changed).toBe(false);
    expect(sb.writes()).toBe(0);
    expect((await roleAssignmentStep.verify(input, sb.ctx)).result).toBe("success");
    await roleAssignmentStep.compensate(input, first.prior!, sb.ctx);
    const check = await roleAssignmentStep.verify(input, sb.ctx);
    expect(check.result).toBe("failure");
    expect(check.errorMessage).toContain("az role assignment create");
  });
});

describe("settings step", () => {
  it("writes plain and secret settings by read-merge-write and restores the exact prior set", async () => {
    const web = sb.ctx.clients.webApps(parseResourceId(sb.ids.webApp!)!.subscriptionId).webApps;
    const [rg, name] = [parseResourceId(sb.ids.webApp!)!.resourceGroup, parseResourceId(sb.ids.webApp!)!.names[0]!];
    const original = (await web.listApplicationSettings(rg, name)).properties ?? {};
    await web.updateApplicationSettings(rg, name, { properties: { ...original, AZURE_STORAGEBLOB_RESOURCEENDPOINT: "https://old/" } });
    const prior = (await web.listApplicationSettings(rg, name)).properties;

    const input = {
      sourceId: sb.ids.webApp!,
      settings: [
        { name: "AZURE_STORAGEBLOB_RESOURCEENDPOINT", value: "https://new.blob.core.windows.net/" },
        { name: "AZURE_STORAGEBLOB_CONNECTIONSTRING", secretSource: { kind: "storageConnectionString" as const, storageAccountId: sb.ids.storageAccount! } },
      ],
    };
    const out = await configurationStep.apply(input, sb.ctx);
    expect(out.changed).toBe(true);
    const json = JSON.stringify(out);
    const now = (await web.listApplicationSettings(rg, name)).properties!;
    expect(now.AZURE_STORAGEBLOB_CONNECTIONSTRING).toMatch(/AccountKey=/);
    const key = /AccountKey=([^;]+)/.exec(now.AZURE_STORAGEBLOB_CONNECTIONSTRING!)![1]!;
    expect(json).not.toContain(key);
    expect(json).not.toContain("https://old/");
    expect((await configurationStep.verify(input, sb.ctx)).result).toBe("success");

    sb.resetCalls();
    expect((await configurationStep.apply(input, sb.ctx)).changed).toBe(false);
    expect(sb.writes()).toBe(0);

    await configurationStep.compensate(input, out.prior!, sb.ctx);
    expect((await web.listApplicationSettings(rg, name)).properties).toEqual(prior);
    const check = await configurationStep.verify(input, sb.ctx);
    expect(check.result).toBe("failure");
    expect(check.errorMessage).toContain("AZURE_STORAGEBLOB_CONNECTIONSTRING");
  });

  it("leaves a setting someone changed after us alone on compensation", async () => {
    const input = { sourceId: sb.ids.webApp!, settings: [{ name: "LW_PROBE", value: "ours" }] };
    const out = await configurationStep.apply(input, sb.ctx);
    const source = sourceAdapterFor(sb.ctx.clients, sb.ids.webApp!);
    await source.updateSettings({ upsert: [{ name: "LW_PROBE", value: "theirs" }], remove: [] });
    await configurationStep.compensate(input, out.prior!, sb.ctx);
    expect((await source.readSettings()).LW_PROBE).toBe("theirs");
  });

  it("stores a container app's secret as a secret referenced from the env var", async () => {
    const input = {
      sourceId: sb.ids.containerApp!, scope: "main",
      settings: [{ name: "AZURE_STORAGEBLOB_CONNECTIONSTRING", secretSource: { kind: "storageConnectionString" as const, storageAccountId: sb.ids.storageAccount! } }],
    };
    const out = await configurationStep.apply(input, sb.ctx);
    expect(out.changed).toBe(true);
    const p = parseResourceId(sb.ids.containerApp!)!;
    const app = await sb.ctx.clients.containerApps(p.subscriptionId).containerApps.get(p.resourceGroup, p.names[0]!);
    const env = app.template!.containers!.find((c) => c.name === "main")!.env!;
    expect(env.find((e) => e.name === "AZURE_STORAGEBLOB_CONNECTIONSTRING")).toEqual({ name: "AZURE_STORAGEBLOB_CONNECTIONSTRING", secretRef: "azure-storageblob-connectionstring" });
    expect((await configurationStep.verify(input, sb.ctx)).result).toBe("success");
    await configurationStep.compensate(input, out.prior!, sb.ctx);
    expect((await configurationStep.verify(input, sb.ctx)).result).toBe("failure");
  });
});

describe("firewall step", () => {
  it("adds the source's outbound IPs to a closed storage firewall and removes exactly those", async () => {
    const p = parseResourceId(sb.ids.storageAccount!)!;
    const accounts = sb.ctx.clients.storage(p.subscriptionId).storageAccounts;
    await accounts.update(p.resourceGroup, p.names[0]!, { networkRuleSet: { defaultAction: "Deny", bypass: "None" as never, ipRules: [{ iPAddressOrRange: "203.0.113.9", action: "Allow" }] } });
    const { outboundIps } = await sourceAdapterFor(sb.ctx.clients, sb.ids.webApp!).read();
    expect(outboundIps.length).toBeGreaterThan(0);
    const input = { targetId: `${sb.ids.storageAccount}/blobServices/default`, ips: outboundIps };
    expect((await firewallStep.verify(input, sb.ctx)).result).toBe("failure");
    const out = await firewallStep.apply(input, sb.ctx);
    expect(out.prior!.addedIps.sort()).toEqual([...new Set(outboundIps)].sort());
    expect((await firewallStep.verify(input, sb.ctx)).result).toBe("success");
    sb.resetCalls();
    expect((await firewallStep.apply(input, sb.ctx)).changed).toBe(false);
    expect(sb.writes()).toBe(0);
    await firewallStep.compensate(input, out.prior!, sb.ctx);
    const acls = (await accounts.getProperties(p.resourceGroup, p.names[0]!)).networkRuleSet!;
    expect(acls.ipRules!.map((r) => r.iPAddressOrRange)).toEqual(["203.0.113.9"]);
    await accounts.update(p.resourceGroup, p.names[0]!, { networkRuleSet: { defaultAction: "Allow", ipRules: [] } });
  });

  it("never names the caller's own client address in what it reports (dry-run previews and validation are shown to others)", async () => {
    // Review finding (session 4): a local connection's dry run stored "Allow 203.0.113.7 through the firewall…", which
    // anyone reading the resource group's dry runs saw: a developer's home address.
    const p = parseResourceId(sb.ids.storageAccount!)!;
    const accounts = sb.ctx.clients.storage(p.subscriptionId).storageAccounts;
    await accounts.update(p.resourceGroup, p.names[0]!, { networkRuleSet: { defaultAction: "Deny", bypass: "None" as never, ipRules: [] } });
    const input = { targetId: `${sb.ids.storageAccount}/blobServices/default`, ips: ["203.0.113.7"], callerIps: ["203.0.113.7"] };
    const planned = await firewallStep.plan(input, sb.ctx);
    const verified = await firewallStep.verify(input, sb.ctx);
    expect(planned.changes).toHaveLength(1);
    expect(JSON.stringify([planned, verified])).not.toContain("203.0.113.7");
    expect(planned.changes[0]).toContain("the caller's client address");
    await accounts.update(p.resourceGroup, p.names[0]!, { networkRuleSet: { defaultAction: "Allow", ipRules: [] } });
  });

  it("a firewall planned open (nobody checked for writing it) that closed meanwhile is not opened: it fails, writing nothing", async () => {
    const p = parseResourceId(sb.ids.storageAccount!)!;
    const accounts = sb.ctx.clients.storage(p.subscriptionId).storageAccounts;
    await accounts.update(p.resourceGroup, p.names[0]!, { networkRuleSet: { defaultAction: "Deny", bypass: "None" as never, ipRules: [] } });
    sb.resetCalls();
    const input = { targetId: sb.ids.storageAccount!, ips: ["203.0.113.0/24"], allowAzureServices: true, plannedOpen: true };
    await expect(firewallStep.apply(input, sb.ctx)).rejects.toMatchObject({ code: "AuthorizationFailed", message: expect.stringContaining("Microsoft.Storage/storageAccounts/write") });
    expect(sb.writes()).toBe(0);
    await accounts.update(p.resourceGroup, p.names[0]!, { networkRuleSet: { defaultAction: "Allow", ipRules: [] } });
  });
});

describe("Key Vault secret step", () => {
  it("stores the connection string in the vault, and compensation removes a secret it created", async () => {
    const p = parseResourceId(sb.ids.keyVault!)!;
    const vault = await sb.ctx.clients.keyVault(p.subscriptionId).vaults.get(p.resourceGroup, p.names[0]!);
    const vaultUri = vault.properties.vaultUri!;
    sb.te.emulator.assignRole(sb.te.emulator.seedResult!.linkwrightIdentity.principalId, "Key Vault Secrets Officer", sb.ids.keyVault!);
    const input = { vaultUri, secretName: "conn-blob", source: { kind: "storageConnectionString" as const, storageAccountId: sb.ids.storageAccount! } };
    const out = await secretStoreStep.apply(input, sb.ctx);
    expect(out).toMatchObject({ changed: true, prior: { existed: false } });
    expect(keyVaultReference(vaultUri, "conn-blob")).toBe(`@Microsoft.KeyVault(SecretUri=${vaultUri.replace(/\/$/, "")}/secrets/conn-blob/)`);
    expect((await secretStoreStep.verify(input, sb.ctx)).result).toBe("success");
    expect((await secretStoreStep.apply(input, sb.ctx)).changed).toBe(false);
    await secretStoreStep.compensate(input, out.prior!, sb.ctx);
    expect((await secretStoreStep.verify(input, sb.ctx)).errorCode).toBe("SecretNotFound");
  });
});
