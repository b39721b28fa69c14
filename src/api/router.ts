// method + path -> operation. Stages, in ARM order: normalise the path -> authenticate (401) ->
// match the route (404 InvalidResourceType / 405) -> api-version (400) -> ids a table key can hold (400 / 404) -> operation.
// Every response echoes x-ms-request-id / x-ms-correlation-request-id (and x-ms-client-request-id when sent).
import { createDryrun } from "./operations/createDryrun.js";
import { deleteDryrun } from "./operations/deleteDryrun.js";
import { deleteLinker } from "./operations/deleteLinker.js";
import { detectLoops } from "./operations/detectLoops.js";
import { generateConfigurations } from "./operations/generateConfigurations.js";
import { getDryrun } from "./operations/getDryrun.js";
import { getHealthHistory } from "./operations/getHealthHistory.js";
import { getLinker } from "./operations/getLinker.js";
import { getOperationResult } from "./operations/getOperationResult.js";
import { getOperationStatus } from "./operations/getOperationStatus.js";
import { listConfigurationNames } from "./operations/listConfigurationNames.js";
import { listConfigurations } from "./operations/listConfigurations.js";
import { listDryruns } from "./operations/listDryruns.js";
import { listLinkers } from "./operations/listLinkers.js";
import { listLoopFindings } from "./operations/listLoopFindings.js";
import { listOperations } from "./operations/listOperations.js";
import { patchLinker } from "./operations/patchLinker.js";
import { putLinker } from "./operations/putLinker.js";
import { validateLinker } from "./operations/validateLinker.js";
import type { ApiDeps, ApiRequest, ApiResponse, Operation } from "./types.js";
import { requireApiVersion } from "./wire/apiVersion.js";
import { ApiError, ErrorCodes } from "./wire/errors.js";
import { normalisePath, splitAtServiceLinker, splitTarget } from "./wire/paths.js";
import { errorResponse, publicBaseUrl } from "./wire/response.js";
import { checkStorableIds } from "./wire/storableIds.js";
import { accessFor } from "./access.js";
import { connectorScope } from "../model/connector.js";

export interface RouteMatch {
  /** Resource type for api-version messages, e.g. "linkers". */
  resourceType: string;
  params: Record<string, string>;
  operations: Partial<Record<string, Operation>>;
}

const NOT_IMPLEMENTED = new Set(["daprconfigurations"]);

const RESOURCE_GROUP_NAME = /^[-\w.()\p{L}\p{N}]{1,90}$/u;

function notImplemented(what: string): ApiError {
  return new ApiError(501, ErrorCodes.NotImplemented, `'${what}' is not implemented by linkwright.`);
}

