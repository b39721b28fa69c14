// validateConnection against the emulator + Azurite: a connection's effects made by hand with the real SDKs,
// then drift — a deleted role assignment, wiped app settings, a rotated key — reported with fix and caller.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateConnection, checkConnection } from "../../src/health/index.js";
import { asRecords } from "./fixtures.js";
import {
  assignBlobRole, connectionString, CS_SETTING, ENDPOINT_SETTING, identityLinker, mergeSettings, saveLinker, secretLinker, startHarness, type Harness,
} from "./harness.js";

let h: Harness;
beforeAll(async () => { h = await startHarness("healthval"); });
afterAll(async () => { await h?.t.close(); });

const detail = <T extends { name: string }>(r: { validationDetail: T[] }, name: string): T | undefined => r.validationDetail.find((d) => d.name === name);

describe("validateConnection", () => {
  it("reports a converged identity connection available, then the deleted role assignment with the fix and the caller", async () => {
    const raName = await assignBlobRole(h);
    await mergeSettings(h, { [ENDPOINT_SETTING]: `https://${h.accountName}.blob.core.windows.net/` });
    const linker = await saveLinker(h, identityLinker(h, "blob-mi"));

    const ok = await validateConnection(linker, { clients: h.clients });
    expect(ok).toMatchObject({ linkerName: "blob-mi", isConnectionAvailable: true, sourceId: h.webApp, targetId: h.blob, authType: "systemAssignedIdentity" });
    expect(ok.validationDetail.map((d) => [d.name, d.result])).toEqual([
      ["SourceExistence", "success"], ["TargetExistence", "success"], ["Identity", "success"], ["RoleAssignment", "success"], ["Configuration", "success"],
    ]);
    expect(Date.parse(ok.reportEndTimeUtc)).toBeGreaterThanOrEqual(Date.parse(ok.reportStartTimeUtc));

    await h.authz.roleAssignments.delete(h.blob, raName);
    const health = await checkConnection(linker, { clients: h.clients });
    expect(health.status).toBe("Unhealthy");
    expect(health.result.isConnectionAvailable).toBe(false);
    expect(health.failingChecks).toEqual(["RoleAssignment"]);
    const role = detail(health.result, "RoleAssignment")!;
    expect(role).toMatchObject({ result: "failure", errorCode: "RoleAssignmentMissing" });
    expect(role.errorMessage).toContain(`az role assignment create --assignee-object-id ${h.principalId}`);
    const admin = h.t.emulator.credentials.admin;
    expect(health.attribution).toEqual([expect.objectContaining({
      check: "RoleAssignment", operationName: "Microsoft.Authorization/roleAssignments/delete", status: "Succeeded",
    })]);
    expect([admin.clientId, admin.objectId, admin.displayName]).toContain(health.attribution[0]!.caller);
    expect(role.errorMessage).toContain(`by ${health.attribution[0]!.caller}`);
  });

  it("waits out role-assignment propagation for a just-configured connection", async () => {
    const linker = await saveLinker(h, identityLinker(h, "blob-fresh", new Date().toISOString()));
    await mergeSettings(h, { [ENDPOINT_SETTING]: `https://${h.accountName}.blob.core.windows.net/` });
    const late = new Promise<void>((resolve, reject) => setTimeout(() => assignBlobRole(h).then(() => resolve(), reject), 400));
    const started = Date.now();
    const result = await validateConnection(linker, { clients: h.clients, attribution: false, propagation: { windowMs: 10_000, initialDelayMs: 100, maxDelayMs: 400 } });
    await late;
    expect(detail(result, "RoleAssignment")!.result).toBe("success");
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);

    // Past the window it fails without waiting.
    const stale = { ...linker, systemData: { lastModifiedAt: new Date(Date.now() - 60_000).toISOString() } };
    const noRole = { ...stale, state: { ...stale.state, principalId: h.principalId, applied: asRecords([{ step: "roleAssignment", changed: true, input: {
      scope: h.blob, principalId: h.principalId, principalType: "ServicePrincipal", role: "acdd72a7-3385-48ef-bd42-f606fba81ae7" } }]) } };
    const t0 = Date.now();
    const failed = await validateConnection(noRole, { clients: h.clients, attribution: false, propagation: { windowMs: 1000 } });
    expect(detail(failed, "RoleAssignment")!.result).toBe("failure");
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it("reports the missing keys after a whole-set PUT of the app settings (a re-deploy), naming who did it", async () => {
    await mergeSettings(h, { [ENDPOINT_SETTING]: `https://${h.accountName}.blob.core.windows.net/`, [CS_SETTING]: await connectionString(h) });
    const secret = await saveLinker(h, secretLinker(h, "blob-secret"));
    expect((await validateConnection(secret, { clients: h.clients })).isConnectionAvailable).toBe(true);

    await h.web.webApps.updateApplicationSettings(h.rg, h.webAppName, { properties: { ONLY_THIS: "1" } });
    const health = await checkConnection(identityLinker(h, "blob-mi"), { clients: h.clients });
    const config = detail(health.result, "Configuration")!;
    expect(config).toMatchObject({ result: "failure", errorCode: "ConfigurationMissing" });
    expect(config.errorMessage).toContain(`Missing: ${ENDPOINT_SETTING}.`);
    expect(health.attribution.find((a) => a.check === "Configuration")).toMatchObject({ operationName: "Microsoft.Web/sites/config/write" });
    const secretHealth = await validateConnection(secret, { clients: h.clients });
    expect(detail(secretHealth, "Configuration")!.errorMessage).toContain(`Missing: ${CS_SETTING}.`);
  });

  it("reports a target that does not exist (confirmed by a direct read, not only by Resource Graph) and stops there", async () => {
    const gone = `${h.account}x`;
    const base = identityLinker(h, "blob-gone");
    const linker = { ...base, properties: { ...base.properties, targetService: { type: "AzureResource", id: `${gone}/blobServices/default` } } };
    h.t.emulator.control.resetCalls();
    const result = await validateConnection(linker, { clients: h.clients, attribution: false });
    expect(result.isConnectionAvailable).toBe(false);
    expect(result.validationDetail.map((d) => [d.name, d.result, d.errorCode])).toEqual([
      ["SourceExistence", "success", undefined], ["TargetExistence", "failure", "TargetNotFound"],
    ]);
    expect(h.t.emulator.control.calls().byOperation.some((c) => /storageAccounts/i.test(c.type) && c.method === "GET")).toBe(true);
  });

  it("reports a secret connection broken after the storage key is rotated, without revealing the secret", async () => {
    const cs = await connectionString(h);
    await mergeSettings(h, { [CS_SETTING]: cs });
    const linker = secretLinker(h, "blob-secret");
    expect(detail(await validateConnection(linker, { clients: h.clients }), "SecretValidity")!.result).toBe("success");

    await h.storage.storageAccounts.regenerateKey(h.rg, h.accountName, { keyName: "key1" });
    const health = await checkConnection(linker, { clients: h.clients });
    const check = detail(health.result, "SecretValidity")!;
    expect(check).toMatchObject({ result: "failure", errorCode: "SecretInvalid" });
    expect(check.errorMessage).toContain("Re-run the connection");
    expect(health.attribution.find((a) => a.check === "SecretValidity")).toMatchObject({ operationName: expect.stringMatching(/regenerateKey\/action$/i) });
    expect(JSON.stringify(health)).not.toContain(/AccountKey=([^;]+)/.exec(cs)![1]!);
  });
});
