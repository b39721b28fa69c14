// The management API as df.getClient() calls it over real HTTP through the binding's rpcBaseUrl.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as df from "durable-functions";
import type { EntityContext, OrchestrationContext } from "durable-functions";
import type { DurableRuntime } from "../../sandbox/host/durable/index.js";
import { durableClient, serveDurable } from "./support/http.js";
import { startTestRuntime } from "./support/runtime.js";

let runtime: DurableRuntime | undefined;
let server: Awaited<ReturnType<typeof serveDurable>>;
let client: df.DurableClient;
const previousHostname = process.env.WEBSITE_HOSTNAME;

beforeAll(async () => {
  server = await serveDurable(() => runtime);
  process.env.WEBSITE_HOSTNAME = server.baseUrl.replace("http://", "");
  ({ runtime } = await startTestRuntime(
    {
      orchestrations: {
        Approval: function* (context: OrchestrationContext) {
          context.df.setCustomStatus("waiting");
          const answer = yield context.df.waitForExternalEvent("approve");
          return yield context.df.callActivity("Echo", answer);
        },
      },
      activities: { Echo: (v) => v },
      entities: {
        Counter: ((context: EntityContext<number>) => {
          const value = context.df.getState(() => 0) ?? 0;
          if (context.df.operationName === "add") context.df.setState(value + (context.df.getInput() as number));
        }) as (c: EntityContext<unknown>) => void,
      },
    },
    { hostBaseUrl: server.baseUrl },
  ));
  client = durableClient(runtime);
});

afterAll(async () => {
  await runtime?.stop();
  await server.close();
  if (previousHostname === undefined) delete process.env.WEBSITE_HOSTNAME;
  else process.env.WEBSITE_HOSTNAME = previousHostname;
});

async function until<T>(fn: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("durable client HTTP API", () => {
  it("start, status, raise event, status with history, purge", async () => {
    const id = await client.startNew("Approval", { input: { order: 1 }, instanceId: "appr-1" });
    expect(id).toBe("appr-1");
    const running = await until(async () => {
      const s = await client.getStatus(id);
      return s.runtimeStatus === "Running" && s.customStatus === "waiting" ? s : undefined;
    });
    expect(running.input).toEqual({ order: 1 });
    await client.raiseEvent(id, "approve", "yes");
    const done = await until(async () => {
      const s = await client.getStatus(id, { showHistory: true, showHistoryOutput: true });
      return s.runtimeStatus === "Completed" ? s : undefined;
    });
    expect(done.output).toBe("yes");
    const history = done.history as { EventType: string; Result?: unknown }[];
    expect(history.map((e) => e.EventType)).toEqual(["ExecutionStarted", "EventRaised", "TaskScheduled", "TaskCompleted", "ExecutionCompleted"]);
    expect(history[3]!.Result).toBe("yes");
    const all = await client.getStatusBy({ runtimeStatus: [df.OrchestrationRuntimeStatus.Completed] });
    expect(all.map((s) => s.instanceId)).toContain(id);
    // The SDK treats 410 as success; the host answers it for a terminal instance.
    const gone = await runtime!.handleHttp({ method: "POST", url: `${server.baseUrl}/runtime/webhooks/durabletask/instances/${id}/raiseEvent/approve`, headers: {}, body: Buffer.from('"again"') });
    expect(gone?.status).toBe(410);
    const purged = await client.purgeInstanceHistory(id);
    expect(purged.instancesDeleted).toBe(1);
    await expect(client.getStatus(id)).rejects.toThrow(/404/);
  });

  it("terminate, suspend and resume", async () => {
    const id = await client.startNew("Approval", { input: null });
    await until(async () => ((await client.getStatus(id)).runtimeStatus === "Running" ? true : undefined));
    await client.suspend(id, "pause");
    await until(async () => ((await client.getStatus(id)).runtimeStatus === "Suspended" ? true : undefined));
    await client.raiseEvent(id, "approve", "later");
    await client.resume(id, "go");
    const done = await until(async () => {
      const s = await client.getStatus(id);
      return s.runtimeStatus === "Completed" ? s : undefined;
    });
    expect(done.output).toBe("later");

    const other = await client.startNew("Approval");
    await until(async () => ((await client.getStatus(other)).runtimeStatus === "Running" ? true : undefined));
    await client.terminate(other, "stop");
    const terminated = await until(async () => {
      const s = await client.getStatus(other);
      return s.runtimeStatus === "Terminated" ? s : undefined;
    });
    expect(terminated.output).toBe("stop");
  });

  it("signals and reads an entity", async () => {
    const entity = new df.EntityId("Counter", "k1");
    expect((await client.readEntityState(entity)).entityExists).toBe(false);
    await client.signalEntity(entity, "add", 3);
    await client.signalEntity(entity, "add", 4);
    const state = await until(async () => {
      const s = await client.readEntityState<number>(entity);
      return s.entityExists && s.entityState === 7 ? s : undefined;
    });
    expect(state.entityState).toBe(7);
  });

  it("answers unknown durable paths with 501 and other paths with undefined", async () => {
    const rewind = await runtime!.handleHttp({ method: "POST", url: `${server.baseUrl}/runtime/webhooks/durabletask/instances/x/rewind`, headers: {}, body: Buffer.alloc(0) });
    expect(rewind?.status).toBe(501);
    expect(String(rewind?.body)).toContain("rewind");
    expect(await runtime!.handleHttp({ method: "GET", url: `${server.baseUrl}/api/hello`, headers: {}, body: Buffer.alloc(0) })).toBeUndefined();
  });
});
