// POST .../linkers/{linkerName}/validateLinker (a connector's: …/connectors/{name}/validate) -> 202 +
// Azure-AsyncOperation + Location + Retry-After.
// The orchestration stores the ValidateResult as the operation's `result`; the status document then
// carries it as `properties` (what SDK 2.1.0 returns) and the Location URL answers ValidateOperationResult.
import { validateRequirement } from "../../authorization/requirements.js";
import type { Operation } from "../types.js";
import { lroHeaders } from "../wire/lro.js";
import { empty } from "../wire/response.js";
import { failStart, linkerParams, operationRecordsOf, requireLinker } from "./linkerShared.js";

export const validateLinker: Operation = async (req, deps) => {
  const params = linkerParams(req);
  // Authorization: Microsoft.ServiceLinker/linkers/validateLinker/action on the source (a connector's
  // locations/connectors/validate/action on its resource group); validation only reads.
  await req.access.require(validateRequirement(params.sourceId));
  const linker = await requireLinker(deps, params);
  const records = operationRecordsOf(deps, params);
  const op = await records.record(records.draft({ kind: "validate", linkerId: linker.id, sourceId: params.sourceId, requestedBy: req.caller }));
  try {
    await deps.orchestrations.startValidate({
      operationId: op.id, linkerId: linker.id, sourceId: linker.sourceId, linkerName: linker.name,
      apiVersion: req.apiVersion, caller: req.caller, properties: linker.properties,
    });
  } catch (error) {
    return failStart(records, op, params, error, false);
  }
  return empty(202, lroHeaders(op, { baseUrl: req.baseUrl, apiVersion: req.apiVersion, location: true }));
};
