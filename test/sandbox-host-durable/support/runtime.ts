// Creates a durable runtime on the shared test Azurite with a hub name unique to the calling test.
import { inject } from "vitest";
import { randomBytes } from "node:crypto";
import type { Clock } from "../../../sandbox/clock.js";
import { createDurableRuntime, describeEvent, type DurableRuntime, type HistoryEvent } from "../../../sandbox/host/durable/index.js";
import { createTestBridge, type TestApp, type TestBridge } from "./bridge.js";

export function uniqueHub(prefix: string): string {
  return `${prefix}${randomBytes(4).toString("hex")}`;
}

export async function startTestRuntime(app: TestApp, options: { hubName?: string; clock?: Clock; bridge?: TestBridge; logs?: string[]; hostBaseUrl?: string } = {}): Promise<{ runtime: DurableRuntime; bridge: TestBridge; hubName: string }> {
  const { connectionString } = inject("azurite");
  const bridge = options.bridge ?? createTestBridge(app);
  const hubName = options.hubName ?? uniqueHub("dt");
  const runtime = await createDurableRuntime({
    hubName,
    storageConnectionString: connectionString,
    bridge,
    hostBaseUrl: options.hostBaseUrl ?? "http://127.0.0.1:7071",
    clock: options.clock,
    log: (line) => options.logs?.push(line),
    maxPollIntervalMs: 200,
  } as Parameters<typeof createDurableRuntime>[0]);
  await runtime.start();
  return { runtime, bridge, hubName };
}

/** `TaskScheduled#0`-style rendering of a history, optionally without the episode markers. */
export function sequence(history: HistoryEvent[], options: { episodes?: boolean } = {}): string[] {
  const episodes = options.episodes ?? true;
  return history.filter((e) => episodes || (e.EventType !== 12 && e.EventType !== 13)).map(describeEvent);
}
