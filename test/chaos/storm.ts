// Event storm (issue #15, storms): thousands of Event Grid resource events in a short span — duplicates (at-least-once
// delivery), out of order, for unknown resources, some not resource events at all — through the real reactor
// (src/health/events.ts createEventReactor: parse → debounce → dependency index on the real store → revalidate), with a
// recording revalidation in place of ARM.
//
// The run knows which connections each event concerns (it built the dependency index) and, from the debouncer's
// pending count between deliveries, which burst each event fell into; so it checks each burst's revalidation exactly:
//   - every connection an event of the burst concerns is revalidated, once ("none dropped", "at most one per window");
//   - no other connection is ("exactly the affected connections");
// and it samples the heap throughout (memory bounded).
import { encodeQueueMessage } from "../../src/health/changes.js";
import { createEventReactor, type EventReaction } from "../../src/health/events.js";
import type { ConnectionHealth } from "../../src/health/types.js";
import type { StoredLinker } from "../../src/model/connection.js";
import type { ConnectionStore } from "../../src/store/types.js";
import { prng } from "../../bench/support/prng.js";

export interface StormOptions {
  seed: number;
  events: number;
  /** The span the events are delivered over. */
  seconds: number;
  sources: number;
  connectionsPerSource: number;
  /** The reactor's burst window (linkwright's default: 500 ms). */
  windowMs: number;
  /** How long one revalidation (of a whole burst) takes: the ARM reads it stands for. */
  revalidateMs: number;
  store: Pick<ConnectionStore, "dependencies" | "linkers">;
  log?: (line: string) => void;
}

export interface StormReport {
  events: number;
  deliveries: number;
  duplicates: number;
  outOfOrder: number;
  unknownResources: number;
  notResourceEvents: number;
  connections: number;
  /** Connections some event concerned. */
  affectedConnections: number;
  bursts: number;
  revalidations: number;
  /** The most times one connection was revalidated in one burst (the goal: 1). */
  maxPerConnectionPerWindow: number;
  /** The most revalidations of one connection over the storm, and the most events that concerned one connection. */
  maxRevalidationsOfOneConnection: number;
  maxEventsForOneConnection: number;
  /** Connections not revalidated after the burst of their last event. */
  dropped: number;
  /** (burst, connection) pairs an event of the burst concerned but the burst's revalidation left out. */
  missedInBurst: number;
  /** Revalidations of connections no event of their burst concerned. */
  unexpected: number;
  /** Bursts whose reaction failed (onError). */
  errors: number;
  /** Smallest time between two revalidations of the same connection. */
  minGapMs: number;
  maxPending: number;
  baselineHeapMB: number;
  peakHeapMB: number;
  deliverSeconds: number;
  wallSeconds: number;
}


const SUB = "00000000-0000-0000-0000-0000000057a1";
const RG = `/subscriptions/${SUB}/resourceGroups/storm`;
const site = (s: number) => `${RG}/providers/Microsoft.Web/sites/storm-app-${s}`;
const account = (a: number) => `${RG}/providers/Microsoft.Storage/storageAccounts/stormacct${a}`;
const blob = (a: number) => `${account(a)}/blobServices/default`;
const guid = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
const roleAssignment = (a: number, c: number) => `${blob(a)}/providers/Microsoft.Authorization/roleAssignments/${guid(c)}`;

interface Connection { id: string; source: number; account: number }

/** The storm's connections: `connectionsPerSource` per web app, two connections per storage account (blob service),
 *  each with its own role assignment there; written through the real repositories. */
