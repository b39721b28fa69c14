// A real OpenID issuer for tests: RS256 keys generated with jose, discovery + JWKS served over
// http on 127.0.0.1, and a token minter. Used by the auth tests and the API tests.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from "jose";

export interface LocalIssuer {
  issuer: string;
  /** Signs a token; defaults: aud ARM, 1 h validity, oid/tid set. */
  token(claims?: JWTPayload, options?: { expiresInSeconds?: number; notBeforeSeconds?: number; key?: "issuer" | "stranger"; alg?: string; audience?: string; issuer?: string }): Promise<string>;
  /** How many times the JWKS was fetched. */
  jwksFetches(): number;
  close(): Promise<void>;
}

export const TEST_TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
export const TEST_OID = "11111111-2222-3333-4444-555555555555";

export async function startLocalIssuer(): Promise<LocalIssuer> {
  const own = await generateKeyPair("RS256");
  const stranger = await generateKeyPair("RS256");
  const jwk = { ...(await exportJWK(own.publicKey)), kid: "k1", alg: "RS256", use: "sig" };
  let fetches = 0;
  let issuer = "";
  const server: Server = createServer((req, res) => {
    if (req.url === "/.well-known/openid-configuration") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ issuer, jwks_uri: `${issuer}/keys` }));
    } else if (req.url === "/keys") {
      fetches++;
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: [jwk] }));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    async token(claims = {}, options = {}) {
      const key: CryptoKey = options.key === "stranger" ? stranger.privateKey : own.privateKey;
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ oid: TEST_OID, tid: TEST_TENANT, appid: "04b07795-8ddb-461a-bbee-02f9e1bf7b46", idtyp: "user", scp: "user_impersonation", ...claims })
        .setProtectedHeader({ alg: options.alg ?? "RS256", kid: "k1", typ: "JWT" })
        .setIssuer(options.issuer ?? issuer)
        .setAudience(options.audience ?? "https://management.azure.com/")
        .setIssuedAt(now - 10)
        .setNotBefore(now + (options.notBeforeSeconds ?? -10))
        .setExpirationTime(now + (options.expiresInSeconds ?? 3600))
        .sign(key);
    },
    jwksFetches: () => fetches,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
