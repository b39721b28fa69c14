// DTFx history events as the durable-functions SDK reads them (PascalCase fields, numeric EventType).
// Reference: functions-local-host.md §2.2; durable-functions lib/src/history/HistoryEventType.js.

export const EventType = {
  ExecutionStarted: 0,
  ExecutionCompleted: 1,
  ExecutionFailed: 2,
  ExecutionTerminated: 3,
  TaskScheduled: 4,
  TaskCompleted: 5,
  TaskFailed: 6,
  SubOrchestrationInstanceCreated: 7,
  SubOrchestrationInstanceCompleted: 8,
  SubOrchestrationInstanceFailed: 9,
  TimerCreated: 10,
  TimerFired: 11,
  OrchestratorStarted: 12,
  OrchestratorCompleted: 13,
  EventSent: 14,
  EventRaised: 15,
  ContinueAsNew: 16,
  GenericEvent: 17,
  HistoryState: 18,
  ExecutionSuspended: 19,
  ExecutionResumed: 20,
} as const;

export const EventTypeName: Record<number, string> = Object.fromEntries(Object.entries(EventType).map(([k, v]) => [v, k]));

/** One history event. Fields beyond the common ones depend on EventType (see §2.2). */
export interface HistoryEvent {
  EventType: number;
  EventId: number;
  IsPlayed: boolean;
  Timestamp: string;
  Name?: string;
  Input?: string;
  Result?: string;
  Reason?: string;
  Details?: string;
  TaskScheduledId?: number;
  TimerId?: number;
  FireAt?: string;
  InstanceId?: string;
  OrchestrationStatus?: string;
  ParentInstance?: { InstanceId: string; TaskScheduledId: number; Name: string } | null;
  Version?: string;
}

export function event(type: number, timestamp: number, fields: Partial<HistoryEvent> = {}): HistoryEvent {
  return { EventType: type, EventId: -1, IsPlayed: false, Timestamp: new Date(timestamp).toISOString(), ...fields };
}

/** Scheduling events carry the EventId the SDK's sequence numbers must match. */
export function isSchedulingEvent(e: HistoryEvent): boolean {
  return (
    e.EventType === EventType.TaskScheduled ||
    e.EventType === EventType.TimerCreated ||
    e.EventType === EventType.SubOrchestrationInstanceCreated ||
    e.EventType === EventType.EventSent
  );
}

/** The id of the scheduling event a completion event answers, if it is one. */
export function completionTarget(e: HistoryEvent): number | undefined {
  switch (e.EventType) {
    case EventType.TaskCompleted:
    case EventType.TaskFailed:
    case EventType.SubOrchestrationInstanceCompleted:
    case EventType.SubOrchestrationInstanceFailed:
      return e.TaskScheduledId;
    case EventType.TimerFired:
      return e.TimerId;
    default:
      return undefined;
  }
}

/** Compact rendering for logs and golden tests: `TaskScheduled#0`, `TaskCompleted(->0)`, `EventRaised(approve)`. */
export function describeEvent(e: HistoryEvent): string {
  const name = EventTypeName[e.EventType] ?? `Event${e.EventType}`;
  if (isSchedulingEvent(e)) return `${name}#${e.EventId}`;
  const target = completionTarget(e);
  if (target !== undefined) return `${name}(->${target})`;
  if (e.EventType === EventType.EventRaised) return `${name}(${e.Name})`;
  return name;
}
