// The Microsoft.ServiceLinker-compatible API: one catch-all HTTP trigger (host.json routePrefix "")
// that adapts the host's request and delegates to src/api/router.ts. Authentication is done by
// src/auth (bearer JWT), so the function itself is anonymous.
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import { createApiDeps, readApiSettings, type ApiBaseDeps } from "../api/deps.js";
import type { ConnectionOrchestrations } from "../api/orchestrations.js";
import { route } from "../api/router.js";
import { durableOrchestrations } from "../orchestrations/client.js";
import { lazyLoopScanService, memoizedLoopRuntime } from "../loops/from-settings.js";
import { lazyHealthHistory, memoizedHealthRuntime } from "../health/from-settings.js";
import type { ApiDeps as ApiRequestDeps, ApiRequest } from "../api/types.js";
import { armClientsFromSettings } from "../azure/fromSettings.js";
import { createTenantPreflight } from "../connections/tenantCheck.js";
import { createDryRunService } from "../connections/dryRun.js";
import { authorizerFromSettings } from "../authorization/fromSettings.js";
import { createChangeRequirements } from "../authorization/changeRequirements.js";
import type { Authorizer } from "../authorization/authorizer.js";

/** ConnectionOrchestrations over the invocation's Durable client. */
export type OrchestrationsFactory = (client: df.DurableClient) => ConnectionOrchestrations;

const orchestrationsFor: OrchestrationsFactory = durableOrchestrations;
const loopRuntime = memoizedLoopRuntime();
const loops = lazyLoopScanService(() => loopRuntime(process.env));
const healthRuntime = memoizedHealthRuntime();
const health = { history: lazyHealthHistory(() => healthRuntime(process.env)) };
let tenantPreflight: ReturnType<typeof createTenantPreflight> | undefined;
const preflight: NonNullable<ApiRequestDeps["preflight"]> = (x) => (tenantPreflight ??= createTenantPreflight(armClientsFromSettings(process.env)))(x);

let dryRunService: ReturnType<typeof createDryRunService> | undefined;
const dryRunWith = (sealer: ApiBaseDeps["sealer"]): NonNullable<ApiRequestDeps["dryRun"]> =>
  (x) => (dryRunService ??= createDryRunService({ clients: armClientsFromSettings(process.env), sealer }))(x);

let authorizer: Authorizer | undefined;
const lazyAuthorizer: Authorizer = {
  decide: (who, required) => (authorizer ??= authorizerFromSettings(process.env)).decide(who, required),
  prefetch: (who, scopes) => (authorizer ??= authorizerFromSettings(process.env)).prefetch(who, scopes),
};
let changeRequirements: ReturnType<typeof createChangeRequirements> | undefined;
const requirementsWith = (sealer: ApiBaseDeps["sealer"]): NonNullable<ApiRequestDeps["requirementsForChange"]> =>
  (x) => (changeRequirements ??= createChangeRequirements({ clients: armClientsFromSettings(process.env), sealer }))(x);

let baseDeps: Promise<ApiBaseDeps> | undefined;
function depsOnce(context: InvocationContext): Promise<ApiBaseDeps> {
  baseDeps ??= createApiDeps(readApiSettings(process.env), {
    authorizer: lazyAuthorizer,
    reportError: (error, where) => context.error(`ServiceLinker API ${where.method} ${where.path} failed (request ${where.requestId}):`, error instanceof Error ? error.message : String(error)),
  }).catch((error: unknown) => {
    baseDeps = undefined;
    throw error;
  });
  return baseDeps;
}

export async function serviceLinkerApi(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const base = await depsOnce(context);
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
  const response = await route(apiRequest, { ...base, orchestrations, loops, health, preflight, dryRun: dryRunWith(base.sealer), requirementsForChange: requirementsWith(base.sealer) });
  return {
    status: response.status,
    headers: response.headers,
    ...(response.body !== undefined ? { body: JSON.stringify(response.body) } : {}),
  };
}

app.http("serviceLinkerApi", {
  route: "{*path}",
  methods: ["GET", "PUT", "PATCH", "POST", "DELETE"],
  authLevel: "anonymous",
  extraInputs: [df.input.durableClient()],
  handler: serviceLinkerApi,
});
