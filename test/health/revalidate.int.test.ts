// Revalidation of several connections against the emulator + Azurite: shared reads (ARM calls counted by the
// emulator), history and last health in Tables, change messages on the queue only on change, a 429 storm ridden
// out without false failures, and Event Grid events (delivered by the emulator to a queue) revalidating exactly
// the affected connections with auto-heal.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { QueueClient } from "@azure/storage-queue";
import {
  createEventReactor, createHealthChangePublisher, createHealthHistory, recordHealth, revalidateConnections, callBound,
  type ConnectionHealth, type HealthChangeMessage, type HealthChangePublisher, type HealthHistory, type RevalidateDeps,
} from "../../src/health/index.js";
import type { StoredLinker } from "../../src/model/connection.js";
import { splitLinkerId } from "../../src/store/linkerId.js";
import {
  assignBlobRole, connectionString, CS_SETTING, ENDPOINT_SETTING, identityLinker, mergeSettings, saveLinker, secretLinker, startHarness, type Harness,
} from "./harness.js";

const QUEUE = "connection-health-revtest";
let h: Harness;
let history: HealthHistory;
let publisher: HealthChangePublisher;
let queue: QueueClient;
let raName: string;
let linkers: StoredLinker[];

async function drain(): Promise<HealthChangeMessage[]> {
  const out: HealthChangeMessage[] = [];
  for (let i = 0; i < 10; i++) {
    const got = await queue.receiveMessages({ numberOfMessages: 32, visibilityTimeout: 60 });
    if (!got.receivedMessageItems.length) break;
    for (const m of got.receivedMessageItems) {
      out.push(JSON.parse(Buffer.from(m.messageText, "base64").toString("utf8")));
      await queue.deleteMessage(m.messageId, m.popReceipt);
    }
  }
  return out;
}

async function fresh(): Promise<StoredLinker[]> {
  return Promise.all(linkers.map(async (l) => (await h.store.linkers.get(l.sourceId, l.name))!));
}

const deps = (): RevalidateDeps => ({ clients: h.clients, budget: { baseDelayMs: 20 } });

async function runOnce(): Promise<{ results: ConnectionHealth[]; changed: string[] }> {
  const run = await revalidateConnections(await fresh(), deps());
  const outcome = await recordHealth(run.results, { linkers: h.store.linkers, history, publisher });
  return { results: run.results, changed: outcome.changed.sort() };
}

beforeAll(async () => {
  h = await startHarness("healthrev");
  const { connectionString: cs } = inject("azurite");
  history = await createHealthHistory({ connectionString: cs, tablePrefix: "healthrev", allowInsecureConnection: true });
  publisher = await createHealthChangePublisher({ connectionString: cs, allowInsecureConnection: true, queueName: QUEUE });
  queue = new QueueClient(cs, QUEUE);
  raName = await assignBlobRole(h);
  await mergeSettings(h, { [ENDPOINT_SETTING]: `https://${h.accountName}.blob.core.windows.net/`, [CS_SETTING]: await connectionString(h) });
  const mi = identityLinker(h, "mi");
  linkers = [
    await saveLinker(h, { ...mi, state: { ...mi.state, autoHeal: true } }),
    await saveLinker(h, secretLinker(h, "secret")),
  ];
});
afterAll(async () => { await h?.t.close(); });
beforeEach(() => { h.t.emulator.control.clearRules(); });

