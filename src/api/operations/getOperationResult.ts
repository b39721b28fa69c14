// GET .../locations/{loc}/operationResults/{id} (the Location header) -> 202 while running; then
// validate: 200 ValidateOperationResult; createOrUpdate: 200 LinkerResource; delete: 204; failed: the error.
import { splitLinkerId } from "../../store/linkerId.js";
import type { Operation } from "../types.js";
import { ApiError } from "../wire/errors.js";
import { isRunning, lroHeaders } from "../wire/lro.js";
import { empty, json } from "../wire/response.js";
import { requireOperation } from "./getOperationStatus.js";
import { linkerToWire } from "./linkerShared.js";

// Authorization: as the status (requireOperation): who started the operation, or read on the linker's source.
export const getOperationResult: Operation = async (req, deps) => {
  const op = await requireOperation(req, deps);
  if (isRunning(op)) {
    const { Location, "Retry-After": retryAfter } = lroHeaders(op, { baseUrl: req.baseUrl, apiVersion: req.apiVersion, location: true });
    return empty(202, { Location: Location!, "Retry-After": retryAfter! });
  }
  if (op.status !== "Succeeded") {
    const error = op.error ?? { code: op.status, message: `The operation ended with status '${op.status}'.` };
    throw new ApiError(400, error.code, error.message, error.target);
  }
  switch (op.kind) {
    case "validate":
      return json(200, { properties: op.result ?? null, resourceId: op.resourceId, status: op.status });
    case "delete":
      return empty(204);
    case "createOrUpdate": {
      const parts = splitLinkerId(op.resourceId);
      const linker = parts ? await deps.store.linkers.get(parts.sourceId, parts.name) : undefined;
      return linker ? json(200, linkerToWire(linker)) : empty(204);
    }
  }
};
