// DELETE .../linkers/{linkerName} -> 202 + Azure-AsyncOperation + Location + Retry-After, or 204 when absent.
// The linker stays (provisioningState Deleting) until the delete orchestration removes it.
import { ConcurrencyConflictError } from "../../store/types.js";
import { ProvisioningStates } from "../../model/linker.js";
import { linkerDeleteRequirement } from "../../authorization/requirements.js";
import { deleteRequirements } from "../../connections/changeRequirements.js";
import { appliedOf } from "../../model/connection.js";
import { authorizationRecord } from "./acceptLinkerChange.js";
import type { Operation } from "../types.js";
import { ApiError, ErrorCodes } from "../wire/errors.js";
import { lroHeaders } from "../wire/lro.js";
import { empty } from "../wire/response.js";
import { checkPreconditions, failStart, linkerParams, operationRecordsOf } from "./linkerShared.js";

export const deleteLinker: Operation = async (req, deps) => {
  const params = linkerParams(req);
  // The delete itself first: whether the linker exists is not told to whoever may not delete it.
  await req.access.require(linkerDeleteRequirement(params.sourceId));
  for (let attempt = 1; attempt <= 3; attempt++) {
    const existing = await deps.store.linkers.get(params.sourceId, params.linkerName);
    if (!existing) return empty(204);
    checkPreconditions(req.headers, existing);
    // Authorization: the linker delete, and everything undoing what the connection applied needs (its role
    // assignments, settings, secrets, keys, firewall and subnet rules), as the caller.
    const decision = await req.access.require(deleteRequirements(existing.sourceId, existing.properties, appliedOf(existing)));
    if (existing.provisioningState === ProvisioningStates.Deleting && existing.lastOperationId) {
      const running = await deps.store.operations.get(existing.lastOperationId);
      if (running?.status === "InProgress") {
        return empty(202, lroHeaders(running, { baseUrl: req.baseUrl, apiVersion: req.apiVersion, location: true }));
      }
    }
    const records = operationRecordsOf(deps, params);
    const operation = records.draft({ kind: "delete", linkerId: params.linkerId, sourceId: params.sourceId, requestedBy: req.caller, authorization: authorizationRecord(req, decision.checked, deps.clock()) });
    try {
      await deps.store.linkers.save(
        { ...existing, provisioningState: ProvisioningStates.Deleting, lastOperationId: operation.id },
        { expectedEtag: existing.etag ?? "*" },
      );
    } catch (error) {
      if (error instanceof ConcurrencyConflictError && attempt < 3) continue;
      if (error instanceof ConcurrencyConflictError) throw new ApiError(409, ErrorCodes.Conflict, `The linker '${params.linkerName}' was modified concurrently; retry the request.`);
      throw error;
    }
    const op = await records.record(operation);
    try {
      await deps.orchestrations.startDelete({
        operationId: op.id, linkerId: existing.id, sourceId: existing.sourceId, linkerName: existing.name,
        apiVersion: req.apiVersion, caller: req.caller, properties: existing.properties,
      });
    } catch (error) {
      return failStart(records, op, params, error, true);
    }
    return empty(202, lroHeaders(op, { baseUrl: req.baseUrl, apiVersion: req.apiVersion, location: true }));
  }
  throw new Error("unreachable");
};
