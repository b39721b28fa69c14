// After a (re)validation: every result goes to the history, conclusive ones become the linker's last health,
// and a health-change message goes out only for connections whose health changed.
import type { LinkerRepository } from "../store/types.js";
import type { HealthChangePublisher } from "./changes.js";
import { toHealthRecord, recordLinkerHealth, type HealthHistory } from "./history.js";
import { mapBounded } from "../concurrency/mapBounded.js";
import type { ConnectionHealth } from "./types.js";

export interface RecordHealthDeps {
  linkers: LinkerRepository;
  history: HealthHistory;
  publisher: HealthChangePublisher;
  concurrency?: number;
}

export interface RecordOutcome {
  recorded: number;
  /** Linker ids whose health changed (a message was sent). */
  changed: string[];
  /** Linker ids no longer in the store (deleted meanwhile). */
  gone: string[];
}

export async function recordHealth(results: readonly ConnectionHealth[], deps: RecordHealthDeps): Promise<RecordOutcome> {
  const outcome: RecordOutcome = { recorded: 0, changed: [], gone: [] };
  await mapBounded(results, deps.concurrency ?? 16, async (health) => {
    const stored = await recordLinkerHealth(deps.linkers, health);
    if (!stored) { outcome.gone.push(health.linkerId); return; }
    await deps.history.record(toHealthRecord(health));
    outcome.recorded++;
    if (health.status !== "Unknown" && await deps.publisher.publishIfChanged(health.linkerId, stored.previous, stored.current, health.attribution)) {
      outcome.changed.push(health.linkerId);
    }
  });
  return outcome;
}
