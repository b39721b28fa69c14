// The Microsoft.ServiceLinker `connectors` REST API (local connections) over fetch: GET, PUT with its long-running
// operation (Azure-AsyncOperation polled until Succeeded / Failed, honouring retry-after-ms / Retry-After), and
// generateConfigurations; plus the resource group's location. One error type for everything the API answers.
import { randomUUID } from "node:crypto";
import type { ConnectorBody } from "./plan.js";
import { connectorId as connectorIdOf, connectorScope, parseConnectorScope, splitConnectorId, type ConnectorScope } from "../model/connector.js";

/** The connectors API version (the newest stable one, where connectors are). */
export const API_VERSION = "2024-04-01";
export const RESOURCE_GROUPS_API_VERSION = "2021-04-01";
export const DEFAULT_ENDPOINT = "https://management.azure.com";

export type { ConnectorScope } from "../model/connector.js";

export function connectorId(scope: ConnectorScope, name: string): string {
  return connectorIdOf(connectorScope(scope), name);
}

export function parseConnectorId(id: string): { scope: ConnectorScope; name: string } | undefined {
  const split = splitConnectorId(id.trim());
  const scope = split && parseConnectorScope(split.sourceId);
  return split && scope ? { scope, name: split.name } : undefined;
}

/** An error answered by the API (or the transport), in ARM's terms. */
export class ConnectorsApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** What the client reports while a PUT runs: the answer to the PUT, then each new state of the operation. */
export type ConnectorProgress =
  | { kind: "accepted"; status: number; operationUrl?: string }
  | { kind: "state"; state: string };

export interface ConnectorsClientOptions {
  /** ARM (or linkwright) endpoint, e.g. https://management.azure.com; plain http only on loopback. */
  endpoint: string;
  /** A bearer token for the endpoint's audience. */
  token: () => Promise<string>;
  /** Between polls when the answer has no retry-after-ms / Retry-After. */
  pollIntervalMs?: number;
  /** How long a PUT may run before the client gives up (the operation goes on on the server). */
  operationTimeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  fetch?: typeof fetch;
}

export interface ConnectorResource {
  id?: string;
  name?: string;
  properties?: Record<string, any>;
  systemData?: Record<string, any>;
  [key: string]: unknown;
}

interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

const TRANSIENT = new Set([408, 429, 500, 502, 503, 504]);
const MAX_ATTEMPTS = 4;
const MAX_WAIT_MS = 60_000;

