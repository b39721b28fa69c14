// One orchestration episode: build the trigger input from persisted history plus the new inbox events, invoke the
// real orchestrator through the bridge, replay its actions (replay.ts) and decide what to persist and send.
import { EventType, completionTarget, event, isSchedulingEvent, type HistoryEvent } from "./history.js";
import { replayActions, type Outbound, type WireAction } from "./replay.js";
import type { OrchestrationRow } from "./store.js";
import type { DurableHostBridge } from "./types.js";

/** Advertised like the current extension (PR #3453): legacy field V2, new field V4; Azure Storage timer limits. */
export const SCHEMA = { upperSchemaVersion: 1, upperSchemaVersionNew: 3 } as const;
export const TIMER_LIMITS = {
  maximumShortTimerDuration: "6.00:00:00",
  longRunningTimerIntervalDuration: "3.00:00:00",
  maximumShortTimerMs: 6 * 24 * 3600_000,
  longRunningTimerIntervalMs: 3 * 24 * 3600_000,
};

interface OrchestratorState {
  isDone: boolean;
  actions: WireAction[][];
  output?: unknown;
  error?: string;
  customStatus?: unknown;
  schemaVersion?: number;
}

export interface EpisodeInput {
  instance: OrchestrationRow;
  past: HistoryEvent[];
  newEvents: HistoryEvent[];
  now: number;
  bridge: DurableHostBridge;
  newGuid(): string;
}

export interface EpisodeOutcome {
  /** Events to append to history (OrchestratorStarted … OrchestratorCompleted [ExecutionCompleted]). */
  appended: HistoryEvent[];
  outbound: Outbound[];
  status: "Running" | "Completed" | "Failed" | "ContinuedAsNew";
  output?: string;
  customStatus?: string;
  continueAsNewInput?: string;
  failure?: string;
  heldLocks: string[];
}

const OUT_OF_PROC_LABEL = "$OutOfProcData$:";

function parseState(text: string): OrchestratorState {
  return JSON.parse(text) as OrchestratorState;
}

/** Extracts the OrchestratorState from a returnValue, or from a thrown OrchestrationFailureError (§2.3). */
async function invokeOrchestrator(bridge: DurableHostBridge, name: string, payload: unknown): Promise<{ state?: OrchestratorState; error?: string }> {
  try {
    const rv = await bridge.invoke(name, { string: JSON.stringify(payload) });
    const text = rv?.json ?? rv?.string;
    if (text === undefined) return { error: `Orchestrator function '${name}' returned no OrchestratorState (returnValue ${JSON.stringify(rv)})` };
    return { state: parseState(text) };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const at = message.indexOf(OUT_OF_PROC_LABEL);
    if (at >= 0) return { state: parseState(message.slice(at + OUT_OF_PROC_LABEL.length)) };
    return { error: `Orchestrator function '${name}' failed: ${message}` };
  }
}

