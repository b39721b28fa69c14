// Microsoft.DBforPostgreSQL and Microsoft.DBforMySQL flexible servers through the real @azure/arm-postgresql-flexible
// and @azure/arm-mysql-flexible clients: server (fullyQualifiedDomainName, PostgreSQL authConfig), databases incl. the
// system ones, firewall rules, Microsoft Entra administrators, RBAC and errors; the catalogue's host fact.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgreSQLManagementFlexibleServerClient } from "@azure/arm-postgresql-flexible";
import { MySQLManagementFlexibleServerClient } from "@azure/arm-mysql-flexible";
import { factsFromResource } from "../../../src/catalogue/index.js";
import { startTestEmulator, type TestEmulator } from "../support/emulator.js";
import { rawRequest } from "../support/raw.js";
import { createResourceGroup, expectRestError } from "../providers/helpers.js";
import { armWire } from "./wire.js";

let t: TestEmulator;
let pg: PostgreSQLManagementFlexibleServerClient;
let my: MySQLManagementFlexibleServerClient;
const rg = "rg-oss-db";

beforeAll(async () => {
  t = await startTestEmulator();
  pg = new PostgreSQLManagementFlexibleServerClient(t.credential, t.subscriptionId, t.clientOptions);
  my = new MySQLManagementFlexibleServerClient(t.credential, t.subscriptionId, t.clientOptions);
  await createResourceGroup(t, rg);
});
afterAll(async () => { await t?.close(); });

describe("Microsoft.DBforPostgreSQL flexibleServers", () => {
  it("creates a server (FQDN, authConfig), enables Entra auth, adds an Entra administrator", async () => {
    const server = await pg.servers.beginCreateOrUpdateAndWait(rg, "lw-pg", { location: "westeurope", administratorLogin: "pgadmin", version: "16" });
    expect(server).toMatchObject({ fullyQualifiedDomainName: "lw-pg.postgres.database.azure.com", state: "Ready", authConfig: { activeDirectoryAuth: "Disabled", passwordAuth: "Enabled" } });
    expect(factsFromResource("postgres-flexible", await armWire(t, "GET", server.id!))).toEqual({ host: "lw-pg.postgres.database.azure.com" });
    const updated = await pg.servers.beginUpdateAndWait(rg, "lw-pg", { authConfig: { activeDirectoryAuth: "Enabled", passwordAuth: "Enabled", tenantId: t.tenantId } });
    expect(updated.authConfig?.activeDirectoryAuth).toBe("Enabled");
    const oid = t.emulator.credentials.admin.objectId;
    const admin = await pg.administratorsMicrosoftEntra.beginCreateOrUpdateAndWait(rg, "lw-pg", oid, { principalType: "ServicePrincipal", principalName: "lw-admin", tenantId: t.tenantId });
    expect(admin).toMatchObject({ objectId: oid, principalName: "lw-admin", principalType: "ServicePrincipal" });
    expect((await pg.administratorsMicrosoftEntra.get(rg, "lw-pg", oid)).principalName).toBe("lw-admin");
    const admins: string[] = [];
    for await (const a of pg.administratorsMicrosoftEntra.listByServer(rg, "lw-pg")) admins.push(a.objectId!);
    expect(admins).toEqual([oid]);
  });

  it("creates and lists databases (system databases included) and firewall rules", async () => {
    await pg.databases.beginCreateAndWait(rg, "lw-pg", "appdb", { charset: "UTF8", collation: "en_US.utf8" });
    const dbs: string[] = [];
    for await (const d of pg.databases.listByServer(rg, "lw-pg")) dbs.push(d.name!);
    expect(dbs.sort()).toEqual(["appdb", "azure_maintenance", "azure_sys", "postgres"]);
    await pg.firewallRules.beginCreateOrUpdateAndWait(rg, "lw-pg", "AllowAllAzureServicesAndResourcesWithinAzureIps", { startIpAddress: "0.0.0.0", endIpAddress: "0.0.0.0" });
    expect((await pg.firewallRules.get(rg, "lw-pg", "AllowAllAzureServicesAndResourcesWithinAzureIps")).endIpAddress).toBe("0.0.0.0");
    await pg.firewallRules.beginDeleteAndWait(rg, "lw-pg", "AllowAllAzureServicesAndResourcesWithinAzureIps");
    await expectRestError(pg.firewallRules.get(rg, "lw-pg", "AllowAllAzureServicesAndResourcesWithinAzureIps"), 404, "ResourceNotFound");
    await expectRestError(pg.databases.get(rg, "lw-pg", "missing"), 404, "ResourceNotFound");
  });

  it("rejects a Reader's write", async () => {
    const asReader = new PostgreSQLManagementFlexibleServerClient(t.readerCredential, t.subscriptionId, t.clientOptions);
    expect((await asReader.servers.get(rg, "lw-pg")).name).toBe("lw-pg");
    await expectRestError(asReader.firewallRules.beginCreateOrUpdateAndWait(rg, "lw-pg", "x", { startIpAddress: "1.1.1.1", endIpAddress: "1.1.1.1" }), 403, "AuthorizationFailed");
  });
});

