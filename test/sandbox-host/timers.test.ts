// Timer triggers on a FakeClock, with the schedule status persisted in Azurite blob storage.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { QueueServiceClient } from "@azure/storage-queue";
import { BlobServiceClient } from "@azure/storage-blob";
import { FakeClock } from "../../sandbox/clock.js";
import { startFunctionHost, memoryLogger, type FunctionHost } from "../../sandbox/host/index.js";
import { TIMER_STATUS_CONTAINER, timerStatusBlobName } from "../../sandbox/host/timer-service.js";
import { NON_DURABLE_ENTRY, sampleAppDir, uniqueNames, waitFor } from "./sample-app.js";

const names = uniqueNames("t");
const hostId = `timers-${names.IN_QUEUE}`;
let queues: QueueServiceClient;
let blobs: BlobServiceClient;
let host: FunctionHost | undefined;

async function nextTimerMessage(): Promise<{ isPastDue: boolean; last: string; next: string }> {
  const q = queues.getQueueClient(names.TIMER_OUT_QUEUE);
  return waitFor("a timer invocation", async () => {
    if (!(await q.exists())) return undefined;
    const [m] = (await q.receiveMessages({ numberOfMessages: 1 })).receivedMessageItems;
    if (!m) return undefined;
    await q.deleteMessage(m.messageId, m.popReceipt);
    return JSON.parse(Buffer.from(m.messageText, "base64").toString("utf8")) as { isPastDue: boolean; last: string; next: string };
  });
}

async function readStatus(): Promise<{ Last: string; Next: string; LastUpdated: string }> {
  const blob = blobs.getContainerClient(TIMER_STATUS_CONTAINER).getBlobClient(timerStatusBlobName(hostId, "tick"));
  return JSON.parse((await blob.downloadToBuffer()).toString("utf8")) as { Last: string; Next: string; LastUpdated: string };
}

const start = (clock: FakeClock) =>
  startFunctionHost({
    appDir: sampleAppDir,
    entry: NON_DURABLE_ENTRY,
    env: { AzureWebJobsStorage: inject("azurite").connectionString, ...names },
    clock,
    hostId,
    logger: memoryLogger(),
    listeners: { queues: false },
  });

beforeAll(() => {
  const { connectionString } = inject("azurite");
  queues = QueueServiceClient.fromConnectionString(connectionString);
  blobs = BlobServiceClient.fromConnectionString(connectionString);
});
afterAll(async () => {
  await host?.stop();
});

describe("timer trigger", () => {
  it("fires on the NCRONTAB schedule from local.settings.json (%TICK_SCHEDULE%) and records its status blob", async () => {
    const clock = new FakeClock(Date.parse("2026-01-01T00:01:00Z"));
    host = await start(clock);
    // Like Azure, a first status is recorded at startup (Last = DateTime.MinValue), so a missed first run is past due.
    expect(await readStatus()).toMatchObject({ Last: "0001-01-01T00:00:00", Next: "2026-01-01T00:05:00.000Z" });
    await clock.advance(3 * 60_000); // 00:04 — not yet
    await clock.advance(60_000); // 00:05
    const first = await nextTimerMessage();
    expect(first).toEqual({ isPastDue: false, last: "0001-01-01T00:00:00", next: "2026-01-01T00:05:00.000Z" });
    await waitFor("the status blob", async () => ((await readStatus().catch(() => undefined))?.Last === "2026-01-01T00:05:00.000Z" ? true : undefined));
    expect(await readStatus()).toMatchObject({ Last: "2026-01-01T00:05:00.000Z", Next: "2026-01-01T00:10:00.000Z" });

    await clock.advance(5 * 60_000); // 00:10
    const second = await nextTimerMessage();
    expect(second).toMatchObject({ isPastDue: false, last: "2026-01-01T00:05:00.000Z", next: "2026-01-01T00:10:00.000Z" });
    await waitFor("the status update", async () => ((await readStatus()).Last === "2026-01-01T00:10:00.000Z" ? true : undefined));
    await host.stop();
    host = undefined;
  });

  it("runs a past-due timer at startup with isPastDue when the host was down over an occurrence", async () => {
    const clock = new FakeClock(Date.parse("2026-01-01T00:27:00Z")); // 00:15, 00:20, 00:25 were missed
    host = await start(clock);
    const pastDue = await nextTimerMessage();
    expect(pastDue).toMatchObject({ isPastDue: true, last: "2026-01-01T00:10:00.000Z", next: "2026-01-01T00:15:00.000Z" });
    await waitFor("the status update", async () => ((await readStatus()).Last === "2026-01-01T00:27:00.000Z" ? true : undefined));
    expect((await readStatus()).Next).toBe("2026-01-01T00:30:00.000Z");

    await clock.advance(3 * 60_000); // 00:30 — back on schedule
    expect(await nextTimerMessage()).toMatchObject({ isPastDue: false, next: "2026-01-01T00:30:00.000Z" });
  });
});
