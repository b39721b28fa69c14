// The replay shim: re-creates what the Durable extension does with an out-of-proc orchestrator's action list
// (OutOfProcOrchestrationShim.ProcessAsyncActionsV2 on top of DTFx replay), so EventIds come out in exactly the
// order the durable-functions SDK numbers its tasks (functions-local-host.md §2.4, §3.1).
//
// The action list is interpreted by an async "program": each action is awaited in turn, WhenAll waits for all
// children (C# Task.WhenAll), WhenAny for the first, retries and long timers are loops that create timers. Every
// scheduling call takes the next EventId; if history already holds a scheduling event with that id, its kind and
// name must match (otherwise the orchestration is non-deterministic), else the call is new work for this episode.
// History events are then fed in order, completing the program's awaits, with microtasks drained after each one,
// so continuations take ids in the same order as DTFx.
import { EventType, EventTypeName, event, isSchedulingEvent, completionTarget, type HistoryEvent } from "./history.js";
import type { EntityMessage } from "./entity-messages.js";
import { schedulerIdOf } from "./entity-messages.js";

export const ActionType = {
  CallActivity: 0,
  CallActivityWithRetry: 1,
  CallSubOrchestrator: 2,
  CallSubOrchestratorWithRetry: 3,
  ContinueAsNew: 4,
  CreateTimer: 5,
  WaitForExternalEvent: 6,
  CallEntity: 7,
  CallHttp: 8,
  SignalEntity: 9,
  ScheduledSignalEntity: 10,
  WhenAny: 11,
  WhenAll: 12,
  LockEntities: 13,
  ReleaseEntities: 14,
} as const;

const ActionTypeName: Record<number, string> = Object.fromEntries(Object.entries(ActionType).map(([k, v]) => [v, k]));

export interface RetryOptionsWire {
  firstRetryIntervalInMilliseconds: number;
  maxNumberOfAttempts: number;
  backoffCoefficient?: number;
  maxRetryIntervalInMilliseconds?: number;
  retryTimeoutInMilliseconds?: number;
}

/** An action as the SDK serializes it (OrchestratorState.actions[0][i]). */
export interface WireAction {
  actionType: number;
  functionName?: string;
  input?: unknown;
  retryOptions?: RetryOptionsWire;
  instanceId?: string;
  version?: string;
  fireAt?: string;
  isCanceled?: boolean;
  externalEventName?: string;
  operation?: string;
  compoundActions?: WireAction[];
  lockRequestId?: string;
  lockSet?: { name: string; key: string }[];
}

export type Outbound =
  | { kind: "activity"; eventId: number; name: string; input: string | undefined }
  | { kind: "timer"; eventId: number; fireAt: number }
  | { kind: "cancelTimer"; eventId: number }
  | { kind: "subOrchestration"; eventId: number; name: string; instanceId: string; input: string | undefined; version?: string }
  | { kind: "entity"; eventId: number; target: string; message: EntityMessage };

export interface ReplayOptions {
  instanceId: string;
  /** DTFx MaximumDelayTime / the SDK's maximumShortTimerDuration. */
  maximumShortTimerMs: number;
  longRunningTimerIntervalMs: number;
  newGuid(): string;
}

export interface ReplayResult {
  /** Scheduling events for ids first taken in this episode, in id order. */
  newEvents: HistoryEvent[];
  outbound: Outbound[];
  /** The program still awaits a completion, timer, event or entity response. */
  waiting: boolean;
  /** Non-determinism or an unsupported action: the instance must fail with this message. */
  error?: string;
  continueAsNew?: { input: string | undefined };
  /** Entities this orchestration holds locks on at the end of the replay (released if it ends). */
  heldLocks: string[];
}

export class ReplayError extends Error {}

interface Completion {
  ok: boolean;
  event?: HistoryEvent;
  canceled?: boolean;
}

/** JSON text for a value the SDK already encoded with `Utils.processInput` (strings arrive JSON-encoded). */
export function encodeProcessedInput(input: unknown): string | undefined {
  if (input === undefined) return undefined;
  if (typeof input === "string") return input;
  return JSON.stringify(input);
}

