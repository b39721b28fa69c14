// The App Configuration key-values data plane of one store, on its own HTTPS origin (the store's `endpoint`), as
// @azure/app-configuration 1.13.0 calls it:
//   GET|HEAD /kv/{key}?label=   PUT /kv/{key}?label=   DELETE /kv/{key}?label=   GET /kv?key=&label=&After=&$Select=
//   PUT|DELETE /locks/{key}?label=  (setReadOnly)
// Conditional requests: If-Match (412 on mismatch / missing), If-None-Match (`*` on PUT: 412 when it exists; an
// etag on GET: 304 when unchanged). Lists page by 100 with `@nextLink` in the body and a `Link: <…>; rel="next"`
// header. Content types: application/vnd.microsoft.appconfig.kv+json / kvset+json; errors application/problem+json.
// Auth: Entra bearer tokens for audience https://azconfig.io or https://appconfig.azure.com (the SDK's default for a
// host outside azconfig.io),
// authorised by the data actions of App Configuration Data Owner / Reader (services.isAuthorized at the store id);
// or HMAC-SHA256 with an access key from listKeys (a read-only key cannot write).
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Caller, CoreServices, ResourceStore, StoredResource } from "../../core/contract.js";
import { asObject } from "../kit/request-body.js";
import { findKv, kvWire, matchesFilters, newEtag, sortKvs, type KeyValue } from "./key-values.js";
import type { AccessKey } from "./stores.js";

/** Entra audiences of the data plane: the documented one, and the one @azure/app-configuration 1.13 asks for on a non-azconfig.io host. */
export const APPCONFIG_AUDIENCES = ["https://azconfig.io", "https://appconfig.azure.com"];
const PAGE_SIZE = 100;
const KV_TYPE = "application/vnd.microsoft.appconfig.kv+json; charset=utf-8";
const KVSET_TYPE = "application/vnd.microsoft.appconfig.kvset+json; charset=utf-8";
const ACTIONS = {
  read: "Microsoft.AppConfiguration/configurationStores/keyValues/read",
  write: "Microsoft.AppConfiguration/configurationStores/keyValues/write",
  delete: "Microsoft.AppConfiguration/configurationStores/keyValues/delete",
} as const;

class ProblemError extends Error {
  constructor(readonly status: number, readonly type: string, readonly title: string, readonly extra: Record<string, unknown> = {}) { super(title); }
}

type StoreWithData = StoredResource & { keyValues?: KeyValue[]; accessKeys?: AccessKey[]; syncSeq?: number };

export interface AppConfigDataPlaneOptions {
  store: ResourceStore;
  services: CoreServices;
  storeId: string;
}

type Principal = { kind: "entra"; caller: Caller } | { kind: "key"; readOnly: boolean };