describe("revalidateConnections + recordHealth", () => {
  it("shares reads: ARM calls = settings reads per source + graph batches (role assignments joined in) + listKeys, as the emulator counts them", async () => {
    await revalidateConnections(linkers, { ...deps(), attribution: false }); // linkwright's tokens, not counted below
    h.t.emulator.control.resetCalls();
    const run = await revalidateConnections(linkers, { ...deps(), attribution: false });
    const counted = h.t.emulator.control.calls();
    expect(run.results.map((r) => r.status)).toEqual(["Healthy", "Healthy"]);
    expect(run.stats).toMatchObject({ connections: 2, distinctSources: 1, distinctResources: 2, graphQueries: 1, settingsReads: 1, roleAssignmentQueries: 0, roleAssignmentCalls: 0, listKeys: 1 });
    expect(counted.total, JSON.stringify(counted.byOperation)).toBe(run.stats.armCalls);
    expect(run.stats.armCalls).toBe(callBound(run.stats) + run.stats.listKeys);
    expect(counted.byOperation.some((c) => /roleAssignments/i.test(JSON.stringify(c)))).toBe(false);
  });

  it("keeps history and last health, and sends a message only when health changes", async () => {
    await drain();
    const first = await runOnce();
    expect(first.results.map((r) => r.status)).toEqual(["Healthy", "Healthy"]);
    expect(first.changed).toEqual([]);
    expect(await drain()).toEqual([]);

    expect((await runOnce()).changed).toEqual([]);
    expect(await drain()).toEqual([]);

    await h.authz.roleAssignments.delete(h.blob, raName);
    const third = await runOnce();
    expect(third.changed).toEqual([linkers[0]!.id]);
    const [message, ...rest] = await drain();
    expect(rest).toEqual([]);
    expect(message).toMatchObject({
      kind: "healthChanged", linkerId: linkers[0]!.id, previous: { status: "Healthy", failingChecks: [] },
      current: { status: "Unhealthy", failingChecks: ["RoleAssignment"] }, failingChecks: ["RoleAssignment"],
      attribution: [expect.objectContaining({ check: "RoleAssignment", operationName: "Microsoft.Authorization/roleAssignments/delete" })],
    });
    const stored = (await fresh())[0]!;
    expect(stored.state?.health).toMatchObject({ status: "Unhealthy", failingChecks: ["RoleAssignment"] });
    const past = await history.list(linkers[0]!.id);
    expect(past.map((p) => p.status)).toEqual(["Unhealthy", "Healthy", "Healthy"]);
    expect(past[0]!.attribution[0]!.caller).toBeTruthy();

    // Same failure again: no new message.
    expect((await runOnce()).changed).toEqual([]);
    raName = await assignBlobRole(h);
    expect((await runOnce()).changed).toEqual([linkers[0]!.id]);
    expect((await drain())[0]).toMatchObject({ previous: { status: "Unhealthy" }, current: { status: "Healthy" } });
  });

  it("rides out a 429 storm (Retry-After honoured, retry budget) with no false failures; an exhausted budget gives Unknown, not Unhealthy", async () => {
    const baseline = (await revalidateConnections(await fresh(), deps())).results.map((r) => r.status);
    expect(baseline).toEqual(["Healthy", "Healthy"]);
    const storm = () => {
      h.t.emulator.control.addFault({ path: "Microsoft\\.ResourceGraph/resources", status: 429, retryAfter: 1, times: 2 });
      h.t.emulator.control.addFault({ path: "/config/appsettings/list", status: 429, retryAfter: 0, times: 9 });
      h.t.emulator.control.addFault({ path: "/listKeys", status: 503, retryAfter: 0, times: 5 });
    };
    storm();
    const started = Date.now();
    const run = await revalidateConnections(await fresh(), deps());
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    expect(run.results.map((r) => r.status)).toEqual(baseline);
    expect(run.stats.retriesUsed).toBeGreaterThan(0);
    expect(h.t.emulator.control.rules().faults.every((f) => f.hits === f.times)).toBe(true);

    h.t.emulator.control.clearRules();
    storm();
    const starved = await revalidateConnections(await fresh(), { clients: h.clients, budget: { maxRetries: 0 } });
    expect(starved.results.map((r) => r.status)).not.toContain("Unhealthy");
    expect(starved.results.map((r) => r.status)).toContain("Unknown");
    const outcome = await recordHealth(starved.results, { linkers: h.store.linkers, history, publisher });
    expect(outcome.changed).toEqual([]);
    expect((await fresh()).map((l) => (l.state?.health as { status: string }).status)).toEqual(["Healthy", "Healthy"]);
  });
});

describe("Event Grid reactions", () => {
  it("revalidates the connections behind a deleted role assignment and auto-heals only the drifted one", async () => {
    const { connectionString: cs } = inject("azurite");
    const eventsQueue = `health-events-${randomUUID().slice(0, 8)}`;
    await h.t.emulator.control.subscribeEvents({ kind: "queue", queueName: eventsQueue, connectionString: cs, name: eventsQueue });
    await h.authz.roleAssignments.delete(h.blob, raName);
    await h.t.emulator.control.flushEvents();

    const healed: string[] = [];
    const reactions: { linkerIds: string[]; results: ConnectionHealth[] }[] = [];
    const reactor = createEventReactor({
      store: h.store, windowMs: 50,
      revalidate: async (ls) => {
        const run = await revalidateConnections(ls, { ...deps(), propagationWindowMs: 0 });
        await recordHealth(run.results, { linkers: h.store.linkers, history, publisher });
        return run.results;
      },
      startHeal: async (linker) => { healed.push(linker.id); raName = await assignBlobRole(h); },
      onReaction: (r) => reactions.push(r),
    });
    const q = new QueueClient(cs, eventsQueue);
    const started = Date.now();
    const got = await q.receiveMessages({ numberOfMessages: 32 });
    expect(got.receivedMessageItems.length).toBeGreaterThan(0);
    for (const m of got.receivedMessageItems) reactor.accept(m.messageText);
    await new Promise((r) => setTimeout(r, 80));
    await reactor.flush();
    expect(Date.now() - started).toBeLessThan(2000);

    expect(reactions).toHaveLength(1);
    const byName = Object.fromEntries(reactions[0]!.results.map((r) => [splitLinkerId(r.linkerId)!.name, r]));
    expect(byName.mi).toMatchObject({ status: "Unhealthy", failingChecks: ["RoleAssignment"] });
    expect(byName.mi!.attribution[0]).toMatchObject({ operationName: "Microsoft.Authorization/roleAssignments/delete" });
    expect(byName.secret!.status).toBe("Healthy");
    expect(healed).toEqual([linkers[0]!.id]);
    const after = await revalidateConnections(await fresh(), deps());
    expect(after.results.map((r) => r.status)).toEqual(["Healthy", "Healthy"]);
    await drain();
  });
});
