// PUT {resourceUri}/providers/Microsoft.ServiceLinker/dryruns/{dryrunName} -> 200 DryrunResource, provisioningState
// Succeeded. Linkers_CreateDryrun allows 200, or 201 + Azure-AsyncOperation (servicelinker-api.md §1a). linkwright
// answers synchronously with 200: a dry run only reads (the same plan and step plan() reads a PUT linker starts with),
// so there is no long work to hand to an orchestration and nothing to poll; the SDK's LRO resolves at once on a 200
// with provisioningState Succeeded (servicelinker-api.md "Minimum for clone compatibility").
// The request body is a DryrunResource whose properties.parameters is `{actionName: "createOrUpdate", ...LinkerProperties}`.
// Wire-schema errors are 400 naming the field; what would make the linker fail (unsupported combination, cross-tenant,
// missing target, no VNet integration…) is a `basicError` prerequisite result of a successful dry run.
import { extractSecrets } from "../model/secrets.js";
import { isObject, type LinkerProperties } from "../../model/linker.js";
import { validateLinkerProperties } from "../model/validateLinkerProperties.js";
import type { ValidationIssue } from "../../model/configuration.js";
import type { Operation } from "../types.js";
import { parseJsonBody } from "../wire/body.js";
import { ApiError, ErrorCodes } from "../wire/errors.js";
import { isArmResourceId } from "../wire/paths.js";
import { json } from "../wire/response.js";
import { checkLinkerName, issuesToError, systemDataFor } from "./linkerShared.js";
import { dryrunParams, dryrunToWire } from "./getDryrun.js";
import type { StoredDryrun } from "../../store/types.js";
import type { MissingPermission } from "../../authorization/authorizer.js";
import { dryrunRequirement } from "../../authorization/requirements.js";
import { isConnectorScope } from "../../model/connector.js";
import { withCallerIpAddress, withConnectorPrincipal } from "../model/callerProperties.js";
import { isAtOrBelow } from "../../authorization/permissions.js";
import { ownedNamesOf } from "../../connections/previousRun.js";
import { MAX_PROPERTIES_CHARS } from "./acceptLinkerChange.js";

export const SUPPORTED_DRYRUN_ACTIONS = ["createOrUpdate"];
const PARAMETERS = "properties.parameters";

