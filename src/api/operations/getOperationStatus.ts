// GET /subscriptions/{s}/providers/Microsoft.ServiceLinker/locations/{loc}/operationStatuses/{id} -> 200 status document.
import type { StoredOperation } from "../../store/types.js";
import type { ApiDeps, Operation, OperationRequest } from "../types.js";
import { ApiError, ErrorCodes } from "../wire/errors.js";
import { operationStatusDocument } from "../wire/lro.js";
import { json } from "../wire/response.js";

export async function requireOperation(req: OperationRequest, deps: ApiDeps): Promise<StoredOperation> {
  const id = req.params["operationId"] ?? "";
  const op = id ? await deps.store.operations.get(id) : undefined;
  if (!op || op.subscriptionId.toLowerCase() !== (req.params["subscriptionId"] ?? "").toLowerCase()) {
    throw new ApiError(404, ErrorCodes.ResourceNotFound, `The operation '${id}' was not found.`);
  }
  return op;
}

export const getOperationStatus: Operation = async (req, deps) => json(200, operationStatusDocument(await requireOperation(req, deps)));
