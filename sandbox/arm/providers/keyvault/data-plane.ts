// The Key Vault secrets data plane of one vault, served on its own HTTPS origin (services.listenDataPlane) so that
// secret ids are exactly `origin/secrets/{name}/{version}` as @azure/keyvault-common's parseKeyVaultIdentifier
// requires. Authentication is Key Vault's challenge protocol: a request without a valid token gets 401 with
// `WWW-Authenticate: Bearer authorization="<authority>/<tenant>", resource="https://vault.azure.net"`; the SDK then
// retries with a token for that resource. The SDK checks that the challenge resource's host is a suffix of the
// vault host, which a loopback origin can never satisfy, so clients pass
// `disableChallengeResourceVerification: true` (a documented SecretClient option; reference arm-surface §2.6).
// Authorization: RBAC data actions (services.isAuthorized) when the vault uses the RBAC model, access policies otherwise.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Caller, CoreServices, ResourceStore, StoredResource } from "../../core/contract.js";
import { asObject } from "../kit/request-body.js";
import { parseAccessPolicies, policiesGrant } from "./access-policies.js";
import { SECRET_NAME, SecretStore, type StoredSecret, type VaultSettings } from "./secret-store.js";

export const VAULT_AUDIENCE = "https://vault.azure.net";
const AUTHORITY = "https://login.microsoftonline.com";
const DEFAULT_PAGE = 25;

class KvError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly inner?: string) { super(message); }
}

interface Op {
  /** RBAC data action. */
  dataAction: string;
  /** Access-policy secret permission. */
  permission: string;
  run(): unknown | Promise<unknown>;
  status?: number;
}

export interface VaultDataPlaneOptions {
  store: ResourceStore;
  services: CoreServices;
  vaultId: string;
  /** Returns this plane's origin (known only after listening). */
  origin: () => string;
}

