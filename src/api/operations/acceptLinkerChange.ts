// The shared tail of PUT and PATCH (Radius DefaultAsyncPut), for linkers and connectors alike: validated properties ->
// what the caller fills in (its client address; a connector's principal) -> catalogue checks -> split secrets -> persist
// Accepted (ETag-guarded) -> record the operation -> start the orchestration -> 201 (a connector PATCH: 202).
import type { AuthorizationRecord, StoredLinker } from "../../model/connection.js";
import { baseChangeRequirements, scopesNamedBy } from "../../authorization/requirements.js";
import { ConcurrencyConflictError } from "../../store/types.js";
import { ProvisioningStates, type LinkerProperties } from "../../model/linker.js";
import { extractSecrets, keptSecretPaths } from "../model/secrets.js";
import { withCallerIpAddress, withConnectorPrincipal } from "../model/callerProperties.js";
import type { ApiDeps, ApiResponse, OperationRequest } from "../types.js";
import { ApiError, ErrorCodes } from "../wire/errors.js";
import { lroHeaders } from "../wire/lro.js";
import { json } from "../wire/response.js";
import {
  checkPreconditions, etagHeader, failStart, isConnector, issuesToError, linkerToWire, notFound, operationRecordsOf, systemDataFor, type LinkerParams,
} from "./linkerShared.js";

export interface LinkerChange {
  params: LinkerParams;
  /** Reads the current linker (fresh on every attempt) and returns the validated new properties. */
  build(existing: StoredLinker | undefined): LinkerProperties;
  /** PATCH requires an existing linker. */
  mustExist: boolean;
  /** The answer's status: 201 (PUT, a linker's PATCH) or 202 (a connector's PATCH: Connector_Update). */
  acceptedStatus?: 201 | 202;
}

const MAX_ATTEMPTS = 3;
/** Azure Tables string properties hold at most 64 KiB (32K UTF-16 characters). */
export const MAX_PROPERTIES_CHARS = 30_000;

