// The /_sandbox control surface: injected faults (retried 429, surfaced 500, lost and slow answers), latency, hang-ups, counters,
// snapshot/restore, reset, seeding — in-process and over HTTP.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ResourceManagementClient } from "@azure/arm-resources";
import { RestError } from "@azure/core-rest-pipeline";
import { startTestEmulator, type TestEmulator } from "./support/emulator.js";
import { rawRequest } from "./support/raw.js";

let t: TestEmulator;
let client: ResourceManagementClient;
beforeAll(async () => {
  t = await startTestEmulator();
  client = new ResourceManagementClient(t.credential, t.subscriptionId, t.clientOptions);
  await client.resourceGroups.createOrUpdate("ctl", { location: "westus" });
});
beforeEach(() => { t.emulator.control.clearRules(); });
afterAll(async () => { await t?.close(); });

describe("faults", () => {
  it("an injected 429 with Retry-After is retried by the SDK, which then succeeds", async () => {
    const rule = t.emulator.control.addFault({ method: "GET", path: "/resourcegroups/ctl$", status: 429, retryAfter: 0, times: 2 });
    t.emulator.control.resetCalls();
    const rg = await client.resourceGroups.get("ctl");
    expect(rg.name).toBe("ctl");
    expect(t.emulator.control.rules().faults.find((f) => f.id === rule.id)?.hits).toBe(2);
  });

  it("an injected 500 ×N surfaces as RestError carrying the envelope's code once retries are exhausted", async () => {
    t.emulator.control.addFault({ method: "GET", path: "/resourcegroups/ctl$", status: 500, code: "InjectedFailure", message: "boom", times: 10 });
    const err = await client.resourceGroups.get("ctl").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RestError);
    expect((err as RestError).statusCode).toBe(500);
    expect((err as RestError).code).toBe("InjectedFailure");
    expect((err as RestError).message).toBe("boom");
    const hits = t.emulator.control.rules().faults[0].hits;
    expect(hits).toBe(4); // 1 + 3 retries
  });

  it("hang-up and timeout faults fail the request without wedging the server", async () => {
    t.emulator.control.addFault({ path: "/resourcegroups/ctl$", mode: "hangup" });
    const token = await t.emulator.tokenFor("admin");
    const hung = await rawRequest(t.endpoint, "GET", `/subscriptions/${t.subscriptionId}/resourcegroups/ctl?api-version=2025-04-01`, { token }).catch((e: Error) => e);
    expect(hung).toBeInstanceOf(Error);
    t.emulator.control.addFault({ path: "/resourcegroups/ctl$", mode: "timeout" });
    const timedOut = await rawRequest(t.endpoint, "GET", `/subscriptions/${t.subscriptionId}/resourcegroups/ctl?api-version=2025-04-01`, { token, timeoutMs: 300 }).catch((e: Error) => e);
    expect((timedOut as Error).message).toMatch(/timed out/);
    const ok = await rawRequest(t.endpoint, "GET", `/subscriptions/${t.subscriptionId}/resourcegroups/ctl?api-version=2025-04-01`, { token });
    expect(ok.status).toBe(200);
  });

  it("a lost answer: the write takes effect, the socket is dropped, and the SDK's retry writes it again", async () => {
    const rule = t.emulator.control.addFault({ method: "PATCH", path: "/resourcegroups/ctl$", mode: "lost" });
    t.emulator.control.resetCalls();
    const rg = await client.resourceGroups.update("ctl", { tags: { lost: "1" } });
    expect(rg.tags).toEqual({ lost: "1" });
    expect(t.emulator.control.rules().faults.find((f) => f.id === rule.id)?.hits).toBe(1);
    // Both the lost attempt and the retry reached the handler.
    expect(t.emulator.control.calls().writes).toBe(2);
  });

  it("a slow answer: the write takes effect at once, the answer comes delayMs late (past a client timeout)", async () => {
    t.emulator.control.addFault({ method: "PATCH", path: "/resourcegroups/ctl$", mode: "slow", delayMs: 800 });
    const token = await t.emulator.tokenFor("admin");
    const path = `/subscriptions/${t.subscriptionId}/resourcegroups/ctl?api-version=2025-04-01`;
    const timedOut = await rawRequest(t.endpoint, "PATCH", path, { token, body: JSON.stringify({ tags: { slow: "1" } }), timeoutMs: 200 }).catch((e: Error) => e);
    expect((timedOut as Error).message).toMatch(/timed out/);
    expect((await client.resourceGroups.get("ctl")).tags).toEqual({ slow: "1" });
    t.emulator.control.addFault({ method: "PATCH", path: "/resourcegroups/ctl$", mode: "slow", delayMs: 300 });
    const start = Date.now();
    const late = await rawRequest(t.endpoint, "PATCH", path, { token, body: JSON.stringify({ tags: { slow: "2" } }) });
    expect(late.status).toBe(200);
    expect(Date.now() - start).toBeGreaterThanOrEqual(290);
  });

  it("a rule with a plane applies to that data plane's requests only", () => {
    t.emulator.control.addFault({ plane: "^keyvault:", path: "^/secrets/", status: 500, times: 1 });
    expect(t.emulator.control.rules().faults[0]).toMatchObject({ plane: "^keyvault:", hits: 0 });
  });

  it("injected latency delays matching requests only", async () => {
    t.emulator.control.addLatency({ method: "GET", path: "/resourcegroups/ctl$", ms: 300 });
    const start = Date.now();
    await client.resourceGroups.get("ctl");
    expect(Date.now() - start).toBeGreaterThanOrEqual(290);
    const s2 = Date.now();
    await client.resourceGroups.checkExistence("other");
    expect(Date.now() - s2).toBeLessThan(290);
  });
});