export async function runEpisode(input: EpisodeInput): Promise<EpisodeOutcome> {
  const { instance, past, newEvents, now } = input;
  const started = event(EventType.OrchestratorStarted, now);
  const history = [...past.map((e) => ({ ...e, IsPlayed: true })), started, ...newEvents.map((e) => ({ ...e, IsPlayed: false }))];
  const executionStarted = history.find((e) => e.EventType === EventType.ExecutionStarted);
  const payload = {
    history,
    input: executionStarted?.Input === undefined ? null : JSON.parse(executionStarted.Input),
    instanceId: instance.instanceId,
    isReplaying: past.length > 0,
    parentInstanceId: instance.parent?.instanceId ?? null,
    ...SCHEMA,
    longRunningTimerIntervalDuration: TIMER_LIMITS.longRunningTimerIntervalDuration,
    maximumShortTimerDuration: TIMER_LIMITS.maximumShortTimerDuration,
    defaultHttpAsyncRequestSleepTimeMillseconds: 30000,
  };
  const { state, error } = await invokeOrchestrator(input.bridge, instance.name, payload);
  const appendedBase = [started, ...newEvents];
  const finish = (status: EpisodeOutcome["status"], extra: Partial<EpisodeOutcome>, scheduled: HistoryEvent[] = []): EpisodeOutcome => {
    const appended = [...appendedBase, ...scheduled, event(EventType.OrchestratorCompleted, now)];
    if (status !== "Running") {
      appended.push(event(EventType.ExecutionCompleted, now, { OrchestrationStatus: status, Result: status === "Failed" ? extra.failure : extra.output }));
    }
    return { appended, outbound: [], status, heldLocks: [], ...extra };
  };
  if (!state) return finish("Failed", { failure: error });
  const customStatus = state.customStatus === undefined ? undefined : JSON.stringify(state.customStatus);
  if (!Array.isArray(state.actions) || state.actions.length > 1) {
    return finish("Failed", { failure: `Orchestrator '${instance.name}' returned schema ${state.schemaVersion} actions with ${state.actions?.length} outer entries; the host expects V2+ nesting [[...]]`, customStatus });
  }
  const replay = await replayActions(history, state.actions[0] ?? [], {
    instanceId: instance.instanceId,
    maximumShortTimerMs: TIMER_LIMITS.maximumShortTimerMs,
    longRunningTimerIntervalMs: TIMER_LIMITS.longRunningTimerIntervalMs,
    newGuid: input.newGuid,
  });
  const common = { customStatus, heldLocks: replay.heldLocks };
  if (replay.error) return finish("Failed", { ...common, failure: replay.error });
  if (state.error !== undefined) {
    // Work the failed episode scheduled (fire-and-forget signals, releases) still goes out, as DTFx does for sent events.
    const sent = replay.newEvents.filter((e) => e.EventType === EventType.EventSent);
    const outcome = finish("Failed", { ...common, failure: `Orchestrator function '${instance.name}' failed: ${state.error}` }, sent);
    outcome.outbound = replay.outbound.filter((o) => o.kind === "entity");
    return outcome;
  }
  if (state.isDone && replay.continueAsNew) {
    const outcome = finish("ContinuedAsNew", { ...common, continueAsNewInput: replay.continueAsNew.input, output: replay.continueAsNew.input }, replay.newEvents);
    outcome.outbound = replay.outbound.filter((o) => o.kind === "entity");
    return outcome;
  }
  if (state.isDone) {
    const output = state.output === undefined ? "null" : JSON.stringify(state.output);
    const outcome = finish("Completed", { ...common, output }, replay.newEvents);
    outcome.outbound = replay.outbound.filter((o) => o.kind === "entity");
    return outcome;
  }
  if (!replay.waiting) {
    return finish("Failed", {
      ...common,
      failure: `Orchestration stalled: '${instance.name}' is not done, but every action it returned has completed in history (the host and the SDK disagree about task ids). Actions: ${JSON.stringify(state.actions[0])}`,
    });
  }
  const outcome = finish("Running", common, replay.newEvents);
  outcome.outbound = replay.outbound;
  return outcome;
}

/** Drops completions that answer nothing scheduled in this execution or that were already delivered. */
export function filterNewEvents(past: HistoryEvent[], incoming: HistoryEvent[]): { kept: HistoryEvent[]; dropped: HistoryEvent[] } {
  const scheduled = new Set<number>();
  const completed = new Set<number>();
  for (const e of past) {
    if (isSchedulingEvent(e)) scheduled.add(e.EventId);
    const t = completionTarget(e);
    if (t !== undefined) completed.add(t);
  }
  const kept: HistoryEvent[] = [];
  const dropped: HistoryEvent[] = [];
  for (const e of incoming) {
    const t = completionTarget(e);
    if (t !== undefined && (!scheduled.has(t) || completed.has(t))) dropped.push(e);
    else {
      if (t !== undefined) completed.add(t);
      kept.push(e);
    }
  }
  return { kept, dropped };
}
