// Forwards a resource provider namespace to an external service, as ARM routes calls to a resource provider:
// the emulator authenticates the caller and enforces RBAC on the source scope (a Reader gets 403 and nothing
// is forwarded; routes marked skipRbac, such as operation-status polls, are only authenticated), then relays the request with the caller's token and a Referer carrying the original ARM URL
// (so the provider's Azure-AsyncOperation / Location / nextLink point back at the ARM endpoint), and the client's
// address in `x-ms-client-ip-address`, as ARM adds it to every request it forwards (Azure RPC "Proxy Request Header
// Modifications"): from the socket, never from what the client sent (only the headers listed here are relayed).
// Used for Microsoft.ServiceLinker → linkwright's function app.
import type { HttpMethod, Provider, Route, RouteContext, RouteResult } from "../core/contract.js";
import { ArmError } from "../core/contract.js";

export interface ForwardTarget {
  /** Base URL of the provider service, e.g. http://127.0.0.1:7071; unset = 503 ServiceUnavailable. */
  url?: string;
}

const RELAYED_RESPONSE_HEADERS = ["azure-asyncoperation", "location", "retry-after", "retry-after-ms", "x-ms-retry-after-ms", "etag", "www-authenticate"];

async function relay(ctx: RouteContext, target: ForwardTarget): Promise<RouteResult> {
  if (!target.url) throw new ArmError(503, "ServiceUnavailable", "The resource provider is not running in this sandbox.");
  const query = ctx.req.query.toString();
  const pathAndQuery = `${ctx.req.path}${query ? `?${query}` : ""}`;
  const headers: Record<string, string> = {
    referer: `${ctx.req.baseUrl}${pathAndQuery}`,
    "x-ms-request-id": ctx.req.requestId,
    "x-ms-correlation-request-id": ctx.req.correlationId,
    ...(ctx.req.clientIp ? { "x-ms-client-ip-address": ctx.req.clientIp } : {}),
  };
  for (const h of ["authorization", "content-type", "if-match", "if-none-match", "x-ms-client-request-id"]) {
    const v = ctx.req.headers[h];
    if (v) headers[h] = v;
  }
  let response: Response;
  try {
    response = await fetch(`${target.url.replace(/\/+$/, "")}${pathAndQuery}`, {
      method: ctx.req.method,
      headers,
      ...(ctx.req.rawBody && ctx.req.rawBody.length && ctx.req.method !== "GET" ? { body: ctx.req.rawBody } : {}),
      signal: AbortSignal.timeout(60_000),
    });
  } catch (e) {
    throw new ArmError(502, "BadGateway", `The resource provider did not answer: ${(e as Error).message}`);
  }
  const text = await response.text();
  const out: Record<string, string> = {};
  for (const h of RELAYED_RESPONSE_HEADERS) {
    const v = response.headers.get(h);
    if (v) out[h] = v;
  }
  let body: unknown;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      throw new ArmError(502, "BadGateway", `The resource provider answered ${response.status} with a body that is not JSON.`);
    }
  }
  return { status: response.status, ...(body !== undefined ? { body } : {}), headers: out };
}

export function createForwardingProvider(namespace: string, target: ForwardTarget, routes: { method: HttpMethod; template: string; action: string; kind?: Route["kind"]; skipRbac?: boolean }[]): Provider {
  return {
    namespace,
    routes: routes.map((r) => ({ ...r, handle: (ctx: RouteContext) => relay(ctx, target) })),
  };
}

