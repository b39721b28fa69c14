// Typed access to the app settings linkwright reads. One place, so the README's settings table stays true.
import { parseAllowedRoles, parseDeniedSettings, type GuardPolicy } from "../catalogue/index.js";

export interface AzureSettings {
  /** ARM endpoint; the public cloud unless overridden (sovereign clouds, or a local emulator). */
  armEndpoint: string;
  /** Audience of ARM tokens, e.g. https://management.azure.com/ */
  armAudience: string;
  /** Client id of a user-assigned identity for linkwright itself (unset: system-assigned). */
  managedIdentityClientId?: string;
  /** LINKWRIGHT_KEYVAULT_DISABLE_CHALLENGE_VERIFICATION=true: for vaults on non-Azure host names only. */
  disableKeyVaultChallengeResourceVerification: boolean;
}

export type Env = Record<string, string | undefined>;

/** What the platform allows connections beyond the catalogue: extra assignable roles (LINKWRIGHT_ALLOWED_ROLES, role
 *  definition GUIDs) and extra denied setting-name patterns (LINKWRIGHT_DENIED_SETTINGS); both comma-separated. */
export function readConnectionPolicy(env: Env = process.env): GuardPolicy {
  return { allowedRoles: parseAllowedRoles(env.LINKWRIGHT_ALLOWED_ROLES), deniedSettings: parseDeniedSettings(env.LINKWRIGHT_DENIED_SETTINGS) };
}

export function readAzureSettings(env: Env = process.env): AzureSettings {
  const armEndpoint = trimSlash(env.LINKWRIGHT_ARM_ENDPOINT ?? "https://management.azure.com");
  return {
    armEndpoint,
    armAudience: env.LINKWRIGHT_ARM_AUDIENCE ?? "https://management.azure.com/",
    managedIdentityClientId: env.LINKWRIGHT_IDENTITY_CLIENT_ID || undefined,
    disableKeyVaultChallengeResourceVerification: env.LINKWRIGHT_KEYVAULT_DISABLE_CHALLENGE_VERIFICATION === "true",
  };
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

/** Who may call linkwright and how their permissions are learnt (src/auth, src/authorization). */
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

export function readAuthorizationSettings(env: Env = process.env): AuthorizationSettings {
  const azure = readAzureSettings(env);
  const openIdIssuer = env.LINKWRIGHT_OPENID_ISSUER;
  if (!openIdIssuer) throw new Error("App setting LINKWRIGHT_OPENID_ISSUER is required.");
  const appAudience = env.LINKWRIGHT_AUDIENCE || undefined;
  const fromAudience = appAudience?.replace(/^api:\/\//i, "").replace(/\/+$/, "");
  const appClientId = env.LINKWRIGHT_APP_CLIENT_ID || (fromAudience && GUID.test(fromAudience) ? fromAudience : undefined);
  const acceptArmTokens = (env.LINKWRIGHT_ACCEPT_ARM_TOKENS ?? "false").toLowerCase() === "true";
  if (!appAudience && !acceptArmTokens) {
    throw new Error("App setting LINKWRIGHT_AUDIENCE (linkwright's app registration, e.g. api://{clientId}) is required unless LINKWRIGHT_ACCEPT_ARM_TOKENS=true.");
  }
  const cache = Number(env.LINKWRIGHT_PERMISSION_CACHE_SECONDS ?? "30");
  if (!Number.isFinite(cache) || cache < 0) throw new Error("LINKWRIGHT_PERMISSION_CACHE_SECONDS must be a number ≥ 0.");
  const issuerUrl = new URL(openIdIssuer);
  return {
    openIdIssuer,
    ...(appAudience ? { appAudience } : {}),
    ...(appClientId ? { appClientId } : {}),
    ...(env.LINKWRIGHT_APP_CERTIFICATE_PATH ? { appCertificatePath: env.LINKWRIGHT_APP_CERTIFICATE_PATH } : {}),
    acceptArmTokens,
    armAudiences: acceptArmTokens ? [...new Set([...ARM_TOKEN_AUDIENCES, azure.armAudience, azure.armEndpoint, `${azure.armEndpoint}/`])] : [],
    requiredScope: env.LINKWRIGHT_REQUIRED_SCOPE || "user_impersonation",
    appRole: env.LINKWRIGHT_APP_ROLE || "Connections.ReadWrite",
    permissionCacheSeconds: cache,
    // Entra's v1.0 issuer (sts.windows.net) names no token endpoint host: tokens come from login.microsoftonline.com.
    authorityHost: issuerUrl.host.toLowerCase() === "sts.windows.net" ? "https://login.microsoftonline.com" : issuerUrl.origin,
  };
}
