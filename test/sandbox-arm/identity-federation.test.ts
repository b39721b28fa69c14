// App registrations that expose an API (identifier URI, delegated scope, app roles) and trust a managed identity
// through a federated identity credential: the real @azure/identity credentials (ClientAssertionCredential,
// OnBehalfOfCredential with getAssertion, ManagedIdentityCredential for api://AzureADTokenExchange) against the
// emulator's token endpoint, app roles in client-credentials tokens, and the failures with Entra's AADSTS codes.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ClientAssertionCredential, ClientSecretCredential, ManagedIdentityCredential, OnBehalfOfCredential } from "@azure/identity";
import { ResourceManagementClient } from "@azure/arm-resources";
import { SignJWT, decodeJwt, generateKeyPair } from "jose";
import { startTestEmulator, type TestEmulator } from "./support/emulator.js";
import { rawRequest } from "./support/raw.js";
import type { Principal } from "../../sandbox/arm/identity/principals.js";

let t: TestEmulator;
let api: Principal;
let mi: { principalId: string; clientId: string };
const ARM = "https://management.azure.com/.default";
const EXCHANGE = "api://AzureADTokenExchange";

beforeAll(async () => {
  t = await startTestEmulator();
  mi = t.emulator.principals.createManagedIdentity(`/subscriptions/${t.subscriptionId}/resourceGroups/rg/providers/Microsoft.Web/sites/middle`, "SystemAssigned");
  api = t.emulator.principals.addApplication("middle-api", {
    oauth2PermissionScopes: [{ value: "user_impersonation" }],
    appRoles: [{ value: "Things.ReadWrite", allowedMemberTypes: ["Application"] }, { value: "Things.Read", allowedMemberTypes: ["Application", "User"] }],
    federatedIdentityCredentials: [{ name: "mi", issuer: `${t.endpoint}/${t.tenantId}/v2.0`, subject: mi.principalId, audiences: [EXCHANGE] }],
  });
  t.emulator.assignRole(api.objectId, "Reader", `/subscriptions/${t.subscriptionId}`);
});
afterEach(() => {
  delete process.env.IDENTITY_ENDPOINT;
  delete process.env.IDENTITY_HEADER;
  vi.useRealTimers();
});
afterAll(async () => { await t?.close(); });

const authority = () => ({ authorityHost: t.endpoint, disableInstanceDiscovery: true });
/** The managed identity's token for api://AzureADTokenExchange through the App Service MSI protocol, as an app would get it. */
async function miAssertion(): Promise<string> {
  Object.assign(process.env, t.emulator.managedIdentityEnvironment(mi.principalId));
  const token = await new ManagedIdentityCredential().getToken(`${EXCHANGE}/.default`);
  return token!.token;
}
function tokenRequest(form: Record<string, string>) {
  return rawRequest(t.endpoint, "POST", `/${t.tenantId}/oauth2/v2.0/token`, {
    body: new URLSearchParams(form).toString(), headers: { "content-type": "application/x-www-form-urlencoded" },
  });
}
const assertionForm = (assertion: string, extra: Record<string, string> = {}) => ({
  grant_type: "client_credentials", client_id: api.clientId!, scope: ARM,
  client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", client_assertion: assertion, ...extra,
});

describe("directory: app registrations", () => {
  it("registers an API with api://{clientId}, scopes, app roles and a federated credential; no secret", () => {
    expect(api.identifierUris).toEqual([`api://${api.clientId}`]);
    expect(api.clientSecret).toBeUndefined();
    expect(api.oauth2PermissionScopes?.map((s) => s.value)).toEqual(["user_impersonation"]);
    expect(t.emulator.principals.application(`api://${api.clientId}`)?.objectId).toBe(api.objectId);
    expect(t.emulator.principals.application(api.clientId!)?.objectId).toBe(api.objectId);
    const user = t.emulator.principals.addUser("Dora", "dora@linkwright.sandbox");
    expect(() => t.emulator.principals.assignAppRole(user.objectId, api.objectId, "Things.ReadWrite")).toThrow(/allows Application members, not User/);
    expect(() => t.emulator.principals.assignAppRole(user.objectId, api.objectId, "Nope")).toThrow(/no app role 'Nope'/);
    const a = t.emulator.principals.assignAppRole(user.objectId, api.objectId, "Things.Read");
    expect(t.emulator.principals.assignAppRole(user.objectId, api.objectId, "Things.Read").id).toBe(a.id);
  });
});

