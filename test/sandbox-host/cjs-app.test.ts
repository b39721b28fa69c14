// A CommonJS app loaded from its package.json#main glob: default routePrefix "api", local.settings.json semantics,
// and a function-level retry policy on a timer (retryContext) driven by a FakeClock.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { QueueServiceClient } from "@azure/storage-queue";
import { FakeClock } from "../../sandbox/clock.js";
import { startFunctionHost, memoryLogger, type FunctionHost } from "../../sandbox/host/index.js";
import { sampleAppDir, uniqueNames, waitFor } from "./sample-app.js";

const cjsAppDir = path.join(sampleAppDir, "cjs-app");
const attemptsQueue = `${uniqueNames("c").IN_QUEUE}-attempts`;
const clock = new FakeClock(Date.parse("2026-03-01T00:00:00Z"));
const logger = memoryLogger();
let host: FunctionHost;

beforeAll(async () => {
  process.env["CJS_PRESET"] = "from-env";
  host = await startFunctionHost({
    appDir: cjsAppDir,
    env: { AzureWebJobsStorage: inject("azurite").connectionString, CJS_ATTEMPTS_QUEUE: attemptsQueue },
    clock,
    logger,
    listeners: { queues: false },
  });
});
afterAll(async () => {
  await host?.stop();
  delete process.env["CJS_PRESET"];
});

describe("CommonJS app from package.json#main", () => {
  it("loads functions/*.js with require and serves them under the default /api prefix", async () => {
    const res = await fetch(`${host.baseUrl}/api/greet?who=cjs`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ greeting: "from-settings", preset: "from-env", who: "cjs", moduleType: "object" });
    expect((await fetch(`${host.baseUrl}/greet`)).status).toBe(404);
  });

  it("retries a failing timer per its fixedDelay policy with retryContext", async () => {
    // runOnStartup: attempt 0 failed at start; the retries wait 30 s each on the fake clock.
    await waitFor("the first failure", async () => (logger.lines.some((l) => l.message.includes("attempt 0 fails")) ? true : undefined));
    await clock.advance(30_000);
    await waitFor("the second failure", async () => (logger.lines.some((l) => l.message.includes("attempt 1 fails")) ? true : undefined));
    await clock.advance(30_000);
    const q = QueueServiceClient.fromConnectionString(inject("azurite").connectionString).getQueueClient(attemptsQueue);
    const msg = await waitFor("the successful attempt", async () => {
      if (!(await q.exists())) return undefined;
      return (await q.receiveMessages()).receivedMessageItems[0];
    });
    expect(JSON.parse(Buffer.from(msg.messageText, "base64").toString("utf8"))).toEqual({ retryCount: 2, maxRetryCount: 2, exception: "attempt 1 fails" });
  });

  it("restores process.env on stop (local.settings.json values are removed, pre-set ones kept)", async () => {
    await host.stop();
    expect(process.env["CJS_GREETING"]).toBeUndefined();
    expect(process.env["CJS_PRESET"]).toBe("from-env");
    expect(process.env["WEBSITE_HOSTNAME"]).toBeUndefined();
  });
});
