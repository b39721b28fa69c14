// Microsoft.Sql through the real @azure/arm-sql client: server (fullyQualifiedDomainName), databases (incl. master),
// firewall rules (AllowAllWindowsAzureIps), virtual-network rules, the Entra administrator, RBAC and errors.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SqlManagementClient } from "@azure/arm-sql";
import { factsFromResource } from "../../../src/catalogue/index.js";
import { startTestEmulator, type TestEmulator } from "../support/emulator.js";
import { createResourceGroup, expectRestError } from "../providers/helpers.js";
import { armWire } from "./wire.js";
import { rawRequest } from "../support/raw.js";

let t: TestEmulator;
let sql: SqlManagementClient;
const rg = "rg-sql";

beforeAll(async () => {
  t = await startTestEmulator();
  sql = new SqlManagementClient(t.credential, t.subscriptionId, t.clientOptions);
  await createResourceGroup(t, rg);
  await sql.servers.beginCreateOrUpdateAndWait(rg, "lw-sql", { location: "westeurope", administratorLogin: "sqladmin", administratorLoginPassword: "P@ssw0rd-not-stored" });
});
afterAll(async () => { await t?.close(); });

describe("Microsoft.Sql", () => {
  it("serves the server's fullyQualifiedDomainName (the catalogue's host) and databases incl. master", async () => {
    const server = await sql.servers.get(rg, "lw-sql");
    expect(server.fullyQualifiedDomainName).toBe("lw-sql.database.windows.net");
    expect(factsFromResource("sql", await armWire(t, "GET", server.id!))).toEqual({ host: "lw-sql.database.windows.net" });
    expect(JSON.stringify(await armWire(t, "GET", server.id!))).not.toContain("P@ssw0rd");
    const db = await sql.databases.beginCreateOrUpdateAndWait(rg, "lw-sql", "appdb", { location: "westeurope" });
    expect(db).toMatchObject({ name: "appdb", status: "Online", collation: "SQL_Latin1_General_CP1_CI_AS" });
    const names: string[] = [];
    for await (const d of sql.databases.listByServer(rg, "lw-sql")) names.push(d.name!);
    expect(names.sort()).toEqual(["appdb", "master"]);
    await expectRestError(sql.databases.get(rg, "lw-sql", "missing"), 404, "ResourceNotFound");
    await expectRestError(sql.databases.beginDeleteAndWait(rg, "lw-sql", "master"), 400, "OperationNotSupportedOnSystemDatabase");
  });

  it("creates, lists and deletes firewall rules, incl. AllowAllWindowsAzureIps", async () => {
    const azure = await sql.firewallRules.createOrUpdate(rg, "lw-sql", "AllowAllWindowsAzureIps", { startIpAddress: "0.0.0.0", endIpAddress: "0.0.0.0" });
    expect(azure).toMatchObject({ name: "AllowAllWindowsAzureIps", startIpAddress: "0.0.0.0", endIpAddress: "0.0.0.0" });
    await sql.firewallRules.createOrUpdate(rg, "lw-sql", "office", { startIpAddress: "20.1.2.0", endIpAddress: "20.1.2.255" });
    const rules: string[] = [];
    for await (const r of sql.firewallRules.listByServer(rg, "lw-sql")) rules.push(r.name!);
    expect(rules.sort()).toEqual(["AllowAllWindowsAzureIps", "office"]);
    await expectRestError(sql.firewallRules.createOrUpdate(rg, "lw-sql", "bad", { startIpAddress: "20.1.2.9", endIpAddress: "20.1.2.1" }), 400, "FirewallRuleStartIpAddressGreaterThanEndIpAddress");
    await sql.firewallRules.delete(rg, "lw-sql", "office");
    await expectRestError(sql.firewallRules.get(rg, "lw-sql", "office"), 404, "ResourceNotFound");
  });

  it("creates, gets and deletes virtual-network rules", async () => {
    const subnet = `/subscriptions/${t.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Network/virtualNetworks/vnet/subnets/apps`;
    const rule = await sql.virtualNetworkRules.beginCreateOrUpdateAndWait(rg, "lw-sql", "apps", { virtualNetworkSubnetId: subnet, ignoreMissingVnetServiceEndpoint: true });
    expect(rule).toMatchObject({ virtualNetworkSubnetId: subnet, ignoreMissingVnetServiceEndpoint: true, state: "Ready" });
    expect((await sql.virtualNetworkRules.get(rg, "lw-sql", "apps")).virtualNetworkSubnetId).toBe(subnet);
    await sql.virtualNetworkRules.beginDeleteAndWait(rg, "lw-sql", "apps");
    await expectRestError(sql.virtualNetworkRules.get(rg, "lw-sql", "apps"), 404, "ResourceNotFound");
  });

  it("sets and reads the Microsoft Entra administrator", async () => {
    await expectRestError(sql.serverAzureADAdministrators.get(rg, "lw-sql", "ActiveDirectory"), 404, "ResourceNotFound");
    const sid = t.emulator.credentials.admin.objectId;
    const admin = await sql.serverAzureADAdministrators.beginCreateOrUpdateAndWait(rg, "lw-sql", "ActiveDirectory", { administratorType: "ActiveDirectory", login: "lw-admins", sid, tenantId: t.tenantId });
    expect(admin).toMatchObject({ login: "lw-admins", sid, tenantId: t.tenantId, administratorType: "ActiveDirectory" });
    expect((await sql.servers.get(rg, "lw-sql")).administrators).toMatchObject({ login: "lw-admins", sid });
    // The SDK validates sid as a UUID client-side; the wire request shows the server-side check.
    const token = (await t.credential.getToken("https://management.azure.com/.default"))!.token;
    const bad = await rawRequest(t.endpoint, "PUT", `${admin.id!}?api-version=2023-08-01`, { token, body: JSON.stringify({ properties: { administratorType: "ActiveDirectory", login: "x", sid: "not-a-guid" } }) });
    expect([bad.status, bad.json().error.code]).toEqual([400, "InvalidParameterValue"]);
    await sql.serverAzureADAdministrators.beginDeleteAndWait(rg, "lw-sql", "ActiveDirectory");
    expect((await sql.servers.get(rg, "lw-sql")).administrators).toBeUndefined();
  });

  it("creates a database through the SDK poller in LRO mode", async () => {
    t.emulator.control.addLroRule({ method: "PUT", path: "/databases/lrodb$" });
    try {
      const poller = await sql.databases.beginCreateOrUpdate(rg, "lw-sql", "lrodb", { location: "westeurope" }, { updateIntervalInMs: 10 });
      // The classic SDK polls once inside begin*: the operation is still running then (a synchronous 201 would be done).
      expect(poller.getOperationState().status).toBe("running");
      expect((await poller.pollUntilDone()).name).toBe("lrodb");
    } finally {
      t.emulator.control.clearRules();
    }
  });

  it("rejects a Reader's writes and a missing server", async () => {
    const asReader = new SqlManagementClient(t.readerCredential, t.subscriptionId, t.clientOptions);
    expect((await asReader.servers.get(rg, "lw-sql")).name).toBe("lw-sql");
    await expectRestError(asReader.firewallRules.createOrUpdate(rg, "lw-sql", "x", { startIpAddress: "0.0.0.0", endIpAddress: "0.0.0.0" }), 403, "AuthorizationFailed");
    await expectRestError(sql.servers.get(rg, "lw-missing"), 404, "ResourceNotFound");
  });
});