describe("managed identity as an app's credential (workload identity federation)", () => {
  it("the MSI endpoint issues the managed identity's token for api://AzureADTokenExchange", async () => {
    const claims = decodeJwt(await miAssertion());
    expect(claims).toMatchObject({ aud: EXCHANGE, sub: mi.principalId, oid: mi.principalId, iss: `${t.endpoint}/${t.tenantId}/v2.0` });
  });

  it("ClientAssertionCredential with the managed identity's token gets the app's own tokens", async () => {
    const credential = new ClientAssertionCredential(t.tenantId, api.clientId!, () => miAssertion(), authority());
    const token = await credential.getToken(ARM);
    expect(decodeJwt(token!.token)).toMatchObject({ oid: api.objectId, appid: api.clientId, idtyp: "app", aud: "https://management.azure.com" });
    const rg = await new ResourceManagementClient(credential, t.subscriptionId, t.clientOptions).resourceGroups.list().next();
    expect(rg.done).toBe(true); // Reader: listing works (there are no groups)
  });

  it("OnBehalfOfCredential({ getAssertion }) exchanges a user's delegated token for an ARM token as the user", async () => {
    const alice = t.emulator.principals.addUser("Alice", "alice@linkwright.sandbox");
    const userToken = await t.emulator.tokenFor(alice.objectId, `api://${api.clientId}`, { scp: "user_impersonation" });
    expect(decodeJwt(userToken)).toMatchObject({ aud: `api://${api.clientId}`, scp: "user_impersonation", idtyp: "user", oid: alice.objectId });
    const obo = new OnBehalfOfCredential({
      tenantId: t.tenantId, clientId: api.clientId!, userAssertionToken: userToken, getAssertion: () => miAssertion(), ...authority(),
    });
    const token = await obo.getToken(ARM);
    expect(decodeJwt(token!.token)).toMatchObject({ oid: alice.objectId, appid: api.clientId, idtyp: "user", scp: "user_impersonation", upn: "alice@linkwright.sandbox" });
    await expect(new ResourceManagementClient(obo, t.subscriptionId, t.clientOptions).resourceGroups.createOrUpdate("alice", { location: "westus" }))
      .rejects.toMatchObject({ code: "AuthorizationFailed" }); // judged as Alice, who holds no role
  });

  it("refuses an assertion from an identity with no federated credential (AADSTS70021)", async () => {
    const other = t.emulator.principals.createManagedIdentity(`/subscriptions/${t.subscriptionId}/resourceGroups/rg/providers/Microsoft.Web/sites/other`, "SystemAssigned");
    // (MSAL caches managed-identity tokens process-wide by resource, so the other identity's token is minted directly:
    // the same token the MSI endpoint issues.)
    const otherAssertion = await t.emulator.tokenFor(other.principalId, EXCHANGE);
    const r = await tokenRequest(assertionForm(otherAssertion));
    expect(r.status).toBe(401);
    expect(r.json()).toMatchObject({ error: "invalid_client", error_codes: [70021] });
    expect(r.json().error_description).toContain(`AADSTS70021: No matching federated identity record found for presented assertion. Assertion Issuer: '${t.endpoint}/${t.tenantId}/v2.0'. Assertion Subject: '${other.principalId}'.`);
    // Through the credential too.
    await expect(new ClientAssertionCredential(t.tenantId, api.clientId!, async () => otherAssertion, authority()).getToken(ARM)).rejects.toThrow(/AADSTS70021/);
  });

  it("refuses the right identity's token for another audience (AADSTS700212)", async () => {
    Object.assign(process.env, t.emulator.managedIdentityEnvironment(mi.principalId));
    const armToken = (await new ManagedIdentityCredential().getToken(ARM))!.token;
    const r = await tokenRequest(assertionForm(armToken));
    expect(r.json().error_codes).toEqual([700212]);
    expect(r.json().error_description).toContain("No matching federated identity record found for presented assertion audience 'https://management.azure.com'");
  });

  it("refuses an expired assertion (AADSTS700024) and one the emulator did not sign (AADSTS700027)", async () => {
    const assertion = await miAssertion();
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 2 * 3600_000);
    const expired = await tokenRequest(assertionForm(assertion));
    vi.useRealTimers();
    expect(expired.json()).toMatchObject({ error: "invalid_client", error_codes: [700024] });
    expect(expired.json().error_description).toContain("Client assertion is not within its valid time range.");

    const { privateKey } = await generateKeyPair("RS256");
    const forged = await new SignJWT({ oid: mi.principalId, tid: t.tenantId }).setProtectedHeader({ alg: "RS256", kid: "x" })
      .setIssuer(`${t.endpoint}/${t.tenantId}/v2.0`).setSubject(mi.principalId).setAudience(EXCHANGE).setIssuedAt().setExpirationTime("1h").sign(privateKey);
    const bad = await tokenRequest(assertionForm(forged));
    expect(bad.json().error_codes).toEqual([700027]);
    expect(bad.json().error_description).toContain("certificate credentials are not implemented");

    const both = await tokenRequest(assertionForm(assertion, { client_secret: "x" }));
    expect(both.json().error_codes).toEqual([7000218]);
    const wrongType = await tokenRequest(assertionForm(assertion, { client_assertion_type: "urn:x" }));
    expect(wrongType.status).toBe(400);
  });
});

