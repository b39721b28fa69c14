// The loop routes through the real router (test/api/harness.ts: real auth, Tables store on Azurite) with a real
// loop service: linkwright's managed identity against the seeded emulator, findings tables, a queue.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { randomUUID } from "node:crypto";
import { QueueClient } from "@azure/storage-queue";
import { createHarness, type Harness } from "../api/harness.js";
import { createLoopFindingsStore } from "../../src/loops/findingsStore.js";
import { createLoopPublisher } from "../../src/loops/notify.js";
import { createLoopScanService } from "../../src/loops/service.js";
import type { LoopFinding } from "../../src/loops/model.js";
import { drainQueue, startLoopSandbox, type LoopSandbox } from "./support.js";

let sb: LoopSandbox;
let h: Harness;
let queue: QueueClient;
const API = "2024-04-01";

beforeAll(async () => {
  sb = await startLoopSandbox();
  h = await createHarness("lwloopapi");
  const { connectionString } = inject("azurite");
  const queueName = `loops-api-${randomUUID().slice(0, 8)}`;
  queue = new QueueClient(connectionString, queueName);
  const loops = createLoopScanService({
    clients: sb.clients,
    linkers: h.store.linkers,
    store: await createLoopFindingsStore({ connectionString, tablePrefix: "lwloopapi", allowInsecureConnection: true }),
    publisher: await createLoopPublisher({ connectionString, allowInsecureConnection: true, queueName }),
    allowList: [],
    clock: () => new Date(),
  });
  Object.assign(h.deps, { loops });
});
afterAll(async () => {
  await h?.close();
  await sb?.close();
});

const detectPath = () => `/subscriptions/${sb.te.subscriptionId}/providers/Microsoft.ServiceLinker/detectLoops`;
const findingsPath = (appId: string) => `${appId}/providers/Microsoft.ServiceLinker/loopFindings`;

