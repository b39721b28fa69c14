// Every app setting linkwright reads, in one module: each read once, typed, validated, with one default. Nothing else in
// src/ touches process.env (test/guards/settings-read-once.test.ts); the composition root (src/app/runtime.ts) reads
// `readSettings(process.env)` once per worker and hands each part what it needs. The README's settings table and
// infra/ are checked against this file (test/infra).
import { parseAllowedRoles, parseDeniedSettings, type GuardPolicy } from "../catalogue/index.js";
import { parseEndpointRoutes, type EndpointRoutes } from "../databases/endpoints.js";
import { parseAllowList } from "../loops/allowList.js";
import type { AllowListEntry } from "../loops/model.js";

export type Env = Record<string, string | undefined>;

// ── helpers ──────────────────────────────────────────────────────────────────────────────────────────────────────

function required(env: Env, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`App setting ${name} is required.`);
  return value;
}

function positiveInt(env: Env, name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new Error(`${name} must be an integer from 1 to ${max}.`);
  return n;
}

function flag(name: string, value: string | undefined): boolean {
  const raw = (value ?? "false").toLowerCase();
  if (raw !== "true" && raw !== "false") throw new Error(`${name} must be true or false.`);
  return raw === "true";
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

// ── linkwright's own storage (tables, queues) ────────────────────────────────────────────────────────────────────

/** How linkwright reaches its own storage account: a connection string, or (keyless) service URIs and an identity —
 *  the forms the Functions host itself accepts for AzureWebJobsStorage. */
export type StorageAccount =
  | { kind: "connectionString"; connectionString: string }
  | { kind: "identity"; tableServiceUri: string; queueServiceUri: string; blobServiceUri: string; /** user-assigned identity */ clientId?: string };

export interface StorageSettings {
  /** AzureWebJobsStorage: Durable state, the event and notification queues. */
  host: StorageAccount;
  /** Where the connection tables live: LINKWRIGHT_STORAGE (a connection string) or else the host's account. */
  tables: StorageAccount;
  /** LINKWRIGHT_STORAGE_ALLOW_INSECURE=true: http:// endpoints (a local emulator without TLS) are allowed. */
  allowInsecure: boolean;
  /** LINKWRIGHT_TABLE_PREFIX: table-name prefix (letters and digits), so several installs share an account. */
  tablePrefix: string;
}

/** The storage account AzureWebJobsStorage names: a connection string, or its identity-based form
 *  (`__accountName`, or `__tableServiceUri` + `__queueServiceUri` + `__blobServiceUri`; `__credential=managedidentity`
 *  and an optional `__clientId`), as the Functions host reads it. */
function readHostStorage(env: Env): StorageAccount {
  const connectionString = env["AzureWebJobsStorage"];
  if (connectionString) return { kind: "connectionString", connectionString };
  const accountName = env["AzureWebJobsStorage__accountName"];
  const uri = (explicit: string | undefined, service: string) => explicit || (accountName ? `https://${accountName}.${service}.core.windows.net` : undefined);
  const tableServiceUri = uri(env["AzureWebJobsStorage__tableServiceUri"], "table");
  const queueServiceUri = uri(env["AzureWebJobsStorage__queueServiceUri"], "queue");
  const blobServiceUri = uri(env["AzureWebJobsStorage__blobServiceUri"], "blob");
  if (!tableServiceUri || !queueServiceUri || !blobServiceUri) {
    throw new Error("App setting AzureWebJobsStorage (a connection string) or its identity-based form is required: AzureWebJobsStorage__accountName, or all of " +
      "AzureWebJobsStorage__tableServiceUri, __queueServiceUri and __blobServiceUri: linkwright keeps tables and queues there, Durable Functions its state.");
  }
  const credential = env["AzureWebJobsStorage__credential"];
  if (credential !== undefined && credential.toLowerCase() !== "managedidentity") {
    throw new Error(`AzureWebJobsStorage__credential must be managedidentity (or unset), not '${credential}'.`);
  }
  const clientId = env["AzureWebJobsStorage__clientId"];
  return { kind: "identity", tableServiceUri: trimSlash(tableServiceUri), queueServiceUri: trimSlash(queueServiceUri), blobServiceUri: trimSlash(blobServiceUri), ...(clientId ? { clientId } : {}) };
}

export function readStorageSettings(env: Env): StorageSettings {
  const host = readHostStorage(env);
  const tables = env["LINKWRIGHT_STORAGE"];
  const tablePrefix = env["LINKWRIGHT_TABLE_PREFIX"] ?? "";
  if (!/^([A-Za-z][A-Za-z0-9]{0,40})?$/.test(tablePrefix)) throw new Error("LINKWRIGHT_TABLE_PREFIX must be letters and digits, starting with a letter.");
  return {
    host,
    tables: tables ? { kind: "connectionString", connectionString: tables } : host,
    allowInsecure: flag("LINKWRIGHT_STORAGE_ALLOW_INSECURE", env["LINKWRIGHT_STORAGE_ALLOW_INSECURE"]),
    tablePrefix,
  };
}

// ── Azure: ARM endpoint and linkwright's own identity ───────────────────────────────────────────────────────────

export interface AzureSettings {
  /** LINKWRIGHT_ARM_ENDPOINT: ARM endpoint; the public cloud unless overridden (sovereign clouds, a local emulator). */
  armEndpoint: string;
  /** LINKWRIGHT_ARM_AUDIENCE: audience of ARM tokens, e.g. https://management.azure.com/ */
  armAudience: string;
  /** LINKWRIGHT_IDENTITY_CLIENT_ID: client id of a user-assigned identity for linkwright itself (unset: system-assigned). */
  managedIdentityClientId?: string;
  /** LINKWRIGHT_KEYVAULT_DISABLE_CHALLENGE_VERIFICATION=true: honoured only for vaults on a loopback host. */
  disableKeyVaultChallengeResourceVerification: boolean;
  /** LINKWRIGHT_REQUEST_TIMEOUT_MS: how long one attempt of an ARM, Key Vault or App Configuration request may wait for
   *  its answer; unset: no limit (the SDKs configure none). */
  requestTimeoutMs?: number;
}

export function readAzureSettings(env: Env): AzureSettings {
  const clientId = env["LINKWRIGHT_IDENTITY_CLIENT_ID"];
  return {
    armEndpoint: trimSlash(env["LINKWRIGHT_ARM_ENDPOINT"] || "https://management.azure.com"),
    armAudience: env["LINKWRIGHT_ARM_AUDIENCE"] || "https://management.azure.com/",
    ...(clientId ? { managedIdentityClientId: clientId } : {}),
    disableKeyVaultChallengeResourceVerification: flag("LINKWRIGHT_KEYVAULT_DISABLE_CHALLENGE_VERIFICATION", env["LINKWRIGHT_KEYVAULT_DISABLE_CHALLENGE_VERIFICATION"]),
    ...(env["LINKWRIGHT_REQUEST_TIMEOUT_MS"] ? { requestTimeoutMs: positiveInt(env, "LINKWRIGHT_REQUEST_TIMEOUT_MS", 0) } : {}),
  };
}

// ── who may call, and how their permissions are learnt ──────────────────────────────────────────────────────────

export interface AuthorizationSettings {
  /** LINKWRIGHT_OPENID_ISSUER: the issuer whose JWKS signs callers' tokens. */
  openIdIssuer: string;
  /** LINKWRIGHT_AUDIENCE: linkwright's own audience (its app registration's identifier URI, e.g. api://{clientId}). */
  appAudience?: string;
  /** LINKWRIGHT_APP_CLIENT_ID: the app registration's client id (default: the GUID in LINKWRIGHT_AUDIENCE). Needed to
   *  exchange users' tokens on-behalf-of them. */
  appClientId?: string;
  /** LINKWRIGHT_APP_CERTIFICATE_PATH: a PEM certificate credential of the app registration (default: linkwright's
   *  managed identity as a federated credential). */
  appCertificatePath?: string;
  /** LINKWRIGHT_ACCEPT_ARM_TOKENS=true: tokens for ARM's audience are accepted and used as the caller's ARM credential. */
  acceptArmTokens: boolean;
  /** ARM's audiences when accepted (ARM's own names, LINKWRIGHT_ARM_AUDIENCE and the ARM endpoint's origin). */
  armAudiences: string[];
  /** LINKWRIGHT_REQUIRED_SCOPE: the delegated scope users' tokens must carry (default user_impersonation). */
  requiredScope: string;
  /** LINKWRIGHT_APP_ROLE: the app role applications' tokens must carry (default Connections.ReadWrite). */
  appRole: string;
  /** LINKWRIGHT_PERMISSION_CACHE_SECONDS: how long a caller's permissions at a scope are reused (default 30; 0 = never). */
  permissionCacheSeconds: number;
  /** The Microsoft identity platform host that issues tokens (from the issuer), for on-behalf-of exchanges. */
  authorityHost: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const ARM_TOKEN_AUDIENCES = ["https://management.azure.com/", "https://management.azure.com", "https://management.core.windows.net/", "https://management.core.windows.net"];

export function readAuthorizationSettings(env: Env): AuthorizationSettings {
  const azure = readAzureSettings(env);
  const openIdIssuer = env["LINKWRIGHT_OPENID_ISSUER"];
  if (!openIdIssuer) throw new Error("App setting LINKWRIGHT_OPENID_ISSUER is required.");
  const appAudience = env["LINKWRIGHT_AUDIENCE"] || undefined;
  const fromAudience = appAudience?.replace(/^api:\/\//i, "").replace(/\/+$/, "");
  const appClientId = env["LINKWRIGHT_APP_CLIENT_ID"] || (fromAudience && GUID.test(fromAudience) ? fromAudience : undefined);
  const acceptArmTokens = flag("LINKWRIGHT_ACCEPT_ARM_TOKENS", env["LINKWRIGHT_ACCEPT_ARM_TOKENS"]);
  if (!appAudience && !acceptArmTokens) {
    throw new Error("App setting LINKWRIGHT_AUDIENCE (linkwright's app registration, e.g. api://{clientId}) is required unless LINKWRIGHT_ACCEPT_ARM_TOKENS=true.");
  }
  const cache = Number(env["LINKWRIGHT_PERMISSION_CACHE_SECONDS"] ?? "30");
  if (!Number.isFinite(cache) || cache < 0) throw new Error("LINKWRIGHT_PERMISSION_CACHE_SECONDS must be a number ≥ 0.");
  const certificatePath = env["LINKWRIGHT_APP_CERTIFICATE_PATH"];
  const issuerUrl = new URL(openIdIssuer);
  return {
    openIdIssuer,
    ...(appAudience ? { appAudience } : {}),
    ...(appClientId ? { appClientId } : {}),
    ...(certificatePath ? { appCertificatePath: certificatePath } : {}),
    acceptArmTokens,
    armAudiences: acceptArmTokens ? [...new Set([...ARM_TOKEN_AUDIENCES, azure.armAudience, azure.armEndpoint, `${azure.armEndpoint}/`])] : [],
    requiredScope: env["LINKWRIGHT_REQUIRED_SCOPE"] || "user_impersonation",
    appRole: env["LINKWRIGHT_APP_ROLE"] || "Connections.ReadWrite",
    permissionCacheSeconds: cache,
    // Entra's v1.0 issuer (sts.windows.net) names no token endpoint host: tokens come from login.microsoftonline.com.
    authorityHost: issuerUrl.host.toLowerCase() === "sts.windows.net" ? "https://login.microsoftonline.com" : issuerUrl.origin,
  };
}

/** What the platform allows connections beyond the catalogue: extra assignable roles (LINKWRIGHT_ALLOWED_ROLES, role
 *  definition GUIDs) and extra denied setting-name patterns (LINKWRIGHT_DENIED_SETTINGS); both comma-separated. */
export function readConnectionPolicy(env: Env): GuardPolicy {
  return { allowedRoles: parseAllowedRoles(env["LINKWRIGHT_ALLOWED_ROLES"]), deniedSettings: parseDeniedSettings(env["LINKWRIGHT_DENIED_SETTINGS"]) };
}

// ── the API ─────────────────────────────────────────────────────────────────────────────────────────────────────

export interface ApiSettings {
  /** LINKWRIGHT_SEAL_KEY (required, ≥ 32 characters): seals secrets handed to orchestrations (src/secrets/seal.ts). */
  sealKey: string;
  /** LINKWRIGHT_REGION: region segment of operation-status URLs; default "global". */
  region: string;
  /** LINKWRIGHT_PAGE_SIZE: default list page size; default 100. */
  pageSize: number;
}

export function readApiSettings(env: Env): ApiSettings {
  return {
    sealKey: required(env, "LINKWRIGHT_SEAL_KEY"),
    region: env["LINKWRIGHT_REGION"] || "global",
    pageSize: positiveInt(env, "LINKWRIGHT_PAGE_SIZE", 100),
  };
}

/** LINKWRIGHT_ROLE_PROPAGATION_SECONDS: a role assignment younger than this that ARM does not show yet is still
 *  propagating — validation waits for it, revalidation calls it inconclusive. One default for both: 480 s. */
export const DEFAULT_ROLE_PROPAGATION_SECONDS = 480;

export function readRolePropagationMs(env: Env): number {
  return positiveInt(env, "LINKWRIGHT_ROLE_PROPAGATION_SECONDS", DEFAULT_ROLE_PROPAGATION_SECONDS) * 1000;
}

// ── connection health ───────────────────────────────────────────────────────────────────────────────────────────

export const HEALTH_SCHEDULE_SETTING = "LINKWRIGHT_HEALTH_SCHEDULE";
export const DEFAULT_HEALTH_SCHEDULE = "0 */15 * * * *";

/** The revalidation timer's schedule binding: the setting by reference (as Functions resolves `%NAME%`), else the
 *  default. Read at registration. */
export function healthSchedule(env: Env): string {
  return env[HEALTH_SCHEDULE_SETTING] ? `%${HEALTH_SCHEDULE_SETTING}%` : DEFAULT_HEALTH_SCHEDULE;
}

export interface HealthSettings {
  /** LINKWRIGHT_AUTOHEAL_DEFAULT=true: auto-heal connections without their own `state.autoHeal`; default false. */
  autoHealDefault: boolean;
  /** LINKWRIGHT_HEALTH_EVENT_WINDOW_MS: debounce window for resource-change bursts; default 500. */
  eventWindowMs: number;
  /** LINKWRIGHT_HEALTH_PAGE_SIZE: linkers per store page during a timer run; default 500. */
  pageSize: number;
  /** LINKWRIGHT_ROLE_PROPAGATION_SECONDS, in ms. */
  propagationWindowMs: number;
  /** Callers whose activity-log entries are linkwright's own (LINKWRIGHT_IDENTITY_CLIENT_ID; the principal behind
   *  linkwright's credential is learnt from its token in any case, src/azure/ownIdentity.ts). */
  ignoreCallers: string[];
}

export function readHealthSettings(env: Env): HealthSettings {
  const ownClientId = env["LINKWRIGHT_IDENTITY_CLIENT_ID"];
  return {
    autoHealDefault: flag("LINKWRIGHT_AUTOHEAL_DEFAULT", env["LINKWRIGHT_AUTOHEAL_DEFAULT"]),
    eventWindowMs: positiveInt(env, "LINKWRIGHT_HEALTH_EVENT_WINDOW_MS", 500),
    pageSize: positiveInt(env, "LINKWRIGHT_HEALTH_PAGE_SIZE", 500),
    propagationWindowMs: readRolePropagationMs(env),
    ignoreCallers: ownClientId ? [ownClientId] : [],
  };
}

// ── loop detection ──────────────────────────────────────────────────────────────────────────────────────────────

export const LOOP_SCAN_SCHEDULE_SETTING = "LINKWRIGHT_LOOP_SCAN_SCHEDULE";
export const DEFAULT_LOOP_SCAN_SCHEDULE = "0 0 */6 * * *";

/** The loop timer's schedule binding: the setting by reference when set (the host resolves it), else the default. */
export function loopScanSchedule(env: Env): string {
  return env[LOOP_SCAN_SCHEDULE_SETTING] ? `%${LOOP_SCAN_SCHEDULE_SETTING}%` : DEFAULT_LOOP_SCAN_SCHEDULE;
}

export interface LoopSettings {
  /** LINKWRIGHT_LOOP_ALLOWLIST: JSON array of {appId, function} / {linkerId} (src/loops/allowList.ts). */
  allowList: AllowListEntry[];
  /** LINKWRIGHT_LOOP_SCAN_SUBSCRIPTIONS (comma-separated), else linkwright's own subscription (WEBSITE_OWNER_NAME);
   *  empty when neither says (the timer then fails). */
  subscriptions: string[];
  /** LINKWRIGHT_LOOP_SCAN_CONCURRENCY: apps read at once, 1–64; default 8. */
  concurrency: number;
}

export function readLoopSettings(env: Env): LoopSettings {
  const listed = (env["LINKWRIGHT_LOOP_SCAN_SUBSCRIPTIONS"] ?? "").split(",").map((s) => s.trim()).filter((s) => s !== "");
  const owner = /^([0-9a-f-]{36})\+/i.exec(env["WEBSITE_OWNER_NAME"] ?? "")?.[1];
  return {
    allowList: parseAllowList(env["LINKWRIGHT_LOOP_ALLOWLIST"]),
    subscriptions: listed.length > 0 ? listed : owner ? [owner] : [],
    concurrency: positiveInt(env, "LINKWRIGHT_LOOP_SCAN_CONCURRENCY", 8, 64),
  };
}

// ── database users ──────────────────────────────────────────────────────────────────────────────────────────────

export interface DatabaseSettings {
  /** LINKWRIGHT_DATABASE_ENDPOINTS: {"<fqdn>": "host:port"} routes. */
  routes: EndpointRoutes;
  /** The display name an Entra admin entry for linkwright carries: its app's name (WEBSITE_SITE_NAME), which is the
   *  system-assigned identity's name; LINKWRIGHT_IDENTITY_NAME overrides it (a user-assigned identity's name). */
  selfDisplayName: string;
  /** LINKWRIGHT_DATABASE_TIMEOUT_MS: connect and per-statement timeout; default 15000. */
  timeoutMs: number;
}

export function readDatabaseSettings(env: Env): DatabaseSettings {
  return {
    routes: parseEndpointRoutes(env["LINKWRIGHT_DATABASE_ENDPOINTS"]),
    selfDisplayName: env["LINKWRIGHT_IDENTITY_NAME"] || env["WEBSITE_SITE_NAME"] || "linkwright",
    timeoutMs: positiveInt(env, "LINKWRIGHT_DATABASE_TIMEOUT_MS", 15_000),
  };
}

// ── all of it ───────────────────────────────────────────────────────────────────────────────────────────────────

export interface Settings {
  storage: StorageSettings;
  azure: AzureSettings;
  authorization: AuthorizationSettings;
  policy: GuardPolicy;
  api: ApiSettings;
  rolePropagationMs: number;
  health: HealthSettings;
  loops: LoopSettings;
  databases: DatabaseSettings;
}

/** Every setting, read and validated at once (a deployment check; test/infra reads the deployed settings this way). */
export function readSettings(env: Env): Settings {
  return {
    storage: readStorageSettings(env),
    azure: readAzureSettings(env),
    authorization: readAuthorizationSettings(env),
    policy: readConnectionPolicy(env),
    api: readApiSettings(env),
    rolePropagationMs: readRolePropagationMs(env),
    health: readHealthSettings(env),
    loops: readLoopSettings(env),
    databases: readDatabaseSettings(env),
  };
}

/** The process's settings: the only read of process.env in src/ (the composition root calls it once). Each section is
 *  read and validated on first use, once — a worker that only scans for loops needs no API settings — and a bad
 *  value fails the first invocation that needs it, naming the setting. */
export function processSettings(env: Env = process.env): Settings {
  const readers: { [K in keyof Settings]: (env: Env) => Settings[K] } = {
    storage: readStorageSettings, azure: readAzureSettings, authorization: readAuthorizationSettings, policy: readConnectionPolicy,
    api: readApiSettings, rolePropagationMs: readRolePropagationMs, health: readHealthSettings, loops: readLoopSettings, databases: readDatabaseSettings,
  };
  const cache = new Map<keyof Settings, unknown>();
  const settings = {} as Settings;
  for (const key of Object.keys(readers) as (keyof Settings)[]) {
    Object.defineProperty(settings, key, {
      enumerable: true,
      get: () => {
        if (!cache.has(key)) cache.set(key, readers[key](env));
        return cache.get(key);
      },
    });
  }
  return settings;
}

/** The timer schedules, for the registrations in src/functions (read when the module registers them). */
export function timerSchedules(env: Env = process.env): { health: string; loopScan: string } {
  return { health: healthSchedule(env), loopScan: loopScanSchedule(env) };
}
