// Token issuing and validation: RS256 JWTs signed by the emulator's key (kid published in the JWKS).
import { SignJWT, exportJWK, generateKeyPair, importJWK, jwtVerify, createLocalJWKSet, type JWK, type JWTPayload } from "jose";
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

export interface TokenClaims {
  oid: string;
  tid: string;
  /** Client (application) id: appid (v1) and azp (v2). */
  appid?: string;
  /** "app" for service principals / managed identities, "user" for users. */
  idtyp: "app" | "user";
  name?: string;
  upn?: string;
  scp?: string;
  roles?: string[];
}

export interface IssuedToken {
  accessToken: string;
  expiresOn: number; // epoch seconds
  audience: string;
}

export interface VerifiedToken extends JWTPayload {
  oid: string;
  tid: string;
  appid?: string;
  azp?: string;
  idtyp?: string;
}

/** "https://management.azure.com/.default" -> "https://management.azure.com"; trailing slashes dropped. */
export function audienceOf(scopeOrResource: string): string {
  let a = scopeOrResource.trim().split(/\s+/).find((s) => s !== "offline_access" && s !== "openid" && s !== "profile") ?? scopeOrResource;
  if (a.endsWith("/.default")) a = a.slice(0, -"/.default".length);
  return a.replace(/\/+$/, "");
}

/** Azure Storage's audiences: the service's own (https://storage.azure.com) and an account's service URL. */
const STORAGE_AUDIENCE = /^https:\/\/(storage\.azure\.com|[a-z0-9]+\.(blob|queue|table|file|dfs)\.core\.windows\.net)$/i;

/** Microsoft Entra issues v1.0 tokens (iss https://sts.windows.net/{tid}/) for resources that do not ask for v2.0, as
 *  Azure Storage does not; Azurite's OAuth mode (`--oauth basic`) accepts only those issuers. */
export function acceptsV1Tokens(audience: string): boolean {
  return STORAGE_AUDIENCE.test(audience);
}

/** Audiences that name Azure Resource Manager. */
export const ARM_AUDIENCES = ["https://management.azure.com", "https://management.core.windows.net"];

export class TokenService {
  private constructor(
    private readonly privateKey: Parameters<SignJWT["sign"]>[0],
    readonly jwk: JWK,
    readonly kid: string,
  ) {}

  /**
   * A new signing key, or with `keyFile` the key saved there (created on first use, mode 0600). A persisted sandbox
   * keeps its key across restarts, so tokens clients cached (az CLI keeps them for their lifetime) stay valid, as
   * Azure's do; without it every start would reject them as "The access token is invalid".
   */
  static async create(keyFile?: string): Promise<TokenService> {
    if (keyFile && existsSync(keyFile)) {
      const saved = JSON.parse(readFileSync(keyFile, "utf8")) as { privateJwk?: JWK };
      const priv = saved.privateJwk;
      if (priv?.kty === "RSA" && priv.d && priv.kid) {
        const { n, e, kid } = priv;
        return new TokenService(await importJWK(priv, "RS256"), { kty: "RSA", n, e, kid, use: "sig", alg: "RS256" }, kid);
      }
    }
    const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
    const kid = randomUUID().replace(/-/g, "");
    const jwk = { ...(await exportJWK(publicKey)), kid, use: "sig", alg: "RS256" };
    if (keyFile) mkdirSync(path.dirname(keyFile), { recursive: true });
    if (keyFile) writeFileSync(keyFile, JSON.stringify({ privateJwk: { ...(await exportJWK(privateKey)), kid, alg: "RS256" } }), { mode: 0o600 });
    return new TokenService(privateKey, jwk, kid);
  }

  jwks(): { keys: JWK[] } {
    return { keys: [this.jwk] };
  }

  static issuer(baseUrl: string, tenantId: string): string {
    return `${baseUrl}/${tenantId}/v2.0`;
  }

