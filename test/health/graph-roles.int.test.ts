// Role assignments through Resource Graph, with the real @azure/arm-resourcegraph client against the emulator:
// the `AuthorizationResources` table (row shape, principal filter, paging, RBAC), the resources query with the
// assignments joined in per source, queries outside the subset rejected, and collectSnapshot reading the assignments
// of principals no source row brings in a query of their own.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ResourceGraphClient } from "@azure/arm-resourcegraph";
import { collectSnapshot, emptyStats, graphQuery, roleAssignmentsQuery } from "../../src/health/collect.js";
import { confirmRoleAssignments } from "../../src/health/confirmRoles.js";
import { evaluateLinker } from "../../src/health/evaluate.js";
import { planReads } from "../../src/health/readPlan.js";
import { createRetryBudget } from "../../src/health/retry.js";
import { emptySnapshot, existenceId } from "../../src/health/snapshot.js";
import { assignBlobRole, BLOB_DATA_CONTRIBUTOR, identityLinker, startHarness, type Harness } from "./harness.js";

let h: Harness;
let graph: ResourceGraphClient;
let raName: string;
beforeAll(async () => {
  h = await startHarness("healthgraph");
  graph = new ResourceGraphClient(h.t.credential, h.t.clientOptions);
  raName = await assignBlobRole(h);
});
afterAll(async () => { await h?.t.close(); });

type Row = Record<string, unknown> & { properties: Record<string, unknown> };

