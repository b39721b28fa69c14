// Bearer JWT validation with jose: signature via the issuer's JWKS (OpenID discovery), iss, aud, exp/nbf with a
// small skew, and an algorithm allow-list. Returns the caller and how to learn its permissions, or throws a 401
// (403 for an application without linkwright's app role) in the ARM envelope.
// Two audiences:
//  - linkwright's own (LINKWRIGHT_AUDIENCE, its app registration): a user's (delegated) token must carry the
//    expected scope in `scp` and is later exchanged on-behalf-of the user; an application's (app-only) token must
//    carry linkwright's app role in `roles`.
//  - ARM's, only when accepted (LINKWRIGHT_ACCEPT_ARM_TOKENS): the token itself asks ARM what its caller may do.
// jose is loaded by the first request, not at import (a cold start pays only for what its first request needs).
import type { createRemoteJWKSet, JWTPayload } from "jose";
import type { Authenticator } from "../types.js";
import { ApiError, ErrorCodes } from "../wire/errors.js";
import type { AuthenticatedCaller, Caller } from "../../model/caller.js";
import { createOpenIdDiscovery, type FetchLike } from "./openIdDiscovery.js";
import { unauthorized } from "./unauthorized.js";

export interface JwtAuthenticatorOptions {
  /** OpenID issuer (discovery base), e.g. https://login.microsoftonline.com/{tenant}/v2.0 or the sandbox's. */
  issuer: string;
  /** linkwright's own audience (its app registration, e.g. api://{clientId}); unset = only ARM tokens. */
  appAudience?: string;
  /** ARM's audiences, accepted as the caller's ARM credential; empty = ARM tokens are refused. */
  armAudiences: string[];
  /** The delegated scope a user's token for linkwright must carry (default user_impersonation). */
  requiredScope?: string;
  /** The app role an application's token for linkwright must carry (default Connections.ReadWrite). */
  appRole?: string;
  /** Allowed signing algorithms; default RS256. */
  algorithms?: string[];
  /** Clock skew tolerance for exp/nbf; default 120 s. */
  clockToleranceSeconds?: number;
  /** Current time (tests / shared clock). */
  now?: () => Date;
  /** fetch for discovery and JWKS (default: global fetch). */
  fetch?: FetchLike;
}

/** A delegated (user) token carries `scp`; an app-only token carries none (its permissions are `roles`). */
function isDelegated(payload: JWTPayload): boolean {
  return typeof payload["scp"] === "string" || payload["idtyp"] === "user";
}

function callerFrom(payload: JWTPayload): Caller | undefined {
  const oid = payload["oid"] ?? payload.sub;
  const tid = payload["tid"];
  if (typeof oid !== "string" || typeof tid !== "string") return undefined;
  const appId = payload["appid"] ?? payload["azp"];
  const caller: Caller = { objectId: oid, tenantId: tid, principalType: isDelegated(payload) ? "User" : "Application" };
  if (typeof appId === "string") caller.appId = appId;
  return caller;
}

const sameAudience = (a: string, b: string) => a.replace(/\/+$/, "").toLowerCase() === b.replace(/\/+$/, "").toLowerCase();

/** Microsoft Entra signs v1.0 tokens (iss https://sts.windows.net/{tid}/ — what tokens for ARM's audience are) and
 *  v2.0 tokens (iss https://login.microsoftonline.com/{tid}/v2.0) with the same keys: either issuer of the configured
 *  tenant is accepted. Any other issuer is accepted exactly as its discovery document names it. */
export function acceptedIssuers(issuer: string): string[] {
  const v2 = /^https:\/\/login\.microsoftonline\.com\/([0-9a-f-]{36})\/v2\.0\/?$/i.exec(issuer);
  if (v2) return [issuer, `https://sts.windows.net/${v2[1]}/`];
  const v1 = /^https:\/\/sts\.windows\.net\/([0-9a-f-]{36})\/?$/i.exec(issuer);
  if (v1) return [issuer, `https://login.microsoftonline.com/${v1[1]}/v2.0`];
  return [issuer];
}

