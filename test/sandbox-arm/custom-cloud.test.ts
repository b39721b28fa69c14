// What a custom cloud in the az CLI needs from the emulator (test/az-cli drives the real CLI): ARM's metadata endpoint
// (`az cloud register --endpoint-resource-manager` fills in the rest from it), an AD FS-style authority that MSAL
// Python takes without asking login.microsoftonline.com for instance discovery, and a signing key that survives a
// restart of a persisted sandbox (az keeps the tokens it got for their lifetime).
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { decodeJwt } from "jose";
import { startArmEmulator } from "../../sandbox/arm/index.js";
import { startTestEmulator, type TestEmulator } from "./support/emulator.js";
import { rawRequest } from "./support/raw.js";

let t: TestEmulator;
beforeAll(async () => { t = await startTestEmulator(); });
afterAll(async () => { await t?.close(); });

function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

async function clientCredentials(endpoint: string, tokenPath: string, scope: string, clientId: string, clientSecret: string) {
  return rawRequest(endpoint, "POST", tokenPath, {
    body: form({ grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret, scope, client_info: "1" }),
    headers: { "content-type": "application/x-www-form-urlencoded" },
  });
}

describe("ARM metadata endpoint", () => {
  it("answers GET /metadata/endpoints anonymously, naming the AD FS-style authority and ARM's audiences", async () => {
    // msrestazure appends the suffix to the endpoint as given, so `https://host:port/` yields a double slash.
    for (const p of ["/metadata/endpoints?api-version=2015-01-01", "//metadata/endpoints?api-version=2015-01-01"]) {
      const r = await rawRequest(t.endpoint, "GET", p);
      expect(r.status).toBe(200);
      expect(r.json()).toMatchObject({
        graphEndpoint: "https://graph.windows.net/",
        authentication: { loginEndpoint: `${t.endpoint}/adfs`, audiences: ["https://management.core.windows.net/", "https://management.azure.com/"] },
      });
    }
  });
});

describe("AD FS-style authority {endpoint}/adfs", () => {
  it("publishes OpenID metadata whose token endpoint sits under /adfs (MSAL derives the tenant 'adfs' from it)", async () => {
    const r = await rawRequest(t.endpoint, "GET", "/adfs/.well-known/openid-configuration");
    expect(r.status).toBe(200);
    const oidc = r.json();
    expect(oidc.token_endpoint).toBe(`${t.endpoint}/adfs/oauth2/token/`);
    expect(oidc.authorization_endpoint).toBe(`${t.endpoint}/adfs/oauth2/authorize/`);
    // The tokens are the tenant's: the issuer named is theirs and the keys verify them.
    expect(oidc.issuer).toBe(`${t.endpoint}/${t.tenantId}/v2.0`);
    expect((await rawRequest(t.endpoint, "GET", "/adfs/discovery/keys")).json()).toEqual((await rawRequest(t.endpoint, "GET", `/${t.tenantId}/discovery/v2.0/keys`)).json());
  });

  it("issues the tenant's tokens to client credentials, and ARM accepts them for az's audience", async () => {
    const admin = t.emulator.credentials.admin;
    const r = await clientCredentials(t.endpoint, "/adfs/oauth2/token/", "https://management.core.windows.net//.default", admin.clientId, admin.clientSecret);
    expect(r.status).toBe(200);
    const { access_token: token, token_type: type } = r.json();
    expect(type).toBe("Bearer");
    expect(decodeJwt(token)).toMatchObject({ aud: "https://management.core.windows.net", tid: t.tenantId, oid: admin.objectId, iss: `${t.endpoint}/${t.tenantId}/v2.0` });
    const subs = await rawRequest(t.endpoint, "GET", "/subscriptions?api-version=2022-12-01", { token });
    expect(subs.status).toBe(200);
    expect(subs.json().value.map((s: { subscriptionId: string }) => s.subscriptionId)).toEqual([t.subscriptionId]);
  });

  it("refuses what the tenant's endpoint refuses (wrong secret, unknown client)", async () => {
    const admin = t.emulator.credentials.admin;
    const bad = await clientCredentials(t.endpoint, "/adfs/oauth2/token", "https://management.azure.com/.default", admin.clientId, "wrong");
    expect(bad.status).toBe(401);
    expect(bad.json().error_codes).toEqual([7000215]);
    const unknown = await clientCredentials(t.endpoint, "/adfs/oauth2/token", "https://management.azure.com/.default", crypto.randomUUID(), "x");
    expect(unknown.status).toBe(400);
    expect(unknown.json().error).toBe("unauthorized_client");
  });
});

