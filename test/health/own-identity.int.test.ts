// linkwright never blames itself for drift: its principal comes from its own credential (the claims of an ARM token),
// so its writes — auto-heal's, a compensation's — are skipped in the activity log, while another principal's change
// is still reported.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkConnection } from "../../src/health/index.js";
import { callerIdsOfToken, ownCallerIds } from "../../src/azure/ownIdentity.js";
import { ENDPOINT_SETTING, identityLinker, assignBlobRole, mergeSettings, saveLinker, startHarness, type Harness } from "./harness.js";

let h: Harness;
beforeAll(async () => { h = await startHarness("healthself"); });
afterAll(async () => { await h?.t.close(); });

const jwt = (claims: Record<string, unknown>) => `e30.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.sig`;

describe("linkwright's own principal", () => {
  it("is read from a token's claims (oid, appid/azp, upn), decoded without verification", () => {
    expect(callerIdsOfToken(jwt({ oid: "o1", appid: "a1", azp: "a1", tid: "t" }))).toEqual(["o1", "a1"]);
    expect(callerIdsOfToken(jwt({ oid: "o2", upn: "me@contoso.com" }))).toEqual(["o2", "me@contoso.com"]);
    expect(callerIdsOfToken("not-a-jwt")).toEqual([]);
    expect(callerIdsOfToken("a.!!!.c")).toEqual([]);
  });

  it("is learned from the credential of linkwright's clients, once", async () => {
    const ids = await ownCallerIds(h.clients);
    expect(ids).toEqual(expect.arrayContaining([h.self.objectId, h.self.clientId]));
    expect(ownCallerIds(h.clients)).toBe(ownCallerIds(h.clients));
  });

  it("a write by linkwright is never the drift's author; another principal's change is", async () => {
    await assignBlobRole(h);
    await mergeSettings(h, { [ENDPOINT_SETTING]: `https://${h.accountName}.blob.core.windows.net/` });
    const linker = await saveLinker(h, identityLinker(h, "self-mi"));
    const admin = h.t.emulator.credentials.admin;

    // linkwright itself rewrites the settings without the key (as a heal or compensation of another connection might).
    const web = h.clients.webApps(h.t.subscriptionId).webApps;
    const current = (await web.listApplicationSettings(h.rg, h.webAppName)).properties ?? {};
    const { [ENDPOINT_SETTING]: _dropped, ...rest } = current;
    await web.updateApplicationSettings(h.rg, h.webAppName, { properties: rest });

    const health = await checkConnection(linker, { clients: h.clients });
    expect(health.failingChecks).toEqual(["Configuration"]);
    const blamed = health.attribution.find((a) => a.check === "Configuration")!;
    expect(blamed.operationName).toBe("Microsoft.Web/sites/config/write");
    expect([h.self.objectId, h.self.clientId]).not.toContain(blamed.caller);
    expect([admin.clientId, admin.objectId]).toContain(blamed.caller);

    // Without the exclusion, linkwright's own write is the latest one.
    const unfiltered = await checkConnection(linker, { clients: h.clients, attribution: { ignoreSelf: false } });
    expect([h.self.objectId, h.self.clientId]).toContain(unfiltered.attribution.find((a) => a.check === "Configuration")!.caller);
    // linkwright's own entry is marked as such, with who asked for the connection's last change (its audit record).
    const requester = { objectId: "0000cafe-0000-0000-0000-000000000001", tenantId: h.t.tenantId, principalType: "User" as const };
    const audited = { ...linker, authorization: { caller: requester, via: "delegated" as const, decidedAt: new Date().toISOString(), permissions: [] } };
    const withAudit = await checkConnection(audited, { clients: h.clients, attribution: { ignoreSelf: false } });
    const own = withAudit.attribution.find((a) => a.check === "Configuration")!;
    expect(own.byLinkwright).toBe(true);
    expect(own.requestedBy).toBe(`${requester.objectId} (User)`);
    expect(withAudit.result.validationDetail?.find((d) => d.name === "Configuration")?.errorMessage).toContain(`requested by ${requester.objectId}`);

    // Only linkwright touched it since: nobody is blamed.
    const since = new Date(Date.now() - 1);
    await web.updateApplicationSettings(h.rg, h.webAppName, { properties: { ...rest, OTHER: "1" } });
    const onlySelf = await checkConnection(linker, { clients: h.clients, attribution: { since } });
    expect(onlySelf.failingChecks).toEqual(["Configuration"]);
    expect(onlySelf.attribution).toEqual([]);
  });
});
