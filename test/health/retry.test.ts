// Retry budget (Retry-After honoured, bounded), attribution lookups per failing check, and the unindexed case — pure.
import { describe, expect, it } from "vitest";
import { createRetryBudget, retryAfterMs } from "../../src/health/retry.js";
import { attributionQueries, activityLogFilter, withAttribution } from "../../src/health/attribution.js";
import { evaluateLinker } from "../../src/health/evaluate.js";
import { existenceId } from "../../src/health/snapshot.js";
import { INCONCLUSIVE } from "../../src/health/types.js";
import { ACCOUNT, BLOB, SITE, healthySnapshot, linker } from "./fixtures.js";

function restError(statusCode: number, retryAfter?: string) {
  return Object.assign(new Error(`status ${statusCode}`), {
    statusCode, response: { headers: { get: (n: string) => (n.toLowerCase() === "retry-after" ? retryAfter : undefined) } },
  });
}

describe("createRetryBudget", () => {
  it("waits as Retry-After asks, and gives up when the budget is spent", async () => {
    const waits: number[] = [];
    const budget = createRetryBudget({ maxRetries: 3, sleep: async (ms) => { waits.push(ms); } });
    let calls = 0;
    await expect(budget.run("x", async () => { if (++calls < 3) throw restError(429, "2"); return "ok"; })).resolves.toBe("ok");
    expect(waits).toEqual([2000, 2000]);
    await expect(budget.run("y", async () => { throw restError(503, "0"); })).rejects.toThrow("status 503");
    expect(budget.retriesUsed).toBe(3);
  });

  it("never retries a non-transient error, and stops at the elapsed-time cap", async () => {
    let now = 0;
    const budget = createRetryBudget({ maxRetries: 100, maxElapsedMs: 5000, now: () => now, sleep: async (ms) => { now += ms; } });
    let calls = 0;
    await expect(budget.run("x", async () => { calls++; throw restError(404); })).rejects.toThrow();
    expect(calls).toBe(1);
    await expect(budget.run("y", async () => { throw restError(429, "3"); })).rejects.toThrow();
    expect(now).toBe(5000);
  });

  it("reads Retry-After as seconds or an HTTP date", () => {
    expect(retryAfterMs(restError(429, "7"), 0)).toBe(7000);
    expect(retryAfterMs(restError(429, new Date(10_000).toUTCString()), 4000)).toBe(6000);
    expect(retryAfterMs(restError(429), 0)).toBeUndefined();
  });
});

describe("attribution", () => {
  it("looks where each failing check's cause would be recorded", () => {
    const failing = ["RoleAssignment", "Configuration", "TargetExistence", "Network"].map((name) => ({ name, result: "failure" as const, description: "" }));
    const queries = attributionQueries(linker(), failing);
    expect(queries.map((q) => [q.check, q.resourceUri])).toEqual([
      ["RoleAssignment", BLOB], ["Configuration", SITE], ["TargetExistence", existenceId(ACCOUNT)], ["Network", existenceId(ACCOUNT)],
    ]);
    expect(queries[0]!.operations.test("Microsoft.Authorization/roleAssignments/delete")).toBe(true);
    expect(queries[1]!.operations.test("Microsoft.Web/sites/config/write")).toBe(true);
    expect(queries[1]!.operations.test("Microsoft.Web/sites/restart/action")).toBe(false);
  });

  it("finds the resource whose keys a planned secret comes from (the planner's template sources)", () => {
    const template = { kind: "template", template: "AccountKey={{lw-secret:accountKey}}", fetch: { resourceId: ACCOUNT, action: "listKeys", pick: [{ path: "keys[0].value", fact: "accountKey" }] } };
    const withSecret = linker({}, [
      { step: "secretStore", input: { vaultUri: "https://kv.vault.azure.net/", secretName: "s", source: template } },
      { step: "configuration", input: { sourceId: SITE, settings: [{ name: "AZURE_STORAGEBLOB_CONNECTIONSTRING", secretSource: template }] } },
    ]);
    const failing = ["SecretValidity", "KeyVaultSecret"].map((name) => ({ name, result: "failure" as const, description: "" }));
    const queries = attributionQueries(withSecret, failing);
    expect(queries.map((q) => [q.check, q.resourceUri])).toEqual([["SecretValidity", existenceId(ACCOUNT)], ["KeyVaultSecret", existenceId(ACCOUNT)]]);
    for (const q of queries) {
      expect(q.operations.test("Microsoft.Storage/storageAccounts/regenerateKey/action")).toBe(true);
      expect(q.operations.test("Microsoft.ServiceBus/namespaces/authorizationRules/regenerateKeys/action")).toBe(true);
      expect(q.operations.test("Microsoft.Storage/storageAccounts/listKeys/action")).toBe(false);
    }
  });

  it("builds an activity-log filter of the accepted form and appends the caller to the failure only", () => {
    expect(activityLogFilter("/s/x", new Date(0), new Date(1000))).toBe(
      "eventTimestamp ge '1970-01-01T00:00:00.000Z' and eventTimestamp le '1970-01-01T00:00:01.000Z' and resourceUri eq '/s/x'");
    const out = withAttribution(
      [{ name: "RoleAssignment", result: "failure", description: "d", errorMessage: "gone." }, { name: "Identity", result: "success", description: "d" }],
      [{ check: "RoleAssignment", resourceId: "/ra", caller: "bob@contoso.com", operationName: "Microsoft.Authorization/roleAssignments/delete", time: "2026-01-01T00:00:00.000Z" }]);
    expect(out[0]!.errorMessage).toBe("gone. Last change: Microsoft.Authorization/roleAssignments/delete on /ra by bob@contoso.com at 2026-01-01T00:00:00.000Z.");
    expect(out[1]).toEqual({ name: "Identity", result: "success", description: "d" });
  });
});

describe("resources Resource Graph has not indexed yet", () => {
  it("count as existing, with their property checks inconclusive", () => {
    const snap = healthySnapshot();
    snap.resources.set(existenceId(SITE), { ok: true, value: { id: SITE, type: "microsoft.web/sites", properties: {}, identity: null, unindexed: true } });
    const details = evaluateLinker(linker(), snap);
    expect(details.find((d) => d.name === "SourceExistence")!.result).toBe("success");
    expect(details.find((d) => d.name === "Identity")).toMatchObject({ result: "warning", errorCode: INCONCLUSIVE });
  });
});
