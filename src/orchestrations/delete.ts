// Delete one connection: undo what it applied (newest first), except what other connections still rely on
// (the delete plan decides that from the store), then remove the record.
import * as df from "durable-functions";
import type { OrchestrationContext } from "durable-functions";
import type { DeleteStart, OperationOutcome } from "../model/operations.js";
import { activitiesOf } from "./activityCalls.js";
import { SOURCE_LOCK_ENTITY } from "./names.js";
import { sourceLockKey } from "./sourceLockKey.js";

export function* deleteOrchestrator(context: OrchestrationContext): Generator<df.Task, void, any> {
  const start = context.df.getInput<DeleteStart>();
  const acts = activitiesOf(context);
  const base = { kind: "delete" as const, operationId: start.operationId, linkerId: start.linkerId, sourceId: start.sourceId, linkerName: start.linkerName };
  const failures: string[] = [];
  // Same critical section as create/update: the delete plan reads what other connections on the source still need.
  const lock = yield context.df.lock(new df.EntityId(SOURCE_LOCK_ENTITY, sourceLockKey(start.sourceId)));
  try {
    const plan = yield* acts.planDelete(start);
    for (const a of plan.undo) {
      const r = yield* acts.compensateStep({ step: a.step, input: a.input, prior: a.prior });
      if (!r.ok) failures.push(`${a.step}: ${r.error.message}`);
    }
  } finally {
    lock.release();
  }
  const outcome: OperationOutcome = failures.length
    ? { ...base, status: "Failed", error: { code: "DeleteIncomplete", message: `Some changes could not be undone: ${failures.join("; ")}` } }
    : { ...base, status: "Succeeded" };
  const removed = yield* acts.record(outcome);
  // Everything was undone but the record could not be removed: the linker stays, Failed, for a repeated delete.
  if (!removed.ok && outcome.status === "Succeeded") {
    yield* acts.record({ ...base, status: "Failed", error: { code: "DeleteIncomplete", message: `The connection's changes were undone, but its record could not be removed: ${removed.error.message}` } });
  }
}
