import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError } from "../../src/api/wire/errors.js";
import { createJwtAuthenticator } from "../../src/api/auth/jwtAuthenticator.js";
import { startLocalIssuer, TEST_OID, TEST_TENANT, type LocalIssuer } from "./localIssuer.js";

let issuer: LocalIssuer;
beforeAll(async () => { issuer = await startLocalIssuer(); });
afterAll(async () => { await issuer.close(); });

const APP_AUDIENCE = "api://linkwright";
const authenticator = () => createJwtAuthenticator({ issuer: issuer.issuer, armAudiences: ["https://management.azure.com/"], appAudience: APP_AUDIENCE });

async function rejection(header: string | undefined): Promise<ApiError> {
  const error = await authenticator().authenticate(header).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ApiError);
  const apiError = error as ApiError;
  expect(apiError.status).toBe(401);
  expect(apiError.headers["WWW-Authenticate"]).toContain(`authorization_uri="${issuer.issuer}"`);
  return apiError;
}

describe("jwt authenticator", () => {
  it("accepts a good ARM-audience token and returns the caller", async () => {
    const token = await issuer.token();
    const { caller, credential } = await authenticator().authenticate(`Bearer ${token}`);
    expect(caller).toEqual({ objectId: TEST_OID, tenantId: TEST_TENANT, appId: "04b07795-8ddb-461a-bbee-02f9e1bf7b46", principalType: "User" });
    expect(credential).toEqual({ kind: "armToken", token });
  });

  it("accepts the app's own audience and marks app-only tokens as Application", async () => {
    const token = await issuer.token({ idtyp: "app", scp: undefined, roles: ["Connections.ReadWrite"] }, { audience: APP_AUDIENCE });
    const { caller, credential } = await authenticator().authenticate(`Bearer ${token}`);
    expect(caller.principalType).toBe("Application");
    expect(credential).toEqual({ kind: "application" });
  });

  it("caches the JWKS across requests", async () => {
    const auth = authenticator();
    const before = issuer.jwksFetches();
    for (let i = 0; i < 3; i++) await auth.authenticate(`Bearer ${await issuer.token()}`);
    expect(issuer.jwksFetches() - before).toBe(1);
  });

  it("rejects a missing or malformed header with AuthenticationFailed", async () => {
    expect((await rejection(undefined)).code).toBe("AuthenticationFailed");
    expect((await rejection("Basic abc")).code).toBe("AuthenticationFailed");
  });

  it("rejects an expired token with ExpiredAuthenticationToken", async () => {
    const token = await issuer.token({}, { expiresInSeconds: -600 });
    const error = await rejection(`Bearer ${token}`);
    expect(error.code).toBe("ExpiredAuthenticationToken");
    expect(error.headers["WWW-Authenticate"]).toContain('error="invalid_token"');
  });

  it("tolerates small clock skew but not a future nbf beyond it", async () => {
    await authenticator().authenticate(`Bearer ${await issuer.token({}, { notBeforeSeconds: 30 })}`);
    expect((await rejection(`Bearer ${await issuer.token({}, { notBeforeSeconds: 900 })}`)).code).toBe("InvalidAuthenticationToken");
  });

  it("rejects a wrong audience with InvalidAuthenticationTokenAudience", async () => {
    const error = await rejection(`Bearer ${await issuer.token({}, { audience: "https://vault.azure.net" })}`);
    expect(error.code).toBe("InvalidAuthenticationTokenAudience");
  });

  it("rejects a wrong issuer", async () => {
    const error = await rejection(`Bearer ${await issuer.token({}, { issuer: "https://sts.windows.net/evil/" })}`);
    expect(error.code).toBe("InvalidAuthenticationToken");
  });

  it("rejects a token signed by another key", async () => {
    const error = await rejection(`Bearer ${await issuer.token({}, { key: "stranger" })}`);
    expect(error.code).toBe("InvalidAuthenticationToken");
  });

  it("rejects alg none and algorithms outside the allow-list", async () => {
    const good = await issuer.token();
    const [, payload] = good.split(".");
    const header = Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url");
    expect((await rejection(`Bearer ${header}.${payload}.`)).code).toBe("InvalidAuthenticationToken");
    const hs = Buffer.from(JSON.stringify({ alg: "HS256", kid: "k1", typ: "JWT" })).toString("base64url");
    expect((await rejection(`Bearer ${hs}.${payload}.${good.split(".")[2]}`)).code).toBe("InvalidAuthenticationToken");
  });

  it("rejects a token without oid/tid", async () => {
    const token = await issuer.token({ oid: undefined, tid: undefined });
    expect((await rejection(`Bearer ${token}`)).code).toBe("InvalidAuthenticationToken");
  });
});
