// Bearer JWT validation with jose: signature via the issuer's JWKS (OpenID discovery), iss, aud
// (ARM's audience for calls forwarded by ARM, or the app's own), exp/nbf with a small skew, and an
// algorithm allow-list. Returns the caller or throws a 401 ApiError in the ARM envelope.
import { createRemoteJWKSet, customFetch, errors, jwtVerify, type JWTPayload } from "jose";
import type { Authenticator, Caller } from "../api/types.js";
import { ErrorCodes } from "../api/wire/errors.js";
import { createOpenIdDiscovery, type FetchLike } from "./openIdDiscovery.js";
import { unauthorized } from "./unauthorized.js";

export const ARM_AUDIENCES = ["https://management.azure.com/", "https://management.azure.com", "https://management.core.windows.net/"];

export interface JwtAuthenticatorOptions {
  /** OpenID issuer (discovery base), e.g. https://login.microsoftonline.com/{tenant}/v2.0 or the sandbox's. */
  issuer: string;
  /** Accepted audiences: ARM's (forwarded calls) plus the app's own. */
  audiences: string[];
  /** Allowed signing algorithms; default RS256. */
  algorithms?: string[];
  /** Clock skew tolerance for exp/nbf; default 120 s. */
  clockToleranceSeconds?: number;
  /** Current time (tests / shared clock). */
  now?: () => Date;
  /** fetch for discovery and JWKS (default: global fetch). */
  fetch?: FetchLike;
}

function callerFrom(payload: JWTPayload): Caller | undefined {
  const oid = payload["oid"] ?? payload.sub;
  const tid = payload["tid"];
  if (typeof oid !== "string" || typeof tid !== "string") return undefined;
  const appId = payload["appid"] ?? payload["azp"];
  const isApp = payload["idtyp"] === "app" || (payload["idtyp"] === undefined && payload["scp"] === undefined && payload["roles"] !== undefined);
  const caller: Caller = { objectId: oid, tenantId: tid, principalType: isApp ? "Application" : "User" };
  if (typeof appId === "string") caller.appId = appId;
  return caller;
}

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

  return {
    async authenticate(header) {
      if (!header) throw fail(ErrorCodes.AuthenticationFailed, "Authentication failed. The 'Authorization' header is missing.");
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!match) throw fail(ErrorCodes.AuthenticationFailed, "Authentication failed. The 'Authorization' header is provided in an invalid format.");
      const configuration = await discover();
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
          audience: options.audiences,
          algorithms,
          clockTolerance: tolerance,
          ...(options.now ? { currentDate: options.now() } : {}),
        });
        const caller = callerFrom(payload);
        if (!caller) throw fail(ErrorCodes.InvalidAuthenticationToken, "The access token is invalid: it lacks the 'oid' and 'tid' claims.");
        return caller;
      } catch (error) {
        if (error instanceof errors.JWTExpired) {
          throw fail(ErrorCodes.ExpiredAuthenticationToken, "The access token expiry UTC time is earlier than current UTC time.");
        }
        if (error instanceof errors.JWTClaimValidationFailed && error.claim === "aud") {
          throw fail(ErrorCodes.InvalidAuthenticationTokenAudience,
            `The access token has been obtained for wrong audience or resource. It should exactly match with one of the allowed audiences '${options.audiences.join("','")}'.`);
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
