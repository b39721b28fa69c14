// HTTP-triggered functions: route table (routePrefix + route templates), method and authLevel checks, the
// RpcHttpData the library turns into HttpRequest, and the RpcHttpData response turned back into HTTP.
import type { CoreRegistry } from "./core-module.js";
import type { RpcHttpCookie, RpcHttpData, RpcTypedData } from "./core-types.js";
import { bindingType, outputBindings, triggerOf } from "./catalog.js";
import { compareRoutes, compileRoute, matchRoute, type CompiledRoute } from "./route-template.js";
import { isAuthorized, type FunctionKeys } from "./auth-keys.js";
import type { FunctionRuntime } from "./function-runtime.js";
import type { HostHandler, HostRequest, HostResponse } from "./http-types.js";
import type { HostLogger } from "./logger.js";

export interface HttpRoute {
  functionName: string;
  route: CompiledRoute;
  methods: string[] | undefined;
  authLevel: string;
}

export function buildHttpRoutes(registry: CoreRegistry): HttpRoute[] {
  const routes: HttpRoute[] = [];
  for (const reg of registry.functions.values()) {
    const trigger = triggerOf(reg);
    if (bindingType(trigger.binding) !== "httptrigger") continue;
    const template = typeof trigger.binding["route"] === "string" && trigger.binding["route"] !== "" ? String(trigger.binding["route"]) : reg.metadata.name;
    const methods = Array.isArray(trigger.binding["methods"]) ? (trigger.binding["methods"] as string[]).map((m) => m.toUpperCase()) : undefined;
    routes.push({
      functionName: reg.metadata.name,
      route: compileRoute(template),
      methods: methods && methods.length ? methods : undefined,
      authLevel: String(trigger.binding["authLevel"] ?? "function"),
    });
  }
  return routes.sort((a, b) => compareRoutes(a.route, b.route));
}

/** Strips `routePrefix` ("api" by default; host.json may set ""). Returns undefined when the path is outside it. */
export function stripRoutePrefix(pathname: string, routePrefix: string): string | undefined {
  const prefix = routePrefix.replace(/^\/+|\/+$/g, "");
  if (prefix === "") return pathname;
  const lower = pathname.toLowerCase();
  const p = "/" + prefix.toLowerCase();
  if (lower === p || lower === p + "/") return "/";
  if (lower.startsWith(p + "/")) return pathname.slice(p.length);
  return undefined;
}

function toRpcRequest(req: HostRequest, params: Record<string, string>, rawHeaders: Record<string, string>): RpcHttpData {
  const query: Record<string, string> = {};
  for (const key of new Set(req.url.searchParams.keys())) query[key] = req.url.searchParams.getAll(key).join(",");
  return {
    method: req.method,
    // The URL as the client sent it (not re-serialized), on this host's origin.
    url: `${req.url.origin}${req.rawUrl.startsWith("/") ? req.rawUrl : `/${req.rawUrl}`}`,
    headers: rawHeaders,
    query,
    params,
    body: { bytes: new Uint8Array(req.body) },
  };
}

function cookieHeader(c: RpcHttpCookie): string {
  let out = `${c.name ?? ""}=${c.value ?? ""}`;
  if (c.domain?.value) out += `; Domain=${c.domain.value}`;
  if (c.path?.value) out += `; Path=${c.path.value}`;
  const expires = c.expires?.value;
  if (expires !== undefined && expires !== null) {
    const ms = typeof expires === "number" ? expires : Number(expires.seconds ?? 0) * 1000 + Math.floor((expires.nanos ?? 0) / 1e6);
    out += `; Expires=${new Date(ms).toUTCString()}`;
  }
  if (c.maxAge?.value !== undefined && c.maxAge?.value !== null) out += `; Max-Age=${c.maxAge.value}`;
  if (c.secure?.value) out += "; Secure";
  if (c.httpOnly?.value) out += "; HttpOnly";
  const sameSite = String(c.sameSite ?? "none").toLowerCase();
  if (sameSite === "lax" || sameSite === "1") out += "; SameSite=Lax";
  else if (sameSite === "strict" || sameSite === "2") out += "; SameSite=Strict";
  else if (sameSite === "explicitnone" || sameSite === "3") out += "; SameSite=None";
  return out;
}

function bodyBytes(body: RpcTypedData | null | undefined): Buffer {
  if (!body) return Buffer.alloc(0);
  if (body.bytes) return Buffer.from(body.bytes);
  if (body.string !== undefined && body.string !== null) return Buffer.from(body.string, "utf8");
  if (body.json !== undefined && body.json !== null) return Buffer.from(body.json, "utf8");
  return Buffer.alloc(0);
}

/** Turns the function's http output (RpcTypedData with `http`) into a response; no output → 204. */
export function fromRpcResponse(data: RpcTypedData | null | undefined): HostResponse {
  const http = data?.http;
  if (!http) return { status: 204 };
  const headers: Record<string, string | string[]> = { ...(http.headers ?? {}) };
  const cookies = (http.cookies ?? []).map(cookieHeader);
  if (cookies.length) headers["set-cookie"] = cookies;
  return { status: Number(http.statusCode ?? 200) || 200, headers, body: bodyBytes(http.body) };
}

function httpBindingData(req: HostRequest, params: Record<string, string>): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const [k, v] of req.url.searchParams) data[k] = v;
  if ((req.headers["content-type"] ?? "").includes("json")) {
    try {
      const body = JSON.parse(req.body.toString("utf8")) as unknown;
      if (body && typeof body === "object" && !Array.isArray(body)) Object.assign(data, body);
    } catch {
      // Not JSON: no body properties in binding data.
    }
  }
  return { ...data, ...params, query: Object.fromEntries(req.url.searchParams), headers: req.headers };
}

export interface HttpTriggerHandlerOptions {
  routes: () => HttpRoute[];
  routePrefix: string;
  runtime: FunctionRuntime;
  keys: FunctionKeys | undefined;
  logger: HostLogger;
  /** The request's headers with their original casing and duplicates joined. */
  rawHeaders: (req: HostRequest) => Record<string, string>;
}

export function createHttpTriggerHandler(options: HttpTriggerHandlerOptions): HostHandler {
  return async (req) => {
    const path = stripRoutePrefix(req.url.pathname, options.routePrefix);
    if (path === undefined) return undefined;
    for (const route of options.routes()) {
      const params = matchRoute(route.route, path);
      if (!params) continue;
      if (route.methods && !route.methods.includes(req.method.toUpperCase())) continue;
      if (!isAuthorized(options.keys, req, route.authLevel, route.functionName)) return { status: 401 };
      const reg = options.runtime.registration(route.functionName);
      const httpOut = outputBindings(reg).find((b) => bindingType(b.binding) === "http");
      try {
        const result = await options.runtime.invoke(route.functionName, { http: toRpcRequest(req, params, options.rawHeaders(req)) }, {
          bindingData: httpBindingData(req, params),
        });
        if (!httpOut) return { status: 204 };
        const data = httpOut.name === "$return" ? result.returnValue : result.outputData.find((o) => o.name === httpOut.name)?.data;
        return fromRpcResponse(data);
      } catch {
        // The invoker has logged the exception; Azure answers 500 with an empty body.
        return { status: 500 };
      }
    }
    return undefined;
  };
}