/** Resolves the route for a normalised path, or throws 404/501. */
export function matchRoute(path: string): RouteMatch {
  const split = splitAtServiceLinker(path);
  if (!split) {
    throw new ApiError(404, ErrorCodes.InvalidResourceType, `The resource type could not be found for path '${path}': linkwright serves only the namespace 'Microsoft.ServiceLinker'.`);
  }
  const { scope, segments } = split;
  const lower = segments.map((s) => s.toLowerCase());
  if (scope === "" && lower.length === 1 && lower[0] === "operations") {
    return { resourceType: "operations", params: {}, operations: { GET: listOperations } };
  }
  if (scope === "" && lower.length === 1 && lower[0] === "configurationnames") {
    return { resourceType: "configurationNames", params: {}, operations: { GET: listConfigurationNames } };
  }
  const sub = /^\/subscriptions\/([^/]+)$/i.exec(scope);
  if (sub && lower.length === 4 && lower[0] === "locations" && (lower[2] === "operationstatuses" || lower[2] === "operationresults")) {
    const params = { subscriptionId: sub[1]!, location: segments[1]!, operationId: segments[3]! };
    return lower[2] === "operationstatuses"
      ? { resourceType: "locations/operationStatuses", params, operations: { GET: getOperationStatus } }
      : { resourceType: "locations/operationResults", params, operations: { GET: getOperationResult } };
  }
  // Loop detection (src/loops/README.md): extension routes in the ARM style.
  if (sub && lower.length === 1 && lower[0] === "detectloops") {
    return { resourceType: "detectLoops", params: { subscriptionId: sub[1]! }, operations: { POST: detectLoops } };
  }
  if (scope !== "" && !sub && lower.length === 1 && lower[0] === "loopfindings") {
    return { resourceType: "loopFindings", params: { sourceId: scope }, operations: { GET: listLoopFindings } };
  }
  if (scope !== "" && lower[0] === "linkers") {
    if (lower.length === 1) return { resourceType: "linkers", params: { sourceId: scope }, operations: { GET: listLinkers } };
    const params = { sourceId: scope, linkerName: segments[1]! };
    if (lower.length === 2) {
      return { resourceType: "linkers", params, operations: { GET: getLinker, PUT: putLinker, PATCH: patchLinker, DELETE: deleteLinker } };
    }
    if (lower.length === 3) {
      const action = { validatelinker: validateLinker, listconfigurations: listConfigurations, generateconfigurations: generateConfigurations }[lower[2]!];
      if (action) return { resourceType: "linkers", params, operations: { POST: action } };
      // Connection health history (src/health/README.md): an extension route in the ARM style.
      if (lower[2] === "healthhistory") return { resourceType: "linkers/healthHistory", params, operations: { GET: getHealthHistory } };
    }
  }
  // Connectors (local connections) and their dry runs, under a resource group and a location:
  // …/resourceGroups/{rg}/providers/Microsoft.ServiceLinker/locations/{location}/connectors[/{name}[/validate|/generateConfigurations]]
  // and …/locations/{location}/dryruns[/{name}]. The linker operations serve them: `sourceId` is the connector scope in
  // canonical casing (az sends `resourcegroups`), src/model/connector.ts.
  const rg = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)$/i.exec(scope);
  if (rg && lower[0] === "locations" && lower.length >= 3 && (lower[2] === "connectors" || lower[2] === "dryruns")) {
    // The scope is made from the path: it must name a resource group ARM can have (1–90 letters, digits, '_', '-', '(',
    // ')', '.', not ending in '.'), so "..", "." or "rg." cannot make it another scope once a URL client resolves it.
    if (!RESOURCE_GROUP_NAME.test(rg[2]!) || rg[2]!.endsWith(".") || !/^[A-Za-z0-9]{1,64}$/.test(segments[1]!)) {
      throw new ApiError(400, ErrorCodes.InvalidResourceName, `'${rg[2]}' in location '${segments[1]}' is not a resource group name and location ARM accepts.`);
    }
    const sourceId = connectorScope({ subscriptionId: rg[1]!, resourceGroup: rg[2]!, location: segments[1]! });
    if (lower[2] === "dryruns" && lower.length <= 4) {
      if (lower.length === 3) return { resourceType: "locations/dryruns", params: { sourceId }, operations: { GET: listDryruns } };
      return { resourceType: "locations/dryruns", params: { sourceId, dryrunName: segments[3]! }, operations: { GET: getDryrun, PUT: createDryrun, DELETE: deleteDryrun } };
    }
    if (lower[2] === "connectors") {
      if (lower.length === 3) return { resourceType: "locations/connectors", params: { sourceId }, operations: { GET: listLinkers } };
      const params = { sourceId, linkerName: segments[3]! };
      if (lower.length === 4) {
        return { resourceType: "locations/connectors", params, operations: { GET: getLinker, PUT: putLinker, PATCH: patchLinker, DELETE: deleteLinker } };
      }
      const action = lower.length === 5 ? { validate: validateLinker, generateconfigurations: generateConfigurations }[lower[4]!] : undefined;
      if (action) return { resourceType: "locations/connectors", params, operations: { POST: action } };
    }
  }
  // Dry runs (Linkers_*Dryrun): what a createOrUpdate would do, computed without writing.
  if (scope !== "" && !sub && lower[0] === "dryruns" && lower.length <= 2) {
    if (lower.length === 1) return { resourceType: "dryruns", params: { sourceId: scope }, operations: { GET: listDryruns } };
    return { resourceType: "dryruns", params: { sourceId: scope, dryrunName: segments[1]! }, operations: { GET: getDryrun, PUT: createDryrun, DELETE: deleteDryrun } };
  }
  const kind = lower[0] === "locations" ? lower[2] : lower[0];
  if (kind && NOT_IMPLEMENTED.has(kind)) throw notImplemented(`Microsoft.ServiceLinker/${segments[0] === "locations" ? segments[2] : segments[0]}`);
  throw new ApiError(404, ErrorCodes.InvalidResourceType,
    `The resource type '${segments.join("/")}' could not be found in the namespace 'Microsoft.ServiceLinker'.`);
}

function echoHeaders(req: ApiRequest, requestId: string): Record<string, string> {
  const headers: Record<string, string> = {
    "x-ms-request-id": requestId,
    "x-ms-correlation-request-id": req.headers["x-ms-correlation-request-id"] ?? requestId,
  };
  const clientRequestId = req.headers["x-ms-client-request-id"];
  if (clientRequestId) headers["x-ms-client-request-id"] = clientRequestId;
  return headers;
}

export async function route(req: ApiRequest, deps: ApiDeps): Promise<ApiResponse> {
  const requestId = deps.newId();
  const echo = echoHeaders(req, requestId);
  const target = req.url.replace(/^https?:\/\/[^/?#]*/i, "");
  const { path: rawPath, query } = splitTarget(target);
  const path = normalisePath(rawPath);
  const method = req.method.toUpperCase();
  try {
    const authenticated = await deps.authenticator.authenticate(req.headers["authorization"]);
    const match = matchRoute(path);
    const operation = match.operations[method];
    if (!operation) {
      throw new ApiError(405, ErrorCodes.MethodNotAllowed,
        `The method '${method}' is not supported for 'Microsoft.ServiceLinker/${match.resourceType}'; supported: ${Object.keys(match.operations).join(", ")}.`);
    }
    const apiVersion = requireApiVersion(query, match.resourceType);
    checkStorableIds(match.params);
    const response = await operation({
      method, path, query, headers: req.headers, apiVersion, caller: authenticated.caller, access: accessFor(deps.authorizer, authenticated),
      baseUrl: publicBaseUrl(req.url, req.headers), params: match.params,
      ...(req.body !== undefined ? { body: req.body } : {}),
    }, deps);
    return { ...response, headers: { ...response.headers, ...echo } };
  } catch (error) {
    if (error instanceof ApiError) {
      const response = errorResponse(error);
      return { ...response, headers: { ...response.headers, ...echo } };
    }
    deps.reportError(error, { requestId, method, path });
    const response = errorResponse(new ApiError(500, ErrorCodes.InternalServerError, `An internal error occurred (request id '${requestId}').`));
    return { ...response, headers: { ...response.headers, ...echo } };
  }
}
