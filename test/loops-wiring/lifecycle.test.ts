// The scan service over time: new findings only, re-posting after a fix regresses, cross-app findings kept by a
// one-app rescan, a failed post retried by the next run. Real emulator, Tables and queue.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { randomUUID } from "node:crypto";
import { QueueClient } from "@azure/storage-queue";
import { buildFunction } from "../../sandbox/arm/providers/web/functions.js";
import { createLoopFindingsStore, type LoopFindingsStore } from "../../src/loops/findingsStore.js";
import { createLoopPublisher, type LoopPublisher } from "../../src/loops/notify.js";
import { createLoopScanService, type LoopScanService } from "../../src/loops/service.js";
import { drainQueue, startLoopSandbox, type LoopSandbox } from "./support.js";

let sb: LoopSandbox;
let store: LoopFindingsStore;
let queue: QueueClient;
let service: LoopScanService;
let failNextPost = false;

const queueFn = (trigger: string, output: string) => [
  { name: "in", type: "queueTrigger", direction: "in", queueName: trigger, connection: "AzureWebJobsStorage" },
  { name: "out", type: "queue", direction: "out", queueName: output, connection: "AzureWebJobsStorage" },
];

function setFunction(appId: string, name: string, bindings: Record<string, unknown>[]) {
  const site = sb.te.emulator.store.get(appId)!;
  sb.te.emulator.store.put(buildFunction(site, name, { bindings }));
}

beforeAll(async () => {
  sb = await startLoopSandbox();
  const { connectionString } = inject("azurite");
  const queueName = `loops-life-${randomUUID().slice(0, 8)}`;
  queue = new QueueClient(connectionString, queueName);
  store = await createLoopFindingsStore({ connectionString, tablePrefix: "lwlooplife", allowInsecureConnection: true });
  const real = await createLoopPublisher({ connectionString, allowInsecureConnection: true, queueName });
  const publisher: LoopPublisher = {
    async publish(message) {
      if (failNextPost) {
        failNextPost = false;
        throw new Error("queue unavailable");
      }
      await real.publish(message);
    },
  };
  service = createLoopScanService({ clients: sb.clients, store, publisher, allowList: [], clock: () => new Date() });
});
afterAll(async () => {
  await sb?.close();
});

describe("loop scan service", () => {
  it("posts a finding once, forgets it when fixed, and posts it again when it comes back", async () => {
    const env = { AzureWebJobsStorage: inject("azurite").connectionString };
    const app = sb.addFunctionApp("lw-life-echo", { Echo: queueFn("echo", "echo") }, env);
    const first = await service.scan({ appIds: [app] });
    expect(first.findings).toHaveLength(1);
    const id = first.findings[0]!.id;
    expect(first.posted).toEqual([id]);
    expect((await service.scan({ appIds: [app] })).posted).toEqual([]);
    expect(await drainQueue(queue, { atLeast: 1 })).toHaveLength(1);

    setFunction(app, "Echo", queueFn("echo", "echo-done"));
    const fixed = await service.scan({ appIds: [app] });
    expect(fixed.findings).toEqual([]);
    expect((await store.reported()).map((r) => r.id)).not.toContain(id);
    expect(await service.healthOf(app)).toMatchObject({ status: "Healthy", findings: [] });

    setFunction(app, "Echo", queueFn("echo", "echo"));
    expect((await service.scan({ appIds: [app] })).posted).toEqual([id]);
    expect(await drainQueue(queue, { atLeast: 1 })).toMatchObject([{ findingId: id, functions: [{ appId: app, function: "Echo" }] }]);
  });

  it("a rescan of one app keeps a cross-app finding it cannot re-evaluate, until a scan covers both apps", async () => {
    const env = { AzureWebJobsStorage: inject("azurite").connectionString };
    const x = sb.addFunctionApp("lw-life-x", { Forward: queueFn("ping", "pong") }, env);
    const y = sb.addFunctionApp("lw-life-y", { Back: queueFn("pong", "ping") }, env);
    const both = await service.scan({ appIds: [x, y] });
    expect(both.findings).toHaveLength(1);
    const id = both.findings[0]!.id;
    expect(both.findings[0]!.members.map((m) => m.function).sort()).toEqual(["Back", "Forward"]);
    await drainQueue(queue, { atLeast: 1 });

    const onlyX = await service.scan({ appIds: [x] });
    expect(onlyX.findings).toEqual([]);
    expect(await service.healthOf(x)).toMatchObject({ status: "Unhealthy", findings: [{ id }] });
    expect((await store.reported()).map((r) => r.id)).toContain(id);

    setFunction(y, "Back", queueFn("pong", "done"));
    await service.scan({ appIds: [x, y] });
    expect(await service.healthOf(x)).toMatchObject({ status: "Healthy", findings: [] });
    expect(await service.healthOf(y)).toMatchObject({ status: "Healthy", findings: [] });
    expect((await store.reported()).map((r) => r.id)).not.toContain(id);
  });

  it("a post that fails is not remembered: the run fails and the next run posts it", async () => {
    const app = sb.addFunctionApp("lw-life-retry", { Loop: queueFn("again", "again") }, { AzureWebJobsStorage: inject("azurite").connectionString });
    failNextPost = true;
    await expect(service.scan({ appIds: [app] })).rejects.toThrow(/posting 1 loop finding/);
    expect(await service.healthOf(app)).toMatchObject({ status: "Unhealthy" });
    const retry = await service.scan({ appIds: [app] });
    expect(retry.posted).toHaveLength(1);
    expect(await drainQueue(queue, { atLeast: 1 })).toMatchObject([{ findingId: retry.posted[0] }]);
  });

  it("a deleted app loses its record", async () => {
    const app = sb.addFunctionApp("lw-life-gone", { Loop: queueFn("gone", "gone") }, { AzureWebJobsStorage: inject("azurite").connectionString });
    await service.scan({ appIds: [app] });
    await drainQueue(queue, { atLeast: 1 });
    expect(await service.healthOf(app)).toBeDefined();
    await sb.admin.webApps.delete(sb.rg.split("/").pop()!, "lw-life-gone");
    const after = await service.scan({ appIds: [app] });
    expect(after.stats.missingApps).toEqual([app]);
    expect(await service.healthOf(app)).toBeUndefined();
    expect((await store.reported()).some((r) => r.appIds.includes(app))).toBe(false);
  });
});
