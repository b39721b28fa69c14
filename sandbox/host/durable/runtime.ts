// The durable engine: per-instance inboxes with one episode at a time per instance, bounded concurrency for
// episodes and activities, durable timers on the injected clock, and a storage poller (short backoff) that
// picks up work persisted by an earlier runtime or another process. State lives in the store (store.ts);
// outbound messages are written before the episode's own commit, so a crash repeats work rather than losing it.
import { randomUUID } from "node:crypto";
import { systemClock, type Clock } from "../../clock.js";
import { EventType, event, type HistoryEvent } from "./history.js";
import { heldLocksIn, isEntityId, parseSchedulerId, type EntityMessage } from "./entity-messages.js";
import { processEntityBatch, type EntityOutgoing } from "./entity-batch.js";
import { filterNewEvents, runEpisode } from "./orchestration-episode.js";
import type { Outbound } from "./replay.js";
import {
  DurableStore,
  PayloadTooLargeError,
  checkRowSizes,
  activityKey,
  historyRows,
  newMessageKey,
  timerKey,
  type ActivityWorkItem,
  type EntityRow,
  type InboxMessage,
  type OrchestrationRow,
  type RowOp,
  type TimerItem,
} from "./store.js";
import { rpcValueToJson, type DurableHostBridge, type DurableRuntimeOptions } from "./types.js";

interface InboxItem {
  /** Orders the inbox (time-ordered message keys). */
  rowKey: string;
  message: InboxMessage;
  /**
   * The row the episode deletes when it consumes this item: the inbox row itself, or — for a completion produced
   * in this process and delivered only in memory — the activity/timer row it answers. Until that commit the work
   * item stays in storage, so a crash re-runs the activity (its completion was never recorded).
   */
  deleteKey: string;
  persisted: boolean;
}

interface CachedOrchestration {
  row: OrchestrationRow;
  history: HistoryEvent[];
}

/** Semaphore-like limiter: `run` waits for a free slot. */
class Limiter {
  private active = 0;
  private waiting: (() => void)[] = [];
  constructor(private readonly max: number) {}
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((r) => this.waiting.push(r));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

export class DurableEngine {
  readonly store: DurableStore;
  readonly clock: Clock;
  private readonly bridge: DurableHostBridge;
  private readonly log: (line: string) => void;
  private readonly inbox = new Map<string, InboxItem[]>();
  private readonly busy = new Set<string>();
  private readonly known = new Set<string>();
  private readonly cache = new Map<string, CachedOrchestration>();
  private readonly episodes: Limiter;
  private readonly activities: Limiter;
  private readonly timers = new Map<string, TimerItem>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly maxPollMs: number;
  private running = false;
  private activeActivities = 0;
  private lastLocalWork = 0;
  private pollWake: (() => void) | undefined;
  private pollLoop: Promise<void> | undefined;
  /** Observers of instance status changes (used by waitForStatus). */
  private readonly listeners = new Set<() => void>();

  constructor(store: DurableStore, options: DurableRuntimeOptions) {
    this.store = store;
    this.bridge = options.bridge;
    this.clock = options.clock ?? systemClock;
    this.log = options.log ?? ((line) => console.log(line));
    this.episodes = new Limiter(options.maxConcurrentEpisodes ?? 4);
    this.activities = new Limiter(options.maxConcurrentActivities ?? 8);
    this.maxPollMs = options.maxPollIntervalMs ?? 1000;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    // (Re)start from storage: whatever an earlier start left in memory is reloaded by the first scan.
    this.known.clear();
    this.inbox.clear();
    this.timers.clear();
    this.cache.clear();
    await this.pollOnce();
    this.pollLoop = this.runPoller();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.pollWake?.();
    for (const w of [...this.stopWaiters]) w();
    await this.pollLoop;
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    // Completions delivered only in memory are persisted (replacing their work items), so a restart keeps them.
    for (const [instanceId, items] of this.inbox) {
      for (const item of items.filter((i) => !i.persisted)) {
        await this.store.commit(instanceId, [
          { op: "upsert", rowKey: item.rowKey, data: item.message },
          { op: "delete", rowKey: item.deleteKey },
        ]);
      }
    }
    this.inbox.clear();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }

