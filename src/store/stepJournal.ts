// The write-ahead journal of an operation's steps: before a step's first write, the prior it will restore is put
// here under the operation (the operations table, the operation's partition, RowKey "step-<slot>"). The host can die
// after the write and before the step's result is recorded in the saga's history; the activity then runs again, finds
// its own write done, and would otherwise record that nothing changed (or that what it wrote was there before): the
// journal hands it the first run's prior instead, so compensation and delete restore the state before the operation.
// Priors hold no plaintext secret (sealed values only), as on the linker.
import type { TableClient } from "@azure/data-tables";
import { encodeKey } from "./keys.js";
import { isConflictOrPrecondition, isNotFound } from "./tableErrors.js";

export interface StepJournal {
  /** Writes the step's prior unless an earlier run of the same step already did; returns that earlier one. */
  writeAhead(operationId: string, slot: string, prior: unknown): Promise<{ earlier?: unknown }>;
  /** The prior an earlier run of the step wrote ahead, if any. */
  earlier(operationId: string, slot: string): Promise<{ prior: unknown } | undefined>;
}

interface JournalEntity {
  partitionKey: string;
  rowKey: string;
  prior: string;
}

const rowKeyOf = (slot: string) => `step-${encodeKey(slot)}`;

export function createStepJournal(client: TableClient): StepJournal {
  const read = async (operationId: string, slot: string) => {
    try {
      const e = await client.getEntity<JournalEntity>(encodeKey(operationId), rowKeyOf(slot));
      return { prior: JSON.parse(e.prior) as unknown };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  };
  return {
    async writeAhead(operationId, slot, prior) {
      try {
        await client.createEntity<JournalEntity>({ partitionKey: encodeKey(operationId), rowKey: rowKeyOf(slot), prior: JSON.stringify(prior ?? null) });
        return {};
      } catch (error) {
        if (!isConflictOrPrecondition(error)) throw error;
        const earlier = await read(operationId, slot);
        return earlier ? { earlier: earlier.prior } : {};
      }
    },
    earlier: read,
  };
}
