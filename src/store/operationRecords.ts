// The one owner of operation records (Radius' status manager): an operation is drafted, recorded InProgress, and ended
// Succeeded / Failed / Canceled here — by the API's PUT/PATCH/DELETE/validate, by auto-heal and by the saga's record
// activity alike. Nobody else writes store.operations.
import { requireSubscriptionOf } from "../azure/resourceId.js";
import type { Caller } from "../model/caller.js";
import type { AuthorizationRecord, OperationKind, OperationStatus, StoredOperation } from "../model/connection.js";
import type { ConnectionStore } from "./types.js";

export interface OperationRecords {
  /** A new InProgress operation of a linker, not yet recorded (its id goes on the linker first). */
  draft(x: { kind: OperationKind; linkerId: string; sourceId: string; requestedBy?: Caller; authorization?: AuthorizationRecord }): StoredOperation;
  /** Records a drafted operation. */
  record(operation: StoredOperation): Promise<StoredOperation>;
  /** Ends an operation with its outcome. */
  end(id: string, outcome: { status: Exclude<OperationStatus, "InProgress">; error?: StoredOperation["error"]; result?: Record<string, unknown> }): Promise<void>;
  /** The orchestration could not be started: the operation fails, and so does the linker when the operation had claimed
   *  it (it is still the linker's last operation). */
  failToStart(operation: StoredOperation, linker: { sourceId: string; name: string } | undefined): Promise<void>;
}

export interface OperationRecordsDeps {
  store: Pick<ConnectionStore, "operations" | "linkers">;
  clock: () => Date;
  newId: () => string;
  /** Region segment of the operation's status URL (LINKWRIGHT_REGION). */
  location: string;
}

/** What an operation that could not be started says (no internal detail). */
export const NOT_STARTED = { code: "InternalServerError", message: "The operation could not be started." } as const;

export function createOperationRecords(deps: OperationRecordsDeps): OperationRecords {
  const now = () => deps.clock().toISOString();
  return {
    draft: (x) => ({
      id: deps.newId(),
      kind: x.kind,
      resourceId: x.linkerId,
      subscriptionId: requireSubscriptionOf(x.sourceId),
      location: deps.location,
      status: "InProgress",
      startTime: now(),
      ...(x.requestedBy ? { requestedBy: x.requestedBy } : {}),
      ...(x.authorization ? { authorization: x.authorization } : {}),
    }),
    record: (operation) => deps.store.operations.create(operation),
    async end(id, outcome) {
      await deps.store.operations.update(id, {
        status: outcome.status, endTime: now(),
        ...(outcome.error ? { error: outcome.error } : {}),
        ...(outcome.result ? { result: outcome.result } : {}),
      });
    },
    async failToStart(operation, linker) {
      const detail = { ...NOT_STARTED };
      await deps.store.operations.update(operation.id, { status: "Failed", endTime: now(), error: detail });
      if (linker) {
        await deps.store.linkers.update(linker.sourceId, linker.name, (l) =>
          l.lastOperationId === operation.id ? { ...l, provisioningState: "Failed", lastError: detail } : undefined);
      }
    },
  };
}
