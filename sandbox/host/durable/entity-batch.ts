// Processes an entity's inbox: operations run in batches through the real entity function, lock requests are
// granted in arrival order and forwarded along the sorted lock set, and while an orchestration holds the lock
// only its own messages are processed; others wait in `deferred` until the release (critical sections, PR #3453).
import { EventType, event } from "./history.js";
import { parseSchedulerId, schedulerIdOf, type EntityMessage } from "./entity-messages.js";
import type { EntityRow, InboxMessage } from "./store.js";
import type { DurableHostBridge } from "./types.js";

export interface EntityOutgoing {
  target: string;
  message: InboxMessage;
}

interface OperationResult {
  isError: boolean;
  result?: string;
}

interface EntityStateWire {
  entityExists: boolean;
  entityState?: string;
  results: OperationResult[];
  signals: { target: { name: string; key: string }; name: string; input?: string }[];
}

export const LOCK_GRANTED_RESULT = "Lock Acquisition Completed";

function responseTo(parent: string, requestId: string, payload: { result?: string; exceptionType?: string }, now: number): EntityOutgoing {
  return { target: parent, message: { kind: "event", event: event(EventType.EventRaised, now, { Name: requestId, Input: JSON.stringify(payload) }) } };
}

export async function processEntityBatch(options: {
  row: EntityRow;
  messages: EntityMessage[];
  bridge: DurableHostBridge;
  functionName: string | undefined;
  now: number;
  log: (line: string) => void;
}): Promise<{ row: EntityRow; outgoing: EntityOutgoing[] }> {
  const { bridge, functionName, now, log } = options;
  const row: EntityRow = { ...options.row, deferred: [] };
  const outgoing: EntityOutgoing[] = [];
  const queue: EntityMessage[] = [...options.row.deferred, ...options.messages];
  let deferred: EntityMessage[] = [];
  let ops: Extract<EntityMessage, { kind: "op" }>[] = [];
  const { name, key } = parseSchedulerId(row.instanceId);

  const flush = async () => {
    if (ops.length === 0) return;
    const batch = ops;
    ops = [];
    let results: OperationResult[];
    let signals: EntityStateWire["signals"] = [];
    if (!functionName) {
      const message = `The entity function '${name}' is not registered (entity ${row.instanceId}).`;
      log(`durable: ${message}`);
      results = batch.map(() => ({ isError: true, result: JSON.stringify(message) }));
    } else {
      const input = {
        self: { name, key },
        exists: row.exists,
        state: row.state,
        batch: batch.map((m) => ({ id: m.id, name: m.op, signal: m.signal, input: m.input, parent: m.parent })),
      };
      try {
        const rv = await bridge.invoke(functionName, { string: JSON.stringify(input) });
        const text = rv?.json ?? rv?.string;
        if (text === undefined) throw new Error(`entity function returned no EntityState (${JSON.stringify(rv)})`);
        const out = JSON.parse(text) as EntityStateWire;
        row.exists = out.entityExists;
        row.state = out.entityExists ? out.entityState : undefined;
        results = out.results;
        signals = out.signals ?? [];
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        log(`durable: entity ${row.instanceId} batch failed: ${message}`);
        results = batch.map(() => ({ isError: true, result: JSON.stringify(message) }));
      }
    }
    batch.forEach((m, i) => {
      const r = results[i] ?? { isError: true, result: JSON.stringify("no result for operation") };
      if (m.signal || !m.parent) return;
      const payload: { result?: string; exceptionType?: string } = {};
      if (r.result !== undefined) payload.result = r.result;
      if (r.isError) payload.exceptionType = "Error";
      outgoing.push(responseTo(m.parent, m.id, payload, now));
    });
    for (const s of signals) {
      const message: EntityMessage = { kind: "op", id: `${row.instanceId}:${now}:${outgoing.length}`, op: s.name, signal: true, input: s.input || undefined, parent: row.instanceId };
      outgoing.push({ target: schedulerIdOf(s.target.name, s.target.key), message: { kind: "entity", message } });
    }
  };

  for (let i = 0; i < queue.length; i++) {
    const m = queue[i]!;
    if (m.kind === "release") {
      await flush();
      if (row.lockedBy === m.parent) {
        row.lockedBy = undefined;
        queue.splice(i + 1, 0, ...deferred);
        deferred = [];
      } else {
        log(`durable: entity ${row.instanceId} ignored a release from ${m.parent}; the lock is held by ${row.lockedBy ?? "nobody"}`);
      }
      continue;
    }
    if (row.lockedBy !== undefined && m.parent !== row.lockedBy) {
      deferred.push(m);
      continue;
    }
    if (m.kind === "op") {
      ops.push(m);
      continue;
    }
    // A lock request: take the lock, then pass the request on to the next entity or answer the orchestration.
    await flush();
    row.lockedBy = m.parent;
    const next = m.position + 1;
    if (next < m.lockSet.length) {
      outgoing.push({ target: m.lockSet[next]!, message: { kind: "entity", message: { ...m, position: next } } });
    } else {
      outgoing.push(responseTo(m.parent, m.id, { result: JSON.stringify(LOCK_GRANTED_RESULT) }, now));
    }
  }
  await flush();
  row.deferred = deferred;
  row.lastUpdatedTime = new Date(now).toISOString();
  return { row, outgoing };
}