describe("loop detection API", () => {
  it("POST detectLoops reports the seeded loop with its fix, records it and posts it once", async () => {
    const res = await h.call("POST", detectPath());
    expect(res.status).toBe(200);
    expect(res.headers["x-ms-request-id"]).toBeTruthy();
    const body = res.body as { findings: LoopFinding[]; posted: string[]; stats: { scannedApps: string[] } };
    const finding = body.findings.find((f) => f.members.some((m) => m.function === "ResizeImage"))!;
    expect(finding).toMatchObject({ severity: "certain", members: [{ appId: sb.ids["functionApp"], function: "ResizeImage" }] });
    expect(finding.fix.join("\n")).toMatch(/separate container/i);
    expect(body.posted).toEqual([finding.id]);
    const [message] = (await drainQueue(queue, { atLeast: 1 })) as Record<string, unknown>[];
    expect(message).toMatchObject({
      kind: "loopDetected", findingId: finding.id, severity: "certain",
      functions: [{ appId: sb.ids["functionApp"], function: "ResizeImage" }],
      resources: ["blob://devstoreaccount1/images"],
      cycle: [{ function: "ResizeImage", trigger: "images/{name}", writes: "images/thumbs/{name}", via: "binding" }],
    });

    const again = await h.call("POST", detectPath(), { body: { appIds: [sb.ids["functionApp"]] } });
    expect(again.status).toBe(200);
    expect((again.body as { posted: string[]; stats: { scannedApps: string[] } })).toMatchObject({ posted: [], stats: { scannedApps: [sb.ids["functionApp"]] } });
    expect(await drainQueue(queue, { timeoutMs: 300 })).toEqual([]);
  });

  it("GET loopFindings serves the app's recorded findings, paged with an absolute nextLink", async () => {
    const res = await h.call("GET", findingsPath(sb.ids["functionApp"]!));
    expect(res.status).toBe(200);
    const body = res.body as { value: LoopFinding[]; nextLink?: string };
    expect(body.value).toHaveLength(1);
    expect(body.value[0]).toMatchObject({ severity: "certain", cycle: [{ function: "ResizeImage" }] });
    expect(body.nextLink).toBeUndefined();

    // Two loops on one app: page size 1 gives a nextLink to the second.
    const two = sb.addFunctionApp("lw-api-two", {
      A: [{ name: "i", type: "queueTrigger", direction: "in", queueName: "a", connection: "S" }, { name: "o", type: "queue", direction: "out", queueName: "a", connection: "S" }],
      B: [{ name: "i", type: "queueTrigger", direction: "in", queueName: "b", connection: "S" }, { name: "o", type: "queue", direction: "out", queueName: "b", connection: "S" }],
    }, { S: inject("azurite").connectionString });
    expect((await h.call("POST", detectPath(), { body: { appIds: [two] } })).status).toBe(200);
    const first = await h.call("GET", `${findingsPath(two)}?$top=1`);
    const page1 = first.body as { value: LoopFinding[]; nextLink: string };
    expect(page1.value).toHaveLength(1);
    expect(page1.nextLink).toMatch(/^https:\/\/linkwright\.test\/subscriptions\/.*\/loopFindings\?api-version=2024-04-01&%24top=1&%24skipToken=o1$/);
    const next = new URL(page1.nextLink);
    const second = await h.call("GET", `${next.pathname}${next.search}`, { apiVersion: null });
    const page2 = second.body as { value: LoopFinding[]; nextLink?: string };
    expect(page2.value).toHaveLength(1);
    expect(page2.nextLink).toBeUndefined();
    expect(page2.value[0]!.id).not.toBe(page1.value[0]!.id);
    await drainQueue(queue, { atLeast: 2 });
  });

  it("answers [] for a clean or never-scanned app", async () => {
    const res = await h.call("GET", findingsPath(`${sb.rg}/providers/Microsoft.Web/sites/never-scanned`));
    expect(res).toMatchObject({ status: 200, body: { value: [] } });
  });

  it("rejects bad input in the ARM envelope", async () => {
    const other = `/subscriptions/${randomUUID()}/resourceGroups/rg/providers/Microsoft.Web/sites/x`;
    const cases: [unknown, number, string][] = [
      [{ appIds: "nope" }, 400, "InvalidRequestContent"],
      [{ appIds: ["/subscriptions/x/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/a"] }, 400, "LinkedInvalidPropertyId"],
      [{ appIds: [other] }, 400, "LinkedInvalidPropertyId"],
      [{ apps: [] }, 400, "InvalidRequestContent"],
    ];
    for (const [body, status, code] of cases) {
      const res = await h.call("POST", detectPath(), { body });
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect((res.body as { error: { code: string } }).error.code).toBe(code);
    }
    expect((await h.call("POST", detectPath(), { rawBody: "{" })).status).toBe(400);
    expect((await h.call("POST", detectPath(), { apiVersion: null })).body).toMatchObject({ error: { code: "MissingApiVersionParameter" } });
    expect((await h.call("GET", detectPath())).status).toBe(405);
    expect((await h.call("POST", detectPath(), { token: null })).status).toBe(401);
    const notSite = await h.call("GET", findingsPath(`${sb.rg}/providers/Microsoft.Storage/storageAccounts/a`));
    expect(notSite).toMatchObject({ status: 400, body: { error: { code: "BadRequest" } } });
    expect((await h.call("GET", `${findingsPath(sb.ids["functionApp"]!)}?$skipToken=garbage`)).status).toBe(400);
  });

  it("answers 501 when the deployment has not wired loop detection", async () => {
    const loops = (h.deps as unknown as { loops: unknown }).loops;
    delete (h.deps as unknown as { loops?: unknown }).loops;
    try {
      const res = await h.call("POST", detectPath());
      expect(res).toMatchObject({ status: 501, body: { error: { code: "NotImplemented" } } });
    } finally {
      Object.assign(h.deps, { loops });
    }
  });
});