export function vaultDataPlaneHandler(opts: VaultDataPlaneOptions) {
  return async (req: IncomingMessage & { body: Buffer }, res: ServerResponse): Promise<void> => {
    const requestId = crypto.randomUUID();
    try {
      const vault = opts.store.get(opts.vaultId);
      if (!vault) throw new KvError(404, "VaultNotFound", `The vault '${opts.vaultId.split("/").pop()}' was not found.`);
      const url = new URL(req.url ?? "/", "http://vault.invalid");
      if (!url.searchParams.get("api-version")) throw new KvError(400, "BadParameter", "The 'api-version' query parameter is missing.");
      const header = req.headers.authorization;
      const caller = header ? await opts.services.authenticate(header, VAULT_AUDIENCE) : undefined;
      if (!caller) {
        send(res, 401, { error: { code: "Unauthorized", message: header ? "AKV10022: Invalid audience or the access token is invalid or expired." : "AKV10000: Request is missing a Bearer or PoP token." } }, {
          "www-authenticate": `Bearer authorization="${AUTHORITY}/${opts.services.tenantId}", resource="${VAULT_AUDIENCE}"`,
        }, requestId);
        return;
      }
      const op = route(req.method ?? "GET", url, req.body, new SecretStore(opts.store, vault.id, opts.origin()), vaultSettings(vault));
      authorize(opts.services, vault, caller, op, url);
      const body = await op.run();
      send(res, op.status ?? 200, body, {}, requestId);
    } catch (e) {
      if (e instanceof KvError) {
        send(res, e.status, { error: { code: e.code, message: e.message, ...(e.inner ? { innererror: { code: e.inner } } : {}) } }, {}, requestId);
      } else {
        send(res, 500, { error: { code: "InternalServerError", message: `Internal error; request id ${requestId}.` } }, {}, requestId);
      }
    }
  };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>, requestId: string): void {
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "x-ms-request-id": requestId, "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

function vaultSettings(vault: StoredResource): VaultSettings {
  const p = asObject(vault.properties);
  return { softDelete: p.enableSoftDelete !== false, retentionDays: typeof p.softDeleteRetentionInDays === "number" ? p.softDeleteRetentionInDays : 90 };
}

function authorize(services: CoreServices, vault: StoredResource, caller: Caller, op: Op, url: URL): void {
  const p = asObject(vault.properties);
  const secretName = /^\/(?:deleted)?secrets\/([^/]+)/i.exec(url.pathname)?.[1];
  const scope = secretName ? `${vault.id}/secrets/${secretName}` : vault.id;
  const who = `appid=${caller.appId ?? ""};oid=${caller.objectId};iss=https://sts.windows.net/${caller.tenantId}/`;
  const where = `${vault.name};location=${vault.location ?? ""}`;
  if (p.enableRbacAuthorization === true) {
    if (services.isAuthorized(caller, op.dataAction, scope, "dataAction")) return;
    throw new KvError(403, "Forbidden",
      `Caller is not authorized to perform action on resource.\r\nIf role assignments, deny assignments or role definitions were changed recently, please observe propagation time.\r\nCaller: ${who}\r\nAction: '${op.dataAction}'\r\nResource: '${scope.toLowerCase()}'\r\nAssignment: (not found)\r\nDenyAssignmentId: null\r\nDecisionReason: null \r\nVault: ${where}\r\n`,
      "ForbiddenByRbac");
  }
  if (policiesGrant(parseAccessPolicies(p.accessPolicies), caller.objectId, op.permission)) return;
  throw new KvError(403, "Forbidden",
    `The user, group or application '${who}' does not have secrets ${op.permission} permission on key vault '${where}'. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125287`,
    "AccessDenied");
}

function parseJson(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  try {
    return asObject(JSON.parse(body.toString("utf8")));
  } catch {
    throw new KvError(400, "BadParameter", "The request body is not valid JSON.");
  }
}

function notFound(name: string): KvError {
  return new KvError(404, "SecretNotFound", `A secret with (name/id) ${name} was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182`);
}

function attributesInput(a: unknown): { enabled?: boolean; nbf?: number; exp?: number } {
  const o = asObject(a);
  return {
    ...(typeof o.enabled === "boolean" ? { enabled: o.enabled } : {}),
    ...(typeof o.nbf === "number" ? { nbf: o.nbf } : {}), ...(typeof o.exp === "number" ? { exp: o.exp } : {}),
  };
}

function paged<T>(items: T[], url: URL, origin: string, path: string): { value: T[]; nextLink: string | null } {
  const max = Math.min(Math.max(Number(url.searchParams.get("maxresults") ?? DEFAULT_PAGE) || DEFAULT_PAGE, 1), 25);
  const skip = Math.max(Number(url.searchParams.get("$skiptoken") ?? 0) || 0, 0);
  const value = items.slice(skip, skip + max);
  const more = skip + max < items.length;
  const next = new URL(`${origin}${path}`);
  next.searchParams.set("api-version", url.searchParams.get("api-version") ?? "");
  next.searchParams.set("maxresults", String(max));
  next.searchParams.set("$skiptoken", String(skip + max));
  return { value, nextLink: more ? next.toString() : null };
}

const SECRETS = "Microsoft.KeyVault/vaults/secrets";

function route(method: string, url: URL, rawBody: Buffer, secrets: SecretStore, settings: VaultSettings): Op {
  const segs = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
  const live = (name: string): StoredSecret => {
    const s = secrets.find(name);
    if (!s || s.deleted) throw notFound(name);
    return s;
  };
  const deleted = (name: string): StoredSecret => {
    const s = secrets.find(name);
    if (!s?.deleted) throw new KvError(404, "SecretNotFound", `Deleted Secret not found: ${name}`);
    return s;
  };
  const version = (s: StoredSecret, v: string | undefined) => {
    if (!v) return secrets.latest(s);
    const found = s.versions.find((x) => x.version === v);
    if (!found) throw notFound(`${s.name}/${v}`);
    return found;
  };
  const [collection, name, third] = segs;
  const c = collection?.toLowerCase();

  if (c === "secrets" && segs.length === 1 && method === "GET") {
    return { dataAction: `${SECRETS}/readMetadata/action`, permission: "list", run: () => paged(secrets.list(false).map((s) => secrets.item(s, settings)), url, secrets.origin, "/secrets") };
  }
  if (c === "secrets" && name !== undefined) {
    if (method === "PUT" && segs.length === 2) {
      return {
        dataAction: `${SECRETS}/setSecret/action`, permission: "set",
        run: () => {
          if (!SECRET_NAME.test(name)) throw new KvError(400, "BadParameter", `The request URI contains an invalid name: ${name}`);
          const body = parseJson(rawBody);
          if (typeof body.value !== "string") throw new KvError(400, "BadParameter", "Property 'value' is required and must be a string.");
          const existing = secrets.find(name);
          if (existing?.deleted) {
            throw new KvError(409, "Conflict", `Secret ${name} is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the secret can only be recovered or purged.`, "ObjectIsDeletedButRecoverable");
          }
          const { secret, version: v } = secrets.set(name, {
            value: body.value, contentType: typeof body.contentType === "string" ? body.contentType : undefined,
            tags: body.tags as Record<string, string> | undefined, ...attributesInput(body.attributes),
          });
          return secrets.bundle(secret, v, settings);
        },
      };
    }
    if (method === "GET" && third?.toLowerCase() === "versions" && segs.length === 3) {
      return {
        dataAction: `${SECRETS}/readMetadata/action`, permission: "list",
        run: () => {
          const s = live(name);
          const items = s.versions.map((v) => ({ ...secrets.bundle(s, v, settings, false) }));
          return paged(items, url, secrets.origin, `/secrets/${name}/versions`);
        },
      };
    }
    if (method === "GET" && segs.length <= 3) {
      return {
        dataAction: `${SECRETS}/getSecret/action`, permission: "get",
        run: () => {
          const s = live(name);
          const v = version(s, third);
          if (!v.enabled) throw new KvError(403, "Forbidden", "Operation get is not allowed on a disabled secret.", "SecretDisabled");
          return secrets.bundle(s, v, settings);
        },
      };
    }
    if (method === "PATCH" && segs.length <= 3) {
      return {
        dataAction: `${SECRETS}/update/action`, permission: "set",
        run: () => {
          const s = live(name);
          const body = parseJson(rawBody);
          const v = secrets.update(s, version(s, third), {
            contentType: typeof body.contentType === "string" ? body.contentType : undefined,
            tags: body.tags as Record<string, string> | undefined, ...attributesInput(body.attributes),
          });
          return secrets.bundle(s, v, settings, false);
        },
      };
    }
    if (method === "DELETE" && segs.length === 2) {
      return {
        dataAction: `${SECRETS}/delete`, permission: "delete",
        run: () => secrets.deletedBundle(secrets.delete(live(name), settings), settings),
      };
    }
  }
  if (c === "deletedsecrets") {
    if (method === "GET" && segs.length === 1) {
      return { dataAction: `${SECRETS}/readMetadata/action`, permission: "list", run: () => paged(secrets.list(true).map((s) => secrets.item(s, settings, true)), url, secrets.origin, "/deletedsecrets") };
    }
    if (method === "GET" && segs.length === 2) {
      return { dataAction: `${SECRETS}/readMetadata/action`, permission: "get", run: () => secrets.deletedBundle(deleted(name!), settings) };
    }
    if (method === "DELETE" && segs.length === 2) {
      return { dataAction: `${SECRETS}/purge/action`, permission: "purge", status: 204, run: () => { secrets.purge(deleted(name!)); return undefined; } };
    }
    if (method === "POST" && segs.length === 3 && third?.toLowerCase() === "recover") {
      return {
        dataAction: `${SECRETS}/recover/action`, permission: "recover",
        run: () => { const s = secrets.recover(deleted(name!)); return secrets.bundle(s, secrets.latest(s), settings, false); },
      };
    }
  }
  throw new KvError(400, "BadParameter", `The operation ${method} ${url.pathname} is not supported by the emulated vault (only the secrets API is implemented).`);
}