export function createJwtAuthenticator(options: JwtAuthenticatorOptions): Authenticator {
  const discover = createOpenIdDiscovery({ issuer: options.issuer, ...(options.fetch ? { fetch: options.fetch } : {}) });
  let keys: { uri: string; jwks: ReturnType<typeof createRemoteJWKSet> } | undefined;
  const algorithms = options.algorithms ?? ["RS256"];
  const tolerance = options.clockToleranceSeconds ?? 120;
  const fail = (code: string, message: string) => unauthorized(code, message, options.issuer);
  const audiences = [...new Set([...(options.appAudience ? [options.appAudience] : []), ...options.armAudiences])];
  const requiredScope = options.requiredScope ?? "user_impersonation";
  const appRole = options.appRole ?? "Connections.ReadWrite";
  if (audiences.length === 0) throw new Error("No token audience is accepted: set LINKWRIGHT_AUDIENCE (or LINKWRIGHT_ACCEPT_ARM_TOKENS=true).");

  /** Which audience the token was for decides how the caller's permissions are learnt. */
  function authenticated(token: string, payload: JWTPayload, caller: Caller): AuthenticatedCaller {
    const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud ?? ""];
    const forApp = options.appAudience !== undefined && aud.some((a) => sameAudience(a, options.appAudience!));
    if (!forApp) return { caller, credential: { kind: "armToken", token } };
    if (isDelegated(payload)) {
      const scopes = String(payload["scp"] ?? "").split(" ").filter(Boolean);
      if (!scopes.includes(requiredScope)) {
        throw fail(ErrorCodes.InvalidAuthenticationToken, `The access token is invalid: it lacks the scope '${requiredScope}' (scp).`);
      }
      return { caller, credential: { kind: "delegated", token } };
    }
    const roles = Array.isArray(payload["roles"]) ? payload["roles"] : [];
    if (!roles.includes(appRole)) {
      throw new ApiError(403, "AuthorizationFailed",
        `The application '${caller.appId ?? caller.objectId}' with object id '${caller.objectId}' does not have linkwright's app role '${appRole}'. Assign it the role on linkwright's app registration.`);
    }
    return { caller, credential: { kind: "application" } };
  }

  return {
    async authenticate(header) {
      if (!header) throw fail(ErrorCodes.AuthenticationFailed, "Authentication failed. The 'Authorization' header is missing.");
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!match) throw fail(ErrorCodes.AuthenticationFailed, "Authentication failed. The 'Authorization' header is provided in an invalid format.");
      const configuration = await discover();
      const { createRemoteJWKSet, customFetch, errors, jwtVerify } = await import("jose");
      if (!keys || keys.uri !== configuration.jwks_uri) {
        const fetchImpl = options.fetch;
        keys = {
          uri: configuration.jwks_uri,
          jwks: createRemoteJWKSet(new URL(configuration.jwks_uri), fetchImpl ? { [customFetch]: (url: string, init: { headers: Headers; signal: AbortSignal }) => fetchImpl(url, { signal: init.signal }) } : {}),
        };
      }
      try {
        const { payload } = await jwtVerify(match[1]!, keys.jwks, {
          issuer: acceptedIssuers(configuration.issuer),
          audience: audiences,
          algorithms,
          clockTolerance: tolerance,
          ...(options.now ? { currentDate: options.now() } : {}),
        });
        const caller = callerFrom(payload);
        if (!caller) throw fail(ErrorCodes.InvalidAuthenticationToken, "The access token is invalid: it lacks the 'oid' and 'tid' claims.");
        return authenticated(match[1]!, payload, caller);
      } catch (error) {
        if (error instanceof ApiError) throw error;
        if (error instanceof errors.JWTExpired) {
          throw fail(ErrorCodes.ExpiredAuthenticationToken, "The access token expiry UTC time is earlier than current UTC time.");
        }
        if (error instanceof errors.JWTClaimValidationFailed && error.claim === "aud") {
          throw fail(ErrorCodes.InvalidAuthenticationTokenAudience,
            `The access token has been obtained for wrong audience or resource. It should exactly match with one of the allowed audiences '${audiences.join("','")}'.`);
        }
        if (error instanceof errors.JWTClaimValidationFailed) {
          throw fail(ErrorCodes.InvalidAuthenticationToken, `The access token is invalid: claim '${error.claim}' failed validation.`);
        }
        if (error instanceof errors.JOSEError) {
          throw fail(ErrorCodes.InvalidAuthenticationToken, "The access token is invalid.");
        }
        throw error;
      }
    },
  };
}
