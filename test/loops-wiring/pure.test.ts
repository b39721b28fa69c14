// Pure pieces of the wiring: allow-list setting, site-change events, linker targets, storage security, chunking.
import { describe, expect, it } from "vitest";
import { AllowListError, parseAllowList } from "../../src/loops/allowList.js";
import { siteChangeOf } from "../../src/loops/siteEvents.js";
import { targetKindOf, writersOfLinker } from "../../src/loops/linkerWriters.js";
import { usesHttp } from "../../src/azure/ownStorage.js";
import { chunkFindings } from "../../src/loops/findingsStore.js";
import { loopScanSchedule, readLoopSettings, readStorageSettings } from "../../src/config/settings.js";
import { mapBounded } from "../../src/concurrency/mapBounded.js";
import type { LoopFinding } from "../../src/loops/model.js";
import type { StoredLinker } from "../../src/model/connection.js";
import type { LoopRuntime } from "../../src/app/loopRuntime.js";
import type { LoopScanReport } from "../../src/loops/service.js";

const APP = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Web/sites/app";
const LINKER = `${APP}/providers/Microsoft.ServiceLinker/linkers/l1`;
const SA = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/acct";

describe("parseAllowList", () => {
  it("reads function and linker entries; an app's own entries default to the app", () => {
    expect(parseAllowList(undefined)).toEqual([]);
    expect(parseAllowList("  ")).toEqual([]);
    expect(parseAllowList(JSON.stringify([{ appId: APP, function: "F" }, { linkerId: LINKER }]))).toEqual([{ appId: APP, function: "F" }, { linkerId: LINKER }]);
    expect(parseAllowList(JSON.stringify([{ function: "F" }]), APP)).toEqual([{ appId: APP, function: "F" }]);
  });
  it.each([
    ["not json", "{", undefined],
    ["not an array", JSON.stringify({ function: "F" }), undefined],
    ["no appId on linkwright's own setting", JSON.stringify([{ function: "F" }]), undefined],
    ["another app's function", JSON.stringify([{ appId: APP.replace("app", "other"), function: "F" }]), APP],
    ["unknown property", JSON.stringify([{ appId: APP, function: "F", note: "x" }]), undefined],
    ["a linker id that is not one", JSON.stringify([{ linkerId: APP }]), undefined],
    ["a non-object entry", JSON.stringify(["F"]), undefined],
  ])("refuses %s", (_name, value, owner) => {
    expect(() => parseAllowList(value, owner)).toThrow(AllowListError);
  });
  it("never echoes the value in its errors", () => {
    expect(() => parseAllowList("[{\"function\": \"AccountKey=secret\"")).toThrow(/^LINKWRIGHT_LOOP_ALLOWLIST is not valid JSON$/);
  });
});

describe("siteChangeOf", () => {
  const event = (eventType: string, resourceUri: string) => ({ id: "1", eventType, subject: resourceUri, data: { resourceUri }, eventTime: "2026-01-01T00:00:00Z", dataVersion: "2" });
  it.each([
    [APP, APP],
    [`${APP}/config/appsettings`, APP],
    [`${APP}/functions/Fn`, APP],
    [`${APP.toLowerCase()}/config/connectionstrings`, APP.toLowerCase()],
  ])("rescans the app for a write of %s", (resourceUri, appId) => {
    expect(siteChangeOf(event("Microsoft.Resources.ResourceWriteSuccess", resourceUri))).toMatchObject({ appId });
  });
  it("accepts CloudEvents and JSON text (queue messages)", () => {
    const cloud = { specversion: "1.0", type: "Microsoft.Resources.ResourceWriteSuccess", subject: `${APP}/functions/Fn`, source: "/subscriptions/s1", id: "c", data: {} };
    expect(siteChangeOf(cloud)).toMatchObject({ appId: APP });
    expect(siteChangeOf(JSON.stringify(event("Microsoft.Resources.ResourceDeleteSuccess", `${APP}/functions/Fn`)))).toMatchObject({ appId: APP, eventType: "Microsoft.Resources.ResourceDeleteSuccess" });
  });
  it.each([
    ["another event type", event("Microsoft.Resources.ResourceActionSuccess", `${APP}/config/appsettings/list`)],
    ["another resource type", event("Microsoft.Resources.ResourceWriteSuccess", SA)],
    ["an irrelevant site child", event("Microsoft.Resources.ResourceWriteSuccess", `${APP}/config/web`)],
    ["a slot", event("Microsoft.Resources.ResourceWriteSuccess", `${APP}/slots/staging`)],
    ["no resource id", { eventType: "Microsoft.Resources.ResourceWriteSuccess", data: {} }],
    ["garbage", "not json"],
  ])("ignores %s", (_name, input) => {
    expect(siteChangeOf(input)).toHaveProperty("ignored");
  });
});