describe("Microsoft.DBforMySQL flexibleServers", () => {
  it("creates a server (FQDN), databases incl. system ones, firewall rules", async () => {
    const server = await my.servers.beginCreateAndWait(rg, "lw-mysql", { location: "westeurope", administratorLogin: "myadmin", version: "8.0.21" });
    expect(server).toMatchObject({ fullyQualifiedDomainName: "lw-mysql.mysql.database.azure.com", state: "Ready" });
    expect(factsFromResource("mysql-flexible", await armWire(t, "GET", server.id!))).toEqual({ host: "lw-mysql.mysql.database.azure.com" });
    await my.databases.beginCreateOrUpdateAndWait(rg, "lw-mysql", "appdb", { charset: "utf8mb4", collation: "utf8mb4_0900_ai_ci" });
    const dbs: string[] = [];
    for await (const d of my.databases.listByServer(rg, "lw-mysql")) dbs.push(d.name!);
    expect(dbs.sort()).toEqual(["appdb", "information_schema", "mysql", "performance_schema", "sys"]);
    await my.firewallRules.beginCreateOrUpdateAndWait(rg, "lw-mysql", "office", { startIpAddress: "20.1.1.1", endIpAddress: "20.1.1.9" });
    const rules: string[] = [];
    for await (const r of my.firewallRules.listByServer(rg, "lw-mysql")) rules.push(r.name!);
    expect(rules).toEqual(["office"]);
    await expectRestError(my.firewallRules.beginCreateOrUpdateAndWait(rg, "lw-mysql", "bad", { startIpAddress: "300.1.1.1", endIpAddress: "1.1.1.1" }), 400, "FirewallRuleInvalidIpAddress");
  });

  it("sets the Entra administrator (REST; the pinned SDK has no operation) only with a server user-assigned identity", async () => {
    const token = (await t.credential.getToken("https://management.azure.com/.default"))!.token;
    const server = await my.servers.get(rg, "lw-mysql");
    const uami = `/subscriptions/${t.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/mysql-id`;
    const body = { properties: { administratorType: "ActiveDirectory", login: "lw-admin", sid: t.emulator.credentials.admin.objectId, tenantId: t.tenantId, identityResourceId: uami } };
    const path = `${server.id!}/administrators/ActiveDirectory?api-version=2023-12-30`;
    const refused = await rawRequest(t.endpoint, "PUT", path, { token, body: JSON.stringify(body) });
    expect([refused.status, refused.json().error.code]).toEqual([400, "InvalidParameterValue"]);
    // The pinned SDK's Server model has no identity: assign it on the wire.
    const withId = await rawRequest(t.endpoint, "PATCH", `${server.id!}?api-version=2023-12-30`, { token, body: JSON.stringify({ identity: { type: "UserAssigned", userAssignedIdentities: { [uami]: {} } } }) });
    expect(withId.status, withId.text).toBe(200);
    const ok = await rawRequest(t.endpoint, "PUT", path, { token, body: JSON.stringify(body) });
    expect(ok.status, ok.text).toBe(201);
    expect((await rawRequest(t.endpoint, "GET", path, { token })).json().properties).toMatchObject({ login: "lw-admin", identityResourceId: uami });
  });

  it("rejects a Reader's write and a missing server", async () => {
    const asReader = new MySQLManagementFlexibleServerClient(t.readerCredential, t.subscriptionId, t.clientOptions);
    await expectRestError(asReader.databases.beginCreateOrUpdateAndWait(rg, "lw-mysql", "x", {}), 403, "AuthorizationFailed");
    await expectRestError(my.servers.get(rg, "lw-mysql-missing"), 404, "ResourceNotFound");
  });
});
