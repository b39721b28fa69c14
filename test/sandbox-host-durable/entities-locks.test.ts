// Entities (signal/call/read) and critical sections (context.df.lock → LockEntities/ReleaseEntities, PR #3453)
// through the real durable-functions orchestrator and entity code.
import { afterEach, describe, expect, it } from "vitest";
import * as df from "durable-functions";
import type { EntityContext, OrchestrationContext } from "durable-functions";
import type { DurableRuntime } from "../../sandbox/host/durable/index.js";
import { sequence, startTestRuntime } from "./support/runtime.js";

let runtime: DurableRuntime | undefined;
afterEach(async () => {
  await runtime?.stop();
  runtime = undefined;
});

function counter(context: EntityContext<number>): void {
  const value = context.df.getState(() => 0) ?? 0;
  switch (context.df.operationName) {
    case "add":
      context.df.setState(value + (context.df.getInput() as number));
      break;
    case "set":
      context.df.setState(context.df.getInput() as number);
      break;
    case "get":
      context.df.return(value);
      break;
    case "fail":
      throw new Error("counter refused");
    case "forward":
      // Entity-to-entity signal: pass the amount on to the entity named by the input.
      context.df.signalEntity(new df.EntityId("Counter", context.df.getInput() as string), "add", value);
      break;
  }
}

describe("entities", () => {
  it("signals and calls an entity from an orchestration; EventSent ids follow the SDK's numbering", async () => {
    ({ runtime } = await startTestRuntime({
      orchestrations: {
        UseCounter: function* (context: OrchestrationContext) {
          const id = new df.EntityId("Counter", "c1");
          context.df.signalEntity(id, "add", 5);
          context.df.signalEntity(id, "add", 2);
          const value = yield context.df.callEntity(id, "get");
          const done = yield context.df.callActivity("Echo", value);
          return done;
        },
      },
      entities: { Counter: counter as (c: EntityContext<unknown>) => void },
      activities: { Echo: (v) => v },
    }));
    const id = await runtime.startNew("UseCounter");
    const row = await runtime.waitForStatus(id, ["Completed", "Failed"], 10_000);
    expect(row.output).toBe("7");
    const { history } = (await runtime.readInstance(id))!;
    const events = sequence(history, { episodes: false });
    // GetCallEntitySet shape: the call is an EventSent whose request id names the EventRaised response.
    expect(events.slice(0, 4)).toEqual(["ExecutionStarted", "EventSent#0", "EventSent#1", "EventSent#2"]);
    const requestId = (JSON.parse(history.find((e) => e.EventType === 14 && e.EventId === 2)!.Input!) as { id: string }).id;
    expect(events.slice(4)).toEqual([`EventRaised(${requestId})`, "TaskScheduled#3", "TaskCompleted(->3)", "ExecutionCompleted"]);
    expect((await runtime.readEntity("Counter", "c1"))?.state).toBe("7");
  });

  it("delivers signals an entity sends to another entity", async () => {
    ({ runtime } = await startTestRuntime({
      orchestrations: {
        Forward: function* (context: OrchestrationContext) {
          const source = new df.EntityId("Counter", "src");
          context.df.signalEntity(source, "set", 11);
          context.df.signalEntity(source, "forward", "dst");
          return null;
        },
      },
      entities: { Counter: counter as (c: EntityContext<unknown>) => void },
    }));
    await runtime.waitForStatus(await runtime.startNew("Forward"), ["Completed"], 10_000);
    const deadline = Date.now() + 10_000;
    while ((await runtime.readEntity("Counter", "dst"))?.state !== "11") {
      if (Date.now() > deadline) throw new Error("the forwarded signal did not arrive");
      await new Promise((r) => setTimeout(r, 20));
    }
  });

  it("an entity operation that throws fails the orchestration's call", async () => {
    ({ runtime } = await startTestRuntime({
      orchestrations: {
        CallFail: function* (context: OrchestrationContext) {
          try {
            yield context.df.callEntity(new df.EntityId("Counter", "c2"), "fail");
            return "no error";
          } catch (err) {
            return `caught: ${(err as Error).message}`;
          }
        },
      },
      entities: { Counter: counter as (c: EntityContext<unknown>) => void },
    }));
    const id = await runtime.startNew("CallFail");
    const row = await runtime.waitForStatus(id, ["Completed", "Failed"], 10_000);
    expect(row.status).toBe("Completed");
    expect(JSON.parse(row.output!)).toMatch(/^caught: /);
  });
});

