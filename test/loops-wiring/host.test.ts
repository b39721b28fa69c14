// linkwright's loop-scan functions run by the Functions dev host (real registrations from src/functions), with
// linkwright's managed identity against the seeded emulator and a private Azurite as AzureWebJobsStorage (so the
// `connection-health` queue is this file's own):
// - the timer posts the seeded loop exactly once across two runs;
// - a real ARM write on one function app, delivered by the emulator's Event Grid to the host's webhook, rescans
//   only that app;
// - the same events delivered to the `loop-scan-events` storage queue rescan too, and an allow-listed loop is
//   recorded as suppressed and never posted.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { QueueClient } from "@azure/storage-queue";
import { memoryLogger, startFunctionHost, type FunctionHost } from "../../sandbox/host/index.js";
import { startAzurite, type AzuriteInstance } from "../../sandbox/azurite.js";
import { createLoopFindingsStore, type LoopFindingsStore } from "../../src/loops/findingsStore.js";
import { drainQueue, startLoopSandbox, type LoopSandbox } from "./support.js";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const PREFIX = "lwloophost";
let sb: LoopSandbox;
let azurite: AzuriteInstance;
let host: FunctionHost;
let health: QueueClient;
let records: LoopFindingsStore;
const logger = memoryLogger();

const timerRun = () => ({
  json: JSON.stringify({ Schedule: { AdjustForDST: true }, ScheduleStatus: { Last: "0001-01-01T00:00:00", Next: "0001-01-01T00:00:00", LastUpdated: new Date().toISOString() }, IsPastDue: false }),
});

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  [sb, azurite] = await Promise.all([startLoopSandbox(), startAzurite()]);
  host = await startFunctionHost({
    appDir: repo,
    entry: "src/functions/*.ts",
    env: {
      ...sb.armEnv,
      AzureWebJobsStorage: azurite.connectionString,
      LINKWRIGHT_STORAGE_ALLOW_INSECURE: "true",
      LINKWRIGHT_TABLE_PREFIX: PREFIX,
      LINKWRIGHT_LOOP_SCAN_SUBSCRIPTIONS: sb.te.subscriptionId,
      LINKWRIGHT_LOOP_SCAN_SCHEDULE: "0 0 */2 * * *",
    },
    logger,
    listeners: { timers: false },
  });
  health = new QueueClient(azurite.connectionString, "connection-health");
  records = await createLoopFindingsStore({ connectionString: azurite.connectionString, tablePrefix: PREFIX, allowInsecureConnection: true });
}, 60_000);
afterAll(async () => {
  await host?.stop();
  await Promise.all([sb?.close(), azurite?.stop()]);
});