describe("linkwright connections as writers", () => {
  it.each([
    [`${SA}/blobServices/default`, ["storageBlob"]],
    [`${SA}/blobServices/default/containers/images`, ["storageBlob"]],
    [`${SA}/queueServices/default`, ["storageQueue"]],
    [SA, ["storageBlob", "storageQueue"]],
    [`${SA}/fileServices/default`, []],
    ["/subscriptions/s1/resourceGroups/rg/providers/Microsoft.ServiceBus/namespaces/ns/queues/q", ["serviceBus"]],
    ["/subscriptions/s1/resourceGroups/rg/providers/Microsoft.EventHub/namespaces/ns", ["eventHub"]],
    ["/subscriptions/s1/resourceGroups/rg/providers/Microsoft.DocumentDB/databaseAccounts/db", ["cosmos"]],
    ["/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Sql/servers/s/databases/d", []],
  ])("%s → %j", (id, kinds) => {
    expect(targetKindOf(id)).toEqual(kinds);
  });
  it("skips deleting linkers and non-Azure targets", () => {
    const linker = (over: Partial<StoredLinker>): StoredLinker => ({
      id: LINKER, sourceId: APP, name: "l1", provisioningState: "Succeeded", systemData: {}, secretPaths: [],
      properties: { targetService: { type: "AzureResource", id: `${SA}/queueServices/default` }, authInfo: { authType: "systemAssignedIdentity" } }, ...over,
    });
    expect(writersOfLinker(linker({}))).toEqual([{ linkerId: LINKER, targetResourceId: `${SA}/queueServices/default`, targetKind: "storageQueue" }]);
    expect(writersOfLinker(linker({ provisioningState: "Deleting" }))).toEqual([]);
    expect(writersOfLinker(linker({ properties: { targetService: { type: "ConfluentBootstrapServer", endpoint: "x" }, authInfo: { authType: "secret" } } }))).toEqual([]);
  });
});

describe("settings", () => {
  it("tells http storage connections apart", () => {
    expect(usesHttp("UseDevelopmentStorage=true")).toBe(true);
    expect(usesHttp("DefaultEndpointsProtocol=http;AccountName=a;AccountKey=k")).toBe(true);
    expect(usesHttp("DefaultEndpointsProtocol=https;AccountName=a;AccountKey=k;QueueEndpoint=http://127.0.0.1:1/a")).toBe(true);
    expect(usesHttp("DefaultEndpointsProtocol=https;AccountName=a;AccountKey=k;EndpointSuffix=core.windows.net")).toBe(false);
  });
  it("uses the schedule setting by reference only when it is set", () => {
    expect(loopScanSchedule({})).toBe("0 0 */6 * * *");
    expect(loopScanSchedule({ LINKWRIGHT_LOOP_SCAN_SCHEDULE: "0 */5 * * * *" })).toBe("%LINKWRIGHT_LOOP_SCAN_SCHEDULE%");
  });
  it("scans linkwright's own subscription unless told otherwise", () => {
    const base = { AzureWebJobsStorage: "UseDevelopmentStorage=true" };
    expect(readLoopSettings({ ...base, WEBSITE_OWNER_NAME: "0f0e0d0c-0000-4000-8000-000000000001+linkwright-rg-WestEuropewebspace" }).subscriptions)
      .toEqual(["0f0e0d0c-0000-4000-8000-000000000001"]);
    expect(readLoopSettings({ ...base, LINKWRIGHT_LOOP_SCAN_SUBSCRIPTIONS: "a, b" }).subscriptions).toEqual(["a", "b"]);
    expect(readLoopSettings(base).subscriptions).toEqual([]);
    expect(() => readStorageSettings({})).toThrow(/AzureWebJobsStorage/);
    expect(() => readLoopSettings({ ...base, LINKWRIGHT_LOOP_SCAN_CONCURRENCY: "0" })).toThrow(/CONCURRENCY/);
  });
});