describe("critical sections", () => {
  it("20 orchestrations locking the same entities never interleave inside their sections", async () => {
    const log: string[] = [];
    ({ runtime } = await startTestRuntime({
      orchestrations: {
        Increment: function* (context: OrchestrationContext) {
          const a = new df.EntityId("Counter", "shared");
          const b = new df.EntityId("Counter", "other");
          // Unsorted on purpose: acquisition is ordered by scheduler id.
          const lock = (yield context.df.lock(b, a)) as df.DurableLock;
          yield context.df.callActivity("Mark", `enter ${context.df.instanceId}`);
          const value = (yield context.df.callEntity(a, "get")) as number;
          yield context.df.callActivity("Mark", `work ${context.df.instanceId}`);
          yield context.df.callEntity(a, "set", value + 1);
          yield context.df.callActivity("Mark", `exit ${context.df.instanceId}`);
          lock.release();
          return value;
        },
      },
      entities: { Counter: counter as (c: EntityContext<unknown>) => void },
      activities: {
        Mark: (text) => {
          log.push(text as string);
          return null;
        },
      },
    }));
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push(await runtime.startNew("Increment", { instanceId: `inc-${i}` }));
    const rows = await Promise.all(ids.map((id) => runtime!.waitForStatus(id, ["Completed", "Failed"], 25_000)));
    expect(rows.map((r) => r.status)).toEqual(ids.map(() => "Completed"));
    expect(rows.map((r) => Number(r.output)).sort((x, y) => x - y)).toEqual([...Array(20).keys()]);
    expect((await runtime.readEntity("Counter", "shared"))?.state).toBe("20");
    // Sections are strictly sequential: enter X, work X, exit X, enter Y, …
    expect(log).toHaveLength(60);
    for (let i = 0; i < 60; i += 3) {
      const owner = log[i]!.split(" ")[1];
      expect([log[i], log[i + 1], log[i + 2]]).toEqual([`enter ${owner}`, `work ${owner}`, `exit ${owner}`]);
    }
    // The lock request went to the first entity in scheduler-id order, and release used one id per entity.
    const { history } = (await runtime.readInstance("inc-0"))!;
    const sent = history.filter((e) => e.EventType === 14);
    expect(sent[0]!.InstanceId).toBe("@counter@other");
    expect(sent.slice(-2).map((e) => [e.Name, e.InstanceId])).toEqual([["release", "@counter@other"], ["release", "@counter@shared"]]);
  }, 30_000);

  it("a locking-rules violation fails the instance with LockingRulesViolationError's message", async () => {
    ({ runtime } = await startTestRuntime({
      orchestrations: {
        Nested: function* (context: OrchestrationContext) {
          yield context.df.lock(new df.EntityId("Counter", "n1"));
          yield context.df.lock(new df.EntityId("Counter", "n2"));
          return "unreachable";
        },
        AfterNested: function* (context: OrchestrationContext) {
          const lock = (yield context.df.lock(new df.EntityId("Counter", "n1"))) as df.DurableLock;
          lock.release();
          return "got the lock";
        },
      },
      entities: { Counter: counter as (c: EntityContext<unknown>) => void },
    }));
    const id = await runtime.startNew("Nested");
    const row = await runtime.waitForStatus(id, ["Completed", "Failed"], 10_000);
    expect(row.status).toBe("Failed");
    expect(row.output).toMatch(/lock/i);
    // The failed orchestration's locks were released, so another orchestration can take them.
    const next = await runtime.startNew("AfterNested");
    const nextRow = await runtime.waitForStatus(next, ["Completed", "Failed"], 10_000);
    expect(JSON.parse(nextRow.output!)).toBe("got the lock");
  });

  it("terminating an orchestration inside its critical section releases its locks", async () => {
    ({ runtime } = await startTestRuntime({
      orchestrations: {
        HoldsLock: function* (context: OrchestrationContext) {
          yield context.df.lock(new df.EntityId("Counter", "t1"));
          return yield context.df.waitForExternalEvent("never");
        },
        TakesLock: function* (context: OrchestrationContext) {
          const lock = (yield context.df.lock(new df.EntityId("Counter", "t1"))) as df.DurableLock;
          lock.release();
          return "acquired";
        },
      },
      entities: { Counter: counter as (c: EntityContext<unknown>) => void },
    }));
    const holder = await runtime.startNew("HoldsLock");
    const deadline = Date.now() + 10_000;
    while (((await runtime.readEntity("Counter", "t1"))?.lockedBy ?? "") !== holder) {
      if (Date.now() > deadline) throw new Error("the lock was not granted");
      await new Promise((r) => setTimeout(r, 20));
    }
    const res = await runtime.handleHttp({ method: "POST", url: `http://127.0.0.1:7071/runtime/webhooks/durabletask/instances/${holder}/terminate?reason=stop`, headers: {}, body: Buffer.alloc(0) });
    expect(res?.status).toBe(202);
    await runtime.waitForStatus(holder, ["Terminated"], 10_000);
    const taker = await runtime.startNew("TakesLock");
    const row = await runtime.waitForStatus(taker, ["Completed", "Failed"], 10_000);
    expect(JSON.parse(row.output!)).toBe("acquired");
  });
});
