// scanLoops against the seeded emulator with linkwright's own managed identity: Resource Graph enumeration, the
// real functions list / app settings / connection strings, linkwright connections as writers, allow-lists.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { scanLoops } from "../../src/loops/scan.js";
import { createTableStore } from "../../src/store/tableStore.js";
import type { ConnectionStore } from "../../src/store/types.js";
import { saveLinker, startLoopSandbox, type LoopSandbox } from "./support.js";

let sb: LoopSandbox;
let store: ConnectionStore;

beforeAll(async () => {
  sb = await startLoopSandbox();
  store = await createTableStore({ connectionString: inject("azurite").connectionString, tablePrefix: "lwscan", allowInsecureConnection: true });
});
afterAll(async () => {
  await sb?.close();
});

describe("scanLoops", () => {
  it("finds the seeded blob-trigger loop in the subscription, certain, with the fix", async () => {
    const result = await scanLoops({ subscriptionId: sb.te.subscriptionId }, { clients: sb.clients });
    const functionApp = sb.ids["functionApp"]!;
    expect(result.stats.scannedApps.map((a) => a.toLowerCase())).toContain(functionApp.toLowerCase());
    expect(result.stats.scannedApps.map((a) => a.toLowerCase())).not.toContain(sb.ids["webApp"]!.toLowerCase()); // kind app,linux
    expect(result.stats.problems).toEqual([]);
    const finding = result.findings.find((f) => f.members.some((m) => m.function === "ResizeImage"));
    expect(finding).toBeDefined();
    expect(finding!.severity).toBe("certain");
    expect(finding!.members).toEqual([{ appId: functionApp, function: "ResizeImage" }]);
    expect(finding!.cycle[0]!.trigger.pattern).toBe("images/{name}");
    expect(finding!.cycle[0]!.output.pattern).toBe("images/thumbs/{name}");
    expect(finding!.fix.join("\n")).toMatch(/separate container/i);
    expect(finding!.resources).toEqual(["blob://devstoreaccount1/images"]);
  });

  it("reads only the listed apps, and reports an app that does not exist as missing", async () => {
    const gone = `${sb.rg}/providers/Microsoft.Web/sites/not-there`;
    sb.te.emulator.control.resetCalls();
    const result = await scanLoops({ appIds: [sb.ids["functionApp"]!, gone] }, { clients: sb.clients });
    expect(result.stats.scannedApps).toEqual([sb.ids["functionApp"]]);
    expect(result.stats.missingApps).toEqual([gone]);
    expect(result.findings).toHaveLength(1);
    expect(sb.callsOf(/ResourceGraph/i)).toBe(0);
  });

  it("adds linkwright's connections on an app as possible writers", async () => {
    const appId = sb.addFunctionApp("lw-scan-jobs", {
      Worker: [{ name: "job", type: "queueTrigger", direction: "in", queueName: "jobs", connection: "AzureWebJobsStorage" }],
    }, { AzureWebJobsStorage: inject("azurite").connectionString });
    const account = `${sb.rg}/providers/Microsoft.Storage/storageAccounts/devstoreaccount1`;
    const without = await scanLoops({ appIds: [appId] }, { clients: sb.clients, linkers: store.linkers });
    expect(without.findings).toEqual([]);
    const linkerId = await saveLinker(store.linkers, appId, "jobsqueue", `${account}/queueServices/default`);
    await saveLinker(store.linkers, appId, "files", `${account}/fileServices/default`); // not triggerable: no writer
    const result = await scanLoops({ appIds: [appId] }, { clients: sb.clients, linkers: store.linkers });
    expect(result.findings).toHaveLength(1);
    const finding = result.findings[0]!;
    expect(finding.severity).toBe("possible");
    expect(finding.cycle[0]!.output).toMatchObject({ via: "connection", linkerId, kind: "queue" });
    expect(finding.uncertainty?.join(" ")).toContain(linkerId);

    const allowed = await scanLoops({ appIds: [appId] }, { clients: sb.clients, linkers: store.linkers, allowList: [{ linkerId }] });
    expect(allowed.findings).toEqual([]);
    expect(allowed.suppressed.map((f) => f.id)).toEqual([finding.id]);
    expect(allowed.suppressed[0]!.allowedBy).toEqual([{ linkerId }]);
  });

  it("honours the scanned app's own LINKWRIGHT_LOOP_ALLOWLIST and ignores a malformed one loudly", async () => {
    const appId = sb.addFunctionApp("lw-scan-allowed", {
      Echo: [
        { name: "in", type: "queueTrigger", direction: "in", queueName: "echo", connection: "AzureWebJobsStorage" },
        { name: "out", type: "queue", direction: "out", queueName: "echo", connection: "AzureWebJobsStorage" },
      ],
    }, { AzureWebJobsStorage: inject("azurite").connectionString, LINKWRIGHT_LOOP_ALLOWLIST: JSON.stringify([{ function: "Echo" }]) });
    const result = await scanLoops({ appIds: [appId] }, { clients: sb.clients });
    expect(result.findings).toEqual([]);
    expect(result.suppressed).toHaveLength(1);
    expect(result.suppressed[0]!.allowedBy).toEqual([{ appId, function: "Echo" }]);

    const broken = sb.addFunctionApp("lw-scan-broken", {
      Echo: [
        { name: "in", type: "queueTrigger", direction: "in", queueName: "echo2", connection: "AzureWebJobsStorage" },
        { name: "out", type: "queue", direction: "out", queueName: "echo2", connection: "AzureWebJobsStorage" },
      ],
    }, { AzureWebJobsStorage: inject("azurite").connectionString, LINKWRIGHT_LOOP_ALLOWLIST: "[{\"function\": " });
    const loud = await scanLoops({ appIds: [broken] }, { clients: sb.clients });
    expect(loud.findings).toHaveLength(1);
    expect(loud.findings[0]!.severity).toBe("certain");
    expect(loud.stats.problems).toEqual([{ appId: broken, code: "InvalidAllowList", message: "LINKWRIGHT_LOOP_ALLOWLIST is not valid JSON" }]);
  });

  it("pages through Resource Graph and reads apps with bounded concurrency", async () => {
    for (let i = 0; i < 12; i++) sb.addFunctionApp(`lw-scan-bulk-${i}`, { Http: [{ name: "req", type: "httpTrigger", direction: "in" }] });
    sb.te.emulator.control.resetCalls();
    const result = await scanLoops({ subscriptionId: sb.te.subscriptionId }, { clients: sb.clients, concurrency: 3, graphPageSize: 5 });
    expect(result.stats.scannedApps.filter((a) => a.includes("lw-scan-bulk-"))).toHaveLength(12);
    expect(new Set(result.stats.scannedApps.map((a) => a.toLowerCase())).size).toBe(result.stats.scannedApps.length);
    expect(sb.callsOf(/ResourceGraph/i)).toBeGreaterThanOrEqual(4); // ≥ 16 apps in pages of 5
    expect(result.stats.functions).toBeGreaterThanOrEqual(12);
  });

  it("reports an app it may not read as a problem and still analyses the rest", async () => {
    sb.te.emulator.control.addFault({ method: "GET", path: "/sites/lw-scan-jobs/functions", status: 403, code: "AuthorizationFailed", message: "denied", times: -1 });
    try {
      const result = await scanLoops({ subscriptionId: sb.te.subscriptionId }, { clients: sb.clients });
      expect(result.stats.problems).toEqual(expect.arrayContaining([expect.objectContaining({ appId: expect.stringContaining("lw-scan-jobs"), code: "AuthorizationFailed" })]));
      expect(result.stats.scannedApps.some((a) => a.includes("lw-scan-jobs"))).toBe(false);
      expect(result.findings.some((f) => f.members.some((m) => m.function === "ResizeImage"))).toBe(true);
    } finally {
      sb.te.emulator.control.clearRules();
    }
  });
});
