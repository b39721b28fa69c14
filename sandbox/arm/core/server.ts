// The ARM front door: one request pipeline over the route table.
// normalise -> control surface -> latency -> faults ("lost" / "slow" ones spoil the answer of a handled request) -> body (size limit) -> route -> api-version -> JSON
// -> authenticate -> RBAC (role assignments with their ABAC conditions, deny assignments) -> subscription/RG existence -> handler -> activity log + Event Grid -> response.
// Nothing thrown escapes: unknown errors become 500 InternalServerError in the ARM envelope.
import type { IncomingMessage, ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import { ArmError, type ArmRequest, type Caller, type CoreServices, type HttpMethod, type Route, type RouteContext, type RouteResult, type StoredResource } from "./contract.js";
import { armErrors, envelope } from "./errors.js";
import { normalisePath, parseResourceId } from "./ids.js";
import type { Router } from "./router.js";
import type { MemoryResourceStore } from "./store.js";
import type { ControlState } from "./control.js";
import type { OperationTracker } from "./lro.js";
import type { ActivityLog } from "./activity-log.js";
import { buildResourceEvent, type EventGridFanout } from "./event-grid.js";
import { withholdResponse } from "./withheld-response.js";
import type { AccessAttributes, RbacEvaluator } from "./rbac.js";
import type { Directory } from "../identity/principals.js";
import { ARM_AUDIENCES, TokenError, type TokenService, type VerifiedToken } from "../identity/tokens.js";

export const MAX_BODY_BYTES = 4 * 1024 * 1024;
const METHODS: HttpMethod[] = ["GET", "PUT", "PATCH", "POST", "DELETE", "HEAD"];
const API_VERSION = /^\d{4}-\d{2}-\d{2}(-(preview|alpha|beta|rc|privatepreview))?$/i;

export interface CoreParts {
  router: Router;
  store: MemoryResourceStore;
  directory: Directory;
  tokens: TokenService;
  rbac: RbacEvaluator;
  control: ControlState;
  operations: OperationTracker;
  activity: ActivityLog;
  events: EventGridFanout;
  services: CoreServices;
  tenantId: string;
  /** Requests under /_sandbox/ (no auth). */
  handleControl(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams, body: Buffer): Promise<void>;
  /** Api-versions seen, by namespace (logged, never routed on). */
  apiVersionsSeen: Map<string, Set<string>>;
  /** Sockets held open by "timeout" faults, destroyed on close. */
  heldSockets: Set<import("node:net").Socket>;
  log(line: string): void;
}

export function createArmHandler(core: CoreParts): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const requestId = randomUUID();
    const correlationId = headerValue(req, "x-ms-correlation-request-id") ?? randomUUID();
    res.setHeader("x-ms-request-id", requestId);
    res.setHeader("x-ms-correlation-request-id", correlationId);
    handle(core, req, res, requestId, correlationId).catch((e: unknown) => {
      const err = e instanceof ArmError ? e : armErrors.internal(requestId);
      if (!(e instanceof ArmError)) core.log(`[arm] ${requestId} internal error: ${(e as Error)?.stack ?? String(e)}`);
      if (!res.headersSent && !res.destroyed) sendError(res, err, req.method === "HEAD");
      else if (!res.writableEnded) res.end();
    });
  };
}

