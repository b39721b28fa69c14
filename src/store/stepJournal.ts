// The write-ahead journal of an operation's steps: before a step's first write, the prior it will restore is put
// here under the operation (the operations table, the operation's partition, RowKey "step-<slot>"). The host can die
// after the write and before the step's result is recorded in the saga's history; the activity then runs again, finds
// its own write done, and would otherwise record that nothing changed (or that what it wrote was there before): the
// journal hands it the first run's prior instead, so compensation and delete restore the state before the operation.
// Once the run that wrote ahead has its outcome, the entry is settled to it: the prior it returned, or "void" (it
// changed nothing, or failed and left nothing) — a run resumed after that takes no intent for a change. The record
// activity clears an operation's entries when the operation ends. Priors hold no plaintext secret (sealed values only),
// as on the linker; nothing but the step activities reads them.
import type { TableClient } from "@azure/data-tables";
import { encodeKey } from "./keys.js";
import { isConflictOrPrecondition, isNotFound } from "./tableErrors.js";

export interface StepJournal {
  /** Writes the step's prior unless an earlier run of the same step already did (and did not settle it void);
   *  returns that earlier one. */
  writeAhead(operationId: string, slot: string, prior: unknown): Promise<{ earlier?: unknown }>;
  /** The prior an earlier run of the step wrote ahead or settled to, if any. */
  earlier(operationId: string, slot: string): Promise<{ prior: unknown } | undefined>;
  /** The run that wrote ahead has its outcome: the prior it returns, or "void" (no change, nothing left). */
  settle(operationId: string, slot: string, outcome: { prior: unknown } | "void"): Promise<void>;
  /** Removes the operation's entries (it has ended). */
  clear(operationId: string): Promise<void>;
}

interface JournalEntity {
  partitionKey: string;
  rowKey: string;
  /** JSON of the prior; absent when settled void. */
  prior?: string;
  void?: boolean;
}

const ROW_PREFIX = "step-";
const rowKeyOf = (slot: string) => `${ROW_PREFIX}${encodeKey(slot)}`;
const entityOf = (operationId: string, slot: string, outcome: { prior: unknown } | "void"): JournalEntity => ({
  partitionKey: encodeKey(operationId), rowKey: rowKeyOf(slot),
  ...(outcome === "void" ? { void: true } : { prior: JSON.stringify(outcome.prior ?? null) }),
});

export function createStepJournal(client: TableClient): StepJournal {
  const read = async (operationId: string, slot: string) => {
    try {
      return await client.getEntity<JournalEntity>(encodeKey(operationId), rowKeyOf(slot));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  };
  return {
    async writeAhead(operationId, slot, prior) {
      const entity = entityOf(operationId, slot, { prior });
      try {
        await client.createEntity(entity);
        return {};
      } catch (error) {
        if (!isConflictOrPrecondition(error)) throw error;
      }
      const existing = await read(operationId, slot);
      if (existing && !existing.void && existing.prior !== undefined) return { earlier: JSON.parse(existing.prior) as unknown };
      // Settled void (or gone): no earlier change to stand for; this run's intent replaces it.
      if (existing) await client.updateEntity(entity, "Replace", { etag: existing.etag });
      else await client.createEntity(entity);
      return {};
    },
    async earlier(operationId, slot) {
      const e = await read(operationId, slot);
      return e && !e.void && e.prior !== undefined ? { prior: JSON.parse(e.prior) as unknown } : undefined;
    },
    async settle(operationId, slot, outcome) {
      await client.upsertEntity(entityOf(operationId, slot, outcome), "Replace");
    },
    async clear(operationId) {
      const pk = encodeKey(operationId);
      const rows = client.listEntities<JournalEntity>({
        // Table keys (./keys.ts encodeKey) hold no quote: the filter needs no escaping (nor the SDK's odata helper,
        // whose module would load at start-up).
        queryOptions: { filter: `PartitionKey eq '${pk}' and RowKey ge '${ROW_PREFIX}' and RowKey lt 'step.'`, select: ["RowKey"] },
      });
      for await (const row of rows) await client.deleteEntity(pk, row.rowKey!).catch((e: unknown) => { if (!isNotFound(e)) throw e; });
    },
  };
}