describe("tokens for an app registration's audience", () => {
  it("client credentials tokens carry the app roles assigned to the caller, and no roles claim when none", async () => {
    const caller = t.emulator.principals.addServicePrincipal("api-caller");
    const credential = new ClientSecretCredential(t.tenantId, caller.clientId!, caller.clientSecret!, authority());
    const before = decodeJwt((await credential.getToken(`api://${api.clientId}/.default`))!.token);
    expect(before).toMatchObject({ aud: `api://${api.clientId}`, idtyp: "app", oid: caller.objectId, appid: caller.clientId });
    expect(before.roles).toBeUndefined();
    expect(before.scp).toBeUndefined();
    t.emulator.principals.assignAppRole(caller.objectId, `api://${api.clientId}`, "Things.ReadWrite");
    const fresh = new ClientSecretCredential(t.tenantId, caller.clientId!, caller.clientSecret!, authority());
    expect(decodeJwt((await fresh.getToken(`api://${api.clientId}/.default`))!.token).roles).toEqual(["Things.ReadWrite"]);
    // The application id as the resource works too.
    expect(decodeJwt((await fresh.getToken(`${api.clientId}/.default`))!.token)).toMatchObject({ aud: api.clientId, roles: ["Things.ReadWrite"] });
    // ARM tokens never carry the API's roles.
    expect(decodeJwt((await fresh.getToken(ARM))!.token).roles).toBeUndefined();
    // tokenFor gives an app principal the same roles unless told otherwise.
    expect(decodeJwt(await t.emulator.tokenFor(caller.objectId, `api://${api.clientId}`)).roles).toEqual(["Things.ReadWrite"]);
    expect(decodeJwt(await t.emulator.tokenFor(caller.objectId, `api://${api.clientId}`, { roles: [] })).roles).toBeUndefined();
  });

  it("refuses an api:// resource that is not registered (AADSTS500011)", async () => {
    await expect(t.credential.getToken("api://not-registered/.default")).rejects.toThrow(/AADSTS500011/);
  });

  it("on-behalf-of refuses an app-only token (AADSTS7000114) and a token for another audience (AADSTS500131)", async () => {
    const appOnly = await t.emulator.tokenFor("admin", `api://${api.clientId}`);
    const obo = (assertion: string) => new OnBehalfOfCredential({ tenantId: t.tenantId, clientId: api.clientId!, userAssertionToken: assertion, getAssertion: () => miAssertion(), ...authority() });
    await expect(obo(appOnly).getToken(ARM)).rejects.toThrow(/AADSTS7000114: Application '[0-9a-f-]+' is not allowed to make application on-behalf-of calls/);
    const bob = t.emulator.principals.addUser("Bob", "bob@linkwright.sandbox");
    const forArm = await t.emulator.tokenFor(bob.objectId);
    await expect(obo(forArm).getToken(ARM)).rejects.toThrow(/AADSTS500131/);
  });

  it("POST /_sandbox/token mints a user's delegated token with scp, or any principal's with roles", async () => {
    const user = t.emulator.principals.addUser("Erin", "erin@linkwright.sandbox");
    const r = await rawRequest(t.endpoint, "POST", "/_sandbox/token", { body: JSON.stringify({ principal: user.objectId, resource: `api://${api.clientId}`, scp: "user_impersonation" }) });
    expect(decodeJwt(r.json().access_token)).toMatchObject({ aud: `api://${api.clientId}`, scp: "user_impersonation", idtyp: "user", upn: "erin@linkwright.sandbox" });
    const noScope = await rawRequest(t.endpoint, "POST", "/_sandbox/token", { body: JSON.stringify({ principal: user.objectId, resource: `api://${api.clientId}` }) });
    expect(decodeJwt(noScope.json().access_token).scp).toBeUndefined();
    const roles = await rawRequest(t.endpoint, "POST", "/_sandbox/token", { body: JSON.stringify({ principal: "reader", resource: `api://${api.clientId}`, roles: ["Things.Read"] }) });
    expect(decodeJwt(roles.json().access_token)).toMatchObject({ roles: ["Things.Read"], idtyp: "app" });
    const bad = await rawRequest(t.endpoint, "POST", "/_sandbox/token", { body: JSON.stringify({ principal: "reader", roles: "x" }) });
    expect(bad.status).toBe(400);
  });

  it("snapshot/restore carries app role assignments", async () => {
    const caller = t.emulator.principals.addServicePrincipal("snap");
    const snap = t.emulator.control.snapshot();
    t.emulator.principals.assignAppRole(caller.objectId, api.objectId, "Things.Read");
    expect(t.emulator.principals.appRolesOf(caller.objectId, api)).toEqual(["Things.Read"]);
    t.emulator.control.restore(snap);
    expect(t.emulator.principals.appRolesOf(caller.objectId, api)).toEqual([]);
  });
});
