// Verifies the Entra access tokens database logins present: signed by the ARM emulator's identity platform (its
// JWKS), for the engine's audience, not expired, from the emulator's issuer.
import https from "node:https";
import { readFileSync } from "node:fs";
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from "jose";

export interface VerifiedLogin {
  oid: string;
  tid: string;
  appid?: string;
}

/** Verifies `token` for `audience` (trailing slash ignored); throws with the reason when it is not acceptable. */
export type TokenVerifier = (token: string, audience: string) => Promise<VerifiedLogin>;

function getJson(url: string, ca: string | undefined): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ca, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        if ((res.statusCode ?? 0) >= 300) return reject(new Error(`GET ${url} answered ${res.statusCode}`));
        try { resolve(JSON.parse(Buffer.concat(chunks).toString("utf8"))); } catch (e) { reject(e as Error); }
      });
    });
    req.on("timeout", () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on("error", reject);
  });
}

/** A verifier over the ARM emulator's published keys (fetched once: the emulator does not rotate its key). */
export async function armEmulatorTokenVerifier(options: { armEndpoint: string; tenantId: string; caCertFile?: string }): Promise<TokenVerifier> {
  const ca = options.caCertFile ? readFileSync(options.caCertFile, "utf8") : undefined;
  const jwks = (await getJson(`${options.armEndpoint}/${options.tenantId}/discovery/v2.0/keys`, ca)) as JSONWebKeySet;
  const keys = createLocalJWKSet(jwks);
  const port = new URL(options.armEndpoint).port;
  return async (token, audience) => {
    const { payload } = await jwtVerify(token, keys, { algorithms: ["RS256"] });
    const want = audience.replace(/\/+$/, "").toLowerCase();
    const auds = (Array.isArray(payload.aud) ? payload.aud : [payload.aud ?? ""]).map((a) => a.replace(/\/+$/, "").toLowerCase());
    if (!auds.includes(want)) throw new Error(`the token is for audience '${auds[0]}', not '${audience}'`);
    const iss = String(payload.iss ?? "");
    if (!iss.endsWith(`/${options.tenantId}/v2.0`) || new URL(iss).port !== port) throw new Error(`the token is from issuer '${iss}'`);
    const p = payload as { oid?: string; tid?: string; appid?: string; azp?: string };
    if (!p.oid || !p.tid) throw new Error("the token has no oid/tid claim");
    return { oid: p.oid, tid: p.tid, appid: p.appid ?? p.azp };
  };
}
