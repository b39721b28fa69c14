// Unit tests of the replay shim (pure logic): EventId allocation the way ProcessAsyncActionsV2 + DTFx do it.
import { describe, expect, it } from "vitest";
import { ActionType, replayActions, type WireAction } from "../../sandbox/host/durable/replay.js";
import { EventType, event, type HistoryEvent } from "../../sandbox/host/durable/history.js";
import { heldLocksIn } from "../../sandbox/host/durable/entity-messages.js";

const T0 = Date.UTC(2026, 0, 1);
const opts = { instanceId: "i1", maximumShortTimerMs: 6 * 86_400_000, longRunningTimerIntervalMs: 3 * 86_400_000, newGuid: () => "guid" };
const start = (t = T0): HistoryEvent[] => [event(EventType.OrchestratorStarted, t), event(EventType.ExecutionStarted, t, { Name: "o" })];
const activity = (name: string): WireAction => ({ actionType: ActionType.CallActivity, functionName: name, input: JSON.stringify(name) });

describe("replayActions", () => {
  it("WhenAll waits for every child (C# Task.WhenAll) before later actions take ids, even after a child failed", async () => {
    const actions = [{ actionType: ActionType.WhenAll, compoundActions: [activity("a"), activity("b")] }, activity("c")];
    const scheduled = [event(EventType.TaskScheduled, T0, { EventId: 0, Name: "a" }), event(EventType.TaskScheduled, T0, { EventId: 1, Name: "b" })];
    const failed = event(EventType.TaskFailed, T0 + 1, { TaskScheduledId: 0, Reason: "x", Details: "y" });
    const first = await replayActions([...start(), ...scheduled, event(EventType.OrchestratorStarted, T0 + 1), failed], actions, opts);
    expect(first.newEvents).toEqual([]);
    expect(first.waiting).toBe(true);
    const done = event(EventType.TaskCompleted, T0 + 2, { TaskScheduledId: 1, Result: "1" });
    const second = await replayActions([...start(), ...scheduled, failed, event(EventType.OrchestratorStarted, T0 + 2), done], actions, opts);
    expect(second.newEvents.map((e) => [e.EventType, e.EventId, e.Name])).toEqual([[EventType.TaskScheduled, 2, "c"]]);
    expect(second.outbound).toEqual([{ kind: "activity", eventId: 2, name: "c", input: JSON.stringify("c") }]);
  });

  it("chains a long timer in intervals from the current orchestration time", async () => {
    const fireAt = new Date(T0 + 10 * 86_400_000).toISOString();
    const r = await replayActions(start(), [{ actionType: ActionType.CreateTimer, fireAt, isCanceled: false }], opts);
    expect(r.newEvents.map((e) => [e.EventId, e.FireAt])).toEqual([[0, new Date(T0 + 3 * 86_400_000).toISOString()]]);
  });

  it("reports a scheduling event in history the code no longer makes", async () => {
    const history = [...start(), event(EventType.TaskScheduled, T0, { EventId: 0, Name: "a" }), event(EventType.OrchestratorCompleted, T0)];
    const r = await replayActions(history, [], opts);
    expect(r.error).toBe("Non-deterministic orchestration detected: history has TaskScheduled 'a' with EventId 0, but the orchestrator did not schedule it during replay.");
  });

  it("rejects actions it does not implement, by name", async () => {
    const r = await replayActions(start(), [{ actionType: ActionType.ScheduledSignalEntity, instanceId: "@e@k", operation: "op" }], opts);
    expect(r.error).toBe("Orchestrator action ScheduledSignalEntity (actionType 10) is not implemented by the sandbox durable host.");
  });

  it("sends a lock request to the first entity in scheduler-id order and releases with one id per entity", async () => {
    const actions: WireAction[] = [
      { actionType: ActionType.LockEntities, lockRequestId: "L1", lockSet: [{ name: "B", key: "2" }, { name: "a", key: "1" }] },
      { actionType: ActionType.ReleaseEntities },
    ];
    const first = await replayActions(start(), actions, opts);
    expect(first.newEvents.map((e) => [e.EventId, e.InstanceId, JSON.parse(e.Input!).lockSet])).toEqual([[0, "@a@1", ["@a@1", "@b@2"]]]);
    const history = [...start(), ...first.newEvents, event(EventType.OrchestratorStarted, T0 + 1), event(EventType.EventRaised, T0 + 1, { Name: "L1", Input: "{}" })];
    const second = await replayActions(history, actions, opts);
    expect(second.newEvents.map((e) => [e.EventId, e.Name, e.InstanceId])).toEqual([[1, "release", "@a@1"], [2, "release", "@b@2"]]);
    expect(heldLocksIn(history)).toEqual(["@a@1", "@b@2"]);
    expect(heldLocksIn([...history, ...second.newEvents])).toEqual([]);
  });
});
