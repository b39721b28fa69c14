// The ServiceLinker API's composition: deps built once from app settings (store, authenticator, authorizer, the
// plan-based requirements of a change, dry runs, health history, loop scans) around the router, as a Functions HTTP
// handler. src/functions/serviceLinkerApi.ts registers it; overrides exist for benches that compare compositions.
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import { createApiDeps, readApiSettings, type ApiBaseDeps } from "../api/deps.js";
import { readAuthorizationSettings } from "../config/settings.js";
import type { ConnectionOrchestrations } from "../model/operations.js";
import { route } from "../api/router.js";
import { durableOrchestrations } from "../orchestrations/client.js";
import { lazyLoopScanService, memoizedLoopRuntime } from "../loops/from-settings.js";
import { lazyHealthHistory, memoizedHealthRuntime } from "../health/from-settings.js";
import type { ApiDeps as ApiRequestDeps, ApiRequest } from "../api/types.js";
import { armClientsFromSettings } from "../azure/fromSettings.js";
import { createTenantPreflight } from "../connections/tenantCheck.js";
import { createDryRunService } from "../connections/dryRun.js";
import { authorizerFromSettings } from "../authorization/fromSettings.js";
import { createChangeRequirements } from "../connections/changeRequirements.js";
import type { Authorizer } from "../authorization/authorizer.js";

/** ConnectionOrchestrations over the invocation's Durable client. */
export type OrchestrationsFactory = (client: df.DurableClient) => ConnectionOrchestrations;

const orchestrationsFor: OrchestrationsFactory = durableOrchestrations;
const loopRuntime = memoizedLoopRuntime();
const loops = lazyLoopScanService(() => loopRuntime(process.env));
const healthRuntime = memoizedHealthRuntime();
const health = { history: lazyHealthHistory(() => healthRuntime(process.env)) };
// One set of linkwright's own ARM clients and one reading of the settings for everything the API does with them
// (preflight, dry runs, the requirements of a change, the authorizer's own reads).
let own: { clients: ReturnType<typeof armClientsFromSettings>; policy: ReturnType<typeof readApiSettings>["policy"] } | undefined;
const ownOnce = () => (own ??= { clients: armClientsFromSettings(process.env), policy: readApiSettings(process.env).policy });

let tenantPreflight: ReturnType<typeof createTenantPreflight> | undefined;
const preflight: NonNullable<ApiRequestDeps["preflight"]> = (x) => (tenantPreflight ??= createTenantPreflight(ownOnce().clients))(x);

let dryRunService: ReturnType<typeof createDryRunService> | undefined;
const dryRunWith = (sealer: ApiBaseDeps["sealer"]): NonNullable<ApiRequestDeps["dryRun"]> =>
  (x) => (dryRunService ??= createDryRunService({ clients: ownOnce().clients, sealer, policy: ownOnce().policy }))(x);

let authorizer: Authorizer | undefined;
const authorizerOnce = () => (authorizer ??= authorizerFromSettings(process.env, ownOnce().clients));
const lazyAuthorizer: Authorizer = {
  decide: (who, required) => authorizerOnce().decide(who, required),
  prefetch: (who, scopes) => authorizerOnce().prefetch(who, scopes),
};
let changeRequirements: ReturnType<typeof createChangeRequirements> | undefined;
const requirementsWith = (sealer: ApiBaseDeps["sealer"]): NonNullable<ApiRequestDeps["requirementsForChange"]> =>
  (x) => (changeRequirements ??= createChangeRequirements({ clients: ownOnce().clients, sealer, policy: ownOnce().policy }))(x);

let baseDeps: Promise<ApiBaseDeps> | undefined;
function depsOnce(context: InvocationContext, authorizerInUse: Authorizer): Promise<ApiBaseDeps> {
  baseDeps ??= createApiDeps(readApiSettings(process.env), {
    authorizer: authorizerInUse,
    authentication: readAuthorizationSettings(process.env),
    reportError: (error, where) => context.error(`ServiceLinker API ${where.method} ${where.path} failed (request ${where.requestId}):`, error instanceof Error ? error.message : String(error)),
  }).catch((error: unknown) => {
    baseDeps = undefined;
    throw error;
  });
  return baseDeps;
}

export interface ServiceLinkerApiOverrides {
  /** Replaces the authorizer built from settings (a bench's baseline). */
  authorizer?: Authorizer;
  /** Replaces how a change's requirements are derived (planned with linkwright's reads by default). */
  requirementsForChange?: ApiRequestDeps["requirementsForChange"];
}

export function createServiceLinkerApi(overrides: ServiceLinkerApiOverrides = {}) {
  return async function serviceLinkerApi(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
    const base = await depsOnce(context, overrides.authorizer ?? lazyAuthorizer);
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => { headers[name.toLowerCase()] = value; });
    const apiRequest: ApiRequest = { method: request.method, url: request.url, headers };
    if (request.method !== "GET" && request.method !== "HEAD" && request.method !== "DELETE") apiRequest.body = await request.text();
    // The Durable client is bound only when an operation starts (GET/list never need it).
    const orchestrations: ConnectionOrchestrations = {
      startCreateOrUpdate: (input) => orchestrationsFor(df.getClient(context)).startCreateOrUpdate(input),
      startDelete: (input) => orchestrationsFor(df.getClient(context)).startDelete(input),
      startValidate: (input) => orchestrationsFor(df.getClient(context)).startValidate(input),
    };
    const requirementsForChange = overrides.requirementsForChange ?? requirementsWith(base.sealer);
    const response = await route(apiRequest, { ...base, orchestrations, loops, health, preflight, dryRun: dryRunWith(base.sealer), requirementsForChange });
    return {
      status: response.status,
      headers: response.headers,
      ...(response.body !== undefined ? { body: JSON.stringify(response.body) } : {}),
    };
  };
}

