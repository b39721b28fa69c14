// Event Grid webhook, admin API and function keys.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { QueueServiceClient } from "@azure/storage-queue";
import { startFunctionHost, memoryLogger, type FunctionHost } from "../../sandbox/host/index.js";
import { NON_DURABLE_ENTRY, sampleAppDir, uniqueNames, waitFor } from "./sample-app.js";

const names = uniqueNames("w");
let queues: QueueServiceClient;

async function receive(queueName: string, count: number): Promise<unknown[]> {
  const q = queues.getQueueClient(queueName);
  const got: unknown[] = [];
  await waitFor(`${count} message(s) on ${queueName}`, async () => {
    if (!(await q.exists())) return undefined;
    for (const m of (await q.receiveMessages({ numberOfMessages: 32 })).receivedMessageItems) {
      got.push(JSON.parse(Buffer.from(m.messageText, "base64").toString("utf8")));
      await q.deleteMessage(m.messageId, m.popReceipt);
    }
    return got.length >= count ? got : undefined;
  });
  return got;
}

const hostOptions = (extra: Partial<Parameters<typeof startFunctionHost>[0]> = {}) => ({
  appDir: sampleAppDir,
  entry: NON_DURABLE_ENTRY,
  env: { AzureWebJobsStorage: inject("azurite").connectionString, ...names },
  logger: memoryLogger(),
  listeners: { timers: false, queues: false },
  ...extra,
});

beforeAll(() => {
  queues = QueueServiceClient.fromConnectionString(inject("azurite").connectionString);
});

describe("without keys (as Core Tools)", () => {
  let host: FunctionHost;
  beforeAll(async () => {
    host = await startFunctionHost(hostOptions());
  });
  afterAll(async () => {
    await host?.stop();
  });

  it("answers the Event Grid SubscriptionValidation handshake", async () => {
    const res = await fetch(`${host.baseUrl}/runtime/webhooks/eventgrid?functionName=onEvent`, {
      method: "POST",
      headers: { "aeg-event-type": "SubscriptionValidation", "content-type": "application/json" },
      body: JSON.stringify([{ id: "v1", eventType: "Microsoft.EventGrid.SubscriptionValidationEvent", subject: "", data: { validationCode: "abc-123" }, eventTime: "2026-01-01T00:00:00Z", dataVersion: "1" }]),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ validationResponse: "abc-123" });
  });

  it("answers the CloudEvents OPTIONS abuse-protection handshake", async () => {
    const res = await fetch(`${host.baseUrl}/runtime/webhooks/eventgrid?functionName=onEvent`, {
      method: "OPTIONS",
      headers: { "WebHook-Request-Origin": "eventemitter.example.com" },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("webhook-allowed-origin")).toBe("eventemitter.example.com");
  });

  it("invokes the function once per event of a Notification array", async () => {
    const events = ["a", "b"].map((s) => ({
      id: `evt-${s}`,
      topic: "/subscriptions/x/resourceGroups/rg",
      subject: `things/${s}`,
      eventType: "Sample.Happened",
      eventTime: "2026-01-01T00:00:00Z",
      dataVersion: "1",
      data: { which: s },
    }));
    const res = await fetch(`${host.baseUrl}/runtime/webhooks/eventgrid?functionName=onEvent`, {
      method: "POST",
      headers: { "aeg-event-type": "Notification", "content-type": "application/json" },
      body: JSON.stringify(events),
    });
    expect(res.status).toBe(202);
    const got = (await receive(names.GRID_OUT_QUEUE, 2)) as { id: string }[];
    expect(got.sort((x, y) => x.id.localeCompare(y.id))).toEqual([
      { id: "evt-a", subject: "things/a", eventType: "Sample.Happened", data: { which: "a" } },
      { id: "evt-b", subject: "things/b", eventType: "Sample.Happened", data: { which: "b" } },
    ]);
  });

  it("writes a non-http $return binding (return: output.storageQueue) from the returned value", async () => {
    const res = await fetch(`${host.baseUrl}/runtime/webhooks/eventgrid?functionName=onEventReturn`, {
      method: "POST",
      headers: { "aeg-event-type": "Notification" },
      body: JSON.stringify({ id: "r1", subject: "via-return", eventType: "Sample.Returned", eventTime: "2026-01-01T00:00:00Z", dataVersion: "1", data: {} }),
    });
    expect(res.status).toBe(202);
    expect(await receive(names.GRID_OUT_QUEUE, 1)).toEqual([{ returned: "via-return" }]);
  });

  it("invokes once per CloudEvent of a cloudevents-batch delivery", async () => {
    const events = ["c1", "c2"].map((id) => ({ specversion: "1.0", id, source: "/test", type: "Sample.Cloud", subject: `cloud/${id}`, time: "2026-01-01T00:00:00Z", data: {} }));
    const res = await fetch(`${host.baseUrl}/runtime/webhooks/eventgrid?functionName=onEventReturn`, {
      method: "POST",
      headers: { "content-type": "application/cloudevents-batch+json; charset=utf-8" },
      body: JSON.stringify(events),
    });
    expect(res.status).toBe(202);
    const got = (await receive(names.GRID_OUT_QUEUE, 2)) as { returned: string }[];
    expect(got.map((g) => g.returned).sort()).toEqual(["cloud/c1", "cloud/c2"]);
  });

  it("404s an unknown or non-Event Grid function on the webhook", async () => {
    const post = (fn: string) => fetch(`${host.baseUrl}/runtime/webhooks/eventgrid?functionName=${fn}`, { method: "POST", headers: { "aeg-event-type": "Notification" }, body: "[]" });
    expect((await post("nope")).status).toBe(404);
    expect((await post("hello")).status).toBe(404);
  });

  it("lists functions and their bindings on GET /admin/functions", async () => {
    const res = await fetch(`${host.baseUrl}/admin/functions`);
    const list = (await res.json()) as { name: string; config: { bindings: { type: string; direction: string; route?: string }[] } }[];
    const byName = Object.fromEntries(list.map((f) => [f.name, f]));
    expect(Object.keys(byName).sort()).toEqual(
      ["adminOnly", "boom", "echo", "getItem", "getItemByName", "hello", "hooked", "noContent", "onEvent", "onEventReturn", "onQueue", "placeOrder", "secured", "tick"].sort(),
    );
    expect(byName["hello"]!.config.bindings).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: "httpTrigger", direction: "in", route: "hello/{name?}" }), expect.objectContaining({ name: "$return", type: "http", direction: "out" })]),
    );
    expect(byName["onQueue"]!.config.bindings).toEqual(expect.arrayContaining([expect.objectContaining({ type: "queueTrigger", queueName: "%IN_QUEUE%" })]));
  });

  it("runs a non-HTTP function now on POST /admin/functions/{name} (202) and refuses HTTP functions", async () => {
    const res = await fetch(`${host.baseUrl}/admin/functions/onQueue`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ input: '{"text":"from admin"}' }) });
    expect(res.status).toBe(202);
    const [out] = (await receive(names.OUT_QUEUE, 1)) as { received: unknown }[];
    expect(out!.received).toEqual({ text: "from admin" });

    const tick = await fetch(`${host.baseUrl}/admin/functions/tick`, { method: "POST", body: "{}" });
    expect(tick.status).toBe(202);
    const [timer] = (await receive(names.TIMER_OUT_QUEUE, 1)) as { isPastDue: boolean }[];
    expect(timer!.isPastDue).toBe(false);

    expect((await fetch(`${host.baseUrl}/admin/functions/hello`, { method: "POST", body: "{}" })).status).toBe(400);
    expect((await fetch(`${host.baseUrl}/admin/functions/missing`, { method: "POST", body: "{}" })).status).toBe(404);
  });
});

