// The engine behind the real sandbox function host (startFunctionHost): df.app registrations invoked through
// @azure/functions' own invocation model, the app's HTTP starter using df.getClient, and the management API on
// the host's port. Fixture: test/fixtures/durable-app.
import { afterAll, beforeAll, expect, it } from "vitest";
import { inject } from "vitest";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startFunctionHost, memoryLogger, type FunctionHost } from "../../sandbox/host/index.js";
import type { DurableRuntime } from "../../sandbox/host/durable/index.js";
import { sequence } from "./support/runtime.js";

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/durable-app");
let host: FunctionHost;

beforeAll(async () => {
  host = await startFunctionHost({
    appDir,
    entry: "src/functions/*.ts",
    env: { AzureWebJobsStorage: inject("azurite").connectionString },
    logger: memoryLogger(),
    listeners: { timers: false, queues: false },
  });
});
afterAll(async () => {
  await host?.stop();
});

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 25));
  }
}

it("runs retry, external event and a critical section of an app loaded by the function host", async () => {
  const res = await fetch(`${host.baseUrl}/api/orders`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ sku: "widget", qty: 3 }) });
  expect(res.status).toBe(202);
  const check = (await res.json()) as { id: string; statusQueryGetUri: string };
  const status = async () => (await (await fetch(check.statusQueryGetUri)).json()) as { runtimeStatus: string; customStatus: unknown; output: unknown };
  await until(async () => ((await status()).customStatus === "awaiting approval" ? true : undefined));
  expect((await fetch(`${host.baseUrl}/api/orders/${check.id}/approve`, { method: "POST" })).status).toBe(202);
  const done = await until(async () => {
    const s = await status();
    return s.runtimeStatus === "Completed" || s.runtimeStatus === "Failed" ? s : undefined;
  });
  expect(done).toMatchObject({ runtimeStatus: "Completed", output: { reservation: "reserved 3 x widget", approved: true, remaining: 97 } });

  const durable = host.durable as DurableRuntime;
  const { history } = (await durable.readInstance(check.id))!;
  const events = sequence(history, { episodes: false });
  const lockId = (JSON.parse(history.find((e) => e.EventType === 14)!.Input!) as { id: string }).id;
  const callIds = history.filter((e) => e.EventType === 14 && e.Name === "op").slice(1).map((e) => (JSON.parse(e.Input!) as { id: string }).id);
  expect(events).toEqual([
    "ExecutionStarted", "TaskScheduled#0", "TaskFailed(->0)", "TimerCreated#1", "TimerFired(->1)", "TaskScheduled#2", "TaskCompleted(->2)",
    "EventRaised(approval)", "EventSent#3", `EventRaised(${lockId})`,
    "EventSent#4", `EventRaised(${callIds[0]})`, "EventSent#5", `EventRaised(${callIds[1]})`, "EventSent#6", `EventRaised(${callIds[2]})`,
    "EventSent#7", "EventSent#8", "ExecutionCompleted",
  ]);
  // Lock acquisition went to the entities in scheduler-id order; both were released.
  expect(history.filter((e) => e.EventType === 14).map((e) => `${e.Name}:${e.InstanceId}`)).toEqual([
    "op:@inventory@widget", "op:@inventory@widget", "op:@inventory@widget", "op:@ledger@all", "release:@inventory@widget", "release:@ledger@all",
  ]);
  expect((await durable.readEntity("inventory", "widget"))?.lockedBy).toBeUndefined();
});