export async function acceptLinkerChange(req: OperationRequest, deps: ApiDeps, change: LinkerChange): Promise<ApiResponse> {
  const { params } = change;
  // The linker write on the source first: nothing about the source's linkers is told to whoever may not write them.
  await req.access.require(baseChangeRequirements(params.sourceId));
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const existing = await deps.store.linkers.get(params.sourceId, params.linkerName);
    checkPreconditions(req.headers, existing);
    if (!existing && change.mustExist) throw notFound(params);
    if (existing?.provisioningState === ProvisioningStates.Deleting) {
      throw new ApiError(409, ErrorCodes.AnotherOperationInProgress, `The linker '${params.linkerName}' is being deleted (operation '${existing.lastOperationId}').`);
    }
    // The caller's client address when callerClientIP asks for it; a connector's principal is its caller's own.
    const requested = withCallerIpAddress(change.build(existing), req.headers);
    const properties = isConnector(params) ? withConnectorPrincipal(requested, req.caller) : requested;
    const issues = deps.catalogue.validate({ sourceId: params.sourceId, linkerName: params.linkerName, properties });
    if (issues.length > 0) throw issuesToError(issues);
    const preflight = await deps.preflight?.({ sourceId: params.sourceId, properties });
    if (preflight) throw issuesToError([preflight]);
    // Authorized as its caller before anything is accepted: the connection is planned (linkwright's reads; the
    // caller's permissions at the scopes the request names are read meanwhile) and every permission its plan needs
    // is checked. Missing any → 403, nothing changed.
    if (JSON.stringify(properties).length > MAX_PROPERTIES_CHARS) {
      throw new ApiError(400, ErrorCodes.InvalidRequestContent, `The linker properties exceed ${MAX_PROPERTIES_CHARS} characters.`, "properties");
    }
    const extracted = extractSecrets(properties);
    const kept = keptSecretPaths({ previous: existing, next: extracted.properties, newValues: extracted.values });
    const values = extracted.values;
    const sealedSecrets = Object.keys(values).length > 0 ? deps.sealer.seal(JSON.stringify(values)) : undefined;
    req.access.prefetch(scopesNamedBy(params.sourceId, properties));
    const plannedAt = deps.clock().toISOString();
    const planned = deps.requirementsForChange
      ? await deps.requirementsForChange({
        sourceId: params.sourceId, linkerName: params.linkerName, properties: kept.properties, ...(existing ? { existing } : {}),
        tenantId: req.caller.tenantId, ...(sealedSecrets ? { sealedSecrets } : {}),
      })
      : { required: baseChangeRequirements(params.sourceId) };
    const decision = await req.access.require(planned.required);
    const authorization = authorizationRecord(req, decision.checked, deps.clock());

    const records = operationRecordsOf(deps, params);
    const operation = records.draft({ kind: "createOrUpdate", linkerId: params.linkerId, sourceId: params.sourceId, requestedBy: req.caller, authorization });
    const linker: StoredLinker = {
      id: existing?.id ?? params.linkerId,
      sourceId: existing?.sourceId ?? params.sourceId,
      name: existing?.name ?? params.linkerName,
      properties: kept.properties,
      provisioningState: ProvisioningStates.Accepted,
      systemData: systemDataFor(req.caller, deps.clock(), existing?.systemData),
      secretPaths: [...new Set([...kept.kept, ...Object.keys(extracted.values)])].sort(),
      lastOperationId: operation.id,
      authorization,
    };
    if (existing?.secretReference !== undefined && kept.kept.length > 0) linker.secretReference = existing.secretReference;
    if (existing?.state !== undefined) linker.state = existing.state;

    let saved: StoredLinker;
    try {
      saved = await deps.store.linkers.save(linker, { expectedEtag: existing?.etag ?? null });
    } catch (error) {
      if (error instanceof ConcurrencyConflictError && attempt < MAX_ATTEMPTS) continue;
      if (error instanceof ConcurrencyConflictError) {
        throw new ApiError(409, ErrorCodes.Conflict, `The linker '${params.linkerName}' was modified concurrently; retry the request.`);
      }
      throw error;
    }
    const op = await records.record(operation);
    await deps.store.dependencies.replace(saved.id, ["source", "target"], [
      { kind: "source", resourceId: saved.sourceId },
      ...(typeof saved.properties.targetService["id"] === "string" ? [{ kind: "target" as const, resourceId: saved.properties.targetService["id"] }] : []),
    ]);
    try {
      await deps.orchestrations.startCreateOrUpdate({
        operationId: op.id,
        linkerId: saved.id,
        sourceId: saved.sourceId,
        linkerName: saved.name,
        apiVersion: req.apiVersion,
        caller: req.caller,
        properties: saved.properties,
        ...(existing ? { previousProperties: existing.properties } : {}),
        ...(sealedSecrets ? { sealedSecrets } : {}),
        keptSecretPaths: kept.kept,
        authorized: authorization.permissions,
        ...(planned.plan ? { plan: planned.plan, plannedAt } : {}),
        ...(planned.planError ? { planErrorWhenAuthorized: planned.planError } : {}),
      });
    } catch (error) {
      return failStart(records, op, params, error, true);
    }
    return json(change.acceptedStatus ?? 201, linkerToWire(saved), {
      ...lroHeaders(op, { baseUrl: req.baseUrl, apiVersion: req.apiVersion, location: false }),
      ...etagHeader(saved),
    });
  }
  throw new Error("unreachable");
}

/** The audit record of an authorized change: who, how, when, and every permission checked. */
export function authorizationRecord(req: OperationRequest, checked: { scope: string; action: string; dataAction?: boolean }[], now: Date): AuthorizationRecord {
  return {
    caller: req.caller,
    via: req.access.via,
    decidedAt: now.toISOString(),
    permissions: checked.map((c) => ({ scope: c.scope, action: c.action, ...(c.dataAction ? { dataAction: true } : {}) })),
  };
}