export function appConfigDataPlaneHandler(opts: AppConfigDataPlaneOptions) {
  return async (req: IncomingMessage & { body: Buffer }, res: ServerResponse): Promise<void> => {
    const headers: Record<string, string> = { "x-ms-request-id": crypto.randomUUID() };
    if (req.headers["x-ms-client-request-id"]) headers["x-ms-client-request-id"] = String(req.headers["x-ms-client-request-id"]);
    try {
      const resource = opts.store.get(opts.storeId) as StoreWithData | undefined;
      if (!resource) throw new ProblemError(404, "https://azconfig.io/errors/not-found", "The configuration store was not found.");
      const raw = req.url ?? "/";
      const q = raw.indexOf("?");
      const pathname = q < 0 ? raw : raw.slice(0, q);
      const query = new URLSearchParams(q < 0 ? "" : raw.slice(q + 1));
      const principal = await authenticate(opts.services, resource, req, pathname + (q < 0 ? "" : raw.slice(q)));
      if (!principal) {
        send(res, 401, undefined, { ...headers, "www-authenticate": `Bearer realm="", error="invalid_token", error_description="The access token is missing or invalid"` });
        return;
      }
      const result = handle(opts, resource, principal, req.method ?? "GET", pathname, query, req);
      send(res, result.status, req.method === "HEAD" ? undefined : result.body, { ...headers, ...result.headers });
    } catch (e) {
      if (e instanceof ProblemError) {
        const body = e.status === 304 ? undefined : { type: e.type, title: e.title, status: e.status, ...e.extra };
        send(res, e.status, body, { ...headers, "content-type": "application/problem+json; charset=utf-8" });
      } else {
        send(res, 500, { type: "https://azconfig.io/errors/internal", title: "Internal server error", status: 500 }, { ...headers, "content-type": "application/problem+json; charset=utf-8" });
      }
    }
  };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, { ...(body !== undefined && !headers["content-type"] ? { "content-type": KV_TYPE } : {}), "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

async function authenticate(services: CoreServices, resource: StoreWithData, req: IncomingMessage & { body: Buffer }, pathAndQuery: string): Promise<Principal | undefined> {
  const header = req.headers.authorization;
  if (!header) return undefined;
  if (/^HMAC-SHA256 /i.test(header)) return hmacPrincipal(resource, req, header, pathAndQuery);
  if (asObject(resource.properties).disableLocalAuth === true && !/^Bearer /i.test(header)) return undefined;
  for (const audience of APPCONFIG_AUDIENCES) {
    const caller = await services.authenticate(header, audience);
    if (caller) return { kind: "entra", caller };
  }
  return undefined;
}

/** Verifies `HMAC-SHA256 Credential=<id>&SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=<sig>`. */
function hmacPrincipal(resource: StoreWithData, req: IncomingMessage & { body: Buffer }, header: string, pathAndQuery: string): Principal | undefined {
  if (asObject(resource.properties).disableLocalAuth === true) return undefined;
  // Not URLSearchParams: the base64 signature's `+` must not become a space.
  const params = new Map(header.replace(/^HMAC-SHA256 /i, "").split("&").map((p) => [p.slice(0, p.indexOf("=")), p.slice(p.indexOf("=") + 1)] as const));
  const key = (resource.accessKeys ?? []).find((k) => k.id === params.get("Credential"));
  const signed = (params.get("SignedHeaders") ?? "").split(";").filter(Boolean);
  if (!key || signed.length === 0) return undefined;
  const contentHash = createHash("sha256").update(req.body).digest("base64");
  if (req.headers["x-ms-content-sha256"] !== contentHash) return undefined;
  const values = signed.map((h) => (h.toLowerCase() === "host" ? req.headers.host ?? "" : String(req.headers[h.toLowerCase()] ?? "")));
  const date = Date.parse(String(req.headers["x-ms-date"] ?? ""));
  if (!Number.isFinite(date) || Math.abs(Date.now() - date) > 15 * 60_000) return undefined;
  const expected = createHmac("sha256", Buffer.from(key.value, "base64")).update(`${req.method}\n${pathAndQuery}\n${values.join(";")}`).digest();
  const given = Buffer.from(params.get("Signature") ?? "", "base64");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  return { kind: "key", readOnly: key.readOnly };
}

function authorize(opts: AppConfigDataPlaneOptions, resource: StoreWithData, principal: Principal, action: keyof typeof ACTIONS): void {
  if (principal.kind === "key") {
    if (action !== "read" && principal.readOnly) throw new ProblemError(403, "https://azconfig.io/errors/forbidden", "Forbidden: the access key is read-only.");
    return;
  }
  if (!opts.services.isAuthorized(principal.caller, ACTIONS[action], resource.id, "dataAction")) {
    throw new ProblemError(403, "https://azconfig.io/errors/forbidden", "Forbidden", {
      detail: `The principal '${principal.caller.objectId}' does not have the data action '${ACTIONS[action]}' on '${resource.id}'.`,
    });
  }
}

interface Result { status: number; body?: unknown; headers?: Record<string, string> }

function handle(opts: AppConfigDataPlaneOptions, resource: StoreWithData, principal: Principal, method: string, pathname: string,
  query: URLSearchParams, req: IncomingMessage & { body: Buffer }): Result {
  const segs = pathname.split("/").filter(Boolean);
  const collection = segs[0]?.toLowerCase();
  if (!query.get("api-version")) throw new ProblemError(400, "https://azconfig.io/errors/invalid-argument", "Invalid request parameter 'api-version'", { name: "api-version", detail: "The api-version query parameter is required." });
  const ifMatch = header(req, "if-match");
  const ifNoneMatch = header(req, "if-none-match");
  const label = query.has("label") && query.get("label") !== "\0" ? query.get("label") : null;
  const items = resource.keyValues ?? [];
  const save = (next: KeyValue[]): Record<string, string> => {
    const seq = (resource.syncSeq ?? 0) + 1;
    opts.store.put({ ...resource, keyValues: next, syncSeq: seq });
    return { "sync-token": `${resource.name}=${Buffer.from(String(seq)).toString("base64")};sn=${seq}` };
  };

  if (collection === "kv" && segs.length === 1 && (method === "GET" || method === "HEAD")) {
    authorize(opts, resource, principal, "read");
    const after = query.get("After") ?? query.get("after");
    const select = selectFields(query);
    const matching = sortKvs(items).filter((kv) => matchesFilters(kv, query.get("key"), query.get("label")));
    const start = after ? Number(Buffer.from(after, "base64url").toString("utf8")) || 0 : 0;
    const page = matching.slice(start, start + PAGE_SIZE);
    const etag = createHash("sha256").update(JSON.stringify(page.map((kv) => kv.etag))).digest("base64url");
    const headers: Record<string, string> = { "content-type": KVSET_TYPE, etag: `"${etag}"` };
    let nextLink: string | undefined;
    if (start + PAGE_SIZE < matching.length) {
      const next = new URLSearchParams(query);
      next.delete("After");
      next.set("after", Buffer.from(String(start + PAGE_SIZE)).toString("base64url"));
      nextLink = `/kv?${next.toString()}`;
      headers.link = `<${nextLink}>; rel="next"`;
    }
    if (ifNoneMatch && unquote(ifNoneMatch) === etag) throw new ProblemError(304, "", "");
    return { status: 200, headers, body: { items: page.map((kv) => kvWire(kv, select)), ...(nextLink ? { "@nextLink": nextLink } : {}) } };
  }

  if ((collection === "kv" || collection === "locks") && segs.length >= 2) {
    const key = decodeURIComponent(pathname.slice(pathname.indexOf("/", 1) + 1));
    const existing = findKv(items, key, label);
    const checkIfMatch = () => {
      if (ifMatch && (!existing || (ifMatch !== "*" && unquote(ifMatch) !== existing.etag))) {
        throw new ProblemError(412, "https://azconfig.io/errors/precondition-failed", "Precondition Failed");
      }
    };
    const one = (kv: KeyValue, status = 200, extra: Record<string, string> = {}): Result => ({
      status, body: kvWire(kv, selectFields(query)),
      headers: { "content-type": KV_TYPE, etag: `"${kv.etag}"`, "last-modified": new Date(kv.last_modified).toUTCString(), ...extra },
    });
    const locked = () => new ProblemError(409, "https://azconfig.io/errors/key-locked", "Modifying key-value with read-only in not allowed", {
      name: key, detail: "The key-value is read-only. To allow modification unlock it first.",
    });

    if (collection === "kv" && (method === "GET" || method === "HEAD")) {
      authorize(opts, resource, principal, "read");
      if (!existing) throw new ProblemError(404, "https://azconfig.io/errors/key-value-not-found", "Key-value not found", { name: key });
      checkIfMatch();
      if (ifNoneMatch && (ifNoneMatch === "*" || unquote(ifNoneMatch) === existing.etag)) throw new ProblemError(304, "", "");
      return one(existing);
    }
    if (collection === "kv" && method === "PUT") {
      authorize(opts, resource, principal, "write");
      checkIfMatch();
      if (ifNoneMatch === "*" && existing) throw new ProblemError(412, "https://azconfig.io/errors/precondition-failed", "Precondition Failed");
      if (existing?.locked) throw locked();
      if (key === "" || key === "." || key === ".." || key.includes("%")) throw new ProblemError(400, "https://azconfig.io/errors/invalid-argument", "Invalid key", { name: "key", detail: `The key '${key}' is invalid.` });
      const body = parseBody(req.body);
      const kv: KeyValue = {
        key, label, value: typeof body.value === "string" ? body.value : null,
        content_type: typeof body.content_type === "string" ? body.content_type : null,
        tags: stringMap(body.tags), locked: false, last_modified: new Date().toISOString(), etag: newEtag(),
      };
      const sync = save([...items.filter((x) => x !== existing), kv]);
      return one(kv, 200, sync);
    }
    if (collection === "kv" && method === "DELETE") {
      authorize(opts, resource, principal, "delete");
      checkIfMatch();
      if (!existing) return { status: 204 };
      if (existing.locked) throw locked();
      const sync = save(items.filter((x) => x !== existing));
      return one(existing, 200, sync);
    }
    if (collection === "locks" && (method === "PUT" || method === "DELETE")) {
      authorize(opts, resource, principal, "write");
      if (!existing) throw new ProblemError(404, "https://azconfig.io/errors/key-value-not-found", "Key-value not found", { name: key });
      checkIfMatch();
      const kv: KeyValue = { ...existing, locked: method === "PUT", last_modified: new Date().toISOString(), etag: newEtag() };
      const sync = save(items.map((x) => (x === existing ? kv : x)));
      return one(kv, 200, sync);
    }
  }
  throw new ProblemError(400, "https://azconfig.io/errors/not-implemented",
    `The operation ${method} ${pathname} is not supported by the emulated App Configuration store (only /kv and /locks are implemented).`);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function unquote(etag: string): string {
  return etag.replace(/^W\//, "").replace(/^"(.*)"$/, "$1");
}

function selectFields(query: URLSearchParams): string[] | undefined {
  const s = query.get("$Select") ?? query.get("$select");
  return s ? s.split(",").map((x) => x.trim()).filter(Boolean) : undefined;
}

function parseBody(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  try {
    return asObject(JSON.parse(body.toString("utf8")));
  } catch {
    throw new ProblemError(400, "https://azconfig.io/errors/invalid-argument", "Invalid request body", { detail: "The request body is not valid JSON." });
  }
}

function stringMap(v: unknown): Record<string, string> {
  return Object.fromEntries(Object.entries(asObject(v)).map(([k, x]) => [k, String(x)]));
}
