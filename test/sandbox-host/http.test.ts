// The host runs the sample app's real registrations behind its HTTP front door.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { startFunctionHost, memoryLogger, type FunctionHost } from "../../sandbox/host/index.js";
import { NON_DURABLE_ENTRY, sampleAppDir, uniqueNames } from "./sample-app.js";

const logger = memoryLogger();
let host: FunctionHost;

beforeAll(async () => {
  const { connectionString } = inject("azurite");
  host = await startFunctionHost({
    appDir: sampleAppDir,
    entry: NON_DURABLE_ENTRY,
    env: { AzureWebJobsStorage: connectionString, ...uniqueNames("http") },
    logger,
    listeners: { timers: false, queues: false },
  });
});
afterAll(async () => {
  await host?.stop();
});

describe("HTTP triggers", () => {
  it("routes optional parameters with routePrefix \"\" and returns body, headers and cookies", async () => {
    const res = await fetch(`${host.baseUrl}/hello/Tokyo`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("Hello, Tokyo");
    expect(res.headers.get("x-function-name")).toBe("hello");
    expect(res.headers.get("set-cookie")).toBe("seen=1; Path=/; HttpOnly; SameSite=Lax");
    const none = await fetch(`${host.baseUrl}/HELLO`);
    expect(await none.text()).toBe("Hello, world");
  });

  it("logs each invocation with function name, invocation id and duration", async () => {
    const res = await fetch(`${host.baseUrl}/hello/Logs`);
    const id = res.headers.get("x-invocation-id");
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const lines = logger.lines.filter((l) => l.fields?.["invocationId"] === id);
    expect(lines.map((l) => l.message)).toEqual(
      expect.arrayContaining([expect.stringContaining("Executing 'Functions.hello'"), "hello called for Logs", expect.stringMatching(/Executed 'Functions.hello' \(Succeeded/)]),
    );
    expect(lines.find((l) => l.message.startsWith("Executed"))?.fields?.["durationMs"]).toEqual(expect.any(Number));
  });

  it("runs log hooks before writing user logs (a hook redacts a token)", async () => {
    const res = await fetch(`${host.baseUrl}/hello/secret-token-abc123`);
    const id = res.headers.get("x-invocation-id");
    const messages = logger.lines.filter((l) => l.fields?.["invocationId"] === id).map((l) => l.message);
    expect(messages).toContain("hello called for [redacted]");
    expect(messages.join("\n")).not.toContain("secret-token-abc123");
  });

  it("applies route constraints: {id:int} vs {name:alpha}, and 404 when neither matches", async () => {
    const byId = await fetch(`${host.baseUrl}/items/42?x=1&x=2`);
    expect(await byId.json()).toEqual({ id: "42", query: { x: "1,2" } });
    const byName = await fetch(`${host.baseUrl}/items/widget`);
    expect(await byName.json()).toEqual({ name: "widget" });
    expect((await fetch(`${host.baseUrl}/items/4x2`)).status).toBe(404);
  });

  it("matches methods and answers 404 for a method the function does not accept", async () => {
    expect((await fetch(`${host.baseUrl}/items/42`, { method: "POST" })).status).toBe(404);
  });

  it("preserves raw body bytes and passes catch-all params and headers", async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 251, 255, 10, 13]);
    const res = await fetch(`${host.baseUrl}/echo/a/b%20c/d`, {
      method: "PUT",
      body: bytes,
      headers: { "content-type": "application/x-thing", "X-Custom": "v1" },
    });
    expect(res.status).toBe(201);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(bytes);
    expect(res.headers.get("x-rest")).toBe("a/b c/d");
    expect(res.headers.get("x-method")).toBe("PUT");
    expect(res.headers.get("x-custom")).toBe("v1");
  });

  it("returns 500 when the handler throws and 204 when it returns nothing", async () => {
    expect((await fetch(`${host.baseUrl}/boom`)).status).toBe(500);
    const res = await fetch(`${host.baseUrl}/things/7d444840-9dc0-11d1-b245-5ffdce74fad2`, { method: "DELETE" });
    expect(res.status).toBe(204);
    expect((await fetch(`${host.baseUrl}/things/not-a-guid`, { method: "DELETE" })).status).toBe(404);
  });

  it("runs appStart, preInvocation and postInvocation hooks as the worker does", async () => {
    const res = await fetch(`${host.baseUrl}/hooked`);
    expect(res.headers.get("x-wrapped")).toBe("yes");
    expect(await res.text()).toBe("handler|post:pre-ran");
  });

  it("low-level invoke returns the library's RpcTypedData response", async () => {
    const result = await host.invoke("getItem", { http: { method: "GET", url: "http://x/items/7", params: { id: "7" }, headers: {}, query: {} } });
    expect(result.returnValue?.http?.statusCode).toBe("200");
    expect(JSON.parse(Buffer.from(result.returnValue!.http!.body!.bytes!).toString("utf8"))).toEqual({ id: "7", query: {} });
  });

  it("starts no durable runtime for an app without durable bindings", () => {
    expect(host.durable).toBeUndefined();
  });

  it("refuses a second registration after startup with the worker's message", async () => {
    const { app } = await import("@azure/functions");
    expect(() => app.http("late", { handler: async () => ({}) })).toThrow("A function can only be registered during app startup.");
  });
});
