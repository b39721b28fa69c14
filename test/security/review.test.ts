// Findings of an adversarial review of caller authorization, each as the request that showed it (refused now):
//  - an update whose cleanup would undo, with linkwright's identity, what the caller may not undo itself (the previous
//    target's role assignment);
//  - a dry run whose previews answered, with linkwright's reads, questions about resources the caller may not touch
//    (whether a guessed secret equals the one in a vault it cannot read);
//  - a subscription-wide loop scan telling a caller without rights how many functions and bindings there are.
import { SecretClient } from "@azure/keyvault-secrets";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSecuritySandbox, type SecuritySandbox } from "./support.js";

let s: SecuritySandbox;
let ids: Record<string, string>;
let team: string;
const blobOf = (account: string) => `${account}/blobServices/default`;
const linker = (source: string, name: string) => `${source}/providers/Microsoft.ServiceLinker/linkers/${name}`;
const systemIdentityTo = (target: string) => ({ targetService: { type: "AzureResource", id: target }, authInfo: { authType: "systemAssignedIdentity" }, clientType: "nodejs" });

beforeAll(async () => {
  s = await startSecuritySandbox();
  ids = s.ids;
  team = await s.armToken(s.lw.te.emulator.seedResult!.team.objectId);
}, 120_000);
afterAll(async () => { await s?.stop(); });

function assignmentsAt(scope: string): string[] {
  return s.lw.te.emulator.store.list(scope, "Microsoft.Authorization/roleAssignments").map((r) => r.id);
}

describe("an update's cleanup is authorized as its caller", () => {
  it("moving another's connection off a target the caller may not touch: 403 naming the role assignment's delete there; it stays", async () => {
    const created = await s.lw.putLinker(ids.webApp!, "adminconn", systemIdentityTo(blobOf(ids.otherStorageAccount!)));
    expect(created.status.status).toBe("Succeeded");
    const before = assignmentsAt(blobOf(ids.otherStorageAccount!));
    expect(before.length).toBeGreaterThan(0);
    const r = await s.call("direct", team, "PUT", linker(ids.webApp!, "adminconn"), { properties: systemIdentityTo(blobOf(ids.storageAccount!)) });
    expect(r.status, JSON.stringify(r.json)).toBe(403);
    expect(JSON.stringify(r.json.error)).toContain("Microsoft.Authorization/roleAssignments/delete");
    expect(JSON.stringify(r.json.error).toLowerCase()).toContain(blobOf(ids.otherStorageAccount!).toLowerCase());
    await new Promise((res) => setTimeout(res, 400));
    expect(assignmentsAt(blobOf(ids.otherStorageAccount!))).toEqual(before);
  });
});

describe("a dry run answers nothing about scopes the caller lacks permissions at", () => {
  it("a guessed secret in a vault the caller cannot read: the same answer whether the guess is right or wrong", async () => {
    const arm = s.lw.te.emulator;
    arm.assignRole(arm.seedResult!.linkwrightIdentity.principalId, "Key Vault Secrets Officer", ids.keyVault!);
    const vaultUri = (arm.store.get(ids.keyVault!)!.properties as { vaultUri: string }).vaultUri;
    await new SecretClient(vaultUri, s.lw.te.credential, { disableChallengeResourceVerification: true }).setSecret("db-password", "hunter2");
    const dry = async (name: string, guess: string) => {
      const r = await s.call("direct", team, "PUT", `${ids.webApp}/providers/Microsoft.ServiceLinker/dryruns/${name}`, { properties: { parameters: {
        actionName: "createOrUpdate", targetService: { type: "AzureResource", id: ids.postgresDatabase }, clientType: "nodejs",
        authInfo: { authType: "secret", name: "x", secretInfo: { secretType: "rawValue", value: guess } },
        secretStore: { keyVaultId: ids.keyVault, keyVaultSecretName: "db-password" }, publicNetworkSolution: { action: "optOut" },
      } } });
      expect(r.status, JSON.stringify(r.json)).toBe(200);
      return r.json.properties as { operationPreviews: { scope: string }[]; prerequisiteResults: unknown[] };
    };
    const right = await dry("guess1", "hunter2");
    const wrong = await dry("guess2", "password1");
    expect(JSON.stringify(wrong.operationPreviews)).toBe(JSON.stringify(right.operationPreviews));
    expect(right.operationPreviews.some((p) => p.scope.toLowerCase().startsWith(ids.keyVault!.toLowerCase()))).toBe(false);
    expect(right.prerequisiteResults).toEqual(expect.arrayContaining([expect.objectContaining({ type: "permissionsMissing", scope: ids.keyVault })]));
  });
});

describe("detectLoops for a caller who may list no app's settings", () => {
  it("tells it nothing about the subscription's apps, functions or bindings", async () => {
    const arm = s.lw.te.emulator;
    const nobody = arm.principals.addServicePrincipal("no-roles-anywhere");
    const token = await s.armToken(nobody.objectId);
    const r = await s.call("direct", token, "POST", `/subscriptions/${s.lw.te.subscriptionId}/providers/Microsoft.ServiceLinker/detectLoops`, {});
    expect(r.status).toBe(200);
    expect(r.json.findings).toEqual([]);
    expect(r.json.stats.apps).toBe(0);
    expect(r.json.stats.functions).toBeUndefined();
    expect(r.json.stats.edges).toBeUndefined();
  });
});
