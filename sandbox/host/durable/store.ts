// Durable state in one Azurite table per task hub. Each instance (orchestration or entity) owns a partition,
// so an episode's history rows, its new work items and the deletion of the messages it consumed commit in
// one entity-group transaction:
//   RowKey "instance"                     the instance (or entity) row
//   RowKey "h-<executionId>-<index>"      history events appended by one commit, from event <index> on
//   RowKey "m-<order>"                    an inbox message addressed to the instance
//   RowKey "a-<executionId>-<eventId>"    an activity work item scheduled by the instance
//   RowKey "t-<executionId>-<eventId>"    a durable timer of the instance
import { odata, type TableClient, type TableEntity, type TransactionAction } from "@azure/data-tables";
import { randomBytes } from "node:crypto";
import { tableClientOf, type StorageConnection } from "../storage-connection.js";
import type { HistoryEvent } from "./history.js";
import type { EntityMessage } from "./entity-messages.js";

export type RuntimeStatus = "Pending" | "Running" | "Completed" | "ContinuedAsNew" | "Failed" | "Terminated" | "Suspended";

export interface OrchestrationRow {
  kind: "orchestration";
  instanceId: string;
  name: string;
  status: RuntimeStatus;
  executionId: string;
  input?: string;
  output?: string;
  customStatus?: string;
  createdTime: string;
  lastUpdatedTime: string;
  parent?: { instanceId: string; taskScheduledId: number; executionId?: string };
  suspended?: boolean;
}

export interface EntityRow {
  kind: "entity";
  instanceId: string;
  name: string;
  exists: boolean;
  state?: string;
  lockedBy?: string;
  /** Messages held back while another orchestration holds the lock, in arrival order. */
  deferred: EntityMessage[];
  lastUpdatedTime: string;
}

export type InstanceRow = OrchestrationRow | EntityRow;

/** A message in an instance's inbox. */
export type InboxMessage =
  | { kind: "event"; event: HistoryEvent; executionId?: string }
  | { kind: "entity"; message: EntityMessage };

export interface ActivityWorkItem {
  instanceId: string;
  executionId: string;
  eventId: number;
  name: string;
  input: string | undefined;
}

export interface TimerItem {
  instanceId: string;
  executionId: string;
  eventId: number;
  fireAt: number;
}

export interface PendingRow<T> {
  partitionKey: string;
  rowKey: string;
  value: T;
}

export type RowOp =
  | { op: "upsert"; rowKey: string; data: unknown; extra?: Record<string, string | number | boolean> }
  | { op: "delete"; rowKey: string };

const MAX_PROPERTY_CHARS = 30_000;
const MAX_BATCH = 100;
let orderCounter = 0;

/** A time-ordered, unique inbox row key. */
export function newMessageKey(): string {
  orderCounter = (orderCounter + 1) % 1_000_000;
  return `m-${Date.now().toString().padStart(15, "0")}-${orderCounter.toString().padStart(6, "0")}-${randomBytes(3).toString("hex")}`;
}

export function historyKey(executionId: string, index: number): string {
  return `h-${executionId}-${index.toString().padStart(6, "0")}`;
}

/** Rows for history events appended after `baseIndex` events: as few as fit the property limit, keyed by first index. */
export function historyRows(executionId: string, baseIndex: number, events: HistoryEvent[]): RowOp[] {
  const rows: RowOp[] = [];
  let chunk: HistoryEvent[] = [];
  let size = 0;
  let first = baseIndex;
  events.forEach((e, i) => {
    const length = JSON.stringify(e).length + 1;
    if (chunk.length > 0 && size + length > MAX_PROPERTY_CHARS - 2) {
      rows.push({ op: "upsert", rowKey: historyKey(executionId, first), data: chunk });
      chunk = [];
      size = 0;
      first = baseIndex + i;
    }
    chunk.push(e);
    size += length;
  });
  if (chunk.length > 0) rows.push({ op: "upsert", rowKey: historyKey(executionId, first), data: chunk });
  return rows;
}

export function activityKey(executionId: string, eventId: number): string {
  return `a-${executionId}-${eventId.toString().padStart(6, "0")}`;
}

export function timerKey(executionId: string, eventId: number): string {
  return `t-${executionId}-${eventId.toString().padStart(6, "0")}`;
}

/** Table names: letters and digits only, starting with a letter, at most 63 characters. */
export function tableNameFor(hubName: string): string {
  const clean = hubName.replace(/[^A-Za-z0-9]/g, "");
  const base = /^[A-Za-z]/.test(clean) ? clean : `h${clean}`;
  return `${base.slice(0, 50)}Instances`;
}

function partitionKeyOf(instanceId: string): string {
  return encodeURIComponent(instanceId);
}

