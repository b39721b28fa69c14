// Messages delivered to entities (operations, lock requests, releases) and their scheduler ids.
// Shapes follow the extension's RequestMessage: an id the response is keyed by, the parent orchestration,
// and for lock requests the sorted lock set and the position of the entity that receives it.

import { EventType, type HistoryEvent } from "./history.js";

export type EntityMessage =
  | { kind: "op"; id: string; op: string; signal: boolean; input: string | undefined; parent: string | undefined }
  | { kind: "lock"; id: string; parent: string; lockSet: string[]; position: number }
  | { kind: "release"; id: string; parent: string };

/** `@<name lower-case>@<key>` — EntityId.getSchedulerIdFromEntityId. */
export function schedulerIdOf(name: string, key: string): string {
  return `@${name.toLowerCase()}@${key}`;
}

export function isEntityId(instanceId: string): boolean {
  return instanceId.startsWith("@") && instanceId.indexOf("@", 1) > 0;
}

export function parseSchedulerId(schedulerId: string): { name: string; key: string } {
  const pos = schedulerId.indexOf("@", 1);
  if (!schedulerId.startsWith("@") || pos < 0) throw new Error(`not an entity scheduler id: ${schedulerId}`);
  return { name: schedulerId.substring(1, pos), key: schedulerId.substring(pos + 1) };
}

/** Entities whose lock the orchestration holds at the end of `history`: granted lock requests not yet released. */
export function heldLocksIn(history: HistoryEvent[]): string[] {
  let pending: { id: string; lockSet: string[] } | undefined;
  const held = new Set<string>();
  for (const e of history) {
    if (e.EventType === EventType.EventSent && e.Input) {
      const message = JSON.parse(e.Input) as EntityMessage;
      if (message.kind === "lock") pending = { id: message.id, lockSet: message.lockSet };
      else if (message.kind === "release" && e.InstanceId) held.delete(e.InstanceId);
    } else if (e.EventType === EventType.EventRaised && pending && e.Name === pending.id) {
      for (const entity of pending.lockSet) held.add(entity);
      pending = undefined;
    }
  }
  return [...held];
}