/** Microsoft.ServiceLinker as linkwright serves it, with the RBAC actions ARM checks. */
export function serviceLinkerForwarding(target: ForwardTarget): Provider {
  const ns = "Microsoft.ServiceLinker";
  const linkers = `{*scope}/providers/${ns}/linkers`;
  const linker = `${linkers}/{name}`;
  const location = `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${ns}/locations/{location}`;
  const connectors = `${location}/connectors`;
  const connector = `${connectors}/{name}`;
  const locationDryruns = `${location}/dryruns`;
  return createForwardingProvider(ns, target, [
    { method: "GET", template: linkers, action: `${ns}/linkers/read` },
    { method: "GET", template: linker, action: `${ns}/linkers/read` },
    { method: "PUT", template: linker, action: `${ns}/linkers/write` },
    { method: "PATCH", template: linker, action: `${ns}/linkers/write` },
    { method: "DELETE", template: linker, action: `${ns}/linkers/delete` },
    { method: "POST", template: `${linker}/validateLinker`, action: `${ns}/linkers/validateLinker/action` },
    { method: "POST", template: `${linker}/listConfigurations`, action: `${ns}/linkers/listConfigurations/action` },
    { method: "POST", template: `${linker}/generateConfigurations`, action: `${ns}/linkers/generateConfigurations/action` },
    // linkwright's extension routes (connection health, loop detection), RBAC-checked as ARM would check any action.
    { method: "GET", template: `${linker}/healthHistory`, action: `${ns}/linkers/healthHistory/read` },
    { method: "GET", template: `{*scope}/providers/${ns}/loopFindings`, action: `${ns}/loopFindings/read` },
    { method: "POST", template: `/subscriptions/{subscriptionId}/providers/${ns}/detectLoops`, action: `${ns}/detectLoops/action` },
    // Connectors (local connections) and their dry runs: resource-group resources under a location. Listed before the
    // {*scope} dry-run routes (the most specific template wins anyway).
    { method: "GET", template: connectors, action: `${ns}/locations/connectors/read` },
    { method: "GET", template: connector, action: `${ns}/locations/connectors/read` },
    { method: "PUT", template: connector, action: `${ns}/locations/connectors/write` },
    { method: "PATCH", template: connector, action: `${ns}/locations/connectors/write` },
    { method: "DELETE", template: connector, action: `${ns}/locations/connectors/delete` },
    { method: "POST", template: `${connector}/validate`, action: `${ns}/locations/connectors/validate/action` },
    { method: "POST", template: `${connector}/generateConfigurations`, action: `${ns}/locations/connectors/generateConfigurations/action` },
    { method: "GET", template: locationDryruns, action: `${ns}/locations/dryruns/read` },
    { method: "GET", template: `${locationDryruns}/{name}`, action: `${ns}/locations/dryruns/read` },
    { method: "PUT", template: `${locationDryruns}/{name}`, action: `${ns}/locations/dryruns/write` },
    { method: "DELETE", template: `${locationDryruns}/{name}`, action: `${ns}/locations/dryruns/delete` },
    { method: "GET", template: `{*scope}/providers/${ns}/dryruns`, action: `${ns}/dryruns/read` },
    { method: "GET", template: `{*scope}/providers/${ns}/dryruns/{name}`, action: `${ns}/dryruns/read` },
    { method: "PUT", template: `{*scope}/providers/${ns}/dryruns/{name}`, action: `${ns}/dryruns/write` },
    { method: "DELETE", template: `{*scope}/providers/${ns}/dryruns/{name}`, action: `${ns}/dryruns/delete` },
    { method: "GET", template: `/providers/${ns}/operations`, action: `${ns}/operations/read`, skipRbac: true },
    { method: "GET", template: `/providers/${ns}/configurationNames`, action: `${ns}/configurationNames/read`, skipRbac: true },
    // Operation status / result polls are authenticated but not RBAC-checked by ARM: the provider decides who may
    // see an operation (linkwright checks that the caller is the one who started it).
    { method: "GET", template: `/subscriptions/{subscriptionId}/providers/${ns}/locations/{location}/operationStatuses/{operationId}`, action: `${ns}/locations/operationStatuses/read`, kind: "read", skipRbac: true },
    { method: "GET", template: `/subscriptions/{subscriptionId}/providers/${ns}/locations/{location}/operationResults/{operationId}`, action: `${ns}/locations/operationResults/read`, kind: "read", skipRbac: true },
  ]);
}