export class PayloadTooLargeError extends Error {}

function encode(data: unknown): string {
  const text = JSON.stringify(data);
  if (text.length > MAX_PROPERTY_CHARS) {
    throw new PayloadTooLargeError(`durable store: a value of ${text.length} characters exceeds the ${MAX_PROPERTY_CHARS}-character table property limit the sandbox host supports (large payloads are not implemented)`);
  }
  return text;
}

/** Throws PayloadTooLargeError when a row of `ops` would not fit the table property limit. */
export function checkRowSizes(ops: RowOp[]): void {
  for (const o of ops) if (o.op === "upsert") encode(o.data);
}

export class DurableStore {
  private constructor(private readonly table: TableClient) {}

  static async open(storage: StorageConnection, hubName: string): Promise<DurableStore> {
    const table = tableClientOf(storage, tableNameFor(hubName));
    await table.createTable();
    return new DurableStore(table);
  }

  async readInstance(instanceId: string): Promise<InstanceRow | undefined> {
    try {
      const row = await this.table.getEntity<{ data: string }>(partitionKeyOf(instanceId), "instance");
      return JSON.parse(row.data) as InstanceRow;
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return undefined;
      throw err;
    }
  }

  async readHistory(instanceId: string, executionId: string): Promise<HistoryEvent[]> {
    const prefix = `h-${executionId}-`;
    const rows = this.table.listEntities<{ data: string }>({
      queryOptions: { filter: odata`PartitionKey eq ${partitionKeyOf(instanceId)} and RowKey ge ${prefix} and RowKey lt ${`${prefix}~`}` },
    });
    const events: HistoryEvent[] = [];
    for await (const row of rows) {
      const data = JSON.parse(row.data) as HistoryEvent | HistoryEvent[];
      if (Array.isArray(data)) events.push(...data);
      else events.push(data);
    }
    return events;
  }

  async listInstances(): Promise<InstanceRow[]> {
    const rows = this.table.listEntities<{ data: string }>({ queryOptions: { filter: odata`RowKey eq ${"instance"}` } });
    const out: InstanceRow[] = [];
    for await (const row of rows) out.push(JSON.parse(row.data) as InstanceRow);
    return out;
  }

  /** Rows of one kind ("m-", "a-", "t-") across all instances. */
  async listPending<T>(prefix: "m-" | "a-" | "t-"): Promise<PendingRow<T>[]> {
    const upper = `${prefix.slice(0, -1)}.`;
    const rows = this.table.listEntities<{ data: string }>({ queryOptions: { filter: odata`RowKey ge ${prefix} and RowKey lt ${upper}` } });
    const out: PendingRow<T>[] = [];
    for await (const row of rows) {
      out.push({ partitionKey: decodeURIComponent(row.partitionKey as string), rowKey: row.rowKey as string, value: JSON.parse(row.data) as T });
    }
    return out;
  }

  /** Applies row operations to one instance's partition, in transactions of at most 100 (the last chunk carries the tail of `ops`). */
  async commit(instanceId: string, ops: RowOp[]): Promise<void> {
    const pk = partitionKeyOf(instanceId);
    const actions: TransactionAction[] = ops.map((o) =>
      o.op === "upsert"
        ? ["upsert", { partitionKey: pk, rowKey: o.rowKey, data: encode(o.data), ...(o.extra ?? {}) } as TableEntity, "Replace"]
        : ["delete", { partitionKey: pk, rowKey: o.rowKey }],
    );
    for (let i = 0; i < actions.length; i += MAX_BATCH) {
      const chunk = actions.slice(i, i + MAX_BATCH);
      if (chunk.length === 1) await this.single(chunk[0]!);
      else await this.table.submitTransaction(chunk);
    }
  }

  private async single(action: TransactionAction): Promise<void> {
    if (action[0] === "delete") {
      try {
        await this.table.deleteEntity(action[1].partitionKey, action[1].rowKey);
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode !== 404) throw err;
      }
    } else {
      await this.table.upsertEntity(action[1] as TableEntity, "Replace");
    }
  }

  /** Deletes every row of an instance (history, inbox, work items, the instance row). */
  async purge(instanceId: string): Promise<number> {
    const pk = partitionKeyOf(instanceId);
    const keys: string[] = [];
    for await (const row of this.table.listEntities({ queryOptions: { filter: odata`PartitionKey eq ${pk}`, select: ["RowKey"] } })) {
      keys.push(row.rowKey as string);
    }
    const found = keys.includes("instance");
    await this.commit(instanceId, keys.map((rowKey) => ({ op: "delete", rowKey })));
    return found ? 1 : 0;
  }
}
