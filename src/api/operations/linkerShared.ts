// Stages shared by the linker operations: path params, lookup, preconditions, wire view, operation records.
// Authorization: helpers only; each operation that uses them authorizes its caller itself.
import type { StoredLinker, StoredOperation } from "../../model/connection.js";
import { createOperationRecords, type OperationRecords } from "../../store/operationRecords.js";
import type { ValidationIssue } from "../../model/configuration.js";
import { LINKER_TYPE, type SystemData } from "../../model/linker.js";
import { CONNECTOR_TYPE, connectorId, isConnectorScope } from "../../model/connector.js";
import { maskSecrets } from "../model/secrets.js";
import { withoutInternalFields } from "../model/callerProperties.js";
import type { ApiDeps, Caller, OperationRequest } from "../types.js";
import { ApiError, ErrorCodes } from "../wire/errors.js";
import { linkerId, subscriptionOf } from "../wire/paths.js";

/** A linker (`{sourceId}/providers/Microsoft.ServiceLinker/linkers/{name}`) or a connector (a local connection: the
 *  router binds `sourceId` to the connector scope …/locations/{location}; its id is `{scope}/connectors/{name}`). The
 *  operations serve both through these parameters. */
export interface LinkerParams {
  sourceId: string;
  linkerName: string;
  linkerId: string;
  /** The ARM resource type: Microsoft.ServiceLinker/linkers or Microsoft.ServiceLinker/locations/connectors. */
  type: string;
}

export function linkerParams(req: OperationRequest): LinkerParams {
  const sourceId = req.params["sourceId"];
  const linkerName = req.params["linkerName"];
  if (!sourceId || !linkerName) throw new Error("route did not bind sourceId/linkerName");
  return isConnectorScope(sourceId)
    ? { sourceId, linkerName, linkerId: connectorId(sourceId, linkerName), type: CONNECTOR_TYPE }
    : { sourceId, linkerName, linkerId: linkerId(sourceId, linkerName), type: LINKER_TYPE };
}

/** Whether the operation acts on a connector (a local connection). */
export const isConnector = (params: LinkerParams): boolean => params.type === CONNECTOR_TYPE;

export function notFound(params: LinkerParams): ApiError {
  return new ApiError(404, ErrorCodes.ResourceNotFound,
    `The Resource '${params.type}/${params.linkerName}' under resource '${params.sourceId}' was not found.`);
}

export async function requireLinker(deps: ApiDeps, params: LinkerParams): Promise<StoredLinker> {
  const linker = await deps.store.linkers.get(params.sourceId, params.linkerName);
  if (!linker) throw notFound(params);
  return linker;
}

/** ARM resource name rules (arm-surface.md §1.2): ≤260 chars, none of <>%&:\?/ , not ending in "." or " ". */
export function checkLinkerName(name: string): void {
  if (name.length > 260 || /[<>%&:\\?/*#|\u0000-\u001f]/.test(name) || /[. ]$/.test(name)) {
    throw new ApiError(400, ErrorCodes.InvalidResourceName,
      `The resource name '${name}' is invalid. It must be at most 260 characters, must not contain '<', '>', '%', '&', ':', '\\', '?', '/', '*', '#', '|' or control characters, and must not end with '.' or a space.`,
      "linkerName");
  }
}

/** If-Match / If-None-Match (arm-surface.md §1.8). */
export function checkPreconditions(headers: Record<string, string | undefined>, existing: StoredLinker | undefined): void {
  const ifMatch = headers["if-match"];
  const ifNoneMatch = headers["if-none-match"];
  if (ifMatch !== undefined) {
    if (!existing || (ifMatch !== "*" && ifMatch !== existing.etag)) {
      throw new ApiError(412, ErrorCodes.PreconditionFailed, "The condition specified using HTTP conditional header(s) is not met.", "If-Match");
    }
  }
  if (ifNoneMatch === "*" && existing) {
    throw new ApiError(412, ErrorCodes.PreconditionFailed, "The resource already exists and If-None-Match '*' was specified.", "If-None-Match");
  }
}

export function issuesToError(issues: ValidationIssue[]): ApiError {
  const first = issues[0]!;
  return new ApiError(400, first.code ?? ErrorCodes.BadRequest, first.message, first.field,
    issues.length > 1 ? issues.map((i) => ({ code: i.code ?? ErrorCodes.BadRequest, message: i.message, target: i.field })) : undefined);
}

const callerName = (caller: Caller) => caller.principalType === "Application" ? (caller.appId ?? caller.objectId) : caller.objectId;

export function systemDataFor(caller: Caller, now: Date, previous?: SystemData): SystemData {
  const at = now.toISOString();
  return {
    createdBy: previous?.createdBy ?? callerName(caller),
    createdByType: previous?.createdByType ?? caller.principalType,
    createdAt: previous?.createdAt ?? at,
    lastModifiedBy: callerName(caller),
    lastModifiedByType: caller.principalType,
    lastModifiedAt: at,
  };
}

/** The LinkerResource as returned on the wire (a connector's too): secrets masked, linkwright's own fields dropped,
 *  provisioningState inside properties. */
export function linkerToWire(linker: StoredLinker): Record<string, unknown> {
  return {
    id: linker.id,
    name: linker.name,
    type: isConnectorScope(linker.sourceId) ? CONNECTOR_TYPE : LINKER_TYPE,
    systemData: linker.systemData,
    properties: { ...withoutInternalFields(maskSecrets(linker.properties)), provisioningState: linker.provisioningState },
  };
}

export function etagHeader(linker: StoredLinker): Record<string, string> {
  return linker.etag ? { ETag: linker.etag } : {};
}

/** The operation records (src/store/operationRecords.ts) over this request's store, clock and region; the API
 *  answers 400 for a resource outside any subscription before one is drafted. */
export function operationRecordsOf(deps: ApiDeps, params: LinkerParams): OperationRecords {
  if (!subscriptionOf(params.sourceId)) throw new ApiError(400, ErrorCodes.BadRequest, `The resource '${params.sourceId}' is not in a subscription.`, "resourceUri");
  return createOperationRecords({ store: deps.store, clock: deps.clock, newId: deps.newId, location: deps.location });
}

/** The orchestration could not be started: the records fail (the linker too when the operation claimed it); rethrows
 *  (the router answers 500). */
export async function failStart(records: OperationRecords, op: StoredOperation, params: LinkerParams, error: unknown, claimedLinker: boolean): Promise<never> {
  await records.failToStart(op, claimedLinker ? { sourceId: params.sourceId, name: params.linkerName } : undefined);
  throw error;
}