async function handle(core: CoreParts, req: IncomingMessage, res: ServerResponse, requestId: string, correlationId: string): Promise<void> {
  const rawUrl = req.url ?? "/";
  const qi = rawUrl.indexOf("?");
  const path = normalisePath(qi >= 0 ? rawUrl.slice(0, qi) : rawUrl);
  const query = new URLSearchParams(qi >= 0 ? rawUrl.slice(qi + 1) : "");
  const method = (req.method ?? "GET").toUpperCase() as HttpMethod;

  const body = await readBody(req);
  if (path === "/_sandbox" || path.startsWith("/_sandbox/")) return core.handleControl(req, res, path, query, body);

  const delay = core.control.latencyFor(method, path);
  if (delay > 0) await new Promise((r) => setTimeout(r, delay));
  const fault = core.control.takeFault(method, path, undefined, body.toString("utf8"));
  if (fault?.mode === "hangup") { req.socket.destroy(); return; }
  if (fault?.mode === "timeout") {
    core.heldSockets.add(req.socket);
    req.socket.once("close", () => core.heldSockets.delete(req.socket));
    setTimeout(() => req.socket.destroy(), 120_000).unref();
    return;
  }
  // The request is handled; only its answer is lost or late.
  if (fault?.mode === "lost" || fault?.mode === "slow") withholdResponse(req, res, fault, core.heldSockets);
  else if (fault) {
    const status = fault.status ?? 500;
    const headers: Record<string, string> = fault.retryAfter !== undefined ? { "Retry-After": String(fault.retryAfter) } : {};
    throw new ArmError(status, fault.code ?? defaultFaultCode(status), fault.message ?? `Injected fault ${fault.id}.`, undefined, undefined, headers);
  }
  if (!METHODS.includes(method)) throw armErrors.methodNotAllowed(method, path);

  const baseUrl = `https://${req.headers.host ?? "127.0.0.1"}`;
  const poll = core.operations.poll(path);
  const { match, pathMatched } = core.router.match(method, path);
  const route = match?.route;

  const apiVersion = query.get("api-version") ?? "";
  if (!route?.noApiVersion) {
    if (!apiVersion) throw armErrors.missingApiVersion();
    if (!API_VERSION.test(apiVersion)) throw armErrors.invalidApiVersion(apiVersion);
  }
  const parsedBody = parseJsonBody(req, body);

  let caller: Caller = { objectId: "", tenantId: core.tenantId, principalType: "Anonymous" };
  let token: VerifiedToken | undefined;
  if (!route?.anonymous) {
    ({ caller, token } = await authenticateArm(core, req, baseUrl));
    requireSubscriptionTenant(core, path, token.tid);
  }
  const armReq: ArmRequest = {
    method, path, query, apiVersion, headers: flatHeaders(req), body: parsedBody, rawBody: body,
    caller, requestId, correlationId, baseUrl,
    ...(req.socket.remoteAddress ? { clientIp: req.socket.remoteAddress.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, "") } : {}),
  };

  if (poll && method === "GET") {
    core.control.count({ provider: parseResourceId(path).namespace ?? "", type: "operationStatuses", operation: "poll", method, kind: "read" });
    return send(res, poll.status, poll.body, poll.headers, false);
  }

  let resolved: { route: Route; provider: string; params: Record<string, string> } | undefined = match;
  if (!resolved) resolved = genericRoute(core, method, path, pathMatched, apiVersion);
  const kind = resolved.route.kind ?? defaultKind(resolved.route.method);
  const parsed = parseResourceId(path);
  noteApiVersion(core, resolved.provider, apiVersion);
  core.control.count({ provider: resolved.provider, type: parsed.type ?? resolved.route.template, operation: resolved.route.action, method, kind });

  const ctx: RouteContext = { req: armReq, params: resolved.params, store: core.store, services: core.services };
  const audit = kind !== "read" && !resolved.route.anonymous;
  // Events and log entries name the resource in its canonical casing when the store knows it (before or after).
  const defaultTarget = kind === "action" ? path.split("/").slice(0, -1).join("/") : path;
  const canonicalBefore = audit ? core.store.get(defaultTarget)?.id : undefined;
  let result: RouteResult;
  let attributes: AccessAttributes | undefined;
  try {
    if (!resolved.route.anonymous) {
      if (!resolved.route.skipRbac) {
        attributes = resolved.route.accessAttributes?.(ctx);
        authorize(core, caller, resolved.route.action, path, attributes);
      }
      checkParents(core, path);
    }
    // As ARM does: BeginRequest/Started once the request is accepted, EndRequest/Succeeded|Failed when it ends.
    if (audit) recordActivity(core, ctx, resolved.route.action, canonicalBefore ?? defaultTarget, 0, undefined, token, "BeginRequest");
    result = await resolved.route.handle(ctx);
  } catch (e) {
    if (audit) {
      const err = e instanceof ArmError ? e : armErrors.internal(requestId);
      recordActivity(core, ctx, resolved.route.action, canonicalBefore ?? defaultTarget, err.status, err, token);
    }
    throw e;
  }
  if (audit && result.status >= 200 && result.status < 300) {
    const target = result.eventResourceId ?? core.store.get(defaultTarget)?.id ?? canonicalBefore ?? defaultTarget;
    recordActivity(core, ctx, resolved.route.action, target, result.status, undefined, token);
    publishEvent(core, ctx, kind as "write" | "delete" | "action", target, resolved.route.action, token, attributes);
  }
  send(res, method === "HEAD" && result.status === 200 ? 204 : result.status, result.body, result.headers, method === "HEAD");
}

