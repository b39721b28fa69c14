// Identity surface: @azure/identity ClientSecretCredential, OnBehalfOfCredential and ManagedIdentityCredential
// (App Service protocol) against the emulator as authority; tokens verified through the published OpenID metadata.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClientSecretCredential, ManagedIdentityCredential, OnBehalfOfCredential } from "@azure/identity";
import { ResourceManagementClient } from "@azure/arm-resources";
import { createRemoteJWKSet, decodeJwt, jwtVerify } from "jose";
import { startTestEmulator, type TestEmulator } from "./support/emulator.js";
import { rawRequest } from "./support/raw.js";

let t: TestEmulator;
beforeAll(async () => { t = await startTestEmulator(); });
afterAll(async () => { await t?.close(); });

const ARM = "https://management.azure.com/.default";

// OnBehalfOfCredential's options type omits disableInstanceDiscovery, which MSAL honours at runtime
// (without it MSAL asks login.microsoftonline.com for instance metadata, unreachable here).
function oboOptions(clientId: string, clientSecret: string, userAssertionToken: string) {
  const options = { tenantId: t.tenantId, clientId, clientSecret, userAssertionToken, authorityHost: t.endpoint, disableInstanceDiscovery: true };
  return options;
}

describe("client credentials", () => {
  it("issues an RS256 token verifiable through the OpenID configuration's jwks_uri, with ARM claims", async () => {
    const token = await t.credential.getToken(ARM);
    expect(token?.expiresOnTimestamp).toBeGreaterThan(Date.now() + 30 * 60_000);
    const oidc = (await rawRequest(t.endpoint, "GET", `/${t.tenantId}/v2.0/.well-known/openid-configuration`)).json();
    expect(oidc.issuer).toBe(`${t.endpoint}/${t.tenantId}/v2.0`);
    expect(oidc.token_endpoint).toBe(`${t.endpoint}/${t.tenantId}/oauth2/v2.0/token`);
    const { payload, protectedHeader } = await jwtVerify(token!.token, createRemoteJWKSet(new URL(oidc.jwks_uri)), { issuer: oidc.issuer });
    expect(protectedHeader).toMatchObject({ alg: "RS256" });
    expect(protectedHeader.kid).toBeTypeOf("string");
    const admin = t.emulator.credentials.admin;
    expect(payload).toMatchObject({ aud: "https://management.azure.com", oid: admin.objectId, tid: t.tenantId, appid: admin.clientId, azp: admin.clientId });
  });

  it("rejects a wrong client secret with AADSTS7000215", async () => {
    const bad = new ClientSecretCredential(t.tenantId, t.emulator.credentials.admin.clientId, "wrong", { authorityHost: t.endpoint, disableInstanceDiscovery: true });
    await expect(bad.getToken(ARM)).rejects.toThrow(/AADSTS7000215/);
  });

  it("rejects an unknown tenant", async () => {
    const bad = new ClientSecretCredential("11111111-1111-1111-1111-111111111111", t.emulator.credentials.admin.clientId,
      t.emulator.credentials.admin.clientSecret, { authorityHost: t.endpoint, disableInstanceDiscovery: true });
    await expect(bad.getToken(ARM)).rejects.toThrow();
  });

  it("answers instance discovery on /common/discovery/instance for hosts that probe it", async () => {
    const r = await rawRequest(t.endpoint, "GET", `/common/discovery/instance?api-version=1.1&authorization_endpoint=${encodeURIComponent(`${t.endpoint}/${t.tenantId}/oauth2/v2.0/authorize`)}`);
    expect(r.json().metadata[0].aliases).toEqual([new URL(t.endpoint).host]);
  });
});

describe("on-behalf-of", () => {
  it("exchanges a user's token for an ARM token carrying the user's identity, which RBAC then judges", async () => {
    const app = t.emulator.principals.addServicePrincipal("middle-tier");
    const alice = t.emulator.principals.addUser("Alice", "alice@linkwright.sandbox");
    const assertion = await t.emulator.tokenFor(alice.objectId, `api://${app.clientId}`);
    const obo = new OnBehalfOfCredential(oboOptions(app.clientId!, app.clientSecret!, assertion));
    const token = await obo.getToken(ARM);
    expect(decodeJwt(token!.token)).toMatchObject({ oid: alice.objectId, appid: app.clientId, idtyp: "user", upn: "alice@linkwright.sandbox" });
    const client = new ResourceManagementClient(obo, t.subscriptionId, t.clientOptions);
    await expect(client.resourceGroups.createOrUpdate("alice-rg", { location: "westus" })).rejects.toMatchObject({ code: "AuthorizationFailed" });
    t.emulator.assignRole(alice.objectId, "Contributor", `/subscriptions/${t.subscriptionId}`);
    await expect(client.resourceGroups.createOrUpdate("alice-rg", { location: "westus" })).resolves.toMatchObject({ name: "alice-rg" });
  });

  it("refuses an assertion minted for another audience", async () => {
    const app = t.emulator.principals.addServicePrincipal("middle-tier-2");
    const assertion = await t.emulator.tokenFor("admin", "https://management.azure.com");
    const obo = new OnBehalfOfCredential(oboOptions(app.clientId!, app.clientSecret!, assertion));
    await expect(obo.getToken(ARM)).rejects.toThrow(/AADSTS50013/);
  });
});

describe("managed identity (App Service protocol)", () => {
  it("ManagedIdentityCredential gets tokens for the system-assigned and a user-assigned identity", async () => {
    const appId = `/subscriptions/${t.subscriptionId}/resourceGroups/rg/providers/Microsoft.Web/sites/linkwright`;
    const system = t.emulator.principals.createManagedIdentity(appId, "SystemAssigned");
    const uami = t.emulator.principals.createManagedIdentity(`/subscriptions/${t.subscriptionId}/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/ua`, "UserAssigned");
    t.emulator.assignRole(system.principalId, "Contributor", `/subscriptions/${t.subscriptionId}`);
    const env = t.emulator.managedIdentityEnvironment(system.principalId);
    process.env.IDENTITY_ENDPOINT = env.IDENTITY_ENDPOINT;
    process.env.IDENTITY_HEADER = env.IDENTITY_HEADER;
    try {
      const credential = new ManagedIdentityCredential();
      const token = await credential.getToken(ARM);
      expect(decodeJwt(token!.token)).toMatchObject({ oid: system.principalId, appid: system.clientId, aud: "https://management.azure.com" });
      const client = new ResourceManagementClient(credential, t.subscriptionId, t.clientOptions);
      await expect(client.resourceGroups.createOrUpdate("mi-rg", { location: "westus" })).resolves.toMatchObject({ name: "mi-rg" });
      const ua = await new ManagedIdentityCredential({ clientId: uami.clientId }).getToken("https://vault.azure.net/.default");
      expect(decodeJwt(ua!.token)).toMatchObject({ oid: uami.principalId, aud: "https://vault.azure.net" });
      const wrongHeader = await rawRequest(t.endpoint, "GET", `/_identity/msi/token?api-version=2019-08-01&resource=https://vault.azure.net`, { headers: { "X-IDENTITY-HEADER": "nope" } });
      expect(wrongHeader.status).toBe(401);
    } finally {
      delete process.env.IDENTITY_ENDPOINT;
      delete process.env.IDENTITY_HEADER;
    }
  });
});
