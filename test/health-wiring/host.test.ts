// Connection health wired into the function app, through the dev host: the real registrations (Event Grid webhook,
// queue trigger, timer, the ServiceLinker API) against the seeded emulator, with linkwright's own Azurite.
// A role assignment deleted outside linkwright → the emulator's Event Grid event → only that connection turns
// Unhealthy with the failing RoleAssignment check, and one message goes to `connection-health`; the timer records
// history without repeating the message; the healthHistory route serves the rows; with auto-heal on, a queue-delivered
// event re-runs the create orchestration and the role assignment is back.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { QueueClient } from "@azure/storage-queue";
import { createTableStore } from "../../src/store/tableStore.js";
import type { ConnectionStore } from "../../src/store/types.js";
import type { StoredLinker } from "../../src/model/connection.js";
import { startLinkwright, type Linkwright } from "../connections/linkwright.js";

let lw: Linkwright;
let store: ConnectionStore;
let healthQueue: QueueClient;
let authz: AuthorizationManagementClient;
const API = "2024-04-01";

const timerRun = () => ({
  json: JSON.stringify({ Schedule: { AdjustForDST: true }, ScheduleStatus: { Last: "0001-01-01T00:00:00", Next: "0001-01-01T00:00:00", LastUpdated: new Date().toISOString() }, IsPastDue: false }),
});

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function drain(timeoutMs: number, atLeast = 0): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await healthQueue.exists()) {
      const r = await healthQueue.receiveMessages({ numberOfMessages: 32, visibilityTimeout: 30 });
      for (const m of r.receivedMessageItems) {
        out.push(JSON.parse(Buffer.from(m.messageText, "base64").toString("utf8")));
        await healthQueue.deleteMessage(m.messageId, m.popReceipt);
      }
    }
    if (atLeast > 0 && out.length >= atLeast) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return out;
}

const blob = () => `${lw.ids.storageAccount}/blobServices/default`;
const linkerOf = (sourceId: string, name: string) => store.linkers.get(sourceId, name);
const healthOf = (l: StoredLinker | undefined) => l?.state?.["health"] as { status: string; failingChecks: string[]; checkedAt: string } | undefined;

async function linkwrightAssignments(scope: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const ra of authz.roleAssignments.listForScope(scope)) if (ra.description === "Created by linkwright") ids.push(ra.id!);
  return ids;
}

