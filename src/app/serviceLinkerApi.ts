// The ServiceLinker API as a Functions HTTP handler: the runtime's API dependencies (src/app/runtime.ts) around the
// router, with the invocation's Durable client bound only when an operation starts. src/functions/serviceLinkerApi.ts
// registers it; overrides exist for benches that compare compositions.
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import { route } from "../api/router.js";
import type { ApiDeps, ApiRequest } from "../api/types.js";
import type { Authorizer } from "../authorization/authorizer.js";
import type { ConnectionOrchestrations } from "../model/operations.js";
import { durableOrchestrations } from "../orchestrations/client.js";
import { appRuntime, type ApiBaseDeps, type Runtime } from "./runtime.js";

export interface ServiceLinkerApiOverrides {
  /** Replaces the runtime's authorizer (a bench's baseline). */
  authorizer?: Authorizer;
  /** Replaces how a change's requirements are derived (planned with linkwright's reads by default). */
  requirementsForChange?: ApiDeps["requirementsForChange"];
  /** The runtime (default: the worker's, from its app settings). */
  runtime?: () => Runtime;
}

export function createServiceLinkerApi(overrides: ServiceLinkerApiOverrides = {}) {
  let base: Promise<ApiBaseDeps> | undefined;
  const depsOnce = (context: InvocationContext): Promise<ApiBaseDeps> =>
    (base ??= (overrides.runtime ?? appRuntime)().api((error, where) =>
      context.error(`ServiceLinker API ${where.method} ${where.path} failed (request ${where.requestId}):`, error instanceof Error ? error.message : String(error)),
    ).catch((error: unknown) => {
      base = undefined;
      throw error;
    }));

  return async function serviceLinkerApi(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
    const deps = await depsOnce(context);
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => { headers[name.toLowerCase()] = value; });
    const apiRequest: ApiRequest = { method: request.method, url: request.url, headers };
    if (request.method !== "GET" && request.method !== "HEAD" && request.method !== "DELETE") apiRequest.body = await request.text();
    // The Durable client is bound only when an operation starts (GET/list never need it).
    const orchestrations: ConnectionOrchestrations = {
      startCreateOrUpdate: (input) => durableOrchestrations(df.getClient(context)).startCreateOrUpdate(input),
      startDelete: (input) => durableOrchestrations(df.getClient(context)).startDelete(input),
      startValidate: (input) => durableOrchestrations(df.getClient(context)).startValidate(input),
    };
    const response = await route(apiRequest, {
      ...deps, orchestrations,
      ...(overrides.authorizer ? { authorizer: overrides.authorizer } : {}),
      ...(overrides.requirementsForChange ? { requirementsForChange: overrides.requirementsForChange } : {}),
    });
    return {
      status: response.status,
      headers: response.headers,
      ...(response.body !== undefined ? { body: JSON.stringify(response.body) } : {}),
    };
  };
}