function defaultKind(method: HttpMethod): "read" | "write" | "delete" | "action" {
  return method === "GET" || method === "HEAD" ? "read" : method === "DELETE" ? "delete" : method === "POST" ? "action" : "write";
}

export function defaultFaultCode(status: number): string {
  if (status === 429) return "SubscriptionRequestsThrottled";
  if (status === 503) return "ServiceUnavailable";
  if (status === 409) return "Conflict";
  if (status === 403) return "AuthorizationFailed";
  if (status >= 500) return "InternalServerError";
  return "BadRequest";
}

/** No provider route: generic GET of any stored resource, or the ARM error for the unknown path. */
function genericRoute(core: CoreParts, method: HttpMethod, path: string, pathMatched: boolean, apiVersion: string):
  { route: Route; provider: string; params: Record<string, string> } {
  if (pathMatched) throw armErrors.methodNotAllowed(method, path);
  const p = parseResourceId(path);
  if (method === "HEAD" && !core.store.get(path)) throw armErrors.resourceNotFound(path);
  if ((method === "GET" || method === "HEAD") && core.store.get(path)) {
    const ns = p.namespace ?? "Microsoft.Resources";
    return {
      provider: ns, params: {},
      route: {
        method: "GET", template: path, action: `${p.type}/read`,
        handle: () => ({ status: 200, body: core.store.get(path) }),
      },
    };
  }
  if (p.namespace && p.type) {
    if (!core.router.hasNamespace(p.namespace)) throw armErrors.noRegisteredProvider(p.type, apiVersion);
    throw armErrors.invalidResourceType(p.type, apiVersion);
  }
  if (p.namespace) throw armErrors.invalidResourceNamespace(p.namespace);
  throw armErrors.pathNotFound(path);
}

async function authenticateArm(core: CoreParts, req: IncomingMessage, baseUrl: string): Promise<{ caller: Caller; token: VerifiedToken }> {
  const header = headerValue(req, "authorization");
  const challenge = `Bearer authorization_uri="${baseUrl}/${core.tenantId}", error="invalid_token", error_description="The authentication failed because of missing 'Authorization' header."`;
  if (!header) {
    throw new ArmError(401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.", undefined, undefined,
      { "WWW-Authenticate": challenge });
  }
  const m = /^Bearer\s+(.+)$/i.exec(header);
  if (!m) {
    throw new ArmError(401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is provided in an invalid format.", undefined, undefined,
      { "WWW-Authenticate": challenge });
  }
  try {
    // HLC SDK clients ask for `${endpoint}/.default` when given a custom endpoint (as on Azure Stack),
    // so the emulator's own origin is an ARM audience too.
    const port = new URL(baseUrl).port;
    const audiences = [...ARM_AUDIENCES, `https://127.0.0.1:${port}`, `https://localhost:${port}`];
    const token = await core.tokens.verify(m[1].trim(), audiences, baseUrl);
    return { caller: callerFromToken(core.directory, token), token };
  } catch (e) {
    const expired = (e as { code?: string }).code === "ERR_JWT_EXPIRED";
    const code = e instanceof TokenError ? e.code : expired ? "ExpiredAuthenticationToken" : "InvalidAuthenticationToken";
    const message = e instanceof TokenError ? e.message
      : expired ? "The access token expiry UTC time is earlier than current UTC time." : "The access token is invalid.";
    throw new ArmError(401, code, message, undefined, undefined, {
      "WWW-Authenticate": `Bearer authorization_uri="${baseUrl}/${core.tenantId}", error="invalid_token", error_description="${message.replace(/"/g, "'")}"`,
    });
  }
}