/** JSON text for a raw (not pre-encoded) value: sub-orchestration and entity inputs. */
export function encodeRawInput(input: unknown): string | undefined {
  return input === undefined ? undefined : JSON.stringify(input);
}

function describeScheduled(e: { EventType: number; Name?: string; InstanceId?: string }): string {
  const target = e.EventType === EventType.EventSent ? ` to '${e.InstanceId}'` : "";
  return `${EventTypeName[e.EventType]} '${e.Name ?? ""}'${target}`;
}

export async function replayActions(history: HistoryEvent[], actions: WireAction[], opts: ReplayOptions): Promise<ReplayResult> {
  const scheduledInHistory = new Map<number, HistoryEvent>();
  for (const e of history) if (isSchedulingEvent(e)) scheduledInHistory.set(e.EventId, e);

  let now = 0;
  let nextId = 0;
  let failure: string | undefined;
  let done = false;
  let continueAsNew: { input: string | undefined } | undefined;
  let heldLocks: string[] = [];
  const matched = new Set<number>();
  const newEvents: HistoryEvent[] = [];
  const outbound: Outbound[] = [];
  const pendingById = new Map<number, (c: Completion) => void>();
  const waitersByName = new Map<string, ((c: Completion) => void)[]>();
  const bufferedByName = new Map<string, HistoryEvent[]>();

  /** Takes the next EventId; returns the history event already holding it, or undefined when it is new. */
  function alloc(expected: { EventType: number; Name: string; InstanceId?: string }, build: (id: number) => { ev: HistoryEvent; out?: Outbound }): { id: number; existing?: HistoryEvent } {
    const id = nextId++;
    const existing = scheduledInHistory.get(id);
    if (existing) {
      const sameTarget = expected.EventType !== EventType.EventSent || existing.InstanceId === expected.InstanceId;
      if (existing.EventType !== expected.EventType || (existing.Name ?? "") !== expected.Name || !sameTarget) {
        throw new ReplayError(
          `Non-deterministic orchestration detected: EventId ${id} was ${describeScheduled(existing)} in history but the orchestrator now schedules ${describeScheduled(expected)}.`,
        );
      }
      matched.add(id);
      return { id, existing };
    }
    const { ev, out } = build(id);
    newEvents.push(ev);
    if (out) outbound.push(out);
    return { id };
  }

  function awaitId(id: number): Promise<Completion> {
    return new Promise((resolve) => pendingById.set(id, resolve));
  }

  function awaitName(name: string): Promise<Completion> {
    const buffered = bufferedByName.get(name);
    if (buffered && buffered.length > 0) {
      const ev = buffered.shift()!;
      return Promise.resolve({ ok: true, event: ev });
    }
    return new Promise((resolve) => {
      const list = waitersByName.get(name) ?? [];
      list.push(resolve);
      waitersByName.set(name, list);
    });
  }

  function createTimer(fireAt: number, canceled = false): Promise<Completion> {
    const { id } = alloc({ EventType: EventType.TimerCreated, Name: "" }, (eventId) => ({
      ev: event(EventType.TimerCreated, now, { EventId: eventId, FireAt: new Date(fireAt).toISOString() }),
      out: { kind: "timer", eventId, fireAt },
    }));
    if (canceled) {
      outbound.push({ kind: "cancelTimer", eventId: id });
      return Promise.resolve({ ok: false, canceled: true });
    }
    return awaitId(id);
  }

  /** DurableOrchestrationContext.CreateTimer: timers longer than the maximum are chained in intervals. */
  async function durableTimer(fireAt: number, canceled: boolean): Promise<Completion> {
    if (canceled || fireAt - now <= opts.maximumShortTimerMs) return createTimer(fireAt, canceled);
    let last: Completion = { ok: true };
    while (fireAt > now) {
      const remaining = fireAt - now;
      last = await createTimer(remaining <= opts.maximumShortTimerMs ? fireAt : now + opts.longRunningTimerIntervalMs);
    }
    return last;
  }

  async function callActivity(a: WireAction): Promise<Completion> {
    const name = a.functionName ?? "";
    const input = encodeProcessedInput(a.input);
    const { id } = alloc({ EventType: EventType.TaskScheduled, Name: name }, (eventId) => ({
      ev: event(EventType.TaskScheduled, now, { EventId: eventId, Name: name, Input: input }),
      out: { kind: "activity", eventId, name, input },
    }));
    return awaitId(id);
  }

  async function callSubOrchestrator(a: WireAction): Promise<Completion> {
    const name = a.functionName ?? "";
    const input = encodeRawInput(a.input);
    const { id } = alloc({ EventType: EventType.SubOrchestrationInstanceCreated, Name: name }, (eventId) => {
      const childId = a.instanceId || `${opts.instanceId}:${eventId.toString(16).padStart(4, "0")}`;
      return {
        ev: event(EventType.SubOrchestrationInstanceCreated, now, { EventId: eventId, Name: name, Input: input, InstanceId: childId }),
        out: { kind: "subOrchestration", eventId, name, instanceId: childId, input, version: a.version },
      };
    });
    return awaitId(id);
  }

  /** DTFx RetryInterceptor: after every failed attempt a retry timer is created, including after the last one. */
  async function withRetry(options: RetryOptionsWire, attempt: () => Promise<Completion>): Promise<Completion> {
    const first = now;
    const coefficient = options.backoffCoefficient ?? 1;
    const maxInterval = options.maxRetryIntervalInMilliseconds ?? Number.POSITIVE_INFINITY;
    const timeout = options.retryTimeoutInMilliseconds ?? Number.POSITIVE_INFINITY;
    let last: Completion = { ok: false };
    for (let retryCount = 0; retryCount < options.maxNumberOfAttempts; retryCount++) {
      last = await attempt();
      if (last.ok) return last;
      if (!(now < first + timeout)) break;
      const delay = Math.min(options.firstRetryIntervalInMilliseconds * Math.pow(coefficient, retryCount), maxInterval);
      if (!(delay > 0)) break;
      await createTimer(now + delay);
    }
    return last;
  }

  function sendEntityMessage(target: string, name: string, message: EntityMessage, existingId?: (e: HistoryEvent) => void): number {
    const { id, existing } = alloc({ EventType: EventType.EventSent, Name: name, InstanceId: target }, (eventId) => ({
      ev: event(EventType.EventSent, now, { EventId: eventId, Name: name, InstanceId: target, Input: JSON.stringify(message) }),
      out: { kind: "entity", eventId, target, message },
    }));
    if (existing && existingId) existingId(existing);
    return id;
  }

  async function invoke(a: WireAction): Promise<Completion> {
    switch (a.actionType) {
      case ActionType.CallActivity:
        return callActivity(a);
      case ActionType.CallActivityWithRetry:
        return withRetry(requireRetry(a), () => callActivity(a));
      case ActionType.CallSubOrchestrator:
        return callSubOrchestrator(a);
      case ActionType.CallSubOrchestratorWithRetry:
        return withRetry(requireRetry(a), () => callSubOrchestrator(a));
      case ActionType.ContinueAsNew:
        continueAsNew = { input: encodeProcessedInput(a.input) };
        return { ok: true };
      case ActionType.CreateTimer:
        return durableTimer(Date.parse(a.fireAt ?? ""), a.isCanceled === true);
      case ActionType.WaitForExternalEvent:
        return awaitName(a.externalEventName ?? "");
      case ActionType.CallEntity: {
        const target = a.instanceId ?? "";
        let requestId = opts.newGuid();
        const message: EntityMessage = { kind: "op", id: requestId, op: a.operation ?? "", signal: false, input: encodeRawInput(a.input), parent: opts.instanceId };
        sendEntityMessage(target, "op", message, (existing) => {
          requestId = (JSON.parse(existing.Input ?? "{}") as { id: string }).id;
        });
        return awaitName(requestId);
      }
      case ActionType.SignalEntity: {
        const target = a.instanceId ?? "";
        const message: EntityMessage = { kind: "op", id: opts.newGuid(), op: a.operation ?? "", signal: true, input: encodeRawInput(a.input), parent: opts.instanceId };
        sendEntityMessage(target, "op", message);
        return { ok: true };
      }
      case ActionType.LockEntities: {
        const lockSet = [...new Set((a.lockSet ?? []).map((e) => schedulerIdOf(e.name, e.key)))].sort();
        const requestId = a.lockRequestId ?? "";
        if (lockSet.length === 0 || !requestId) throw new ReplayError("LockEntities action without a lockSet or lockRequestId");
        const message: EntityMessage = { kind: "lock", id: requestId, parent: opts.instanceId, lockSet, position: 0 };
        sendEntityMessage(lockSet[0]!, "op", message);
        const granted = await awaitName(requestId);
        if (granted.ok) heldLocks = lockSet;
        return granted;
      }
      case ActionType.ReleaseEntities: {
        const released = heldLocks;
        heldLocks = [];
        for (const target of released) {
          sendEntityMessage(target, "release", { kind: "release", id: opts.newGuid(), parent: opts.instanceId });
        }
        return { ok: true };
      }
      case ActionType.WhenAll: {
        const results = await Promise.all((a.compoundActions ?? []).map((c) => invoke(c)));
        return { ok: results.every((r) => r.ok) };
      }
      case ActionType.WhenAny:
        return Promise.race((a.compoundActions ?? []).map((c) => invoke(c)));
      default:
        throw new ReplayError(
          `Orchestrator action ${ActionTypeName[a.actionType] ?? "unknown"} (actionType ${a.actionType}) is not implemented by the sandbox durable host.`,
        );
    }
  }

  function requireRetry(a: WireAction): RetryOptionsWire {
    const r = a.retryOptions;
    if (!r || !(r.firstRetryIntervalInMilliseconds > 0) || !(r.maxNumberOfAttempts >= 1)) {
      throw new ReplayError(`${ActionTypeName[a.actionType]} '${a.functionName}' has invalid retryOptions: ${JSON.stringify(r)}`);
    }
    return r;
  }

  async function program(): Promise<void> {
    for (const a of actions) {
      if (failure) return;
      await invoke(a);
    }
  }

  const drain = () => new Promise<void>((resolve) => setImmediate(resolve));
  let started = false;

  for (const e of history) {
    if (failure) break;
    switch (e.EventType) {
      case EventType.OrchestratorStarted:
        now = Math.max(now, Date.parse(e.Timestamp));
        break;
      case EventType.ExecutionStarted:
        if (!started) {
          started = true;
          program().then(
            () => { done = true; },
            (err: unknown) => { failure = err instanceof Error ? err.message : String(err); },
          );
        }
        break;
      case EventType.EventRaised: {
        const name = e.Name ?? "";
        const waiters = waitersByName.get(name);
        const waiter = waiters?.shift();
        if (waiter) waiter({ ok: true, event: e });
        else bufferedByName.set(name, [...(bufferedByName.get(name) ?? []), e]);
        break;
      }
      default: {
        const target = completionTarget(e);
        if (target === undefined) break;
        const resolve = pendingById.get(target);
        if (resolve) {
          pendingById.delete(target);
          const ok = e.EventType === EventType.TaskCompleted || e.EventType === EventType.SubOrchestrationInstanceCompleted || e.EventType === EventType.TimerFired;
          resolve({ ok, event: e });
        }
      }
    }
    await drain();
  }
  await drain();

  if (!failure) {
    for (const [id, e] of scheduledInHistory) {
      if (!matched.has(id)) {
        failure = `Non-deterministic orchestration detected: history has ${describeScheduled(e)} with EventId ${id}, but the orchestrator did not schedule it during replay.`;
        break;
      }
    }
  }
  // Waiting: the action program has not run to its end, or work it scheduled is still outstanding (a Task.any's
  // losers, which the orchestrator may await on their own later).
  const outstanding = pendingById.size > 0 || [...waitersByName.values()].some((w) => w.length > 0);
  return { newEvents, outbound, waiting: !failure && (!done || outstanding), error: failure, continueAsNew, heldLocks };
}