  private track<T>(p: Promise<T>): void {
    const tracked = p.catch((err: unknown) => this.log(`durable: background task failed: ${err instanceof Error ? err.stack : String(err)}`));
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
  }

  // ---------------------------------------------------------------- polling

  private async runPoller(): Promise<void> {
    let delay = 50;
    while (this.running) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, delay);
        this.pollWake = () => { clearTimeout(t); resolve(); };
      });
      if (!this.running) break;
      // Local work is delivered in memory; the scan is for work persisted by an earlier runtime or another process.
      // It waits for a quiet moment: on Azurite a scan of a large table competes with the commits of local work.
      if (this.busy.size > 0 || this.activeActivities > 0 || performance.now() - this.lastLocalWork < 250) continue;
      try {
        const found = await this.pollOnce();
        delay = found > 0 ? 50 : Math.min(this.maxPollMs, delay * 2);
      } catch (err) {
        this.log(`durable: storage poll failed: ${err instanceof Error ? err.message : String(err)}`);
        delay = this.maxPollMs;
      }
    }
  }

  /** Loads persisted inbox messages, activity work items and timers not yet known to this runtime. */
  private async pollOnce(): Promise<number> {
    let found = 0;
    const [messages, activities, timers] = await Promise.all([
      this.store.listPending<InboxMessage>("m-"),
      this.store.listPending<ActivityWorkItem>("a-"),
      this.store.listPending<TimerItem>("t-"),
    ]);
    for (const m of messages) {
      if (this.known.has(`${m.partitionKey}|${m.rowKey}`)) continue;
      found++;
      this.deliver(m.partitionKey, m.rowKey, m.value);
    }
    for (const a of activities) {
      if (this.known.has(`${a.partitionKey}|${a.rowKey}`)) continue;
      found++;
      this.enqueueActivity(a.rowKey, a.value);
    }
    for (const t of timers) {
      if (this.known.has(`${t.partitionKey}|${t.rowKey}`)) continue;
      found++;
      this.scheduleTimer(t.rowKey, t.value);
    }
    return found;
  }

  // ---------------------------------------------------------------- messaging

  /** Persists a message into the target's inbox, then delivers it locally. */
  async send(target: string, message: InboxMessage): Promise<void> {
    const rowKey = newMessageKey();
    await this.store.commit(target, [{ op: "upsert", rowKey, data: message }]);
    this.deliver(target, rowKey, message);
  }

  private deliver(target: string, rowKey: string, message: InboxMessage, localFor?: string): void {
    const id = `${target}|${rowKey}`;
    if (this.known.has(id)) return;
    this.known.add(id);
    this.lastLocalWork = performance.now();
    const list = this.inbox.get(target) ?? [];
    list.push({ rowKey, message, deleteKey: localFor ?? rowKey, persisted: localFor === undefined });
    list.sort((a, b) => (a.rowKey < b.rowKey ? -1 : a.rowKey > b.rowKey ? 1 : 0));
    this.inbox.set(target, list);
    this.kick(target);
  }

  private kick(instanceId: string): void {
    if (!this.running || this.busy.has(instanceId)) return;
    const items = this.inbox.get(instanceId);
    if (!items || items.length === 0) return;
    this.busy.add(instanceId);
    this.track(
      this.episodes
        .run(async () => {
          const batch = this.inbox.get(instanceId) ?? [];
          this.inbox.delete(instanceId);
          if (batch.length === 0) return;
          try {
            if (isEntityId(instanceId)) await this.processEntity(instanceId, batch);
            else await this.processOrchestration(instanceId, batch);
          } catch (err) {
            // Put the batch back so a later poll retries it (at-least-once); the known set forgets these keys.
            this.cache.delete(instanceId);
            for (const item of batch) this.known.delete(`${instanceId}|${item.deleteKey}`);
            throw err;
          }
        })
        .finally(() => {
          this.busy.delete(instanceId);
          this.kick(instanceId);
          this.changed();
        }),
    );
  }

  // ---------------------------------------------------------------- orchestrations

  async readOrchestration(instanceId: string): Promise<CachedOrchestration | undefined> {
    const cached = this.cache.get(instanceId);
    if (cached) return cached;
    const row = await this.store.readInstance(instanceId);
    if (!row || row.kind !== "orchestration") return undefined;
    const history = await this.store.readHistory(instanceId, row.executionId);
    const loaded = { row, history };
    this.cache.set(instanceId, loaded);
    return loaded;
  }

  private async processOrchestration(instanceId: string, batch: InboxItem[]): Promise<void> {
    const now = this.clock.now();
    const consumed: RowOp[] = batch.map((b) => ({ op: "delete", rowKey: b.deleteKey }));
    let current = await this.readOrchestration(instanceId);
    const events: HistoryEvent[] = [];
    let startEvent: HistoryEvent | undefined;
    for (const item of batch) {
      if (item.message.kind !== "event") {
        this.log(`durable: orchestration ${instanceId} received an entity message; dropped`);
        continue;
      }
      const ev = item.message.event;
      if (ev.EventType === EventType.ExecutionStarted) {
        startEvent = ev;
        continue;
      }
      if (item.message.executionId && current && item.message.executionId !== current.row.executionId) continue;
      events.push(ev);
    }
    const terminal = (s: string) => s === "Completed" || s === "Failed" || s === "Terminated";

    if (startEvent && (!current || terminal(current.row.status) || current.history.length === 0)) {
      const parent = startEvent.ParentInstance ?? undefined;
      const row: OrchestrationRow = {
        kind: "orchestration",
        instanceId,
        name: startEvent.Name ?? "",
        status: "Running",
        executionId: randomUUID().replace(/-/g, ""),
        input: startEvent.Input,
        createdTime: current?.row.createdTime && current.history.length === 0 ? current.row.createdTime : new Date(now).toISOString(),
        lastUpdatedTime: new Date(now).toISOString(),
        parent: parent ? { instanceId: parent.InstanceId, taskScheduledId: parent.TaskScheduledId } : current?.row.parent,
      };
      current = { row, history: [] };
      events.unshift(startEvent);
    } else if (startEvent) {
      this.log(`durable: orchestration ${instanceId} is already ${current?.row.status}; duplicate start ignored`);
    }
    if (!current) {
      this.log(`durable: ${batch.length} message(s) for unknown orchestration ${instanceId} dropped`);
      await this.store.commit(instanceId, consumed);
      return;
    }
    // Work on a copy: the cached row changes only once the episode has been committed.
    current = { row: { ...current.row }, history: current.history };
    const { row, history } = current;
    if (terminal(row.status)) {
      await this.store.commit(instanceId, consumed);
      return;
    }
    const terminate = events.find((e) => e.EventType === EventType.ExecutionTerminated);
    if (terminate) {
      await this.finishTerminated(current, terminate, consumed, now);
      return;
    }
    const suspendChange = events.filter((e) => e.EventType === EventType.ExecutionSuspended || e.EventType === EventType.ExecutionResumed).pop();
    if (suspendChange) row.suspended = suspendChange.EventType === EventType.ExecutionSuspended;
    const workEvents = events.filter((e) => e.EventType !== EventType.ExecutionSuspended && e.EventType !== EventType.ExecutionResumed);
    if (row.suspended) {
      // Keep the other messages in storage; they are delivered again after the resume.
      const kept = batch.filter((b) => b.message.kind === "event" && b.message.event.EventType !== EventType.ExecutionSuspended && b.message.event.EventType !== EventType.ExecutionResumed);
      row.status = "Suspended";
      row.lastUpdatedTime = new Date(now).toISOString();
      const keptKeys = new Set(kept.map((k) => k.deleteKey));
      // In-memory completions are persisted as inbox messages (replacing their work item) so they survive the suspension.
      const persistLocal: RowOp[] = kept.filter((k) => !k.persisted).flatMap((k): RowOp[] => [
        { op: "upsert", rowKey: k.rowKey, data: k.message },
        { op: "delete", rowKey: k.deleteKey },
      ]);
      await this.store.commit(instanceId, [{ op: "upsert", rowKey: "instance", data: row }, ...persistLocal, ...consumed.filter((c) => !keptKeys.has(c.rowKey))]);
      for (const k of kept) this.known.delete(`${instanceId}|${k.rowKey}`);
      this.cache.set(instanceId, current);
      return;
    }
    if (row.status === "Suspended") row.status = "Running";
    const { kept, dropped } = filterNewEvents(history, workEvents);
    for (const d of dropped) this.log(`durable: ${instanceId}: dropped duplicate or unknown completion ${JSON.stringify({ EventType: d.EventType, TaskScheduledId: d.TaskScheduledId, TimerId: d.TimerId })}`);
    if (kept.length === 0 && !suspendChange) {
      await this.store.commit(instanceId, consumed);
      return;
    }
    if (kept.length === 0) {
      row.lastUpdatedTime = new Date(now).toISOString();
      await this.store.commit(instanceId, [{ op: "upsert", rowKey: "instance", data: row }, ...consumed]);
      this.cache.set(instanceId, current);
      // Messages held back during the suspension come back through the poller.
      this.pollWake?.();
      return;
    }

    const outcome = await runEpisode({ instance: row, past: history, newEvents: kept, now, bridge: this.bridge, newGuid: () => randomUUID() });
    const ownOps: RowOp[] = [];
    const localActivities: { rowKey: string; item: ActivityWorkItem }[] = [];
    const localTimers: { rowKey: string; item: TimerItem }[] = [];
    const remote: { target: string; message: InboxMessage }[] = [];
    for (const o of outcome.outbound) this.planOutbound(row, o, ownOps, localActivities, localTimers, remote);
    if (outcome.status !== "Running") {
      for (const entity of outcome.heldLocks) {
        remote.push({ target: entity, message: { kind: "entity", message: { kind: "release", id: randomUUID(), parent: instanceId } } });
      }
    }
    if (outcome.failure) this.log(`durable: orchestration ${instanceId} failed: ${outcome.failure}`);

    const newHistory = [...history, ...outcome.appended];
    const base = history.length;
    ownOps.push(...historyRows(row.executionId, base, outcome.appended));
    row.lastUpdatedTime = new Date(now).toISOString();
    row.customStatus = outcome.customStatus;
    let next: CachedOrchestration = { row, history: newHistory };
    if (outcome.status === "ContinuedAsNew") {
      const restart: InboxMessage = {
        kind: "event",
        event: event(EventType.ExecutionStarted, now, {
          Name: row.name,
          Input: outcome.continueAsNewInput,
          ParentInstance: row.parent ? { InstanceId: row.parent.instanceId, TaskScheduledId: row.parent.taskScheduledId, Name: row.name } : null,
        }),
      };
      const newRow: OrchestrationRow = { ...row, status: "Running", executionId: randomUUID().replace(/-/g, ""), input: outcome.continueAsNewInput, output: undefined };
      next = { row: newRow, history: [] };
      const key = newMessageKey();
      ownOps.push({ op: "upsert", rowKey: key, data: restart });
      ownOps.push({ op: "upsert", rowKey: "instance", data: newRow });
      ownOps.push(...consumed);
      if (!(await this.commitEpisode(current, ownOps, remote, consumed, now))) return;
      this.cache.set(instanceId, next);
      this.deliver(instanceId, key, restart);
      this.startLocal(localActivities, localTimers);
      return;
    }
    row.status = outcome.status;
    if (outcome.status === "Completed") row.output = outcome.output;
    if (outcome.status === "Failed") row.output = JSON.stringify(outcome.failure ?? "failed");
    if (outcome.status !== "Running" && row.parent) {
      const parentEvent =
        outcome.status === "Completed"
          ? event(EventType.SubOrchestrationInstanceCompleted, now, { TaskScheduledId: row.parent.taskScheduledId, Result: outcome.output })
          : event(EventType.SubOrchestrationInstanceFailed, now, {
              TaskScheduledId: row.parent.taskScheduledId,
              Reason: `Sub-orchestration '${row.name}' (${instanceId}) failed: ${outcome.failure}`,
              Details: outcome.failure ?? "",
            });
      remote.push({ target: row.parent.instanceId, message: { kind: "event", event: parentEvent } });
    }
    ownOps.push({ op: "upsert", rowKey: "instance", data: row }, ...consumed);
    if (!(await this.commitEpisode(current, ownOps, remote, consumed, now))) return;
    this.cache.set(instanceId, next);
    this.startLocal(localActivities, localTimers);
  }

  /** Sends the episode's messages, then commits its own rows; fails the instance instead when a payload is too large to store. */
  private async commitEpisode(current: CachedOrchestration, ownOps: RowOp[], remote: { target: string; message: InboxMessage }[], consumed: RowOp[], now: number): Promise<boolean> {
    try {
      checkRowSizes(ownOps);
      checkRowSizes(remote.map((r) => ({ op: "upsert", rowKey: "size-check", data: r.message })));
    } catch (err) {
      if (!(err instanceof PayloadTooLargeError)) throw err;
      await this.failInstance(current, consumed, now, `Orchestration '${current.row.name}' failed: ${err.message}`);
      return false;
    }
    await this.writeRemote(remote);
    await this.store.commit(current.row.instanceId, ownOps);
    return true;
  }

  /** Ends the current execution as Failed without running the orchestrator again (the parent is notified). */
  private async failInstance(current: CachedOrchestration, consumed: RowOp[], now: number, failure: string): Promise<void> {
    this.log(`durable: orchestration ${current.row.instanceId} failed: ${failure}`);
    const row: OrchestrationRow = { ...current.row, status: "Failed", output: JSON.stringify(failure), lastUpdatedTime: new Date(now).toISOString() };
    const appended = [
      event(EventType.OrchestratorStarted, now),
      event(EventType.OrchestratorCompleted, now),
      event(EventType.ExecutionCompleted, now, { OrchestrationStatus: "Failed", Result: failure }),
    ];
    if (row.parent) {
      await this.send(row.parent.instanceId, {
        kind: "event",
        event: event(EventType.SubOrchestrationInstanceFailed, now, { TaskScheduledId: row.parent.taskScheduledId, Reason: failure, Details: failure }),
      });
    }
    await this.store.commit(row.instanceId, [...historyRows(row.executionId, current.history.length, appended), { op: "upsert", rowKey: "instance", data: row }, ...consumed]);
    this.cache.set(row.instanceId, { row, history: [...current.history, ...appended] });
  }

  private planOutbound(
    row: OrchestrationRow,
    o: Outbound,
    ownOps: RowOp[],
    activities: { rowKey: string; item: ActivityWorkItem }[],
    timers: { rowKey: string; item: TimerItem }[],
    remote: { target: string; message: InboxMessage }[],
  ): void {
    const now = this.clock.now();
    switch (o.kind) {
      case "activity": {
        const item: ActivityWorkItem = { instanceId: row.instanceId, executionId: row.executionId, eventId: o.eventId, name: o.name, input: o.input };
        const rowKey = activityKey(row.executionId, o.eventId);
        ownOps.push({ op: "upsert", rowKey, data: item });
        activities.push({ rowKey, item });
        break;
      }
      case "timer": {
        const item: TimerItem = { instanceId: row.instanceId, executionId: row.executionId, eventId: o.eventId, fireAt: o.fireAt };
        const rowKey = timerKey(row.executionId, o.eventId);
        ownOps.push({ op: "upsert", rowKey, data: item });
        timers.push({ rowKey, item });
        break;
      }
      case "cancelTimer": {
        const rowKey = timerKey(row.executionId, o.eventId);
        if (this.timers.delete(`${row.instanceId}|${rowKey}`)) this.track(this.store.commit(row.instanceId, [{ op: "delete", rowKey }]));
        break;
      }
      case "subOrchestration":
        remote.push({
          target: o.instanceId,
          message: {
            kind: "event",
            event: event(EventType.ExecutionStarted, now, {
              Name: o.name,
              Input: o.input,
              Version: o.version,
              ParentInstance: { InstanceId: row.instanceId, TaskScheduledId: o.eventId, Name: row.name },
            }),
          },
        });
        break;
      case "entity":
        remote.push({ target: o.target, message: { kind: "entity", message: o.message } });
        break;
    }
  }

  private async writeRemote(remote: { target: string; message: InboxMessage }[]): Promise<void> {
    // Sequential, so messages to one entity keep the order the orchestration sent them in.
    for (const r of remote) await this.send(r.target, r.message);
  }

  private startLocal(activities: { rowKey: string; item: ActivityWorkItem }[], timers: { rowKey: string; item: TimerItem }[]): void {
    for (const a of activities) this.enqueueActivity(a.rowKey, a.item);
    for (const t of timers) this.scheduleTimer(t.rowKey, t.item);
  }

  private async finishTerminated(current: CachedOrchestration, terminate: HistoryEvent, consumed: RowOp[], now: number): Promise<void> {
    const { row, history } = current;
    const appended = [
      event(EventType.OrchestratorStarted, now),
      terminate,
      event(EventType.ExecutionCompleted, now, { OrchestrationStatus: "Terminated", Result: terminate.Input }),
    ];
    row.status = "Terminated";
    row.output = terminate.Input ?? JSON.stringify("");
    row.lastUpdatedTime = new Date(now).toISOString();
    const ops: RowOp[] = historyRows(row.executionId, history.length, appended);
    ops.push({ op: "upsert", rowKey: "instance", data: row }, ...consumed);
    // A terminated orchestration gives back the entity locks it holds.
    for (const entity of heldLocksIn(history)) {
      await this.send(entity, { kind: "entity", message: { kind: "release", id: randomUUID(), parent: row.instanceId } });
    }
    await this.store.commit(row.instanceId, ops);
    this.cache.set(row.instanceId, { row, history: [...history, ...appended] });
  }

  // ---------------------------------------------------------------- activities

  private enqueueActivity(rowKey: string, item: ActivityWorkItem): void {
    const id = `${item.instanceId}|${rowKey}`;
    this.known.add(id);
    if (!this.running) return;
    this.track(this.activities.run(() => this.runActivity(rowKey, item)));
  }

  private async runActivity(rowKey: string, item: ActivityWorkItem): Promise<void> {
    if (!this.running) {
      this.known.delete(`${item.instanceId}|${rowKey}`);
      return;
    }
    this.activeActivities++;
    try {
      await this.executeActivity(rowKey, item);
    } finally {
      this.activeActivities--;
    }
  }

  private async executeActivity(rowKey: string, item: ActivityWorkItem): Promise<void> {
    const now = () => this.clock.now();
    let completion: HistoryEvent;
    try {
      const input = item.input === undefined ? "null" : item.input;
      const rv = await this.bridge.invoke(item.name, { json: input });
      completion = event(EventType.TaskCompleted, now(), { TaskScheduledId: item.eventId, Result: rpcValueToJson(rv) });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      completion = event(EventType.TaskFailed, now(), {
        TaskScheduledId: item.eventId,
        Reason: `Activity function '${item.name}' failed: ${message}`,
        Details: err instanceof Error && err.stack ? err.stack : message,
      });
    }
    // Delivered in memory; the orchestration's next commit records the completion and deletes the work item.
    const message: InboxMessage = { kind: "event", event: completion, executionId: item.executionId };
    this.deliver(item.instanceId, newMessageKey(), message, rowKey);
  }

  // ---------------------------------------------------------------- timers

  private scheduleTimer(rowKey: string, item: TimerItem): void {
    const id = `${item.instanceId}|${rowKey}`;
    this.known.add(id);
    this.timers.set(id, item);
    this.track(this.waitTimer(id, rowKey, item));
  }

  private async waitTimer(id: string, rowKey: string, item: TimerItem): Promise<void> {
    const MAX_SLEEP = 24 * 3600_000;
    while (this.running && this.timers.has(id)) {
      const remaining = item.fireAt - this.clock.now();
      if (remaining <= 0) break;
      await this.sleep(Math.min(remaining, MAX_SLEEP));
    }
    if (!this.running || !this.timers.delete(id)) return;
    const fired: InboxMessage = {
      kind: "event",
      event: event(EventType.TimerFired, this.clock.now(), { TimerId: item.eventId, FireAt: new Date(item.fireAt).toISOString() }),
      executionId: item.executionId,
    };
    this.deliver(item.instanceId, newMessageKey(), fired, rowKey);
  }

  private readonly stopWaiters = new Set<() => void>();

  /** Sleeps on the engine's clock; `stop()` wakes every sleeper (and clears real timeouts so none keeps the process alive). */
  private sleep(ms: number): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => {
      let timeout: NodeJS.Timeout | undefined;
      const wake = () => {
        if (timeout) clearTimeout(timeout);
        this.stopWaiters.delete(wake);
        resolve();
      };
      this.stopWaiters.add(wake);
      if (this.clock === systemClock) timeout = setTimeout(wake, ms);
      else void this.clock.sleep(ms).then(wake);
    });
  }

  // ---------------------------------------------------------------- entities

  async readEntity(instanceId: string): Promise<EntityRow | undefined> {
    const row = await this.store.readInstance(instanceId);
    return row?.kind === "entity" ? row : undefined;
  }

  private entityFunctionName(name: string): string | undefined {
    return this.bridge.functions().find((f) => f.triggerType === "entityTrigger" && f.name.toLowerCase() === name.toLowerCase())?.name;
  }

  private async processEntity(instanceId: string, batch: InboxItem[]): Promise<void> {
    const now = this.clock.now();
    const { name } = parseSchedulerId(instanceId);
    const existing = await this.readEntity(instanceId);
    const row: EntityRow = existing ?? { kind: "entity", instanceId, name, exists: false, deferred: [], lastUpdatedTime: new Date(now).toISOString() };
    const messages: EntityMessage[] = [];
    for (const b of batch) {
      if (b.message.kind === "entity") messages.push(b.message.message);
      else this.log(`durable: entity ${instanceId} received a history event; dropped`);
    }
    const result = await processEntityBatch({ row, messages, bridge: this.bridge, functionName: this.entityFunctionName(name), now, log: this.log });
    const outgoing: EntityOutgoing[] = result.outgoing;
    await this.writeRemote(outgoing);
    await this.store.commit(instanceId, [{ op: "upsert", rowKey: "instance", data: result.row }, ...batch.map((b): RowOp => ({ op: "delete", rowKey: b.deleteKey }))]);
  }

  // ---------------------------------------------------------------- client operations

  async startOrchestration(name: string, instanceId: string, input: string | undefined): Promise<void> {
    const now = this.clock.now();
    const existing = this.cache.get(instanceId)?.row ?? (await this.store.readInstance(instanceId));
    if (existing && existing.kind === "orchestration" && (existing.status === "Running" || existing.status === "Pending" || existing.status === "Suspended")) {
      throw Object.assign(new Error(`An instance with ID '${instanceId}' already exists and is ${existing.status}.`), { code: "InstanceExists" });
    }
    const row: OrchestrationRow = {
      kind: "orchestration",
      instanceId,
      name,
      status: "Pending",
      executionId: "pending",
      input,
      createdTime: new Date(now).toISOString(),
      lastUpdatedTime: new Date(now).toISOString(),
    };
    // The instance row and its ExecutionStarted message commit together (one partition, one transaction).
    const start: InboxMessage = { kind: "event", event: event(EventType.ExecutionStarted, now, { Name: name, Input: input, ParentInstance: null }) };
    const key = newMessageKey();
    await this.store.commit(instanceId, [
      { op: "upsert", rowKey: "instance", data: row },
      { op: "upsert", rowKey: key, data: start },
    ]);
    this.cache.set(instanceId, { row, history: [] });
    this.deliver(instanceId, key, start);
  }

  async raiseEvent(instanceId: string, name: string, input: string | undefined): Promise<void> {
    await this.send(instanceId, { kind: "event", event: event(EventType.EventRaised, this.clock.now(), { Name: name, Input: input }) });
  }

  async controlEvent(instanceId: string, type: number, reason: string | undefined): Promise<void> {
    await this.send(instanceId, { kind: "event", event: event(type, this.clock.now(), { Input: reason === undefined ? undefined : JSON.stringify(reason) }) });
  }

  async signalEntity(schedulerId: string, op: string, input: string | undefined): Promise<void> {
    await this.send(schedulerId, { kind: "entity", message: { kind: "op", id: randomUUID(), op, signal: true, input, parent: undefined } });
  }

  async purge(instanceId: string): Promise<number> {
    this.cache.delete(instanceId);
    return this.store.purge(instanceId);
  }

  isRunning(): boolean {
    return this.running;
  }
}