  async issue(baseUrl: string, claims: TokenClaims, resource: string, lifetimeSeconds = 3600): Promise<IssuedToken> {
    const audience = audienceOf(resource);
    const now = Math.floor(Date.now() / 1000);
    const exp = now + lifetimeSeconds;
    const v1 = acceptsV1Tokens(audience);
    const payload: JWTPayload & Record<string, unknown> = {
      oid: claims.oid, tid: claims.tid, sub: claims.oid, idtyp: claims.idtyp, ver: v1 ? "1.0" : "2.0", uti: randomUUID(),
    };
    if (claims.appid) { payload.appid = claims.appid; if (!v1) payload.azp = claims.appid; }
    if (claims.name) payload.name = claims.name;
    if (claims.upn) payload.upn = claims.upn;
    if (claims.scp) payload.scp = claims.scp;
    if (claims.roles) payload.roles = claims.roles;
    const accessToken = await new SignJWT(payload)
      .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: this.kid })
      .setIssuer(v1 ? `https://sts.windows.net/${claims.tid}/` : TokenService.issuer(baseUrl, claims.tid))
      .setAudience(audience)
      .setIssuedAt(now)
      .setNotBefore(now - 300)
      .setExpirationTime(exp)
      .sign(this.privateKey);
    return { accessToken, expiresOn: exp, audience };
  }

  /** An OpenID Connect id token for a user signing in to `clientId` (MSAL reads the account from it: `oid`, `tid`,
   *  `preferred_username` / `upn`). */
  async issueIdToken(baseUrl: string, user: { oid: string; tid: string; name?: string; upn?: string }, clientId: string, lifetimeSeconds = 3600): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      oid: user.oid, tid: user.tid, sub: user.oid, ver: "2.0",
      ...(user.name ? { name: user.name } : {}), ...(user.upn ? { upn: user.upn, preferred_username: user.upn } : {}),
    })
      .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: this.kid })
      .setIssuer(TokenService.issuer(baseUrl, user.tid))
      .setAudience(clientId)
      .setIssuedAt(now)
      .setNotBefore(now - 300)
      .setExpirationTime(now + lifetimeSeconds)
      .sign(this.privateKey);
  }

  /**
   * Verifies signature, expiry and audience (any of `audiences`, trailing slash ignored).
   * The issuer must be this emulator's for the token's tenant. Throws on any failure.
   */
  async verify(token: string, audiences: string[], baseUrl: string): Promise<VerifiedToken> {
    const keys = createLocalJWKSet(this.jwks());
    const { payload } = await jwtVerify(token, keys, { algorithms: ["RS256"] });
    const aud = (Array.isArray(payload.aud) ? payload.aud : [payload.aud ?? ""]).map((a) => a.replace(/\/+$/, ""));
    const wanted = audiences.map((a) => a.replace(/\/+$/, "").toLowerCase());
    if (!aud.some((a) => wanted.includes(a.toLowerCase()))) throw new TokenError("InvalidAuthenticationTokenAudience",
      `The access token has been obtained for wrong audience or resource '${aud[0]}'. It should exactly match with one of the allowed audiences '${audiences.join("','")}'.`);
    const p = payload as VerifiedToken;
    if (!p.oid || !p.tid) throw new TokenError("InvalidAuthenticationToken", "The access token is missing the oid or tid claim.");
    // The signature proves this emulator issued it; the issuer may name 127.0.0.1 or localhost.
    if (!payload.iss || !payload.iss.endsWith(`/${p.tid}/v2.0`) || new URL(payload.iss).port !== new URL(baseUrl).port) throw new TokenError("InvalidAuthenticationTokenTenant",
      `The access token is from the wrong issuer '${payload.iss}'.`);
    return p;
  }
}

/** Verifies only that `token` is a JWT this emulator signed and that it is within its validity window (a client
 *  assertion: audience, issuer and subject are matched by the caller against federated identity credentials).
 *  Throws jose's errors (code ERR_JWT_EXPIRED, ERR_JWS_SIGNATURE_VERIFICATION_FAILED, …). */
export async function verifyEmulatorSignature(service: TokenService, token: string): Promise<JWTPayload> {
  const { payload } = await jwtVerify(token, createLocalJWKSet(service.jwks()), { algorithms: ["RS256"] });
  return payload;
}

export class TokenError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}