export async function seedStorm(store: Pick<ConnectionStore, "dependencies" | "linkers">, sources: number, connectionsPerSource: number): Promise<Connection[]> {
  const connections: Connection[] = [];
  for (let s = 0; s < sources; s++) {
    for (let k = 0; k < connectionsPerSource; k++) {
      const c = connections.length;
      connections.push({ id: `${site(s)}/providers/Microsoft.ServiceLinker/linkers/conn${k}`, source: s, account: Math.floor(c / 2) });
    }
  }
  const work = connections.map((c, n) => async () => {
    const linker: StoredLinker = {
      id: c.id, sourceId: site(c.source), name: c.id.split("/").at(-1)!,
      properties: { targetService: { type: "AzureResource", id: blob(c.account) }, authInfo: { authType: "systemAssignedIdentity" } },
      provisioningState: "Succeeded", systemData: {}, secretPaths: [],
    };
    await store.linkers.save(linker, { expectedEtag: null });
    await store.dependencies.add(c.id, { kind: "source", resourceId: site(c.source) });
    await store.dependencies.add(c.id, { kind: "target", resourceId: blob(c.account) });
    await store.dependencies.add(c.id, { kind: "roleAssignment", resourceId: roleAssignment(c.account, n) });
  });
  for (let i = 0; i < work.length; i += 16) await Promise.all(work.slice(i, i + 16).map((w) => w()));
  return connections;
}

interface StormEvent { body: Record<string, unknown>; concerns: number[]; kind: "known" | "unknown" | "notResource" }

