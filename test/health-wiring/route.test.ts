// The healthHistory route through the real router (test/api/harness.ts: real auth, Tables store on Azurite) with a
// real health history table: 501 unwired, 404 for a missing linker, newest-first rows, $top paging with nextLink.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createHealthHistory, type HealthHistory, type HealthRecord } from "../../src/health/history.js";
import { createHarness, linkerPath, WEBAPP, BLOB, type Harness } from "../api/harness.js";

let h: Harness;
let history: HealthHistory;
const PREFIX = "lwhealthroute";

function row(linkerId: string, checkedAt: string, status: HealthRecord["status"]): HealthRecord {
  return {
    linkerId, checkedAt, status,
    failingChecks: status === "Unhealthy" ? ["RoleAssignment"] : [],
    validationDetail: [{ name: "RoleAssignment", description: "role", result: status === "Unhealthy" ? "failure" : "success" } as never],
    attribution: [],
  };
}

beforeAll(async () => {
  h = await createHarness(PREFIX);
  history = await createHealthHistory({ connectionString: inject("azurite").connectionString, tablePrefix: PREFIX, allowInsecureConnection: true });
});
afterAll(async () => { await h?.close(); });

describe("GET …/linkers/{name}/healthHistory", () => {
  it("answers 501 when health is not wired", async () => {
    const res = await h.call("GET", `${linkerPath("any")}/healthHistory`);
    expect(res.status).toBe(501);
    expect(res.body).toMatchObject({ error: { code: "NotImplemented" } });
  });

  it("404 for a missing linker, then newest-first rows with $top paging", async () => {
    Object.assign(h.deps, { health: { history } });
    expect((await h.call("GET", `${linkerPath("nope")}/healthHistory`)).status).toBe(404);

    const put = await h.call("PUT", linkerPath("hist1"), { body: { properties: { targetService: { type: "AzureResource", id: BLOB }, authInfo: { authType: "systemAssignedIdentity" } } } });
    expect(put.status).toBeLessThan(300);
    const id = `${WEBAPP}/providers/Microsoft.ServiceLinker/linkers/hist1`;
    await history.record(row(id, "2026-01-01T00:00:00.000Z", "Healthy"));
    await history.record(row(id, "2026-01-02T00:00:00.000Z", "Unhealthy"));
    await history.record(row(id, "2026-01-03T00:00:00.000Z", "Healthy"));

    const all = await h.call("GET", `${linkerPath("HIST1")}/healthHistory`);
    expect(all.status).toBe(200);
    const body = all.body as { value: HealthRecord[]; nextLink?: string };
    expect(body.value.map((r) => [r.checkedAt, r.status])).toEqual([
      ["2026-01-03T00:00:00.000Z", "Healthy"], ["2026-01-02T00:00:00.000Z", "Unhealthy"], ["2026-01-01T00:00:00.000Z", "Healthy"],
    ]);
    expect(body.value[1]).toMatchObject({ failingChecks: ["RoleAssignment"], validationDetail: [{ name: "RoleAssignment", result: "failure" }], attribution: [] });
    expect(body.nextLink).toBeUndefined();

    const first = await h.call("GET", `${linkerPath("hist1")}/healthHistory?$top=2`);
    const page1 = first.body as { value: HealthRecord[]; nextLink?: string };
    expect(page1.value).toHaveLength(2);
    const next = new URL(page1.nextLink!);
    expect(next.searchParams.get("$skipToken")).toBe("o2");
    const second = await h.call("GET", `${next.pathname}${next.search}`, { apiVersion: null });
    expect((second.body as { value: HealthRecord[] }).value.map((r) => r.checkedAt)).toEqual(["2026-01-01T00:00:00.000Z"]);
    expect((second.body as { nextLink?: string }).nextLink).toBeUndefined();

    expect((await h.call("GET", `${linkerPath("hist1")}/healthHistory?$skipToken=bogus`)).status).toBe(400);
    expect((await h.call("POST", `${linkerPath("hist1")}/healthHistory`)).status).toBe(405);
  });
});
