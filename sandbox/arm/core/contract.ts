// The contract between the ARM emulator's core (server, routing, auth, RBAC, LRO, events)
// and its resource providers (one module per Azure provider under sandbox/arm/providers/).
//
// A provider is a list of routes plus optional seed helpers. The core:
//  - normalises the path (collapses `//`, strips trailing `/`), decodes the query,
//    requires api-version (400 MissingApiVersionParameter) and parses JSON bodies
//    (400 InvalidRequestContent) before any route runs;
//  - authenticates the bearer token (401) and enforces RBAC: the caller needs `route.action`
//    at the request path (role assignments at any prefix scope count, their ABAC conditions evaluated against
//    `route.accessAttributes`) -> 403 AuthorizationFailed; a matching deny assignment -> 403 DenyAssignmentAuthorizationFailed;
//  - matches templates case-insensitively; `{name}` matches one segment, `{*scope}` one or more
//    leading segments (used for extension resources such as roleAssignments at any scope);
//  - after a successful (2xx) non-GET response, records an activity-log entry and emits the
//    Event Grid event (Write/Delete/Action by `route.kind`) for `result.eventResourceId ?? path`;
//  - counts every call by provider/type/operation, applies injected latency and faults;
//  - echoes x-ms-request-id / x-ms-correlation-request-id on every response.
// Providers never build error envelopes by hand: they throw ArmError.

export type HttpMethod = "GET" | "PUT" | "PATCH" | "POST" | "DELETE" | "HEAD";

/** A signed-in principal, from the validated token. */
export interface Caller {
  objectId: string;
  tenantId: string;
  appId?: string;
  /** "User" | "ServicePrincipal" (a managed identity is a ServicePrincipal). */
  principalType: string;
}

/** A resource as stored: canonical casing; keyed by lower-cased id in the store. */
export interface StoredResource {
  id: string;
  name: string;
  type: string;
  location?: string;
  kind?: string;
  tags?: Record<string, string>;
  sku?: Record<string, unknown>;
  identity?: Record<string, unknown>;
  properties?: Record<string, unknown>;
  etag?: string;
  systemData?: Record<string, unknown>;
  /** Anything else a provider needs to keep (never serialised unless the provider does so). */
  [extra: string]: unknown;
}

export interface ResourceStore {
  get(id: string): StoredResource | undefined;
  /** Inserts or replaces; returns the stored copy (deep-cloned). */
  put(resource: StoredResource): StoredResource;
  delete(id: string): boolean;
  /** Direct children of `parentId` (optionally of one type, matched case-insensitively). */
  children(parentId: string, type?: string): StoredResource[];
  /** Every resource whose id starts with `scope` (case-insensitive), optionally of one type. */
  list(scope: string, type?: string): StoredResource[];
  /** Every resource in the store (for Resource Graph). */
  all(): StoredResource[];
}

export interface ArmRequest {
  method: HttpMethod;
  /** Normalised path, original casing, no query. */
  path: string;
  query: URLSearchParams;
  apiVersion: string;
  headers: Record<string, string | undefined>;
  /** Parsed JSON body, or undefined when there is none. */
  body: unknown;
  /** The raw request body (e.g. form-encoded OAuth requests, which are not JSON-parsed). Added by the core. */
  rawBody?: Buffer;
  caller: Caller;
  requestId: string;
  correlationId: string;
  /** Absolute base URL of the emulator, e.g. https://127.0.0.1:4433 (for nextLink, LRO headers). */
  baseUrl: string;
  /** The client's address as the socket shows it (an IPv4-mapped IPv6 address in its IPv4 form): what ARM tells a
   *  provider in `x-ms-client-ip-address`. Added by the core. */
  clientIp?: string;
}

export interface RouteContext {
  req: ArmRequest;
  /** Template parameters, e.g. { subscriptionId, resourceGroupName, name }; `scope` for `{*scope}`. */
  params: Record<string, string>;
  store: ResourceStore;
  /** Canonical subscription tenant, principals, helpers the core offers to providers. */
  services: CoreServices;
}

export interface RouteResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Resource the activity log / event refers to; defaults to the request path (minus the action segment for POST). */
  eventResourceId?: string;
}

