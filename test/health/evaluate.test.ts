// Pure check evaluation over snapshots: each check passes on a converged snapshot and fails — with its fix —
// on the drift it is about; unreadable data is inconclusive, never a failure.
import { describe, expect, it } from "vitest";
import { evaluateLinker } from "../../src/health/evaluate.js";
import { existenceId } from "../../src/health/snapshot.js";
import { statusOf, failingChecksOf, INCONCLUSIVE } from "../../src/health/types.js";
import { allowPropagation } from "../../src/health/revalidate.js";
import { planReads } from "../../src/health/readPlan.js";
import { graphQuery, roleAssignmentsQuery } from "../../src/health/collect.js";
import { ACCOUNT, CS, KEY1, KEY2, PRINCIPAL, SITE, SUB, healthySnapshot, linker } from "./fixtures.js";

const byName = <T extends { name: string }>(details: T[], name: string): T | undefined => details.find((d) => d.name === name);

describe("evaluateLinker", () => {
  it("reports every applied step as success on a converged snapshot", () => {
    const details = evaluateLinker(linker(), healthySnapshot());
    expect(details.map((d) => [d.name, d.result])).toEqual([
      ["SourceExistence", "success"], ["TargetExistence", "success"], ["Identity", "success"],
      ["RoleAssignment", "success"], ["Network", "success"], ["Configuration", "success"],
    ]);
    expect(statusOf(details)).toBe("Healthy");
  });

  it("stops at a missing target and says so", () => {
    const snap = healthySnapshot();
    snap.resources.set(existenceId(ACCOUNT), { ok: true, value: undefined });
    const details = evaluateLinker(linker(), snap);
    expect(details).toHaveLength(2);
    expect(byName(details, "TargetExistence")).toMatchObject({ result: "failure", errorCode: "TargetNotFound" });
  });

  it("fails the identity check when the identity is off or its principal changed", () => {
    const snap = healthySnapshot();
    snap.resources.set(existenceId(SITE), { ok: true, value: { id: SITE, type: "microsoft.web/sites", properties: {}, identity: { type: "None" } } });
    expect(byName(evaluateLinker(linker(), snap), "Identity")).toMatchObject({ result: "failure", errorCode: "IdentityNotEnabled" });
    snap.resources.set(existenceId(SITE), { ok: true, value: { id: SITE, type: "microsoft.web/sites", properties: {}, identity: { type: "SystemAssigned", principalId: "22222222-0000-0000-0000-000000000000" } } });
    const check = byName(evaluateLinker(linker(), snap), "Identity");
    expect(check).toMatchObject({ result: "failure", errorCode: "IdentityPrincipalChanged" });
    expect(check!.errorMessage).toContain(PRINCIPAL);
  });

  it("fails the role check with the az command to fix it when the assignment is gone", () => {
    const snap = healthySnapshot();
    snap.roleAssignments.set(SUB, { ok: true, value: [] });
    const check = byName(evaluateLinker(linker(), snap), "RoleAssignment");
    expect(check).toMatchObject({ result: "failure", errorCode: "RoleAssignmentMissing" });
    expect(check!.errorMessage).toContain("az role assignment create");
  });

  it("treats an assignment at a parent scope as effective, but not one for another role", () => {
    const snap = healthySnapshot();
    snap.roleAssignments.set(SUB, { ok: true, value: [{ scope: `/subscriptions/${SUB}`, principalId: PRINCIPAL, roleDefinitionId: "x/ba92f5b4-2d11-453d-a403-e96b0029c9fe" }] });
    expect(byName(evaluateLinker(linker(), snap), "RoleAssignment")!.result).toBe("success");
    snap.roleAssignments.set(SUB, { ok: true, value: [{ scope: ACCOUNT, principalId: PRINCIPAL, roleDefinitionId: "x/acdd72a7-3385-48ef-bd42-f606fba81ae7" }] });
    expect(byName(evaluateLinker(linker(), snap), "RoleAssignment")!.result).toBe("failure");
  });

  it("fails the network check naming the IPs the firewall no longer admits", () => {
    const snap = healthySnapshot();
    snap.resources.set(existenceId(ACCOUNT), { ok: true, value: { id: ACCOUNT, type: "microsoft.storage/storageaccounts", identity: null,
      properties: { networkAcls: { defaultAction: "Deny", ipRules: [{ value: "20.1.1.1" }] } } } });
    const check = byName(evaluateLinker(linker(), snap), "Network");
    expect(check).toMatchObject({ result: "failure", errorCode: "FirewallBlocksSource" });
    expect(check!.errorMessage).toContain("20.1.1.2");
    expect(check!.errorMessage).not.toContain("20.1.1.1,");
  });

  it("reports missing and changed configuration keys separately", () => {
    const snap = healthySnapshot();
    snap.settings.set(`${SITE.toLowerCase()}|`, { ok: true, value: { OTHER: "x" } });
    const missing = byName(evaluateLinker(linker(), snap), "Configuration");
    expect(missing).toMatchObject({ result: "failure", errorCode: "ConfigurationMissing" });
    expect(missing!.errorMessage).toContain("Missing: AZURE_STORAGEBLOB_RESOURCEENDPOINT.");
    snap.settings.set(`${SITE.toLowerCase()}|`, { ok: true, value: { AZURE_STORAGEBLOB_RESOURCEENDPOINT: "https://elsewhere/" } });
    expect(byName(evaluateLinker(linker(), snap), "Configuration")).toMatchObject({ result: "failure", errorCode: "ConfigurationChanged" });
  });

  it("accepts a connection string made with either key and flags one made with a rotated key, without echoing it", () => {
    const secretLinker = linker({}, [{ step: "configuration", input: { sourceId: SITE, settings: [
      { name: "AZURE_STORAGEBLOB_CONNECTIONSTRING", secretSource: { kind: "storageConnectionString", storageAccountId: ACCOUNT } }] } }]);
    const snap = healthySnapshot();
    for (const key of [KEY1, KEY2]) {
      snap.settings.set(`${SITE.toLowerCase()}|`, { ok: true, value: { AZURE_STORAGEBLOB_CONNECTIONSTRING: CS(key) } });
      expect(byName(evaluateLinker(secretLinker, snap), "SecretValidity")!.result).toBe("success");
    }
    snap.settings.set(`${SITE.toLowerCase()}|`, { ok: true, value: { AZURE_STORAGEBLOB_CONNECTIONSTRING: CS("b2xkLWtleQ==") } });
    const check = byName(evaluateLinker(secretLinker, snap), "SecretValidity")!;
    expect(check).toMatchObject({ result: "failure", errorCode: "SecretInvalid" });
    expect(JSON.stringify(check)).not.toMatch(/b2xkLWtleQ==|a2V5/);
    expect(byName(evaluateLinker(secretLinker, snap), "Configuration")!.result).toBe("success");
  });

  it("checks that Key Vault references resolve", () => {
    const ref = "@Microsoft.KeyVault(SecretUri=https://kv1.vault.azure.net/secrets/conn/)";
    const kvLinker = linker({}, [{ step: "configuration", input: { sourceId: SITE, settings: [{ name: "CONN", value: ref }] } }]);
    const snap = healthySnapshot();
    snap.settings.set(`${SITE.toLowerCase()}|`, { ok: true, value: { CONN: ref } });
    expect(planReads([kvLinker]).secrets.map((s) => s.name)).toEqual(["conn"]);
    // Only a vault ARM reports is read: until the lookup says so the reference cannot be told, and a host no vault
    // has is a failure.
    expect(byName(evaluateLinker(kvLinker, snap), "KeyVaultReference")).toMatchObject({ result: "warning", errorCode: INCONCLUSIVE });
    snap.keyVaults.set("https://kv1.vault.azure.net", { ok: true, value: undefined });
    expect(byName(evaluateLinker(kvLinker, snap), "KeyVaultReference")).toMatchObject({ result: "failure", errorCode: "KeyVaultNotRecognized" });
    snap.keyVaults.set("https://kv1.vault.azure.net", { ok: true, value: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv1" });
    snap.keyVaultSecrets.set("https://kv1.vault.azure.net|conn", { ok: true, value: undefined });
    expect(byName(evaluateLinker(kvLinker, snap), "KeyVaultReference")).toMatchObject({ result: "failure", errorCode: "KeyVaultReferenceUnresolved" });
    snap.keyVaultSecrets.set("https://kv1.vault.azure.net|conn", { ok: true, value: "v" });
    expect(byName(evaluateLinker(kvLinker, snap), "KeyVaultReference")!.result).toBe("success");
  });

  it("makes checks whose reads failed inconclusive: status Unknown, no failing checks", () => {
    const snap = healthySnapshot();
    snap.roleAssignments.set(SUB, { ok: false, error: "429: TooManyRequests" });
    snap.settings.set(`${SITE.toLowerCase()}|`, { ok: false, error: "429: TooManyRequests" });
    const details = evaluateLinker(linker(), snap);
    expect(byName(details, "RoleAssignment")).toMatchObject({ result: "warning", errorCode: INCONCLUSIVE });
    expect(statusOf(details)).toBe("Unknown");
    expect(failingChecksOf(details)).toEqual([]);
  });

  it("treats a missing role assignment inside the propagation window as inconclusive", () => {
    const snap = healthySnapshot();
    snap.roleAssignments.set(SUB, { ok: true, value: [] });
    const l = linker({ systemData: { lastModifiedAt: "2026-01-01T00:00:00Z" } });
    const details = evaluateLinker(l, snap);
    const within = allowPropagation(l, details, Date.parse("2026-01-01T00:01:00Z"), 8 * 60_000);
    expect(statusOf(within)).toBe("Unknown");
    const after = allowPropagation(l, details, Date.parse("2026-01-01T00:09:00Z"), 8 * 60_000);
    expect(statusOf(after)).toBe("Unhealthy");
  });
});

describe("planReads", () => {
  it("shares reads across connections of one source and one target", () => {
    const a = linker();
    const b = linker({ id: `${SITE}/providers/Microsoft.ServiceLinker/linkers/blob2`, name: "blob2" });
    const plan = planReads([a, b]);
    expect(plan.resourceIds.sort()).toEqual([existenceId(ACCOUNT), existenceId(SITE)].sort());
    expect(plan.settings).toHaveLength(1);
    expect(plan.roleAssignments.get(SUB)).toHaveLength(1);
  });

  it("builds one Resource Graph query over the ids, quotes escaped", () => {
    expect(graphQuery(["/a/b", "/c'd"])).toBe("Resources | where id in~ ('/a/b', '/c\\'d') | project id, type, kind, properties, identity");
    expect(roleAssignmentsQuery(["P'1"])).toContain("| where principalId in~ ('p\\'1')");
  });
});