export class ConnectorsClient {
  private readonly origin: string;
  private readonly base: string;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: ConnectorsClientOptions) {
    const url = new URL(options.endpoint);
    const loopback = ["127.0.0.1", "localhost", "[::1]", "::1"].includes(url.hostname);
    if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
      throw new ConnectorsApiError(0, "InsecureEndpoint", `--endpoint ${options.endpoint}: use https (plain http is accepted only on loopback)`);
    }
    this.origin = url.origin;
    this.base = url.href.replace(/\/+$/, "");
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.fetch = options.fetch ?? fetch;
  }

  /** GET /subscriptions/{s}/resourcegroups/{rg} → its location. */
  async resourceGroupLocation(subscriptionId: string, resourceGroup: string): Promise<string> {
    const r = await this.request("GET", `${this.base}/subscriptions/${subscriptionId}/resourcegroups/${resourceGroup}?api-version=${RESOURCE_GROUPS_API_VERSION}`);
    const location = r.body?.location;
    if (typeof location !== "string" || !location) throw new ConnectorsApiError(r.status, "NoLocation", `resource group ${resourceGroup} has no location`);
    return location;
  }

  /** GET the connector; undefined when it does not exist (404). */
  async get(id: string): Promise<ConnectorResource | undefined> {
    const r = await this.request("GET", this.url(id), undefined, { allowNotFound: true });
    return r.status === 404 ? undefined : (r.body as ConnectorResource);
  }

  /** PUT the connector and follow its operation to the end; the connector as a final GET returns it. */
  async put(id: string, body: ConnectorBody, onProgress: (p: ConnectorProgress) => void = () => {}): Promise<ConnectorResource> {
    const r = await this.request("PUT", this.url(id), body);
    const operationUrl = r.headers.get("azure-asyncoperation") ?? r.headers.get("operation-location") ?? undefined;
    const location = r.headers.get("location") ?? undefined;
    onProgress({ kind: "accepted", status: r.status, ...(operationUrl ? { operationUrl } : {}) });
    const deadline = Date.now() + (this.options.operationTimeoutMs ?? 10 * 60_000);
    let wait = retryAfterMs(r.headers);
    if (operationUrl) {
      await this.followOperation(operationUrl, wait, deadline, id, onProgress);
    } else if (location && r.status === 202) {
      await this.followLocation(location, wait, deadline, id, onProgress);
    } else {
      // No operation to poll: the resource's provisioningState says when it is done (the SDKs' rule for a PUT).
      let state = String(r.body?.properties?.provisioningState ?? "Succeeded");
      onProgress({ kind: "state", state });
      while (!isTerminal(state)) {
        if (Date.now() > deadline) throw stillRunning(id, state);
        await this.sleep(this.interval(wait));
        const g = await this.request("GET", this.url(id));
        wait = retryAfterMs(g.headers);
        const next = String(g.body?.properties?.provisioningState ?? "Succeeded");
        if (next !== state) onProgress({ kind: "state", state: (state = next) });
      }
      if (state.toLowerCase() !== "succeeded") throw new ConnectorsApiError(200, "OperationFailed", `the connector is ${state}`);
    }
    const final = await this.get(id);
    if (!final) throw new ConnectorsApiError(404, "ResourceNotFound", `connector ${id} is gone after its operation succeeded`);
    return final;
  }

  /** POST …/generateConfigurations (no body) → the configuration names and values. */
  async generateConfigurations(id: string): Promise<{ name: string; value?: string | null }[]> {
    const r = await this.request("POST", this.url(id, "/generateConfigurations"));
    const list = r.body?.configurations;
    if (!Array.isArray(list)) throw new ConnectorsApiError(r.status, "InvalidResponse", `generateConfigurations of ${id} returned no 'configurations' array`);
    return list.filter((c: unknown): c is { name: string; value?: string | null } => typeof (c as { name?: unknown })?.name === "string");
  }

  private async followOperation(url: string, wait: number | undefined, deadline: number, id: string, onProgress: (p: ConnectorProgress) => void): Promise<void> {
    let last: string | undefined;
    for (;;) {
      await this.sleep(this.interval(wait));
      const r = await this.request("GET", url);
      wait = retryAfterMs(r.headers);
      const state = String(r.body?.status ?? "Unknown");
      if (state !== last) onProgress({ kind: "state", state: (last = state) });
      if (isTerminal(state)) {
        if (state.toLowerCase() === "succeeded") return;
        const error = r.body?.error ?? {};
        throw new ConnectorsApiError(r.status, String(error.code ?? "OperationFailed"), String(error.message ?? `the operation on ${id} is ${state}`));
      }
      if (Date.now() > deadline) throw stillRunning(id, state);
    }
  }

  /** A Location header: 202 while running, any other 2xx when done. */
  private async followLocation(url: string, wait: number | undefined, deadline: number, id: string, onProgress: (p: ConnectorProgress) => void): Promise<void> {
    onProgress({ kind: "state", state: "Running" });
    for (;;) {
      await this.sleep(this.interval(wait));
      const r = await this.request("GET", url);
      wait = retryAfterMs(r.headers);
      if (r.status !== 202) {
        onProgress({ kind: "state", state: "Succeeded" });
        return;
      }
      if (Date.now() > deadline) throw stillRunning(id, "Running");
    }
  }

  private interval(fromHeader: number | undefined): number {
    return Math.min(MAX_WAIT_MS, Math.max(0, fromHeader ?? this.options.pollIntervalMs ?? 1000));
  }

  private url(id: string, suffix = ""): string {
    return `${this.base}${id}${suffix}?api-version=${API_VERSION}`;
  }

  /** One call, retried on throttling / transient answers and network errors; ARM errors thrown as ConnectorsApiError. */
  private async request(method: string, url: string, body?: unknown, opts: { allowNotFound?: boolean } = {}): Promise<Answer> {
    if (new URL(url).origin !== this.origin) {
      throw new ConnectorsApiError(0, "UntrustedUrl", `the API pointed at ${new URL(url).origin}, not ${this.origin}; the token is not sent there`);
    }
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        response = await this.fetch(url, {
          method,
          headers: {
            authorization: `Bearer ${await this.options.token()}`,
            accept: "application/json",
            "x-ms-client-request-id": randomUUID(),
            "user-agent": "linkwright-cli",
            ...(body !== undefined ? { "content-type": "application/json" } : {}),
          },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
          signal: AbortSignal.timeout(60_000),
        });
      } catch (e) {
        if (attempt < MAX_ATTEMPTS) {
          await this.sleep(backoff(attempt));
          continue;
        }
        const cause = (e as { cause?: { message?: string } }).cause?.message;
        throw new ConnectorsApiError(0, "NetworkError", `${method} ${url.split("?")[0]}: ${(e as Error).message}${cause ? ` (${cause})` : ""}`);
      }
      if (TRANSIENT.has(response.status) && attempt < MAX_ATTEMPTS) {
        await response.text().catch(() => "");
        await this.sleep(Math.min(MAX_WAIT_MS, retryAfterMs(response.headers) ?? backoff(attempt)));
        continue;
      }
      const text = await response.text();
      let parsed: any;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      if (response.status === 404 && opts.allowNotFound) return { status: 404, headers: response.headers, body: parsed };
      if (response.status >= 400) {
        const error = parsed?.error ?? {};
        throw new ConnectorsApiError(response.status, String(error.code ?? `Http${response.status}`),
          `${method} ${url.split("?")[0]} answered ${response.status}: ${String(error.message ?? (text.slice(0, 300) || response.statusText))}`);
      }
      return { status: response.status, headers: response.headers, body: parsed };
    }
  }
}

/** retry-after-ms / x-ms-retry-after-ms (milliseconds), else Retry-After (seconds or an HTTP date). */
export function retryAfterMs(headers: Headers): number | undefined {
  for (const name of ["retry-after-ms", "x-ms-retry-after-ms"]) {
    const v = headers.get(name);
    if (v !== null && /^\d+(\.\d+)?$/.test(v.trim())) return Number(v);
  }
  const v = headers.get("retry-after");
  if (v === null) return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

const TERMINAL = new Set(["succeeded", "failed", "canceled", "cancelled"]);

function isTerminal(state: string): boolean {
  return TERMINAL.has(state.toLowerCase());
}

function backoff(attempt: number): number {
  return Math.min(MAX_WAIT_MS, 1000 * 2 ** (attempt - 1));
}

function stillRunning(id: string, state: string): ConnectorsApiError {
  return new ConnectorsApiError(0, "OperationTimeout", `the operation on ${id} is still ${state}; it goes on in the service: 'linkwright status ${id}' shows how it ends`);
}
