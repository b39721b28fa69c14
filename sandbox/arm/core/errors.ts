// ARM error envelope helpers (reference arm-surface §1.5). Providers throw ArmError; the server renders it.
import { ArmError } from "./contract.js";
import { parseResourceId } from "./ids.js";

export interface ErrorEnvelope {
  error: { code: string; message: string; target?: string; details?: { code: string; message: string; target?: string }[] };
}

export function envelope(err: ArmError): ErrorEnvelope {
  const error: ErrorEnvelope["error"] = { code: err.code, message: err.message };
  if (err.target !== undefined) error.target = err.target;
  if (err.details !== undefined) error.details = err.details;
  return { error };
}

export const armErrors = {
  missingApiVersion: () =>
    new ArmError(400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests."),
  invalidApiVersion: (v: string) =>
    new ArmError(400, "InvalidApiVersionParameter", `The api-version '${v}' is invalid. The supported versions are in the format 'YYYY-MM-DD' or 'YYYY-MM-DD-preview'.`),
  invalidRequestContent: (detail: string) =>
    new ArmError(400, "InvalidRequestContent", `The request content was invalid and could not be deserialized: '${detail}'.`),
  requestTooLarge: (limit: number) =>
    new ArmError(413, "RequestEntityTooLarge", `The request content length exceeds the limit of ${limit} bytes.`),
  subscriptionNotFound: (sub: string) =>
    new ArmError(404, "SubscriptionNotFound", `The subscription '${sub}' could not be found.`, undefined, undefined, { "x-ms-failure-cause": "gateway" }),
  resourceGroupNotFound: (rg: string) =>
    new ArmError(404, "ResourceGroupNotFound", `Resource group '${rg}' could not be found.`, undefined, undefined, { "x-ms-failure-cause": "gateway" }),
  /** 404 ResourceNotFound in ARM's wording for the given id. */
  resourceNotFound: (id: string) => {
    const p = parseResourceId(id);
    const type = p.type ?? "resource";
    const name = p.typeSegments.length > 1 ? resourceNamePath(id) : (p.name ?? id);
    const where = p.resourceGroup ? `under resource group '${p.resourceGroup}' ` : "";
    return new ArmError(404, "ResourceNotFound",
      `The Resource '${type}/${name}' ${where}was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`);
  },
  invalidResourceType: (type: string, apiVersion: string) => {
    const [ns, ...rest] = type.split("/");
    return new ArmError(400, "InvalidResourceType",
      `The resource type '${rest.join("/")}' could not be found in the namespace '${ns}' for api version '${apiVersion}'.`);
  },
  noRegisteredProvider: (type: string, apiVersion: string) =>
    new ArmError(400, "NoRegisteredProviderFound",
      `No registered resource provider found for location 'global' and API version '${apiVersion}' for type '${type}'.`),
  invalidResourceNamespace: (ns: string) =>
    new ArmError(400, "InvalidResourceNamespace", `The resource namespace '${ns}' is invalid.`),
  methodNotAllowed: (method: string, path: string) =>
    new ArmError(405, "MethodNotAllowed", `The requested resource does not support http method '${method}' on '${path}'.`),
  pathNotFound: (path: string) =>
    new ArmError(404, "NotFound", `The requested path '${path}' does not match any known ARM route.`),
  linkedInvalidPropertyId: (property: string, value: string) =>
    new ArmError(400, "LinkedInvalidPropertyId", `Property id '${value}' at path '${property}' is invalid. Expect fully qualified resource Id that start with '/subscriptions/{subscriptionId}' or '/providers/{resourceProviderNamespace}/'.`),
  invalidResourceId: (value: string) =>
    new ArmError(400, "InvalidResourceId", `The resource id '${value}' is invalid.`),
  internal: (requestId: string) =>
    new ArmError(500, "InternalServerError", `Encountered internal server error. Diagnostic information: timestamp '${new Date().toISOString()}', request id '${requestId}'.`),
};

function resourceNamePath(id: string): string {
  const segs = id.split("/").filter(Boolean);
  let last = -1;
  segs.forEach((s, i) => { if (s.toLowerCase() === "providers") last = i; });
  const rest = segs.slice(last + 2);
  const names: string[] = [];
  for (let i = 1; i < rest.length; i += 2) names.push(rest[i]);
  return names.join("/");
}

/** Wraps anything thrown into an ArmError (unknown errors become 500 InternalServerError). */
export function toArmError(e: unknown, requestId: string): ArmError {
  if (e instanceof ArmError) return e;
  return armErrors.internal(requestId);
}
