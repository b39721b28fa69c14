// GET /subscriptions/{s}/providers/Microsoft.ServiceLinker/locations/{loc}/operationStatuses/{id} -> 200 status document.
import type { StoredOperation } from "../../model/connection.js";
import { linkerReadRequirement } from "../../authorization/requirements.js";
import { splitLinkerId } from "../../store/linkerId.js";
import type { ApiDeps, Operation, OperationRequest } from "../types.js";
import { ApiError, ErrorCodes } from "../wire/errors.js";
import { isRunning, operationStatusDocument, STATUS_RETRY_AFTER_MS } from "../wire/lro.js";
import { json } from "../wire/response.js";

export async function requireOperation(req: OperationRequest, deps: ApiDeps): Promise<StoredOperation> {
  const id = req.params["operationId"] ?? "";
  const op = id ? await deps.store.operations.get(id) : undefined;
  if (!op || op.subscriptionId.toLowerCase() !== (req.params["subscriptionId"] ?? "").toLowerCase()) {
    throw new ApiError(404, ErrorCodes.ResourceNotFound, `The operation '${id}' was not found.`);
  }
  // Authorization (ARM leaves it to the provider for subscription-level status URLs): the caller who started the
  // operation may poll it; anyone else needs read on the linker's source.
  const started = op.requestedBy && op.requestedBy.objectId.toLowerCase() === req.caller.objectId.toLowerCase()
    && op.requestedBy.tenantId.toLowerCase() === req.caller.tenantId.toLowerCase();
  if (!started) {
    const sourceId = splitLinkerId(op.resourceId)?.sourceId;
    if (!sourceId) throw new ApiError(404, ErrorCodes.ResourceNotFound, `The operation '${id}' was not found.`);
    await req.access.require(linkerReadRequirement(sourceId));
  }
  return op;
}

// While running, `retry-after-ms` says when to ask again — the Azure SDKs' millisecond form: Python's (the az CLI's)
// poller honours it instead of its 30 s default; JavaScript's keeps its own interval. A whole-second Retry-After would
// hold every client to at least a second for operations that mostly take a fraction of one.
export const getOperationStatus: Operation = async (req, deps) => {
  const op = await requireOperation(req, deps);
  return json(200, operationStatusDocument(op), isRunning(op) ? { "retry-after-ms": String(STATUS_RETRY_AFTER_MS) } : {});
};