describe("with keys configured", () => {
  let host: FunctionHost;
  beforeAll(async () => {
    host = await startFunctionHost(hostOptions({ keys: { master: "master-key", host: ["host-key"], functions: { secured: ["fn-key"] }, system: { eventgrid_extension: "eg-key" } } }));
  });
  afterAll(async () => {
    await host?.stop();
  });

  it("enforces authLevel function with x-functions-key or ?code=", async () => {
    expect((await fetch(`${host.baseUrl}/secured`)).status).toBe(401);
    expect((await fetch(`${host.baseUrl}/secured?code=wrong`)).status).toBe(401);
    expect((await fetch(`${host.baseUrl}/secured?code=fn-key`)).status).toBe(200);
    expect((await fetch(`${host.baseUrl}/secured`, { headers: { "x-functions-key": "host-key" } })).status).toBe(200);
    expect((await fetch(`${host.baseUrl}/secured`, { headers: { "x-functions-key": "master-key" } })).status).toBe(200);
    expect((await fetch(`${host.baseUrl}/hello/anon`)).status).toBe(200);
  });

  it("accepts only the master key for authLevel admin and the admin API", async () => {
    expect((await fetch(`${host.baseUrl}/admin-only?code=host-key`)).status).toBe(401);
    expect((await fetch(`${host.baseUrl}/admin-only?code=master-key`)).status).toBe(200);
    expect((await fetch(`${host.baseUrl}/admin/functions`)).status).toBe(401);
    expect((await fetch(`${host.baseUrl}/admin/functions`, { headers: { "x-functions-key": "master-key" } })).status).toBe(200);
  });

  it("requires the eventgrid_extension system key on the Event Grid webhook", async () => {
    const validate = (code: string) =>
      fetch(`${host.baseUrl}/runtime/webhooks/eventgrid?functionName=onEvent&code=${code}`, {
        method: "POST",
        headers: { "aeg-event-type": "SubscriptionValidation" },
        body: JSON.stringify([{ id: "v", eventType: "Microsoft.EventGrid.SubscriptionValidationEvent", data: { validationCode: "c1" } }]),
      });
    expect((await validate("host-key")).status).toBe(401);
    expect((await validate("eg-key")).status).toBe(200);
  });
});
