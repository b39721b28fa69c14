// Golden EventId sequences: histories the engine produces by running the real durable-functions code must equal
// the hand-built histories of Azure/azure-functions-durable-js test/testobjects/testhistories.ts (cited per test).
import { afterEach, describe, expect, it } from "vitest";
import * as df from "durable-functions";
import type { OrchestrationContext } from "durable-functions";
import { FakeClock } from "../../sandbox/clock.js";
import type { DurableRuntime } from "../../sandbox/host/durable/index.js";
import { sequence, startTestRuntime } from "./support/runtime.js";

let runtime: DurableRuntime | undefined;
afterEach(async () => {
  await runtime?.stop();
  runtime = undefined;
});

describe("golden histories", () => {
  it("sequence = TestHistories.GetHelloSequenceReplayFinal", async () => {
    ({ runtime } = await startTestRuntime({
      orchestrations: {
        SayHelloSequence: function* (context: OrchestrationContext) {
          const out = [];
          out.push(yield context.df.callActivity("Hello", "Tokyo"));
          out.push(yield context.df.callActivity("Hello", "Seattle"));
          out.push(yield context.df.callActivity("Hello", "London"));
          return out;
        },
      },
      activities: { Hello: (name) => `Hello ${name as string}!` },
    }));
    const id = await runtime.startNew("SayHelloSequence", { instanceId: "seq1" });
    const row = await runtime.waitForStatus(id, ["Completed", "Failed"], 10_000);
    expect(row.status).toBe("Completed");
    expect(JSON.parse(row.output!)).toEqual(["Hello Tokyo!", "Hello Seattle!", "Hello London!"]);
    const { history } = (await runtime.readInstance(id))!;
    // GetHelloSequenceReplayFinal, then the final episode's completion markers.
    expect(sequence(history)).toEqual([
      "OrchestratorStarted", "ExecutionStarted", "TaskScheduled#0", "OrchestratorCompleted",
      "OrchestratorStarted", "TaskCompleted(->0)", "TaskScheduled#1", "OrchestratorCompleted",
      "OrchestratorStarted", "TaskCompleted(->1)", "TaskScheduled#2", "OrchestratorCompleted",
      "OrchestratorStarted", "TaskCompleted(->2)", "OrchestratorCompleted", "ExecutionCompleted",
    ]);
    expect(history.filter((e) => e.EventType === 4).map((e) => [e.Name, e.Input])).toEqual([
      ["Hello", JSON.stringify("Tokyo")], ["Hello", JSON.stringify("Seattle")], ["Hello", JSON.stringify("London")],
    ]);
  });

  it("fan-out/fan-in = TestHistories.GetFanOutFanInDiskUsageComplete", async () => {
    const files = ["a.txt", "b.txt", "c.txt"];
    ({ runtime } = await startTestRuntime({
      orchestrations: {
        FanOutFanInDiskUsage: function* (context: OrchestrationContext) {
          const list = (yield context.df.callActivity("GetFileList", "C:\\Dev")) as string[];
          const sizes = (yield context.df.Task.all(list.map((f) => context.df.callActivity("GetFileSize", f)))) as number[];
          return sizes.reduce((a, b) => a + b, 0);
        },
      },
      activities: { GetFileList: () => files, GetFileSize: (f) => (f as string).length * 10 },
    }));
    const id = await runtime.startNew("FanOutFanInDiskUsage");
    const row = await runtime.waitForStatus(id, ["Completed", "Failed"], 10_000);
    expect(row.status).toBe("Completed");
    expect(JSON.parse(row.output!)).toBe(150);
    const events = sequence((await runtime.readInstance(id))!.history, { episodes: false });
    // GetFanOutFanInDiskUsageComplete without episode markers: GetFileList #0, then GetFileSize #1..#3 scheduled
    // together; the fan-in completions may arrive in any order and batching.
    expect(events.slice(0, 7)).toEqual(["ExecutionStarted", "TaskScheduled#0", "TaskCompleted(->0)", "TaskScheduled#1", "TaskScheduled#2", "TaskScheduled#3", events[6]]);
    expect(events.slice(6, 9).sort()).toEqual(["TaskCompleted(->1)", "TaskCompleted(->2)", "TaskCompleted(->3)"]);
    expect(events.slice(9)).toEqual(["ExecutionCompleted"]);
  });

  it("retry twice then succeed = TestHistories.GetSayHelloWithActivityRetryRetryTwo (+ the third attempt)", async () => {
    let attempts = 0;
    ({ runtime } = await startTestRuntime({
      orchestrations: {
        SayHelloWithActivityRetry: function* (context: OrchestrationContext) {
          return yield context.df.callActivityWithRetry("Hello", new df.RetryOptions(10, 3), "World");
        },
      },
      activities: {
        Hello: (name) => {
          attempts++;
          if (attempts <= 2) throw new Error(`attempt ${attempts} failed`);
          return `Hello ${name as string}!`;
        },
      },
    }));
    const id = await runtime.startNew("SayHelloWithActivityRetry");
    const row = await runtime.waitForStatus(id, ["Completed", "Failed"], 10_000);
    expect(row.status).toBe("Completed");
    expect(JSON.parse(row.output!)).toBe("Hello World!");
    const { history } = (await runtime.readInstance(id))!;
    expect(sequence(history)).toEqual([
      "OrchestratorStarted", "ExecutionStarted", "TaskScheduled#0", "OrchestratorCompleted",
      "OrchestratorStarted", "TaskFailed(->0)", "TimerCreated#1", "OrchestratorCompleted",
      "OrchestratorStarted", "TimerFired(->1)", "TaskScheduled#2", "OrchestratorCompleted",
      "OrchestratorStarted", "TaskFailed(->2)", "TimerCreated#3", "OrchestratorCompleted",
      "OrchestratorStarted", "TimerFired(->3)", "TaskScheduled#4", "OrchestratorCompleted",
      "OrchestratorStarted", "TaskCompleted(->4)", "OrchestratorCompleted", "ExecutionCompleted",
    ]);
    expect(history.find((e) => e.EventType === 6)?.Reason).toBe("Activity function 'Hello' failed: attempt 1 failed");
  });

  it("a timer after the last failed attempt, then the failure (DTFx RetryInterceptor)", async () => {
    ({ runtime } = await startTestRuntime({
      orchestrations: {
        AlwaysFails: function* (context: OrchestrationContext) {
          return yield context.df.callActivityWithRetry("Boom", new df.RetryOptions(5, 2), null);
        },
      },
      activities: { Boom: () => { throw new Error("boom"); } },
    }));
    const id = await runtime.startNew("AlwaysFails");
    const row = await runtime.waitForStatus(id, ["Completed", "Failed"], 10_000);
    expect(row.status).toBe("Failed");
    expect(row.output).toContain("Activity function 'Boom' failed: boom");
    expect(sequence((await runtime.readInstance(id))!.history, { episodes: false })).toEqual([
      "ExecutionStarted", "TaskScheduled#0", "TaskFailed(->0)", "TimerCreated#1", "TimerFired(->1)",
      "TaskScheduled#2", "TaskFailed(->2)", "TimerCreated#3", "TimerFired(->3)", "ExecutionCompleted",
    ]);
  });

  it("long timer chaining = TestHistories.GetWaitOnTimerFired (10 days: 3d + 3d + 4d)", async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 1));
    const start = clock.now();
    const fireAt = new Date(start + 10 * 24 * 3600_000);
    ({ runtime } = await startTestRuntime(
      {
        orchestrations: {
          WaitOnTimer: function* (context: OrchestrationContext) {
            yield context.df.createTimer(new Date(context.df.getInput() as string));
            return context.df.currentUtcDateTime.toISOString();
          },
        },
      },
      { clock },
    ));
    const id = await runtime.startNew("WaitOnTimer", { input: fireAt.toISOString() });
    for (let i = 0; i < 5; i++) {
      const timer = await pendingTimer(runtime, id);
      if (!timer) break;
      await clock.advance(timer.fireAt - clock.now());
      await timerFired(runtime, id, timer.id);
    }
    const row = await runtime.waitForStatus(id, ["Completed", "Failed"], 10_000);
    expect(row.status).toBe("Completed");
    const { history } = (await runtime.readInstance(id))!;
    expect(sequence(history, { episodes: false })).toEqual([
      "ExecutionStarted", "TimerCreated#0", "TimerFired(->0)", "TimerCreated#1", "TimerFired(->1)", "TimerCreated#2", "TimerFired(->2)", "ExecutionCompleted",
    ]);
    const day = 24 * 3600_000;
    expect(history.filter((e) => e.EventType === 10).map((e) => Date.parse(e.FireAt!) - start)).toEqual([3 * day, 6 * day, 10 * day]);
    expect(JSON.parse(row.output!)).toBe(fireAt.toISOString());
  });

  it("sub-orchestration = TestHistories.GetSayHelloWithSubOrchestratorReplayOne", async () => {
    ({ runtime } = await startTestRuntime({
      orchestrations: {
        SayHelloWithSubOrchestrator: function* (context: OrchestrationContext) {
          return yield context.df.callSubOrchestrator("SayHelloWithActivity", "World", "sub-1");
        },
        SayHelloWithActivity: function* (context: OrchestrationContext) {
          return yield context.df.callActivity("Hello", context.df.getInput());
        },
      },
      activities: { Hello: (name) => `Hello ${name as string}!` },
    }));
    const id = await runtime.startNew("SayHelloWithSubOrchestrator", { instanceId: "parent-1" });
    const row = await runtime.waitForStatus(id, ["Completed", "Failed"], 10_000);
    expect(row.status).toBe("Completed");
    expect(JSON.parse(row.output!)).toBe("Hello World!");
    const { history } = (await runtime.readInstance(id))!;
    expect(sequence(history)).toEqual([
      "OrchestratorStarted", "ExecutionStarted", "SubOrchestrationInstanceCreated#0", "OrchestratorCompleted",
      "OrchestratorStarted", "SubOrchestrationInstanceCompleted(->0)", "OrchestratorCompleted", "ExecutionCompleted",
    ]);
    expect(history[2]!.InstanceId).toBe("sub-1");
    const child = (await runtime.readInstance("sub-1"))!;
    expect(child.row.status).toBe("Completed");
    expect(child.row.parent?.instanceId).toBe("parent-1");
  });

  it("sub-orchestration retry = TestHistories.GetSayHelloWithSubOrchestratorRetryRetryOne (+ the successful attempt)", async () => {
    let childRuns = 0;
    ({ runtime } = await startTestRuntime({
      orchestrations: {
        SayHelloWithSubOrchestratorRetry: function* (context: OrchestrationContext) {
          return yield context.df.callSubOrchestratorWithRetry("FlakyChild", new df.RetryOptions(10, 3), "World", "sub-retry");
        },
        FlakyChild: function* (context: OrchestrationContext) {
          const greeting = (yield context.df.callActivity("Count", context.df.getInput())) as { run: number; text: string };
          if (greeting.run === 1) throw new Error("child failed once");
          return greeting.text;
        },
      },
      activities: { Count: (name) => ({ run: ++childRuns, text: `Hello ${name as string}!` }) },
    }));
    const id = await runtime.startNew("SayHelloWithSubOrchestratorRetry");
    const row = await runtime.waitForStatus(id, ["Completed", "Failed"], 10_000);
    expect(row.status).toBe("Completed");
    expect(JSON.parse(row.output!)).toBe("Hello World!");
    const { history } = (await runtime.readInstance(id))!;
    expect(sequence(history, { episodes: false })).toEqual([
      "ExecutionStarted", "SubOrchestrationInstanceCreated#0", "SubOrchestrationInstanceFailed(->0)", "TimerCreated#1", "TimerFired(->1)",
      "SubOrchestrationInstanceCreated#2", "SubOrchestrationInstanceCompleted(->2)", "ExecutionCompleted",
    ]);
    expect(history.filter((e) => e.EventType === 7).map((e) => e.InstanceId)).toEqual(["sub-retry", "sub-retry"]);
  });

  it("Task.any race, activity wins = TestHistories.GetTimerActivityRaceActivityWinsHistory", async () => {
    ({ runtime } = await startTestRuntime({
      orchestrations: {
        TimerActivityRace: function* (context: OrchestrationContext) {
          const timer = context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 300));
          const activity = context.df.callActivity("TaskA");
          const winner = yield context.df.Task.any([timer, activity]);
          if (winner !== activity) return "Timer finished";
          yield context.df.callActivity("TaskB");
          return "TaskB done";
        },
      },
      activities: {
        TaskA: () => ({}),
        TaskB: async () => {
          await new Promise((r) => setTimeout(r, 800));
          return {};
        },
      },
    }));
    const id = await runtime.startNew("TimerActivityRace");
    const row = await runtime.waitForStatus(id, ["Completed", "Failed"], 10_000);
    expect(JSON.parse(row.output!)).toBe("TaskB done");
    // The timer (not canceled by this orchestrator) still fires while TaskB runs, as in iteration 3 of the golden history.
    expect(sequence((await runtime.readInstance(id))!.history, { episodes: false })).toEqual([
      "ExecutionStarted", "TimerCreated#0", "TaskScheduled#1", "TaskCompleted(->1)", "TaskScheduled#2", "TimerFired(->0)", "TaskCompleted(->2)", "ExecutionCompleted",
    ]);
  });

  it("a Task.any loser awaited on its own afterwards completes (no duplicate scheduling, no false stall)", async () => {
    ({ runtime } = await startTestRuntime({
      orchestrations: {
        AnyThenEach: function* (context: OrchestrationContext) {
          const fast = context.df.callActivity("TaskA");
          const slow = context.df.callActivity("TaskB");
          yield context.df.Task.any([fast, slow]);
          const a: unknown = yield fast;
          const then: unknown = yield context.df.callActivity("TaskA");
          const b: unknown = yield slow;
          return [a, then, b];
        },
      },
      activities: {
        TaskA: () => "a",
        TaskB: async () => {
          await new Promise((r) => setTimeout(r, 600));
          return "b";
        },
      },
    }));
    const id = await runtime.startNew("AnyThenEach");
    const row = await runtime.waitForStatus(id, ["Completed", "Failed"], 10_000);
    expect(row.status).toBe("Completed");
    expect(JSON.parse(row.output!)).toEqual(["a", "a", "b"]);
    expect(sequence((await runtime.readInstance(id))!.history, { episodes: false })).toEqual([
      "ExecutionStarted", "TaskScheduled#0", "TaskScheduled#1", "TaskCompleted(->0)", "TaskScheduled#2", "TaskCompleted(->2)", "TaskCompleted(->1)", "ExecutionCompleted",
    ]);
  });

  it("a timer canceled after Task.any never fires", async () => {
    ({ runtime } = await startTestRuntime({
      orchestrations: {
        CancelRace: function* (context: OrchestrationContext) {
          const timer = context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 300));
          const activity = context.df.callActivity("TaskA");
          yield context.df.Task.any([timer, activity]);
          timer.cancel();
          yield context.df.callActivity("TaskB");
          return "done";
        },
      },
      activities: {
        TaskA: () => ({}),
        TaskB: async () => {
          await new Promise((r) => setTimeout(r, 800));
          return {};
        },
      },
    }));
    const id = await runtime.startNew("CancelRace");
    await runtime.waitForStatus(id, ["Completed", "Failed"], 10_000);
    expect(sequence((await runtime.readInstance(id))!.history, { episodes: false })).toEqual([
      "ExecutionStarted", "TimerCreated#0", "TaskScheduled#1", "TaskCompleted(->1)", "TaskScheduled#2", "TaskCompleted(->2)", "ExecutionCompleted",
    ]);
  });

  it("continueAsNew = TestHistories.GetOrchestratorStart('ContinueAsNewCounter') per execution", async () => {
    ({ runtime } = await startTestRuntime({
      orchestrations: {
        ContinueAsNewCounter: function* (context: OrchestrationContext) {
          const value = ((context.df.getInput() as { value: number } | null)?.value ?? 0) + 1;
          if (value < 6) {
            context.df.continueAsNew({ value });
            return undefined;
          }
          return value;
        },
      },
    }));
    const id = await runtime.startNew("ContinueAsNewCounter", { input: { value: 0 } });
    const row = await runtime.waitForStatus(id, ["Completed", "Failed"], 10_000);
    expect(row.status).toBe("Completed");
    expect(JSON.parse(row.output!)).toBe(6);
    const { history } = (await runtime.readInstance(id))!;
    // The last execution's history is GetOrchestratorStart plus its completion; its input came from continueAsNew.
    expect(sequence(history)).toEqual(["OrchestratorStarted", "ExecutionStarted", "OrchestratorCompleted", "ExecutionCompleted"]);
    expect(JSON.parse(history[1]!.Input!)).toEqual({ value: 5 });
  });

  it("external event = TestHistories.GetWaitForExternalEventEventReceived", async () => {
    ({ runtime } = await startTestRuntime({
      orchestrations: {
        WaitForExternalEvent: function* (context: OrchestrationContext) {
          const data = yield context.df.waitForExternalEvent("start");
          return yield context.df.callActivity("Hello", data);
        },
      },
      activities: { Hello: (name) => `Hello ${name as string}!` },
    }));
    const id = await runtime.startNew("WaitForExternalEvent");
    await runtime.waitForStatus(id, ["Running"], 5_000);
    await waitForHistoryLength(runtime, id, 3);
    await runtime.raiseEvent(id, "start", "Seattle");
    const row = await runtime.waitForStatus(id, ["Completed", "Failed"], 10_000);
    expect(row.status).toBe("Completed");
    expect(JSON.parse(row.output!)).toBe("Hello Seattle!");
    expect(sequence((await runtime.readInstance(id))!.history)).toEqual([
      "OrchestratorStarted", "ExecutionStarted", "OrchestratorCompleted",
      "OrchestratorStarted", "EventRaised(start)", "TaskScheduled#0", "OrchestratorCompleted",
      "OrchestratorStarted", "TaskCompleted(->0)", "OrchestratorCompleted", "ExecutionCompleted",
    ]);
  });
});

async function waitForHistoryLength(rt: DurableRuntime, id: string, length: number): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    const found = await rt.readInstance(id);
    if (found && found.history.length >= length) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`history of ${id} did not reach ${length} events`);
}

/** The instance's unfired timer once its episode has been committed, or undefined when it has finished. */
async function pendingTimer(rt: DurableRuntime, id: string): Promise<{ id: number; fireAt: number } | undefined> {
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    const found = await rt.readInstance(id);
    const history = found?.history ?? [];
    if (found?.row.status === "Completed" || found?.row.status === "Failed") return undefined;
    const fired = new Set(history.filter((e) => e.EventType === 11).map((e) => e.TimerId));
    const open = history.filter((e) => e.EventType === 10 && !fired.has(e.EventId));
    if (open.length === 1 && history[history.length - 1]!.EventType === 13) return { id: open[0]!.EventId, fireAt: Date.parse(open[0]!.FireAt!) };
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`no pending timer appeared for ${id}`);
}

async function timerFired(rt: DurableRuntime, id: string, timerId: number): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    const history = (await rt.readInstance(id))?.history ?? [];
    if (history.some((e) => e.EventType === 11 && e.TimerId === timerId)) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timer ${timerId} of ${id} did not fire`);
}