/** As ARM: a token of one tenant is refused for a subscription that belongs to another. */
function requireSubscriptionTenant(core: CoreParts, path: string, tokenTenant: string): void {
  const sub = /^\/subscriptions\/([^/]+)/i.exec(path)?.[1];
  const owner = sub ? (core.store.get(`/subscriptions/${sub}`) as { tenantId?: string } | undefined)?.tenantId : undefined;
  if (owner && tokenTenant && owner.toLowerCase() !== tokenTenant.toLowerCase()) {
    throw new ArmError(401, "InvalidAuthenticationTokenTenant",
      `The access token is from the wrong issuer 'https://sts.windows.net/${tokenTenant}/'. It must match the tenant 'https://sts.windows.net/${owner}/' associated with this subscription. Please use the authority (URL) 'https://login.windows.net/${owner}' to get the token.`,
      undefined, undefined, { "WWW-Authenticate": `Bearer authorization_uri="https://login.windows.net/${owner}", error="invalid_token", error_description="The access token is from the wrong issuer."` });
  }
}

export function callerFromToken(directory: Directory, token: VerifiedToken): Caller {
  const principal = directory.get(token.oid);
  return {
    objectId: token.oid,
    tenantId: token.tid,
    appId: token.appid ?? token.azp,
    principalType: principal?.principalType ?? (token.idtyp === "user" ? "User" : "ServicePrincipal"),
  };
}

/** RBAC as ARM applies it: a role assignment (its ABAC condition holding) must grant the action, and no deny
 *  assignment may block it (403 DenyAssignmentAuthorizationFailed, ARM's wording, even for an Owner). */
function authorize(core: CoreParts, caller: Caller, action: string, scope: string, attributes?: AccessAttributes): void {
  const client = caller.appId ?? caller.objectId;
  if (core.rbac.authorizingGrant(caller, action, scope, "action", attributes)) {
    const deny = core.rbac.denyingAssignment(caller.objectId, action, scope, "action");
    if (!deny) return;
    throw new ArmError(403, "DenyAssignmentAuthorizationFailed",
      `The client '${client}' with object id '${caller.objectId}' has permission to perform action '${action}' on scope '${scope}'; however, the access is denied because of the deny assignment with name '${deny.properties.denyAssignmentName}' and Id '${deny.assignment.name.replace(/-/g, "")}' at scope '${deny.properties.scope}'.`);
  }
  throw new ArmError(403, "AuthorizationFailed",
    `The client '${client}' with object id '${caller.objectId}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`);
}

/** Subscription must exist for anything under it; the resource group for anything beneath the group itself. */
function checkParents(core: CoreParts, path: string): void {
  const p = parseResourceId(path);
  if (!p.subscriptionId) return;
  const segs = path.split("/").filter(Boolean);
  if (segs.length > 2 && !core.store.get(`/subscriptions/${p.subscriptionId}`)) throw armErrors.subscriptionNotFound(p.subscriptionId);
  if (p.resourceGroup && segs.length > 4 && !core.store.get(`/subscriptions/${p.subscriptionId}/resourceGroups/${p.resourceGroup}`)) {
    throw armErrors.resourceGroupNotFound(p.resourceGroup);
  }
}

function recordActivity(core: CoreParts, ctx: RouteContext, action: string, resourceId: string, httpStatus: number,
  error: ArmError | undefined, token?: VerifiedToken, phase: "BeginRequest" | "EndRequest" = "EndRequest"): void {
  const p = parseResourceId(resourceId);
  core.activity.record({
    action, resourceId, httpStatus, phase, status: phase === "BeginRequest" ? "Started" : error ? "Failed" : "Succeeded", method: ctx.req.method,
    uri: `${ctx.req.baseUrl}${ctx.req.path}?api-version=${ctx.req.apiVersion}`,
    caller: { objectId: ctx.req.caller.objectId, appId: ctx.req.caller.appId, tenantId: ctx.req.caller.tenantId, upn: token?.upn as string | undefined },
    correlationId: ctx.req.correlationId, requestId: ctx.req.requestId, clientRequestId: ctx.req.headers["x-ms-client-request-id"],
    subscriptionId: p.subscriptionId ?? "", error: error && { code: error.code, message: error.message },
  });
}