/** Field paths and messages of LinkerProperties validation, moved under properties.parameters. */
function underParameters(issues: ValidationIssue[]): ValidationIssue[] {
  const move = (s: string) => s.replace(/(^|['"])properties(?=$|[.'"])/g, `$1${PARAMETERS}`);
  return issues.map((i) => ({ ...i, field: move(i.field), message: move(i.message) }));
}

function parseParameters(body: unknown): Record<string, unknown> {
  if (!isObject(body)) throw new ApiError(400, ErrorCodes.InvalidRequestContent, "The request content must be a DryrunResource JSON object.");
  const properties = body["properties"];
  if (!isObject(properties)) {
    throw new ApiError(400, ErrorCodes.InvalidRequestContent, "The property 'properties' is required and must be an object.", "properties");
  }
  const parameters = properties["parameters"];
  if (!isObject(parameters)) {
    throw new ApiError(400, ErrorCodes.InvalidRequestContent,
      `The property '${PARAMETERS}' is required and must be an object with 'actionName' (supported: ${SUPPORTED_DRYRUN_ACTIONS.map((a) => `'${a}'`).join(", ")}).`, PARAMETERS);
  }
  const actionName = parameters["actionName"];
  if (typeof actionName !== "string" || !SUPPORTED_DRYRUN_ACTIONS.includes(actionName)) {
    throw new ApiError(400, ErrorCodes.InvalidRequestContent,
      `${actionName === undefined || actionName === null ? `The property '${PARAMETERS}.actionName' is required.` : `The value '${String(actionName)}' of '${PARAMETERS}.actionName' is not supported.`} ` +
      `Supported values: ${SUPPORTED_DRYRUN_ACTIONS.map((a) => `'${a}'`).join(", ")}.`, `${PARAMETERS}.actionName`);
  }
  return parameters;
}

/** The caller's missing permissions as Service Connector reports them: one per (scope, recommended role). */
function permissionsMissing(missing: MissingPermission[]): Record<string, unknown>[] {
  const groups = new Map<string, { scope: string; permissions: string[]; recommendedRole: string }>();
  for (const m of missing) {
    const key = `${m.scope.toLowerCase()}|${m.recommendedRole}`;
    const g = groups.get(key) ?? { scope: m.scope, permissions: [], recommendedRole: m.recommendedRole };
    g.permissions.push(m.action);
    groups.set(key, g);
  }
  return [...groups.values()].map((g) => ({ type: "permissionsMissing", ...g }));
}

// Authorization: Microsoft.ServiceLinker/dryruns/write on the source (a connector scope's locations/dryruns/write on its
// resource group; 403 otherwise); what the connection would need of the caller beyond that is reported, not refused:
// `permissionsMissing` are the caller's, as in Service Connector.
export const createDryrun: Operation = async (req, deps) => {
  const params = dryrunParams(req);
  await req.access.require(dryrunRequirement(params.sourceId, "write"));
  try {
    checkLinkerName(params.dryrunName);
  } catch (e) {
    if (e instanceof ApiError) throw new ApiError(e.status, e.code, e.message, "dryrunName");
    throw e;
  }
  if (!isArmResourceId(params.sourceId)) {
    throw new ApiError(400, ErrorCodes.BadRequest, `The resourceUri '${params.sourceId}' is not a fully qualified Azure resource id.`, "resourceUri");
  }
  const { actionName, ...linkerFields } = parseParameters(parseJsonBody(req.body, { required: true }));
  const checked = validateLinkerProperties(linkerFields, { requireSecrets: true });
  if (!checked.properties) throw issuesToError(underParameters(checked.issues));
  // As a PUT: the caller's client address when callerClientIP asks for it; a connector's principal is its caller's.
  const requested = withCallerIpAddress(checked.properties, req.headers, PARAMETERS);
  checked.properties = isConnectorScope(params.sourceId) ? withConnectorPrincipal(requested, req.caller, PARAMETERS) : requested;
  if (!deps.dryRun) throw new ApiError(501, ErrorCodes.NotImplemented, "Dry runs are not configured in this linkwright deployment (no Azure clients).");
  if (JSON.stringify(checked.properties).length > MAX_PROPERTIES_CHARS) {
    throw new ApiError(400, ErrorCodes.InvalidRequestContent, `The dry run parameters exceed ${MAX_PROPERTIES_CHARS} characters.`, PARAMETERS);
  }

  const extracted = extractSecrets(checked.properties);
  const properties: LinkerProperties = extracted.properties;
  const issues = deps.catalogue.validate({ sourceId: params.sourceId, linkerName: params.dryrunName, properties: checked.properties });
  const preflight = issues.length ? undefined : await deps.preflight?.({ sourceId: params.sourceId, properties: checked.properties });
  const blocking = preflight ? [preflight] : issues;
  let result: Pick<StoredDryrun, "prerequisiteResults" | "operationPreviews">;
  if (blocking.length) {
    result = {
      // The same code a linker PUT's plan reports for a catalogue refusal (src/connections/plan.ts catalogueError).
      prerequisiteResults: blocking.map((i) => ({ type: "basicError", code: !i.code || i.code === ErrorCodes.BadRequest ? "InvalidConnection" : i.code, message: i.message })),
      operationPreviews: [],
    };
  } else {
    const existing = await deps.store.linkers.get(params.sourceId, params.dryrunName);
    const ownedNames = ownedNamesOf(existing);
    const values = extracted.values;
    const computed = await deps.dryRun({
      sourceId: params.sourceId, linkerName: params.dryrunName, properties, caller: req.caller, ownedNames,
      ...(Object.keys(values).length ? { sealedSecrets: deps.sealer.seal(JSON.stringify(values)) } : {}),
    });
    const decision = await req.access.decide(computed.required);
    // Previews come from linkwright's reads: at a scope where the caller lacks what the connection needs, they would
    // answer questions about a resource the caller may not touch (does a guessed secret match? which IPs are let in?),
    // so they are left out there; permissionsMissing says why.
    const hidden = decision.missing.map((m) => m.scope);
    result = {
      prerequisiteResults: [...permissionsMissing(decision.missing), ...computed.prerequisiteResults as unknown as Record<string, unknown>[]],
      operationPreviews: computed.operationPreviews.filter((p) => !hidden.some((scope) => isAtOrBelow(p.scope, scope))) as unknown as Record<string, unknown>[],
    };
  }
  const previous = await deps.store.dryruns.get(params.sourceId, params.dryrunName);
  const saved = await deps.store.dryruns.save({
    id: previous?.id ?? params.dryrunId,
    sourceId: previous?.sourceId ?? params.sourceId,
    name: previous?.name ?? params.dryrunName,
    parameters: { actionName, ...properties },
    ...result,
    provisioningState: "Succeeded",
    systemData: systemDataFor(req.caller, deps.clock(), previous?.systemData),
  });
  return json(200, dryrunToWire(saved));
};