describe("helpers", () => {
  it("chunks large finding lists into table-sized properties and drops what does not fit", () => {
    const finding = (i: number) => ({ id: `loop-${i}`, explanation: "x".repeat(10_000) }) as unknown as LoopFinding;
    const some = chunkFindings([finding(1), finding(2), finding(3), finding(4)]);
    expect(some.kept).toBe(4);
    expect(some.chunks.every((c) => c.length <= 30_000)).toBe(true);
    expect(JSON.parse(some.chunks.join(""))).toHaveLength(4);
    const many = chunkFindings(Array.from({ length: 100 }, (_, i) => finding(i)));
    expect(many.kept).toBeLessThan(100);
    expect(many.chunks.join("").length).toBeLessThanOrEqual(28 * 30_000);
  });
  it("runs at most `limit` tasks at once and keeps the order", async () => {
    let running = 0;
    let peak = 0;
    const out = await mapBounded([5, 1, 4, 2, 3], 2, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, n * 3));
      running--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30]);
    expect(peak).toBe(2);
  });
});

describe("lazyLoopScanService", () => {
  it("builds the runtime only when a loop route uses it", async () => {
    const { lazyLoopScanService } = await import("../../src/app/loopRuntime.js");
    let built = 0;
    const service = lazyLoopScanService(async () => {
      built++;
      throw new Error("App setting AzureWebJobsStorage is required by the loop scan.");
    });
    expect(built).toBe(0);
    await expect(service.healthOf(APP)).rejects.toThrow(/AzureWebJobsStorage/);
    expect(built).toBe(1);
  });
});

describe("runScheduledLoopScan", () => {
  it("scans every configured subscription, keeps going past a failing one, then fails the run", async () => {
    const { runScheduledLoopScan } = await import("../../src/loops/triggerHandlers.js");
    const { readLoopSettings: read } = await import("../../src/config/settings.js");
    const scanned: unknown[] = [];
    const settings = read({ AzureWebJobsStorage: "UseDevelopmentStorage=true", LINKWRIGHT_LOOP_SCAN_SUBSCRIPTIONS: "s1,bad,s3" });
    const empty: LoopScanReport = { findings: [], suppressed: [], posted: [], checkedAt: "t", stats: { apps: 0, functions: 0, edges: 0, unanalyzedTriggers: {}, scannedApps: [], problems: [], missingApps: [] } };
    const runtime: LoopRuntime = {
      settings,
      service: {
        scan: async (scope) => {
          scanned.push(scope);
          if ("subscriptionId" in scope && scope.subscriptionId === "bad") throw new Error("SubscriptionNotFound");
          return empty;
        },
        healthOf: async () => undefined,
      },
    };
    const lines: string[] = [];
    await expect(runScheduledLoopScan(runtime, (m) => lines.push(m))).rejects.toThrow(/1 of 3 subscription/);
    expect(scanned).toEqual([{ subscriptionId: "s1" }, { subscriptionId: "bad" }, { subscriptionId: "s3" }]);
    expect(lines.some((l) => l.includes("bad failed: SubscriptionNotFound"))).toBe(true);
    await expect(runScheduledLoopScan({ ...runtime, settings: { ...settings, subscriptions: [] } }, () => {})).rejects.toThrow(/LINKWRIGHT_LOOP_SCAN_SUBSCRIPTIONS/);
  });
});