describe("counters, snapshot, reset, seeding", () => {
  it("counts reads and writes by provider/type/operation", async () => {
    t.emulator.control.resetCalls();
    await client.resourceGroups.get("ctl");
    await client.resourceGroups.get("ctl");
    await client.resourceGroups.update("ctl", { tags: { x: "1" } });
    const calls = t.emulator.control.calls();
    expect(calls.reads).toBe(2);
    expect(calls.writes).toBe(1);
    expect(calls.byOperation).toEqual(expect.arrayContaining([
      expect.objectContaining({ provider: "Microsoft.Resources", type: "Microsoft.Resources/resourceGroups", operation: "Microsoft.Resources/subscriptions/resourceGroups/read", count: 2 }),
      expect.objectContaining({ operation: "Microsoft.Resources/subscriptions/resourceGroups/write", method: "PATCH", count: 1 }),
    ]));
  });

  it("restores a snapshot (incl. role assignments) and resets to the start state", async () => {
    const snap = t.emulator.control.snapshot();
    await client.resourceGroups.createOrUpdate("ctl-temp", { location: "westus" });
    t.emulator.assignRole(t.emulator.credentials.reader.objectId, "Contributor", `/subscriptions/${t.subscriptionId}`);
    t.emulator.control.restore(snap);
    expect((await client.resourceGroups.checkExistence("ctl-temp")).body).toBe(false);
    const reader = new ResourceManagementClient(t.readerCredential, t.subscriptionId, t.clientOptions);
    await expect(reader.resourceGroups.createOrUpdate("by-reader", { location: "westus" })).rejects.toMatchObject({ code: "AuthorizationFailed" });
  });

  it("serves the same functions over HTTP under /_sandbox without auth", async () => {
    const add = await rawRequest(t.endpoint, "POST", "/_sandbox/faults", { body: JSON.stringify({ method: "GET", path: "/resourcegroups/ctl$", status: 503, retryAfter: 0, times: 1 }) });
    expect(add.status).toBe(201);
    await client.resourceGroups.get("ctl"); // retried past the 503
    const rules = (await rawRequest(t.endpoint, "GET", "/_sandbox/rules")).json();
    expect(rules.faults[0]).toMatchObject({ status: 503, hits: 1 });
    const calls = (await rawRequest(t.endpoint, "GET", "/_sandbox/calls")).json();
    expect(calls.total).toBeGreaterThan(0);
    const seed = await rawRequest(t.endpoint, "POST", "/_sandbox/seed", { body: JSON.stringify({ resources: [{
      id: `/subscriptions/${t.subscriptionId}/resourceGroups/ctl/providers/Contoso.Widgets/widgets/seeded`, name: "seeded", type: "Contoso.Widgets/widgets", location: "westus" }] }) });
    expect(seed.status).toBe(204);
    const got = await client.resources.getById(`/subscriptions/${t.subscriptionId}/resourceGroups/ctl/providers/Contoso.Widgets/widgets/seeded`, "2020-01-01");
    expect(got.name).toBe("seeded");
    const reset = await rawRequest(t.endpoint, "POST", "/_sandbox/reset");
    expect(reset.status).toBe(204);
    expect((await client.resourceGroups.checkExistence("ctl")).body).toBe(false);
    const unknown = await rawRequest(t.endpoint, "GET", "/_sandbox/nothing");
    expect(unknown.json().error.code).toBe("NotFound");
    await client.resourceGroups.createOrUpdate("ctl", { location: "westus" });
  });
});