describe("Resource Graph AuthorizationResources (emulator)", () => {
  it("lists role assignments with Azure's row shape, filtered by principal through extend", async () => {
    const res = await graph.resources({
      subscriptions: [h.t.subscriptionId],
      query: "AuthorizationResources | where type =~ 'microsoft.authorization/roleassignments' " +
        `| extend principalId = tostring(properties.principalId), scope = tostring(properties.scope) | where principalId in~ ('${h.principalId.toUpperCase()}')`,
    });
    expect(res.totalRecords).toBe(1);
    const row = (res.data as Row[])[0]!;
    expect(row).toMatchObject({
      id: `${h.blob}/providers/Microsoft.Authorization/roleAssignments/${raName}`, name: raName, type: "microsoft.authorization/roleassignments",
      tenantId: h.t.emulator.tenantId, subscriptionId: h.t.subscriptionId, principalId: h.principalId, scope: h.blob,
    });
    expect(row.properties).toMatchObject({ principalId: h.principalId, principalType: "ServicePrincipal", scope: h.blob });
    expect(String(row.properties.roleDefinitionId)).toMatch(new RegExp(`/providers/Microsoft.Authorization/roleDefinitions/${BLOB_DATA_CONTRIBUTOR}$`));
    expect(typeof row.properties.createdOn).toBe("string");
    // Resources does not list role assignments.
    const inResources = await graph.resources({ subscriptions: [h.t.subscriptionId], query: "Resources | where type =~ 'microsoft.authorization/roleassignments'" });
    expect(inResources.totalRecords).toBe(0);
  });

  it("pages AuthorizationResources with $top and $skipToken, and shows only assignments the caller may read", async () => {
    const principals = Array.from({ length: 5 }, () => randomUUID());
    for (const p of principals) h.t.emulator.assignRole(p, "Reader", h.blob);
    const query = `${roleAssignmentsQuery(principals)} | project id, principalId, scope, roleDefinitionId | order by principalId asc`;
    const seen: string[] = [];
    let skipToken: string | undefined;
    let pages = 0;
    do {
      const res = await graph.resources({ subscriptions: [h.t.subscriptionId], query, options: { top: 2, ...(skipToken ? { skipToken } : {}) } });
      expect(res.totalRecords).toBe(5);
      seen.push(...(res.data as { principalId: string }[]).map((r) => r.principalId));
      skipToken = res.skipToken;
      pages++;
    } while (skipToken && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(principals.map((p) => p.toLowerCase()).sort());

    const nobody = h.t.emulator.principals.addServicePrincipal(`graph-nobody-${randomUUID()}`);
    const limited = new ResourceGraphClient(h.t.credentialFor(nobody.clientId!, nobody.clientSecret!), h.t.clientOptions);
    expect((await limited.resources({ subscriptions: [h.t.subscriptionId], query: roleAssignmentsQuery(principals) })).totalRecords).toBe(0);
  });

  it("joins each source row with its principal's assignments (one row per resource), null where there are none", async () => {
    const query = graphQuery([h.webApp, h.account], [h.principalId]);
    const res = await graph.resources({ subscriptions: [h.t.subscriptionId], query, options: { resultFormat: "objectArray" } });
    expect(res.totalRecords).toBe(2);
    const rows = res.data as (Row & { roleAssignments: { id: string; scope: string; roleDefinitionId: string }[] | null })[];
    const site = rows.find((r) => existenceId(String(r.id)) === existenceId(h.webApp))!;
    expect(site.principalId).toBe(h.principalId.toLowerCase());
    expect(site.roleAssignments).toEqual([expect.objectContaining({ id: `${h.blob}/providers/Microsoft.Authorization/roleAssignments/${raName}`, scope: h.blob })]);
    expect(rows.find((r) => r !== site)!.roleAssignments).toBeNull();
  });

  it("rejects KQL outside the subset with 400 InvalidQuery", async () => {
    for (const query of [
      "AuthorizationResources | summarize count() by type",
      "Resources | join kind=fullouter (AuthorizationResources) on id",
      "Resources | join (AuthorizationResources) on id",
      "Resources | union (AuthorizationResources)",
      "PolicyResources",
      "Resources | extend x = strcat(id, 'a')",
    ]) {
      const err = await graph.resources({ query }).then(() => undefined, (e: { statusCode?: number }) => e);
      expect(err, query).toMatchObject({ statusCode: 400 });
      expect(JSON.stringify(err), query).toContain("InvalidQuery");
    }
  });
});

describe("collectSnapshot role assignments", () => {
  it("reads them in the resources query for a system-assigned principal: no query of their own, no Authorization call", async () => {
    const linker = identityLinker(h, "graph-mi");
    const stats = emptyStats();
    h.t.emulator.control.resetCalls();
    const snap = await collectSnapshot(planReads([linker]), { clients: h.clients, budget: createRetryBudget() }, stats);
    expect(stats).toMatchObject({ graphQueries: 1, roleAssignmentQueries: 0, roleAssignmentCalls: 0 });
    expect(h.t.emulator.control.calls().byOperation.filter((c) => /Authorization/.test(c.provider))).toEqual([]);
    expect(evaluateLinker(linker, snap).find((d) => d.name === "RoleAssignment")).toMatchObject({ result: "success" });
  });

  it("reads a principal no source row brings (no identity step, or the source's identity has another principal) with one AuthorizationResources query", async () => {
    const base = identityLinker(h, "graph-other");
    const applied = base.state!.applied!.filter((s) => s.step !== "identity");
    const noIdentity = { ...base, state: { ...base.state, applied } };
    const otherPrincipal = randomUUID();
    h.t.emulator.assignRole(otherPrincipal, BLOB_DATA_CONTRIBUTOR, h.account);
    const changed = identityLinker(h, "graph-changed");
    (changed.state!.applied![1]!.input as Record<string, unknown>).principalId = otherPrincipal;
    const stats = emptyStats();
    const plan = planReads([noIdentity, changed]);
    expect([...plan.principalHolders]).toEqual([[otherPrincipal.toLowerCase(), existenceId(h.webApp)]]);
    const snap = await collectSnapshot(plan, { clients: h.clients, budget: createRetryBudget() }, stats);
    expect(stats).toMatchObject({ graphQueries: 2, roleAssignmentQueries: 1, roleAssignmentCalls: 0 });
    expect(evaluateLinker(noIdentity, snap).find((d) => d.name === "RoleAssignment")).toMatchObject({ result: "success" });
    // Assigned at the account: the blob service inherits it.
    expect(evaluateLinker(changed, snap).find((d) => d.name === "RoleAssignment")).toMatchObject({ result: "success" });
  });

  it("a failed Graph read leaves the role check inconclusive; an assignment Graph missed is confirmed by a direct read", async () => {
    const linker = identityLinker(h, "graph-fail");
    h.t.emulator.control.addFault({ path: "Microsoft\\.ResourceGraph/resources", status: 500, times: 20 });
    try {
      const snap = await collectSnapshot(planReads([linker]), { clients: h.clients, budget: createRetryBudget({ maxRetries: 0 }) });
      expect(evaluateLinker(linker, snap).find((d) => d.name === "RoleAssignment")).toMatchObject({ result: "warning", errorCode: "CheckInconclusive" });
    } finally {
      h.t.emulator.control.clearRules();
    }
    // Graph's index lag: a snapshot without the assignment, but it exists.
    const lagging = emptySnapshot();
    for (const id of planReads([linker]).resourceIds) lagging.resources.set(id, { ok: true, value: { id, type: "", properties: {}, identity: { type: "SystemAssigned", principalId: h.principalId } } });
    lagging.roleAssignments.set(h.t.subscriptionId.toLowerCase(), { ok: true, value: [] });
    const details = evaluateLinker(linker, lagging);
    expect(details.find((d) => d.name === "RoleAssignment")!.result).toBe("failure");
    let calls = 0;
    const confirmed = await confirmRoleAssignments(linker, details, { clients: h.clients, sealer: undefined as never }, new Map(), () => { calls++; });
    expect(confirmed.find((d) => d.name === "RoleAssignment")!.result).toBe("success");
    expect(calls).toBe(1);
    await h.authz.roleAssignments.delete(h.blob, raName);
    const still = await confirmRoleAssignments(linker, details, { clients: h.clients, sealer: undefined as never });
    expect(still.find((d) => d.name === "RoleAssignment")).toMatchObject({ result: "failure", errorCode: "RoleAssignmentMissing" });
    raName = await assignBlobRole(h);
  });
});