/** The events, in delivery order, with the connections each concerns (by construction, not by the code under test). */
function planEvents(options: StormOptions, connections: Connection[]): { events: StormEvent[]; duplicates: number; outOfOrder: number } {
  const random = prng(options.seed);
  const pick = (n: number) => Math.floor(random() * n);
  const bySource = new Map<number, number[]>();
  const byAccount = new Map<number, number[]>();
  connections.forEach((c, i) => {
    bySource.set(c.source, [...(bySource.get(c.source) ?? []), i]);
    byAccount.set(c.account, [...(byAccount.get(c.account) ?? []), i]);
  });
  const accounts = byAccount.size;
  const start = Date.parse("2026-05-15T12:00:00Z");
  const events: StormEvent[] = [];
  let duplicates = 0;
  let outOfOrder = 0;
  let lastTime = 0;
  const make = (i: number, type: string, resourceUri: string, concerns: number[], kind: StormEvent["kind"] = "known"): StormEvent => {
    // Out of order: event times wander up to 30 s behind the delivery order.
    const time = start + i * 6 - pick(30_000);
    if (time < lastTime) outOfOrder++;
    lastTime = Math.max(lastTime, time);
    return {
      kind, concerns,
      body: {
        id: `storm-${options.seed}-${i}`, topic: `/subscriptions/${SUB}`, subject: resourceUri, eventType: `Microsoft.Resources.${type}`,
        eventTime: new Date(time).toISOString(), dataVersion: "2", metadataVersion: "1",
        data: { resourceUri, operationName: "storm/write", status: "Succeeded", claims: { appid: "storm" } },
      },
    };
  };
  for (let i = 0; events.length < options.events; i++) {
    const r = random();
    if (r < 0.1 && events.length > 0) {
      // A duplicate delivery of an earlier event (same id), soon or long after.
      const earlier = events[events.length - 1 - pick(Math.min(events.length, 2_000))]!;
      events.push({ ...earlier });
      duplicates++;
    } else if (r < 0.3) {
      const s = pick(options.sources);
      events.push(make(i, "ResourceWriteSuccess", random() < 0.5 ? site(s) : `${site(s)}/config/appsettings`, bySource.get(s) ?? []));
    } else if (r < 0.45) {
      const a = pick(accounts);
      events.push(make(i, random() < 0.8 ? "ResourceWriteSuccess" : "ResourceDeleteSuccess", account(a), byAccount.get(a) ?? []));
    } else if (r < 0.6) {
      const c = pick(connections.length);
      const a = connections[c]!.account;
      events.push(make(i, random() < 0.7 ? "ResourceWriteSuccess" : "ResourceDeleteSuccess", roleAssignment(a, c), [...new Set([c, ...(byAccount.get(a) ?? [])])]));
    } else if (r < 0.97) {
      // Resources no connection depends on: other apps, other accounts, role assignments elsewhere.
      const n = pick(1_000_000);
      const id = [`/subscriptions/${SUB}/resourceGroups/elsewhere/providers/Microsoft.Web/sites/nobody-${n}`,
        `/subscriptions/${SUB}/resourceGroups/elsewhere/providers/Microsoft.Storage/storageAccounts/nobody${n}`,
        `/subscriptions/${SUB}/resourceGroups/elsewhere/providers/Microsoft.Authorization/roleAssignments/${guid(n)}`][n % 3]!;
      events.push(make(i, "ResourceWriteSuccess", id, [], "unknown"));
    } else {
      // Not a resource event (another event type, or one without a subject): ignored.
      const e = make(i, "ResourceWriteSuccess", site(0), [], "notResource");
      e.body = random() < 0.5 ? { ...e.body, eventType: "Microsoft.Storage.BlobCreated" } : { ...e.body, subject: undefined, data: {} };
      events.push(e);
    }
  }
  return { events, duplicates, outOfOrder };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runStorm(options: StormOptions): Promise<StormReport> {
  const log = options.log ?? (() => undefined);
  const connections = await seedStorm(options.store, options.sources, options.connectionsPerSource);
  const index = new Map(connections.map((c, i) => [c.id.toLowerCase(), i]));
  const { events, duplicates, outOfOrder } = planEvents(options, connections);
  const random = prng(options.seed ^ 0x5eed);

  // Deliveries: Event Grid batches of 1–40 events; one in ten as a storage-queue message (base64 JSON).
  const deliveries: { body: unknown; events: StormEvent[] }[] = [];
  for (let i = 0; i < events.length;) {
    const n = 1 + Math.floor(random() * 40);
    const batch = events.slice(i, i + n);
    i += n;
    const payload = batch.map((e) => e.body);
    deliveries.push({ body: random() < 0.1 ? encodeQueueMessage(payload) : payload, events: batch });
  }

  // What happened, per burst (in flush order).
  const outcomes: ({ at: number; linkerIds: string[] } | { error: unknown })[] = [];
  const reactor = createEventReactor({
    store: options.store,
    windowMs: options.windowMs,
    revalidate: async (linkers): Promise<ConnectionHealth[]> => {
      await sleep(options.revalidateMs);
      return linkers.map((l) => ({ linkerId: l.id, status: "Healthy", failingChecks: [], attribution: [], result: {} as ConnectionHealth["result"] }));
    },
    onReaction: (r: EventReaction) => { outcomes.push({ at: performance.now(), linkerIds: r.linkerIds }); },
    onError: (error) => { outcomes.push({ error }); },
  });

  const heap = () => process.memoryUsage().heapUsed / 2 ** 20;
  const baselineHeapMB = heap();
  let peakHeapMB = baselineHeapMB;
  let maxPending = 0;
  const sampler = setInterval(() => { peakHeapMB = Math.max(peakHeapMB, heap()); }, 25);

  // Deliver on schedule, noting the burst each event fell into: a burst ends when the debouncer's pending set empties
  // (only these deliveries add to it).
  const expected: Set<number>[] = [new Set()];
  const lastBurstOf = new Map<number, number>();
  const eventsFor = new Map<number, number>();
  let burst = 0;
  let pendingAfter = 0;
  const started = performance.now();
  for (const [i, d] of deliveries.entries()) {
    const due = started + (i / deliveries.length) * options.seconds * 1000;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    if (pendingAfter > 0 && reactor.debouncer.pending === 0) { burst++; expected.push(new Set()); }
    reactor.accept(d.body);
    pendingAfter = reactor.debouncer.pending;
    maxPending = Math.max(maxPending, pendingAfter);
    for (const e of d.events) {
      for (const c of e.concerns) {
        expected[burst]!.add(c);
        lastBurstOf.set(c, burst);
        eventsFor.set(c, (eventsFor.get(c) ?? 0) + 1);
      }
    }
    if (i % 200 === 0) log(`storm: ${i}/${deliveries.length} deliveries, ${outcomes.length} bursts revalidated, heap ${heap().toFixed(0)} MB`);
  }
  const deliverSeconds = (performance.now() - started) / 1000;
  if (pendingAfter > 0 && reactor.debouncer.pending === 0) { burst++; expected.push(new Set()); }
  await reactor.flush();
  clearInterval(sampler);
  peakHeapMB = Math.max(peakHeapMB, heap());

  // Judge each burst's revalidation against what its events concerned.
  let missedInBurst = 0;
  let unexpected = 0;
  let maxPerConnectionPerWindow = 0;
  let revalidations = 0;
  let errors = 0;
  const lastRevalidatedBurst = new Map<number, number>();
  const revalidatedAt = new Map<number, number[]>();
  outcomes.forEach((o, b) => {
    if ("error" in o) { errors++; return; }
    const wanted = expected[b] ?? new Set<number>();
    const counts = new Map<number, number>();
    for (const id of o.linkerIds) {
      const c = index.get(id.toLowerCase());
      if (c === undefined || !wanted.has(c)) { unexpected++; continue; }
      counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    for (const c of wanted) if (!counts.has(c)) missedInBurst++;
    for (const [c, n] of counts) {
      maxPerConnectionPerWindow = Math.max(maxPerConnectionPerWindow, n);
      revalidations += n;
      lastRevalidatedBurst.set(c, b);
      revalidatedAt.set(c, [...(revalidatedAt.get(c) ?? []), o.at]);
    }
  });
  let dropped = 0;
  for (const [c, b] of lastBurstOf) if ((lastRevalidatedBurst.get(c) ?? -1) < b) dropped++;
  let minGapMs = Number.POSITIVE_INFINITY;
  for (const times of revalidatedAt.values()) for (let i = 1; i < times.length; i++) minGapMs = Math.min(minGapMs, times[i]! - times[i - 1]!);

  return {
    events: events.length, deliveries: deliveries.length, duplicates, outOfOrder,
    unknownResources: events.filter((e) => e.kind === "unknown").length, notResourceEvents: events.filter((e) => e.kind === "notResource").length,
    connections: connections.length, affectedConnections: lastBurstOf.size,
    bursts: outcomes.length, revalidations, maxPerConnectionPerWindow,
    maxRevalidationsOfOneConnection: Math.max(0, ...[...revalidatedAt.values()].map((t) => t.length)),
    maxEventsForOneConnection: Math.max(0, ...eventsFor.values()),
    dropped, missedInBurst, unexpected, errors, minGapMs: Number.isFinite(minGapMs) ? minGapMs : 0, maxPending,
    baselineHeapMB, peakHeapMB, deliverSeconds, wallSeconds: (performance.now() - started) / 1000,
  };
}

/** The storm's cells: each property, passed or not. */
export function stormCells(r: StormReport): { cell: string; passed: boolean }[] {
  return [
    { cell: "none dropped", passed: r.dropped === 0 && r.missedInBurst === 0 },
    { cell: "at most one revalidation per connection per window", passed: r.maxPerConnectionPerWindow <= 1 },
    { cell: "exactly the affected connections", passed: r.unexpected === 0 },
    { cell: "every burst reacted", passed: r.errors === 0 },
    { cell: "memory bounded", passed: r.peakHeapMB - r.baselineHeapMB < 256 },
  ];
}

export function stormFigures(r: StormReport): string[] {
  return [
    `storm_events: ${r.events} events in ${r.deliveries} deliveries over ${r.deliverSeconds.toFixed(1)} s ` +
      `(${r.duplicates} duplicates, ${r.outOfOrder} out of order, ${r.unknownResources} for unknown resources, ${r.notResourceEvents} not resource events)`,
    `storm_connections: ${r.affectedConnections} of ${r.connections} connections concerned; up to ${r.maxEventsForOneConnection} events for one connection`,
    `storm_bursts: ${r.bursts} bursts, ${r.revalidations} connection revalidations (at most ${r.maxRevalidationsOfOneConnection} of one connection; two of one connection ended ${r.minGapMs.toFixed(0)} ms apart at the closest — bursts are cut a window apart, a slow burst's reaction can end near the next's)`,
    `storm_revalidations_per_connection_per_window: max ${r.maxPerConnectionPerWindow}`,
    `storm_dropped: ${r.dropped} connections (${r.missedInBurst} burst misses)`,
    `storm_unexpected_revalidations: ${r.unexpected}`,
    `storm_reaction_errors: ${r.errors}`,
    `storm_peak_heap: ${r.peakHeapMB.toFixed(0)} MB (baseline ${r.baselineHeapMB.toFixed(0)} MB; debouncer held at most ${r.maxPending} events)`,
    `storm_wall_time: ${r.wallSeconds.toFixed(1)} s`,
    ...stormCells(r).map((c) => `storm_cell: ${c.passed ? "pass" : "FAIL"} ${c.cell}`),
  ];
}
