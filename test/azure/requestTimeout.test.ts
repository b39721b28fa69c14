// The client factory's per-attempt timeout (LINKWRIGHT_REQUEST_TIMEOUT_MS → requestTimeoutInMs): the Azure SDKs set
// none, so an answer that never comes would hold an activity forever; with the option an attempt is abandoned.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createArmClients } from "../../src/azure/clients.js";
import { readAzureSettings } from "../../src/config/settings.js";
import { startTestEmulator, type TestEmulator } from "../sandbox-arm/support/emulator.js";

let t: TestEmulator;
beforeAll(async () => { t = await startTestEmulator(); });
afterAll(async () => { await t?.close(); });

const clients = (requestTimeoutInMs?: number, maxRetries = 0) => createArmClients({
  credential: t.credential, armEndpoint: t.endpoint, armAudience: t.endpoint, maxRetries, maxRetryDelayInMs: 50,
  ...(requestTimeoutInMs ? { requestTimeoutInMs } : {}),
});

describe("request timeout", () => {
  it("is unset by default, and read from LINKWRIGHT_REQUEST_TIMEOUT_MS", () => {
    expect(readAzureSettings({}).requestTimeoutMs).toBeUndefined();
    expect(readAzureSettings({ LINKWRIGHT_REQUEST_TIMEOUT_MS: "2500" }).requestTimeoutMs).toBe(2500);
    expect(() => readAzureSettings({ LINKWRIGHT_REQUEST_TIMEOUT_MS: "soon" })).toThrow(/LINKWRIGHT_REQUEST_TIMEOUT_MS/);
  });

  it("abandons an attempt whose answer is later than the timeout; without it the client waits", async () => {
    t.emulator.control.addFault({ method: "GET", path: "/resourcegroups$", mode: "slow", delayMs: 1_000, times: 2 });
    const started = Date.now();
    const err = await clients(300).resources(t.subscriptionId).resourceGroups.list().next().catch((e: unknown) => e);
    expect(err).toMatchObject({ name: "RestError", code: "ETIMEDOUT" });
    expect(Date.now() - started).toBeLessThan(900);
    await clients().resources(t.subscriptionId).resourceGroups.list().next();
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
  });

  it("retries a timed-out attempt as a dropped connection: the write lands, the caller gets its answer", async () => {
    const arm = clients(300, 2).resources(t.subscriptionId).resourceGroups;
    await arm.createOrUpdate("timeouts", { location: "westus" });
    const rule = t.emulator.control.addFault({ method: "PATCH", path: "/resourcegroups/timeouts$", mode: "slow", delayMs: 1_000 });
    const updated = await arm.update("timeouts", { tags: { late: "yes" } });
    expect(updated.tags).toEqual({ late: "yes" });
    expect(t.emulator.control.rules().faults.find((f) => f.id === rule.id)?.hits).toBe(1);
  });
});