export function publishEvent(core: CoreParts, ctx: RouteContext, kind: "write" | "delete" | "action", resourceId: string, action: string,
  token?: VerifiedToken, attributes?: AccessAttributes): void {
  const p = parseResourceId(resourceId);
  if (!p.subscriptionId) return;
  const grant = ctx.req.caller.objectId ? core.rbac.authorizingGrant(ctx.req.caller, action, resourceId, "action", attributes) : undefined;
  const claims: Record<string, string> = {
    aud: "https://management.azure.com/",
    iss: `https://sts.windows.net/${ctx.req.caller.tenantId}/`,
    appid: ctx.req.caller.appId ?? "",
    "http://schemas.microsoft.com/identity/claims/objectidentifier": ctx.req.caller.objectId,
    "http://schemas.microsoft.com/identity/claims/tenantid": ctx.req.caller.tenantId,
    ipaddr: "127.0.0.1",
  };
  if (token?.name) claims.name = String(token.name);
  core.events.publish(buildResourceEvent({
    kind, resourceId, action, method: ctx.req.method,
    url: `${ctx.req.baseUrl}${ctx.req.path}?api-version=${ctx.req.apiVersion}`,
    subscriptionId: p.subscriptionId, tenantId: ctx.req.caller.tenantId || core.tenantId, correlationId: ctx.req.correlationId,
    clientRequestId: ctx.req.headers["x-ms-client-request-id"], claims,
    evidence: grant && {
      role: grant.role.roleName,
      roleAssignmentScope: String((grant.assignment.properties as { scope?: string }).scope ?? ""),
      roleAssignmentId: grant.assignment.name,
      roleDefinitionId: grant.role.name,
      principalId: ctx.req.caller.objectId,
      principalType: ctx.req.caller.principalType,
    },
  }));
}

function noteApiVersion(core: CoreParts, provider: string, apiVersion: string): void {
  if (!apiVersion) return;
  let set = core.apiVersionsSeen.get(provider);
  if (!set) core.apiVersionsSeen.set(provider, (set = new Set()));
  if (!set.has(apiVersion)) {
    set.add(apiVersion);
    core.log(`[arm] ${provider} api-version ${apiVersion}`);
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on("data", (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        failed = true;
        reject(armErrors.requestTooLarge(MAX_BODY_BYTES));
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => { if (!failed) resolve(Buffer.concat(chunks)); });
    req.on("error", (e) => { if (!failed) { failed = true; reject(e); } });
  });
}

function parseJsonBody(req: IncomingMessage, body: Buffer): unknown {
  if (body.length === 0) return undefined;
  const type = (req.headers["content-type"] ?? "").toLowerCase();
  if (type && !type.includes("json")) return undefined;
  const text = body.toString("utf8");
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw armErrors.invalidRequestContent((e as Error).message);
  }
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function flatHeaders(req: IncomingMessage): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) out[k] = Array.isArray(v) ? v.join(", ") : v;
  return out;
}

export function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> | undefined, head: boolean): void {
  if (res.headersSent || res.destroyed) return;
  for (const [k, v] of Object.entries(headers ?? {})) res.setHeader(k, v);
  const etag = (body as StoredResource | undefined)?.etag;
  if (typeof etag === "string" && !res.hasHeader("etag")) res.setHeader("ETag", etag);
  if (body === undefined || status === 204) {
    res.writeHead(status);
    res.end();
    return;
  }
  // A Buffer is a non-JSON body sent as-is (e.g. publishing-profile XML); the provider sets its Content-Type.
  if (Buffer.isBuffer(body)) {
    if (!res.hasHeader("content-type")) res.setHeader("Content-Type", "application/octet-stream");
    res.writeHead(status, { "Content-Length": body.length });
    res.end(head ? undefined : body);
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(text) });
  res.end(head ? undefined : text);
}

export function sendError(res: ServerResponse, err: ArmError, head = false): void {
  send(res, err.status, envelope(err), err.headers, head);
}