describe("loop scan functions in the dev host", () => {
  it("registers the timer on LINKWRIGHT_LOOP_SCAN_SCHEDULE, the Event Grid and the queue trigger", () => {
    const byName = Object.fromEntries(host.functions().map((f) => [f.name, f]));
    expect(byName["loopScanTimer"]?.triggerType).toMatch(/timerTrigger/i);
    expect(JSON.stringify(byName["loopScanTimer"]?.bindings)).toContain("%LINKWRIGHT_LOOP_SCAN_SCHEDULE%");
    expect(byName["loopScanOnSiteChange"]?.triggerType).toMatch(/eventGridTrigger/i);
    expect(JSON.stringify(byName["loopScanOnSiteChangeQueue"]?.bindings)).toContain("loop-scan-events");
  });

  it("the timer posts the seeded loop to connection-health exactly once across two runs", async () => {
    await host.invoke("loopScanTimer", timerRun());
    await host.invoke("loopScanTimer", timerRun());
    const messages = (await drainQueue(health, { atLeast: 1, timeoutMs: 5_000 })) as Record<string, unknown>[];
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      kind: "loopDetected", severity: "certain",
      functions: [{ appId: sb.ids["functionApp"], function: "ResizeImage" }],
      cycle: [{ function: "ResizeImage", trigger: "images/{name}", writes: "images/thumbs/{name}" }],
    });
    expect((messages[0]!["fix"] as string[]).join("\n")).toMatch(/separate container/i);
    const record = await records.getHealth(sb.ids["functionApp"]!);
    expect(record).toMatchObject({ status: "Unhealthy", findings: [{ id: messages[0]!["findingId"] }] });
  });

  it("an Event Grid write event for one function app rescans only that app", async () => {
    const appId = sb.addFunctionApp("lw-host-echo", {
      Echo: [
        { name: "in", type: "queueTrigger", direction: "in", queueName: "echo", connection: "AzureWebJobsStorage" },
        { name: "out", type: "queue", direction: "out", queueName: "echo", connection: "AzureWebJobsStorage" },
      ],
    }, { AzureWebJobsStorage: azurite.connectionString });
    const seededBefore = await records.getHealth(sb.ids["functionApp"]!);
    const sub = await sb.te.emulator.control.subscribeEvents({
      kind: "webhook", name: "loops-webhook", endpoint: `${host.baseUrl}/runtime/webhooks/eventgrid?functionName=loopScanOnSiteChange`,
      includedEventTypes: ["Microsoft.Resources.ResourceWriteSuccess"],
    });
    try {
      sb.te.emulator.control.resetCalls();
      await sb.admin.webApps.updateApplicationSettings(sb.rg.split("/").pop()!, "lw-host-echo", {
        properties: { AzureWebJobsStorage: azurite.connectionString, FEATURE: "on" },
      });
      await sb.te.emulator.control.flushEvents();
      const [message] = (await drainQueue(health, { atLeast: 1 })) as Record<string, unknown>[];
      expect(message).toMatchObject({ kind: "loopDetected", severity: "certain", functions: [{ appId, function: "Echo" }] });
      expect(sb.callsOf(/ResourceGraph/i)).toBe(0);
      expect(sb.callsOf(/functions\/read/i)).toBe(1);
      expect(await records.getHealth(appId)).toMatchObject({ status: "Unhealthy", findings: [{ id: message!["findingId"] }] });
      expect((await records.getHealth(sb.ids["functionApp"]!))?.checkedAt).toBe(seededBefore?.checkedAt);
    } finally {
      sb.te.emulator.control.unsubscribeEvents(sub.name);
    }
  });

  it("events on the loop-scan-events queue rescan the app; an allow-listed loop is suppressed, not posted", async () => {
    const appId = sb.addFunctionApp("lw-host-allowed", {
      Again: [
        { name: "in", type: "blobTrigger", direction: "in", path: "work/{name}", connection: "AzureWebJobsStorage" },
        { name: "out", type: "blob", direction: "out", path: "work/{name}.done", connection: "AzureWebJobsStorage" },
      ],
    }, { AzureWebJobsStorage: azurite.connectionString });
    const sub = await sb.te.emulator.control.subscribeEvents({
      kind: "queue", name: "loops-queue", queueName: "loop-scan-events", connectionString: azurite.connectionString,
    });
    try {
      await sb.admin.webApps.updateApplicationSettings(sb.rg.split("/").pop()!, "lw-host-allowed", {
        properties: { AzureWebJobsStorage: azurite.connectionString, LINKWRIGHT_LOOP_ALLOWLIST: JSON.stringify([{ function: "Again" }]) },
      });
      await sb.te.emulator.control.flushEvents();
      const record = await until("the queue-triggered rescan", () => records.getHealth(appId));
      expect(record).toMatchObject({ status: "Healthy", findings: [] });
      expect(record.suppressedIds).toHaveLength(1);
      expect(await drainQueue(health, { timeoutMs: 500 })).toEqual([]);
    } finally {
      sb.te.emulator.control.unsubscribeEvents(sub.name);
    }
  });
});
