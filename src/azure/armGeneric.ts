// Generic ARM reads and POST actions on any resource, through the pipeline of an official SDK client
// (same credential, retry and Retry-After handling as every other call). Used where the catalogue names
// the resource and action (target facts, listKeys-style secret actions) so one code path serves every target.
import { createDefaultHttpClient, createHttpHeaders, createPipelineRequest, RestError } from "@azure/core-rest-pipeline";
import type { ArmClients } from "./clients.js";
import { subscriptionOf } from "./resourceId.js";
import { apiVersionFor } from "./apiVersions.js";

const httpClient = createDefaultHttpClient();

async function send(clients: ArmClients, armEndpoint: string, method: "GET" | "POST", path: string, body?: unknown): Promise<unknown> {
  const sub = subscriptionOf(path);
  if (!sub) throw new Error(`Not a resource path: ${path}`);
  const client = clients.resources(sub);
  const request = createPipelineRequest({
    url: `${armEndpoint.replace(/\/+$/, "")}${path}`,
    method,
    headers: createHttpHeaders({ "content-type": "application/json", accept: "application/json" }),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const response = await client.pipeline.sendRequest(httpClient, request);
  const text = response.bodyAsText ?? "";
  const parsed = text ? JSON.parse(text) : undefined;
  if (response.status >= 300) {
    const err = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new RestError(err?.message ?? `ARM ${method} ${path} failed with ${response.status}`, {
      code: err?.code, statusCode: response.status, request, response,
    });
  }
  return parsed;
}

export interface GenericArm {
  /** GET of any resource, raw wire JSON (properties not flattened). */
  getResource(resourceId: string): Promise<Record<string, unknown>>;
  /** POST {resourceId}/{action} (e.g. listKeys), raw wire JSON. */
  invokeAction(resourceId: string, action: string, body?: unknown): Promise<unknown>;
  /** GET /subscriptions/{id}: its tenant (ARM answers 401 InvalidAuthenticationTokenTenant for another tenant's). */
  getSubscription(subscriptionId: string): Promise<{ subscriptionId: string; tenantId?: string }>;
}

export function genericArm(clients: ArmClients): GenericArm {
  const endpoint = clients.armEndpoint;
  return {
    async getResource(resourceId) {
      return (await send(clients, endpoint, "GET", `${resourceId}?api-version=${apiVersionFor(resourceId)}`)) as Record<string, unknown>;
    },
    async invokeAction(resourceId, action, body) {
      return send(clients, endpoint, "POST", `${resourceId}/${action}?api-version=${apiVersionFor(resourceId)}`, body ?? {});
    },
    async getSubscription(subscriptionId) {
      return (await send(clients, endpoint, "GET", `/subscriptions/${encodeURIComponent(subscriptionId)}?api-version=2022-12-01`)) as { subscriptionId: string; tenantId?: string };
    },
  };
}
