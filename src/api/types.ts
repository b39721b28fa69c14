import type { LoopScanService } from "../loops/service.js";
import type { HealthHistory } from "../health/history.js";
// Plain request/response shapes and the dependencies every operation receives.
// No @azure/functions types here: src/functions/serviceLinkerApi.ts adapts the host's objects.
import type { ConnectionStore } from "../store/types.js";
import type { CatalogueHooks } from "./catalogueHooks.js";
import type { ConnectionOrchestrations } from "../model/operations.js";
import type { Sealer } from "../secrets/seal.js";
import type { ApiVersion } from "./wire/apiVersion.js";
import type { AuthenticatedCaller, Caller } from "../model/caller.js";
import type { Authorizer, Decision } from "../authorization/authorizer.js";
import type { RequiredPermission } from "../authorization/permissions.js";

export type { Caller } from "../model/caller.js";

export interface ApiRequest {
  method: string;
  /** Absolute request URL as received (e.g. https://host:7071//subscriptions/...?api-version=...). */
  url: string;
  /** Lower-cased header names. */
  headers: Record<string, string | undefined>;
  /** Raw body text; undefined or "" when none. */
  body?: string;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  /** JSON-serialisable body; undefined = no body. */
  body?: unknown;
}

/** A request after the router's common stages (path normalised, caller authenticated, api-version checked). */
export interface OperationRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | undefined>;
  body?: string;
  apiVersion: ApiVersion;
  caller: Caller;
  /** What the caller may do (src/authorization): every operation checks what it needs before it acts. */
  access: CallerAccess;
  /** Public base URL for absolute links (nextLink, Azure-AsyncOperation, Location). */
  baseUrl: string;
  /** Template parameters of the matched route. */
  params: Record<string, string>;
}

export interface Authenticator {
  /** Resolves the caller, or throws an ApiError (401) in the ARM envelope. */
  authenticate(authorizationHeader: string | undefined): Promise<AuthenticatedCaller>;
}

/** The request's caller, bound to the authorizer (src/api/access.ts). */
export interface CallerAccess {
  /** How this caller's permissions are learnt (audit). */
  via: AuthenticatedCaller["credential"]["kind"];
  /** Throws 403 AuthorizationFailed naming every missing permission; nothing has changed yet. */
  require(required: RequiredPermission[]): Promise<Decision>;
  /** The decision without throwing (dry runs report it). */
  decide(required: RequiredPermission[]): Promise<Decision>;
  /** Starts reading the caller's permissions at scopes the request will check (overlaps its planning). */
  prefetch(scopes: string[]): void;
}

export interface ApiDeps {
  store: ConnectionStore;
  orchestrations: ConnectionOrchestrations;
  catalogue: CatalogueHooks;
  authenticator: Authenticator;
  /** Decides what a caller may have linkwright do (src/authorization). */
  authorizer: Authorizer;
  /** What a create or update would do, as permissions the caller needs (plans with linkwright's reads); absent =
   *  only what the request names (src/authorization/requirements.ts baseChangeRequirements). */
  requirementsForChange?: (x: import("../connections/changeRequirements.js").ChangeRequest) => Promise<import("../connections/changeRequirements.js").ChangeRequirements>;
  /** Seals secret values handed to the orchestration (src/secrets/seal.ts). */
  sealer: Sealer;
  /** Reports unexpected failures (never called with secret values). */
  reportError: (error: unknown, context: { requestId: string; method: string; path: string }) => void;
  clock: () => Date;
  newId: () => string;
  /** Region segment of operation-status URLs (the real service uses the source's region). */
  location: string;
  /** Default page size for lists (`$top` overrides, capped). */
  pageSize: number;
  /** Loop detection (detectLoops / loopFindings routes); absent = those routes answer 501. */
  loops?: LoopScanService;
  /** Checks needing Azure reads before a PUT/PATCH is accepted (e.g. managed identity across tenants → 400). */
  preflight?: (x: { sourceId: string; properties: import("../model/linker.js").LinkerProperties }) => Promise<import("../model/configuration.js").ValidationIssue | undefined>;
  /** Computes a createOrUpdate dry run (dryruns routes; src/connections/dryRun.ts) from Azure reads only; absent =
   *  PUT dryruns answers 501. `properties` are secret-free; the request's secrets arrive sealed (`sealedSecrets`). */
  dryRun?: (x: {
    sourceId: string;
    linkerName: string;
    properties: import("../model/linker.js").LinkerProperties;
    caller: Caller;
    sealedSecrets?: string;
    ownedNames?: string[];
  }) => Promise<import("../connections/dryRun.js").DryRunResult>;
  /** Connection health (healthHistory route); absent = that route answers 501. */
  health?: { history: HealthHistory };
}

export type Operation = (req: OperationRequest, deps: ApiDeps) => Promise<ApiResponse>;
