// A stand-in for the `connectors` API (Microsoft.ServiceLinker local connections) on loopback HTTP, until the server
// lands (issue #16 part 1): the calls the CLI makes, answered in the shape the reference documents (PUT 201 +
// Azure-AsyncOperation + retry-after-ms, an operation that runs then succeeds, GET, generateConfigurations with the
// customizedKeys applied, the resource group's location). It records every call, so tests pin the wire contract.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedCall {
  method: string;
  /** Path as sent (casing kept), without the query. */
  path: string;
  apiVersion: string | null;
  body: any;
  authorization: string | undefined;
}

export interface FakeConnectorsApi {
  endpoint: string;
  calls: RecordedCall[];
  connectors: Map<string, any>;
  /** Make the next operation on this connector name fail with this error. */
  failNext(name: string, error: { code: string; message: string }): void;
  /** Answer the next request with 429 and retry-after-ms. */
  throttleNext(): void;
  /** Make operation status URLs point at another origin (the CLI must not send its token there). */
  foreignOperationUrls(on: boolean): void;
  close(): Promise<void>;
}

const CONNECTOR = /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/providers\/microsoft\.servicelinker\/locations\/([^/]+)\/connectors\/([^/]+)(\/generateconfigurations)?$/i;
const OPERATION = /^\/subscriptions\/([^/]+)\/providers\/microsoft\.servicelinker\/locations\/([^/]+)\/operationstatuses\/([^/]+)$/i;
const RESOURCE_GROUP = /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)$/i;

/** What a connector generates for its target, by Service Connector's default name (userAccount, non-Spring). */
function generate(target: string): Record<string, string> {
  const name = (after: string) => new RegExp(`/${after}/([^/]+)`, "i").exec(target)?.[1]?.toLowerCase() ?? "x";
  if (/\/blobServices\/default$/i.test(target)) return { AZURE_STORAGEBLOB_RESOURCEENDPOINT: `https://${name("storageAccounts")}.blob.core.windows.net/` };
  if (/\/queueServices\/default$/i.test(target)) return { AZURE_STORAGEQUEUE_RESOURCEENDPOINT: `https://${name("storageAccounts")}.queue.core.windows.net/` };
  if (/\/tableServices\/default$/i.test(target)) return { AZURE_STORAGETABLE_RESOURCEENDPOINT: `https://${name("storageAccounts")}.table.core.windows.net/` };
  if (/Microsoft\.ServiceBus\/namespaces\/[^/]+$/i.test(target)) return { AZURE_SERVICEBUS_FULLYQUALIFIEDNAMESPACE: `${name("namespaces")}.servicebus.windows.net` };
  if (/Microsoft\.EventHub\/namespaces\/[^/]+$/i.test(target)) return { AZURE_EVENTHUB_FULLYQUALIFIEDNAMESPACE: `${name("namespaces")}.servicebus.windows.net` };
  return {};
}

export async function startFakeConnectorsApi(options: { location?: string } = {}): Promise<FakeConnectorsApi> {
  const calls: RecordedCall[] = [];
  const connectors = new Map<string, any>();
  const operations = new Map<string, { connectorKey: string; polls: number; error?: { code: string; message: string } }>();
  const failures = new Map<string, { code: string; message: string }>();
  let throttle = false;
  let foreign = false;
  let counter = 0;

  const server: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const body = text ? JSON.parse(text) : undefined;
    calls.push({ method: req.method!, path: url.pathname, apiVersion: url.searchParams.get("api-version"), body, authorization: req.headers.authorization });
    const send = (status: number, json?: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { ...(json !== undefined ? { "content-type": "application/json" } : {}), ...headers });
      res.end(json !== undefined ? JSON.stringify(json) : undefined);
    };
    if (!req.headers.authorization?.startsWith("Bearer ")) return send(401, { error: { code: "AuthenticationFailed", message: "no token" } });
    if (throttle) {
      throttle = false;
      return send(429, { error: { code: "TooManyRequests", message: "slow down" } }, { "retry-after-ms": "20" });
    }
    let m: RegExpExecArray | null;
    if ((m = RESOURCE_GROUP.exec(url.pathname)) && req.method === "GET") {
      return send(200, { id: url.pathname, name: m[2], location: options.location ?? "westeurope", properties: { provisioningState: "Succeeded" } });
    }
    if ((m = OPERATION.exec(url.pathname)) && req.method === "GET") {
      const op = operations.get(m[3]!);
      if (!op) return send(404, { error: { code: "NotFound", message: "no such operation" } });
      op.polls++;
      const connector = connectors.get(op.connectorKey);
      if (op.polls === 1) return send(200, { id: url.pathname, name: m[3], status: "Running" }, { "retry-after-ms": "10" });
      if (op.error) {
        connector.properties.provisioningState = "Failed";
        return send(200, { id: url.pathname, name: m[3], status: "Failed", error: op.error });
      }
      connector.properties.provisioningState = "Succeeded";
      return send(200, { id: url.pathname, name: m[3], status: "Succeeded", resourceId: connector.id });
    }
    if ((m = CONNECTOR.exec(url.pathname))) {
      const [, sub, rg, location, name, generateConfigurations] = m;
      const key = `${sub}/${rg}/${location}/${name}`.toLowerCase();
      const id = `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.ServiceLinker/locations/${location}/connectors/${name}`;
      const existing = connectors.get(key);
      if (generateConfigurations && req.method === "POST") {
        if (!existing) return send(404, { error: { code: "ResourceNotFound", message: "no connector" } });
        const renamed = existing.properties.configurationInfo?.customizedKeys ?? {};
        const generated = generate(existing.properties.targetService.id);
        return send(200, { configurations: Object.entries(generated).map(([n, value]) => ({ name: renamed[n] ?? n, value, configType: "Default" })) });
      }
      if (req.method === "GET") return existing ? send(200, existing) : send(404, { error: { code: "ResourceNotFound", message: `connector ${name} not found` } });
      if (req.method === "PUT") {
        const now = new Date().toISOString();
        const resource = {
          id, name, type: "microsoft.servicelinker/locations/connectors",
          systemData: { createdBy: existing?.systemData.createdBy ?? "dev@contoso", createdAt: existing?.systemData.createdAt ?? now, lastModifiedBy: "dev@contoso", lastModifiedAt: now },
          properties: { ...body.properties, provisioningState: "Accepted" },
        };
        connectors.set(key, resource);
        const opId = `op${++counter}`;
        const error = failures.get(name!.toLowerCase());
        failures.delete(name!.toLowerCase());
        operations.set(opId, { connectorKey: key, polls: 0, ...(error ? { error } : {}) });
        const origin = foreign ? "http://127.0.0.2:1" : `http://${req.headers.host}`;
        return send(201, resource, {
          "azure-asyncoperation": `${origin}/subscriptions/${sub}/providers/Microsoft.ServiceLinker/locations/${location}/operationStatuses/${opId}?api-version=${url.searchParams.get("api-version")}`,
          "retry-after-ms": "10",
        });
      }
    }
    send(404, { error: { code: "NotFound", message: `${req.method} ${url.pathname}` } });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    connectors,
    failNext: (name, error) => void failures.set(name.toLowerCase(), error),
    throttleNext: () => void (throttle = true),
    foreignOperationUrls: (on) => void (foreign = on),
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** An unsigned JWT-shaped token with an `oid`, as LINKWRIGHT_ACCESS_TOKEN. */
export function fakeToken(oid = "11111111-2222-3333-4444-555555555555"): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
  return `${part({ alg: "none", typ: "JWT" })}.${part({ oid, aud: "https://management.azure.com/" })}.x`;
}
