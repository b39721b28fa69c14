// Builds the API's dependencies from app settings. The orchestrations are per invocation (they
// wrap the Durable client of the invocation) and are supplied by the caller.
//
// App settings read:
//   AzureWebJobsStorage               storage connection string for the tables (LINKWRIGHT_STORAGE overrides it)
//   LINKWRIGHT_STORAGE                optional: a different storage connection string for connection data
//   LINKWRIGHT_STORAGE_ALLOW_INSECURE "true" to permit an http:// table endpoint (Azurite); default false
//   LINKWRIGHT_TABLE_PREFIX           optional table-name prefix (letters/digits); default ""
//   LINKWRIGHT_OPENID_ISSUER, LINKWRIGHT_AUDIENCE, LINKWRIGHT_ACCEPT_ARM_TOKENS, LINKWRIGHT_REQUIRED_SCOPE,
//   LINKWRIGHT_APP_ROLE               who may call and how (src/config/settings.ts readAuthorizationSettings)
//   LINKWRIGHT_SEAL_KEY               required: ≥32 chars; seals secrets handed to orchestrations (src/secrets/seal.ts)
//   LINKWRIGHT_REGION                 region segment of operation-status URLs; default "global"
//   LINKWRIGHT_PAGE_SIZE              default list page size; default 100
import { randomUUID } from "node:crypto";
import { createJwtAuthenticator } from "./auth/jwtAuthenticator.js";
import type { Authorizer } from "../authorization/authorizer.js";
import { readConnectionPolicy, type AuthorizationSettings, type Env } from "../config/settings.js";
import type { GuardPolicy } from "../catalogue/index.js";
import { createSealer } from "../secrets/seal.js";
import { createTableStore } from "../store/tableStore.js";
import { createCatalogueHooks } from "./catalogueAdapter.js";
import type { ApiDeps } from "./types.js";

export type ApiBaseDeps = Omit<ApiDeps, "orchestrations">;

export interface ApiSettings {
  storageConnectionString: string;
  allowInsecureStorage: boolean;
  tablePrefix: string;
  /** What the platform allows connections beyond the catalogue (roles, setting names). */
  policy: GuardPolicy;
  sealKey: string;
  region: string;
  pageSize: number;
}

function required(env: Env, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`App setting ${name} is required by the ServiceLinker API.`);
  return value;
}

export function readApiSettings(env: Env): ApiSettings {
  const storage = env["LINKWRIGHT_STORAGE"] || required(env, "AzureWebJobsStorage");
  const pageSize = Number(env["LINKWRIGHT_PAGE_SIZE"] ?? "100");
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new Error("LINKWRIGHT_PAGE_SIZE must be a positive integer.");
  return {
    storageConnectionString: storage,
    allowInsecureStorage: (env["LINKWRIGHT_STORAGE_ALLOW_INSECURE"] ?? "false").toLowerCase() === "true",
    tablePrefix: env["LINKWRIGHT_TABLE_PREFIX"] ?? "",
    policy: readConnectionPolicy(env),
    sealKey: required(env, "LINKWRIGHT_SEAL_KEY"),
    region: env["LINKWRIGHT_REGION"] || "global",
    pageSize,
  };
}

export async function createApiDeps(settings: ApiSettings, options: { reportError: ApiDeps["reportError"]; authorizer: Authorizer; authentication: AuthorizationSettings }): Promise<ApiBaseDeps> {
  const auth = options.authentication;
  return {
    store: await createTableStore({
      connectionString: settings.storageConnectionString,
      tablePrefix: settings.tablePrefix,
      allowInsecureConnection: settings.allowInsecureStorage,
    }),
    catalogue: createCatalogueHooks(settings.policy),
    authenticator: createJwtAuthenticator({
      issuer: auth.openIdIssuer, armAudiences: auth.armAudiences, requiredScope: auth.requiredScope, appRole: auth.appRole,
      ...(auth.appAudience ? { appAudience: auth.appAudience } : {}),
    }),
    authorizer: options.authorizer,
    sealer: createSealer(settings.sealKey),
    clock: () => new Date(),
    newId: () => randomUUID(),
    location: settings.region,
    pageSize: settings.pageSize,
    reportError: options.reportError,
  };
}