async function apiGet(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const token = await lw.te.credential.getToken(`${lw.te.endpoint}/.default`);
  const res = await fetch(`${lw.host.baseUrl}${path}`, { headers: { authorization: `Bearer ${token!.token}` } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  lw = await startLinkwright({
    extraFunctions: ["healthRevalidateTimer", "healthOnResourceChange"],
    env: { LINKWRIGHT_HEALTH_EVENT_WINDOW_MS: "100" },
  });
  store = await createTableStore({ connectionString: lw.azurite.connectionString, tablePrefix: "", allowInsecureConnection: true });
  healthQueue = new QueueClient(lw.azurite.connectionString, "connection-health");
  authz = new AuthorizationManagementClient(lw.te.credential, lw.te.subscriptionId, { endpoint: lw.te.endpoint, credentialScopes: [`${lw.te.endpoint}/.default`] } as never);
}, 60_000);
afterAll(async () => { await lw?.stop(); });

describe("connection health in the function app", () => {
  it("registers the timer, the Event Grid trigger and the queue trigger", () => {
    const byName = new Map(lw.host.functions().map((f) => [f.name, f.triggerType.toLowerCase()]));
    expect(byName.get("healthRevalidateTimer")).toBe("timertrigger");
    expect(byName.get("healthOnResourceChange")).toBe("eventgridtrigger");
    expect(byName.get("healthOnResourceChangeQueue")).toBe("queuetrigger");
  });

  it("a deleted role assignment: the Event Grid event makes only that connection Unhealthy, with one message; the timer and the API show history", async () => {
    await lw.client.linker.beginCreateOrUpdateAndWait(lw.ids.functionApp!, "hblob", {
      targetService: { type: "AzureResource", id: blob() }, authInfo: { authType: "systemAssignedIdentity" }, clientType: "python",
    });
    await lw.client.linker.beginCreateOrUpdateAndWait(lw.ids.webApp!, "hkv", {
      targetService: { type: "AzureResource", id: lw.ids.keyVault! }, authInfo: { authType: "systemAssignedIdentity" }, clientType: "python",
    });
    // Past the (test) role propagation window of 1 s, so a missing assignment is a failure, not "propagating".
    await new Promise((r) => setTimeout(r, 1_200));
    await drain(200);

    const sub = await lw.te.emulator.control.subscribeEvents({
      kind: "webhook", name: "health-webhook", endpoint: `${lw.host.baseUrl}/runtime/webhooks/eventgrid?functionName=healthOnResourceChange`,
      includedEventTypes: ["Microsoft.Resources.ResourceDeleteSuccess"],
    });
    try {
      const assignments = await linkwrightAssignments(blob());
      expect(assignments.length).toBeGreaterThan(0);
      const started = Date.now();
      for (const id of assignments) await authz.roleAssignments.deleteById(id);
      await lw.te.emulator.control.flushEvents();
      const broken = await until("hblob Unhealthy", async () => {
        const h = healthOf(await linkerOf(lw.ids.functionApp!, "hblob"));
        return h?.status === "Unhealthy" ? h : undefined;
      });
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(broken.failingChecks).toContain("RoleAssignment");
      expect(healthOf(await linkerOf(lw.ids.webApp!, "hkv"))).toBeUndefined();

      const [message, ...more] = await drain(3_000, 1);
      expect(more).toEqual([]);
      expect(message).toMatchObject({
        kind: "healthChanged", previous: null, current: { status: "Unhealthy" }, failingChecks: expect.arrayContaining(["RoleAssignment"]),
      });
      expect(String(message!["linkerId"]).toLowerCase()).toBe(`${lw.ids.functionApp}/providers/Microsoft.ServiceLinker/linkers/hblob`.toLowerCase());
    } finally {
      lw.te.emulator.control.unsubscribeEvents(sub.name);
    }

    // The timer revalidates every connection: hblob stays Unhealthy (no new message), hkv gets its first health.
    await lw.host.invoke("healthRevalidateTimer", timerRun());
    expect(healthOf(await linkerOf(lw.ids.functionApp!, "hblob"))).toMatchObject({ status: "Unhealthy" });
    expect(healthOf(await linkerOf(lw.ids.webApp!, "hkv"))).toMatchObject({ status: "Healthy", failingChecks: [] });
    expect(await drain(500)).toEqual([]);

    const linkerPath = `${lw.ids.functionApp}/providers/Microsoft.ServiceLinker/linkers/hblob`;
    const history = await apiGet(`${linkerPath}/healthHistory?api-version=${API}`);
    expect(history.status).toBe(200);
    const rows = history.body["value"] as { checkedAt: string; status: string; failingChecks: string[]; validationDetail: { name: string; result: string; errorMessage?: string }[] }[];
    expect(rows).toHaveLength(2);
    expect(rows.map((r) => r.status)).toEqual(["Unhealthy", "Unhealthy"]);
    expect(Date.parse(rows[0]!.checkedAt)).toBeGreaterThanOrEqual(Date.parse(rows[1]!.checkedAt));
    const role = rows[0]!.validationDetail.find((d) => d.name === "RoleAssignment");
    expect(role).toMatchObject({ result: "failure" });
    expect(role!.errorMessage).toBeTruthy();
    expect(history.body["nextLink"]).toBeUndefined();

    const paged = await apiGet(`${linkerPath}/healthHistory?api-version=${API}&$top=1`);
    expect(paged.body["value"]).toHaveLength(1);
    expect(new URL(String(paged.body["nextLink"])).searchParams.get("$skipToken")).toBe("o1");
    const second = await apiGet(String(paged.body["nextLink"]).replace(/^https?:\/\/[^/]+/, ""));
    expect((second.body["value"] as unknown[])).toEqual([rows[1]]);

    const missing = await apiGet(`${lw.ids.functionApp}/providers/Microsoft.ServiceLinker/linkers/nope/healthHistory?api-version=${API}`);
    expect(missing.status).toBe(404);
  }, 120_000);

  it("with auto-heal on, a queue-delivered delete event re-runs the create orchestration and restores the assignment", async () => {
    const before = await linkerOf(lw.ids.functionApp!, "hblob");
    expect(healthOf(before)?.status).toBe("Unhealthy");
    await store.linkers.update(lw.ids.functionApp!, "hblob", (l) => ({ ...l, state: { ...l.state, autoHeal: true } }));
    const deleteEvent = [...lw.te.emulator.control.events()].reverse()
      .find((e) => e.eventType === "Microsoft.Resources.ResourceDeleteSuccess" && /roleAssignments/i.test(String((e.data as { resourceUri?: string }).resourceUri)));
    expect(deleteEvent).toBeDefined();

    await lw.host.invoke("healthOnResourceChangeQueue", { string: Buffer.from(JSON.stringify(deleteEvent)).toString("base64") });
    const healed = await until("the heal operation to finish", async () => {
      const l = await linkerOf(lw.ids.functionApp!, "hblob");
      if (!l || l.lastOperationId === before!.lastOperationId) return undefined;
      const op = await store.operations.get(l.lastOperationId!);
      return op?.status === "Succeeded" && l.provisioningState === "Succeeded" ? l : undefined;
    }, 30_000);
    const op = await store.operations.get(healed.lastOperationId!);
    expect(op).toMatchObject({ kind: "createOrUpdate", status: "Succeeded", resourceId: healed.id });
    expect((await linkwrightAssignments(blob())).length).toBeGreaterThan(0);

    await drain(200);
    await lw.host.invoke("healthRevalidateTimer", timerRun());
    expect(healthOf(await linkerOf(lw.ids.functionApp!, "hblob"))).toMatchObject({ status: "Healthy", failingChecks: [] });
    const [message] = await drain(3_000, 1);
    expect(message).toMatchObject({ kind: "healthChanged", previous: { status: "Unhealthy" }, current: { status: "Healthy" } });
  }, 120_000);

  it("a re-deploy that wipes the app settings: the write event reports the missing keys and auto-heal restores exactly those", async () => {
    const configured = (await linkerOf(lw.ids.webApp!, "hkv"))!;
    const owned = (configured.state?.["configurations"] as { name: string }[]).map((c) => c.name);
    expect(owned.length).toBeGreaterThan(0);
    await store.linkers.update(lw.ids.webApp!, "hkv", (l) => ({ ...l, state: { ...l.state, autoHeal: true } }));

    // A whole-set PUT, as a deployment does: linkwright's keys are gone, someone else's new key is there.
    const token = await lw.te.credential.getToken(`${lw.te.endpoint}/.default`);
    const put = await fetch(`${lw.te.endpoint}${lw.ids.webApp}/config/appsettings?api-version=2024-04-01`, {
      method: "PUT", headers: { authorization: `Bearer ${token!.token}`, "content-type": "application/json" },
      body: JSON.stringify({ properties: { DEPLOYED_BY: "pipeline" } }),
    });
    expect(put.status).toBe(200);
    const writeEvent = [...lw.te.emulator.control.events()].reverse()
      .find((e) => e.eventType === "Microsoft.Resources.ResourceWriteSuccess" && /\/config\/appsettings$/i.test(String((e.data as { resourceUri?: string }).resourceUri)));
    expect(writeEvent).toBeDefined();

    await drain(200);
    await lw.host.invoke("healthOnResourceChangeQueue", { string: Buffer.from(JSON.stringify(writeEvent)).toString("base64") });
    const [message] = await drain(5_000, 1);
    expect(message).toMatchObject({ kind: "healthChanged", current: { status: "Unhealthy" } });
    expect(message).toMatchObject({ failingChecks: ["Configuration"], attribution: [{ check: "Configuration", operationName: "Microsoft.Web/sites/config/write" }] });
    // The report names the missing keys (health history, newest first).
    const history = await apiGet(`${lw.ids.webApp}/providers/Microsoft.ServiceLinker/linkers/hkv/healthHistory?api-version=${API}&$top=1`);
    const detail = (history.body["value"] as { validationDetail: { name: string; errorMessage?: string }[] }[])[0]!.validationDetail
      .find((d) => d.name === "Configuration")!;
    for (const name of owned) expect(detail.errorMessage).toContain(name);

    const healed = await until("the heal operation to finish", async () => {
      const l = await linkerOf(lw.ids.webApp!, "hkv");
      if (!l || l.lastOperationId === configured.lastOperationId) return undefined;
      const op = await store.operations.get(l.lastOperationId!);
      return op?.status === "Succeeded" && l.provisioningState === "Succeeded" ? l : undefined;
    }, 30_000);
    expect(healed.provisioningState).toBe("Succeeded");
    const settings = (lw.te.emulator.store.get(lw.ids.webApp!) as unknown as { appSettings: Record<string, string> }).appSettings;
    expect(Object.keys(settings).sort()).toEqual(["DEPLOYED_BY", ...owned].sort());
  }, 120_000);
});
