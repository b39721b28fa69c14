// Loud failures: orchestrator exceptions, non-determinism, unimplemented action types and stalls.
import { afterEach, describe, expect, it } from "vitest";
import type { OrchestrationContext } from "durable-functions";
import type { DurableRuntime } from "../../sandbox/host/durable/index.js";
import { createTestBridge, type TestBridge } from "./support/bridge.js";
import { startTestRuntime } from "./support/runtime.js";

let runtime: DurableRuntime | undefined;
afterEach(async () => {
  await runtime?.stop();
  runtime = undefined;
});

describe("failures", () => {
  it("an uncaught activity failure fails the orchestration with the activity's message", async () => {
    ({ runtime } = await startTestRuntime({
      orchestrations: {
        Throws: function* (context: OrchestrationContext) {
          return yield context.df.callActivity("Bad", "x");
        },
      },
      activities: { Bad: () => { throw new Error("disk on fire"); } },
    }));
    const id = await runtime.startNew("Throws");
    const row = await runtime.waitForStatus(id, ["Completed", "Failed"], 10_000);
    expect(row.status).toBe("Failed");
    expect(JSON.parse(row.output!)).toContain("Orchestrator function 'Throws' failed: Activity function 'Bad' failed: disk on fire");
  });

  it("detects a non-deterministic orchestrator and names the expected and actual action", async () => {
    let useOtherActivity = false;
    const logs: string[] = [];
    ({ runtime } = await startTestRuntime(
      {
        orchestrations: {
          Flaky: function* (context: OrchestrationContext) {
            const name = useOtherActivity ? "Boom" : "Echo";
            const first = yield context.df.callActivity(name, "a");
            return first;
          },
        },
        activities: {
          Echo: (v) => {
            useOtherActivity = true; // the code "changes" while the activity runs
            return v;
          },
          Boom: (v) => v,
        },
      },
      { logs },
    ));
    const id = await runtime.startNew("Flaky");
    const row = await runtime.waitForStatus(id, ["Completed", "Failed"], 10_000);
    expect(row.status).toBe("Failed");
    expect(JSON.parse(row.output!)).toBe(
      "Non-deterministic orchestration detected: EventId 0 was TaskScheduled 'Echo' in history but the orchestrator now schedules TaskScheduled 'Boom'.",
    );
    expect(logs.some((l) => l.includes("Non-deterministic"))).toBe(true);
  });

  it("fails an instance that uses an unimplemented action type (CallHttp), naming the feature", async () => {
    ({ runtime } = await startTestRuntime({
      orchestrations: {
        UsesHttp: function* (context: OrchestrationContext) {
          return yield context.df.callHttp({ method: "GET", url: "http://127.0.0.1:1/never", enablePolling: false });
        },
      },
    }));
    const id = await runtime.startNew("UsesHttp");
    const row = await runtime.waitForStatus(id, ["Completed", "Failed"], 10_000);
    expect(row.status).toBe("Failed");
    expect(JSON.parse(row.output!)).toBe("Orchestrator action CallHttp (actionType 8) is not implemented by the sandbox durable host.");
  });

  it("fails a stalled instance: not done, yet nothing it waits for is pending", async () => {
    const inner = createTestBridge({});
    // An "orchestrator" that never finishes and returns no actions: the engine has nothing to wait for.
    const bridge: TestBridge = {
      ...inner,
      invoke: async () => ({ json: JSON.stringify({ isDone: false, actions: [[]], schemaVersion: 3 }) }),
      functions: () => [{ name: "Stuck", triggerType: "orchestrationTrigger" }],
    };
    ({ runtime } = await startTestRuntime({}, { bridge }));
    const id = await runtime.startNew("Stuck");
    const row = await runtime.waitForStatus(id, ["Completed", "Failed"], 10_000);
    expect(row.status).toBe("Failed");
    expect(JSON.parse(row.output!)).toMatch(/^Orchestration stalled: 'Stuck' is not done/);
  });

  it("terminates a waiting instance", async () => {
    ({ runtime } = await startTestRuntime({
      orchestrations: {
        Waits: function* (context: OrchestrationContext) {
          return yield context.df.waitForExternalEvent("never");
        },
      },
    }));
    const id = await runtime.startNew("Waits");
    await runtime.waitForStatus(id, ["Running"], 5_000);
    const res = await runtime.handleHttp({ method: "POST", url: `http://127.0.0.1:7071/runtime/webhooks/durabletask/instances/${id}/terminate?reason=enough`, headers: {}, body: Buffer.alloc(0) });
    expect(res?.status).toBe(202);
    const row = await runtime.waitForStatus(id, ["Terminated"], 10_000);
    expect(JSON.parse(row.output!)).toBe("enough");
  });

  it("fails an instance whose activity result is too large for the table store, naming the limit", async () => {
    ({ runtime } = await startTestRuntime({
      orchestrations: {
        BigResult: function* (context: OrchestrationContext) {
          return yield context.df.callActivity("Big", null);
        },
      },
      activities: { Big: () => "x".repeat(40_000) },
    }));
    const id = await runtime.startNew("BigResult");
    const row = await runtime.waitForStatus(id, ["Completed", "Failed"], 10_000);
    expect(row.status).toBe("Failed");
    expect(JSON.parse(row.output!)).toMatch(/^Orchestration 'BigResult' failed: durable store: a value of \d+ characters exceeds the 30000-character table property limit/);
  });
});
