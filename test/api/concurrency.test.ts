import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blobLinker, createHarness, linkerPath, WEBAPP, type Harness } from "./harness.js";

let h: Harness;
beforeAll(async () => { h = await createHarness("apiconc"); });
afterAll(async () => { await h.close(); });

describe("concurrent writes through the router", () => {
  it("20 concurrent PUTs of distinct linkers on one source all land", async () => {
    const names = Array.from({ length: 20 }, (_, i) => `c${i}`);
    const responses = await Promise.all(names.map((n) => h.call("PUT", linkerPath(n), { body: blobLinker() })));
    expect(responses.map((r) => r.status)).toEqual(names.map(() => 201));
    const listed = await h.call("GET", `${WEBAPP}/providers/Microsoft.ServiceLinker/linkers`);
    expect((listed.body as { value: { name: string }[] }).value.map((l) => l.name).sort()).toEqual([...names].sort());
    expect(new Set(h.calls.map((c) => c.input.operationId)).size).toBe(20);
  });

  it("concurrent PUTs of the same linker: every accepted one started an operation and the last writer's operation is recorded", async () => {
    const responses = await Promise.all(["python", "java", "nodejs"].map((clientType) => h.call("PUT", linkerPath("same"), { body: blobLinker({ clientType }) })));
    for (const r of responses) expect([201, 409]).toContain(r.status);
    const accepted = responses.filter((r) => r.status === 201);
    expect(accepted.length).toBeGreaterThanOrEqual(1);
    const stored = await h.store.linkers.get(WEBAPP, "same");
    const started = h.calls.filter((c) => c.input.linkerName === "same").map((c) => c.input.operationId);
    expect(started).toContain(stored!.lastOperationId);
    expect(started.length).toBe(accepted.length);
  });
});