describe("a user's sign-in to the az CLI's public client (password grant, refresh token)", () => {
  const AZ_CLIENT = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
  const tokenRequest = (fields: Record<string, string>) => rawRequest(t.endpoint, "POST", "/adfs/oauth2/token/", {
    body: form({ client_id: AZ_CLIENT, scope: "https://management.core.windows.net//.default offline_access openid profile", client_info: "1", ...fields }),
    headers: { "content-type": "application/x-www-form-urlencoded" },
  });

  it("signs a user in with the password set through the control API: a delegated ARM token, an id token, client_info and a refresh token", async () => {
    const user = t.emulator.principals.addUser("signin", "signin@linkwright.sandbox");
    expect((await tokenRequest({ grant_type: "password", username: "signin@linkwright.sandbox", password: "whatever1" })).status).toBe(400);
    t.emulator.control.setUserPassword("signin", "Correct-horse-1");
    const wrong = await tokenRequest({ grant_type: "password", username: "signin@linkwright.sandbox", password: "Correct-horse-2" });
    expect(wrong.status).toBe(400);
    expect(wrong.json().error_codes).toEqual([50126]);
    const r = await tokenRequest({ grant_type: "password", username: "SignIn@linkwright.sandbox", password: "Correct-horse-1" });
    expect(r.status, r.text).toBe(200);
    const body = r.json();
    expect(decodeJwt(body.access_token)).toMatchObject({ oid: user.objectId, idtyp: "user", scp: "user_impersonation", aud: "https://management.core.windows.net", appid: AZ_CLIENT });
    expect(decodeJwt(body.id_token)).toMatchObject({ aud: AZ_CLIENT, oid: user.objectId, tid: t.tenantId, preferred_username: "signin@linkwright.sandbox", iss: `${t.endpoint}/${t.tenantId}/v2.0` });
    expect(JSON.parse(Buffer.from(body.client_info, "base64url").toString("utf8"))).toEqual({ uid: user.objectId, utid: t.tenantId });
    expect((await rawRequest(t.endpoint, "GET", "/subscriptions?api-version=2022-12-01", { token: body.access_token })).status).toBe(200);
    // The refresh token gets a new access token (for this client only), and is no access token itself.
    const refreshed = await tokenRequest({ grant_type: "refresh_token", refresh_token: body.refresh_token });
    expect(refreshed.status, refreshed.text).toBe(200);
    expect(decodeJwt(refreshed.json().access_token)).toMatchObject({ oid: user.objectId });
    expect((await tokenRequest({ grant_type: "refresh_token", refresh_token: body.refresh_token, client_id: "1950a258-227b-4e31-a9cf-717495945fc2" })).status).toBe(400);
    expect((await rawRequest(t.endpoint, "GET", "/subscriptions?api-version=2022-12-01", { token: body.refresh_token })).status).toBe(401);
    // Never listed by the control API.
    expect(JSON.stringify(t.emulator.control.principals())).not.toContain("Correct-horse-1");
  });
});

describe("signing key of a persisted sandbox", () => {
  it("is kept across restarts (mode 0600), so a token from before the restart still reaches ARM", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "lw-key-"));
    const certDir = inject("armCerts").certDir;
    try {
      const first = await startArmEmulator({ certDir, port: 0, persistenceDir: dir });
      const port = Number(new URL(first.endpoint).port);
      const token = await first.tokenFor("admin", "https://management.azure.com");
      await first.close();
      expect(statSync(path.join(dir, "signing-key.json")).mode & 0o777).toBe(0o600);
      const second = await startArmEmulator({ certDir, port, persistenceDir: dir });
      try {
        const r = await rawRequest(second.endpoint, "GET", "/subscriptions?api-version=2022-12-01", { token });
        expect(r.status, r.text).toBe(200);
      } finally {
        await second.close();
      }
      // Without persistence every start has its own key: the same token is refused.
      const fresh = await startArmEmulator({ certDir, port });
      try {
        const r = await rawRequest(fresh.endpoint, "GET", "/subscriptions?api-version=2022-12-01", { token });
        expect(r.status).toBe(401);
      } finally {
        await fresh.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