export interface Route {
  method: HttpMethod;
  /** e.g. "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Web/sites/{name}" */
  template: string;
  /** RBAC action required at the request path, e.g. "Microsoft.Web/sites/write". */
  action: string;
  /** Defaults: GET→read, PUT/PATCH→write, DELETE→delete, POST→action. Reads emit no event. */
  kind?: "read" | "write" | "delete" | "action";
  /** Skip authentication + RBAC (identity endpoints, data planes with their own auth). */
  anonymous?: boolean;
  /** Authenticate but skip the RBAC check; the handler filters by caller (subscription list, permissions). Added by the core. */
  skipRbac?: boolean;
  /** Skip the api-version requirement (OAuth/OpenID endpoints). Added by the core. */
  noApiVersion?: boolean;
  /** Attribute values the caller's ABAC role-assignment conditions see (`@Request[…]`, `@Resource[…]`), computed
   *  before the RBAC check; e.g. the role assignment being written or deleted. Added by the core. */
  accessAttributes?(ctx: RouteContext): Omit<import("./abac.js").AbacContext, "action">;
  handle(ctx: RouteContext): Promise<RouteResult> | RouteResult;
}

export interface CoreServices {
  /** Long-running operations: returns the 201/202 result with Azure-AsyncOperation and/or Location headers
   *  and registers an operation-status resource that reports Succeeded (or the given error) after `pollsUntilDone` polls. */
  longRunning(options: {
    status: 201 | 202;
    body?: unknown;
    style: "azure-async-operation" | "location" | "both";
    /** Value the Location URL returns once done (for 202 + Location style); defaults to `body`. */
    finalBody?: unknown;
    error?: { code: string; message: string };
  }, ctx: RouteContext): RouteResult;
  /** Whether LRO mode is forced on for this operation (test control surface); providers use sync 200/201 otherwise. */
  lroEnabledFor(ctx: RouteContext): boolean;
  /** Absolute nextLink paging over an array: returns { value, nextLink? } honouring $top/$skipToken. */
  page<T>(items: T[], ctx: RouteContext, pageSize?: number): { value: T[]; nextLink?: string };
  /** New GUID; principal ids, tenant etc. */
  newGuid(): string;
  tenantId: string;
  /** Principals known to the identity surface (for managed identities created by providers). */
  principals: PrincipalDirectory;
  /** Emit an extra Event Grid event / activity log entry (for side effects not covered by the default). */
  recordEvent(kind: "write" | "delete" | "action", resourceId: string, operationName: string, ctx: RouteContext): void;
  /** Validates a bearer token (signature, issuer, expiry) for the given audience, e.g. "https://vault.azure.net". */
  authenticate(authorizationHeader: string | undefined, audience: string): Promise<Caller | undefined>;
  /** Whether `caller` holds `action` (control-plane action or data action) at `scope` through its role assignments
   *  (ABAC conditions evaluated with no request attributes) and no deny assignment blocks it. */
  /** `kind` (added by the core) forces control-plane vs data-action evaluation; by default data actions are
   *  recognised by name (blobs/messages/entities/files, Key Vault secrets|keys|certificates .../action,
   *  App Configuration keyValues, SignalR) and need `dataActions`, which `*` in `actions` never grants. */
  isAuthorized(caller: Caller, action: string, scope: string, kind?: "action" | "dataAction"): boolean;
  /** Serves a data plane (e.g. one Key Vault) on its own HTTPS origin; returns that origin, e.g. https://127.0.0.1:50123. */
  /** `preferredPort`: the loopback port to reuse when free (what a persisted resource's URI names). */
  listenDataPlane(name: string, handler: DataPlaneHandler, preferredPort?: number): Promise<string>;
  /** Azurite endpoints when the emulator was started with them (storage accounts' primaryEndpoints point there). */
  azurite?: { blobEndpoint: string; queueEndpoint: string; tableEndpoint: string; connectionString: string; accountName: string; accountKey: string };
}

export type DataPlaneHandler = (
  req: import("node:http").IncomingMessage & { body: Buffer },
  res: import("node:http").ServerResponse,
) => void | Promise<void>;

export interface PrincipalDirectory {
  /** Registers a managed identity's service principal (system- or user-assigned); returns its objectId/clientId. */
  createManagedIdentity(resourceId: string, kind: "SystemAssigned" | "UserAssigned"): { principalId: string; clientId: string; tenantId: string };
  /** Removes a system-assigned identity's principal (identity turned off). */
  deleteManagedIdentity(principalId: string): void;
  get(objectId: string): { objectId: string; displayName: string; principalType: string; clientId?: string } | undefined;
}

export interface Provider {
  /** e.g. "Microsoft.Web" */
  namespace: string;
  routes: Route[];
}

/** Throw from a route handler; the core renders {"error":{code,message,target?,details?}}. */
export class ArmError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly target?: string,
    readonly details?: { code: string; message: string; target?: string }[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = "ArmError";
  }
}
