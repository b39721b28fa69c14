// Microsoft.DocumentDB through the real @azure/arm-cosmosdb client: accounts per API (kind + capabilities),
// listKeys / listConnectionStrings, network rules via update, NoSQL databases and containers, and the Cosmos
// data-plane RBAC (built-in Data Contributor …0002, custom definitions, assignments); the catalogue's facts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CosmosDBManagementClient } from "@azure/arm-cosmosdb";
import { factsFromResource, factsFromSecretResponse, secretSource } from "../../../src/catalogue/index.js";
import { startTestEmulator, type TestEmulator } from "../support/emulator.js";
import { createResourceGroup, expectRestError } from "../providers/helpers.js";
import { armWire } from "./wire.js";

let t: TestEmulator;
let cosmos: CosmosDBManagementClient;
const rg = "rg-cosmos";
const account = (extra: Record<string, unknown> = {}) => ({
  location: "westeurope", databaseAccountOfferType: "Standard" as const, locations: [{ locationName: "westeurope", failoverPriority: 0 }], ...extra,
});

beforeAll(async () => {
  t = await startTestEmulator();
  cosmos = new CosmosDBManagementClient(t.credential, t.subscriptionId, t.clientOptions);
  await createResourceGroup(t, rg);
  await cosmos.databaseAccounts.createOrUpdate(rg, "lw-cosmos", account());
});
afterAll(async () => { await t?.close(); });

describe("Microsoft.DocumentDB databaseAccounts", () => {
  it("creates a NoSQL account with documentEndpoint, keys and connection strings the catalogue reads", async () => {
    const acct = await cosmos.databaseAccounts.get(rg, "lw-cosmos");
    expect(acct).toMatchObject({ kind: "GlobalDocumentDB", documentEndpoint: "https://lw-cosmos.documents.azure.com:443/", isVirtualNetworkFilterEnabled: false, ipRules: [] });
    const wire = await armWire(t, "GET", acct.id!);
    expect(factsFromResource("cosmos-sql", wire)).toEqual({ endpoint: "https://lw-cosmos.documents.azure.com:443/", location: "westeurope" });
    const keys = await cosmos.databaseAccounts.listKeys(rg, "lw-cosmos");
    expect(keys.primaryMasterKey).toMatch(/^[A-Za-z0-9+/]{86}==$/);
    expect(factsFromSecretResponse(secretSource("cosmos-sql")!, await armWire(t, "POST", `${acct.id!}/listKeys`))).toEqual({ accountKey: keys.primaryMasterKey });
    const cs = await cosmos.databaseAccounts.listConnectionStrings(rg, "lw-cosmos");
    expect(cs.connectionStrings?.[0]).toMatchObject({ connectionString: `AccountEndpoint=https://lw-cosmos.documents.azure.com:443/;AccountKey=${keys.primaryMasterKey};`, type: "Sql", keyKind: "Primary" });
  });

  it("serves Mongo, Cassandra, Gremlin and Table accounts by kind and capabilities", async () => {
    const mongo = await cosmos.databaseAccounts.createOrUpdate(rg, "lw-mongo", account({ kind: "MongoDB" }));
    expect(mongo.capabilities).toEqual([{ name: "EnableMongo" }]);
    const mongoCs = await armWire(t, "POST", `${mongo.id!}/listConnectionStrings`);
    expect(factsFromSecretResponse(secretSource("cosmos-mongo")!, mongoCs).connectionString).toMatch(/^mongodb:\/\/lw-mongo:.+@lw-mongo\.mongo\.cosmos\.azure\.com:10255\/\?ssl=true/);
    for (const api of ["Cassandra", "Gremlin", "Table"]) {
      const a = await cosmos.databaseAccounts.createOrUpdate(rg, `lw-${api.toLowerCase()}`, account({ capabilities: [{ name: `Enable${api}` }] }));
      expect(a.capabilities).toEqual([{ name: `Enable${api}` }]);
    }
    const table = await cosmos.databaseAccounts.listConnectionStrings(rg, "lw-table");
    expect(table.connectionStrings?.[0].connectionString).toMatch(/^DefaultEndpointsProtocol=https;AccountName=lw-table;AccountKey=.+;TableEndpoint=https:\/\/lw-table\.table\.cosmos\.azure\.com:443\/;$/);
    await expectRestError(cosmos.sqlResources.createUpdateSqlDatabase(rg, "lw-mongo", "db", { resource: { id: "db" } }), 400, "BadRequest");
  });

  it("updates ipRules, virtualNetworkRules and the vnet filter", async () => {
    const subnet = `/subscriptions/${t.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Network/virtualNetworks/vnet/subnets/apps`;
    const updated = await cosmos.databaseAccounts.update(rg, "lw-cosmos", {
      ipRules: [{ ipAddressOrRange: "20.1.2.3" }], isVirtualNetworkFilterEnabled: true, virtualNetworkRules: [{ id: subnet, ignoreMissingVNetServiceEndpoint: true }],
    });
    expect(updated).toMatchObject({ ipRules: [{ ipAddressOrRange: "20.1.2.3" }], isVirtualNetworkFilterEnabled: true, virtualNetworkRules: [{ id: subnet, ignoreMissingVNetServiceEndpoint: true }] });
    expect((await cosmos.databaseAccounts.get(rg, "lw-cosmos")).documentEndpoint).toBe("https://lw-cosmos.documents.azure.com:443/");
    await expectRestError(cosmos.databaseAccounts.update(rg, "lw-cosmos", { ipRules: [{ ipAddressOrRange: "nope" }] }), 400, "BadRequest");
  });

  it("creates, gets and lists NoSQL databases and containers", async () => {
    const db = await cosmos.sqlResources.createUpdateSqlDatabase(rg, "lw-cosmos", "appdb", { resource: { id: "appdb" }, options: {} });
    expect(db.resource?.id).toBe("appdb");
    await cosmos.sqlResources.createUpdateSqlContainer(rg, "lw-cosmos", "appdb", "items", { resource: { id: "items", partitionKey: { paths: ["/tenant"], kind: "Hash" } }, options: {} });
    const c = await cosmos.sqlResources.getSqlContainer(rg, "lw-cosmos", "appdb", "items");
    expect(c.resource?.partitionKey?.paths).toEqual(["/tenant"]);
    const dbs: string[] = [];
    for await (const d of cosmos.sqlResources.listSqlDatabases(rg, "lw-cosmos")) dbs.push(d.name!);
    expect(dbs).toEqual(["appdb"]);
    const containers: string[] = [];
    for await (const x of cosmos.sqlResources.listSqlContainers(rg, "lw-cosmos", "appdb")) containers.push(x.name!);
    expect(containers).toEqual(["items"]);
    await expectRestError(cosmos.sqlResources.createUpdateSqlDatabase(rg, "lw-cosmos", "other", { resource: { id: "mismatch" } }), 400, "BadRequest");
    await expectRestError(cosmos.sqlResources.getSqlDatabase(rg, "lw-cosmos", "missing"), 404, "ResourceNotFound");
  });

  it("has the built-in data roles and creates, lists and deletes data-plane role assignments", async () => {
    const acctId = (await cosmos.databaseAccounts.get(rg, "lw-cosmos")).id!;
    const contributor = await cosmos.sqlResources.getSqlRoleDefinition(rg, "lw-cosmos", "00000000-0000-0000-0000-000000000002");
    expect(contributor).toMatchObject({ roleName: "Cosmos DB Built-in Data Contributor", typePropertiesType: "BuiltInRole" });
    const custom = await cosmos.sqlResources.createUpdateSqlRoleDefinition(rg, "lw-cosmos", "11111111-1111-1111-1111-111111111111", {
      roleName: "items reader", type: "CustomRole", assignableScopes: [acctId], permissions: [{ dataActions: ["Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/read"] }],
    });
    expect(custom.roleName).toBe("items reader");
    const principalId = t.emulator.credentials.reader.objectId;
    const assignment = await cosmos.sqlResources.createUpdateSqlRoleAssignment(rg, "lw-cosmos", "22222222-2222-2222-2222-222222222222", {
      roleDefinitionId: contributor.id!, scope: `${acctId}/dbs/appdb`, principalId,
    });
    expect(assignment).toMatchObject({ roleDefinitionId: contributor.id, scope: `${acctId}/dbs/appdb`, principalId });
    const listed: string[] = [];
    for await (const a of cosmos.sqlResources.listSqlRoleAssignments(rg, "lw-cosmos")) listed.push(a.name!);
    expect(listed).toEqual(["22222222-2222-2222-2222-222222222222"]);
    await expectRestError(cosmos.sqlResources.createUpdateSqlRoleAssignment(rg, "lw-cosmos", "33333333-3333-3333-3333-333333333333", {
      roleDefinitionId: `${acctId}/sqlRoleDefinitions/44444444-4444-4444-4444-444444444444`, scope: acctId, principalId,
    }), 400, "BadRequest");
    await cosmos.sqlResources.deleteSqlRoleAssignment(rg, "lw-cosmos", "22222222-2222-2222-2222-222222222222");
    await expectRestError(cosmos.sqlResources.getSqlRoleAssignment(rg, "lw-cosmos", "22222222-2222-2222-2222-222222222222"), 404, "ResourceNotFound");
  });

  it("creates an account and a database through the SDK pollers in LRO mode", async () => {
    t.emulator.control.addLroRule({ method: "PUT", path: "/databaseAccounts/lw-cosmos-lro(/|$)" });
    try {
      const poller = cosmos.databaseAccounts.createOrUpdate(rg, "lw-cosmos-lro", account(), { updateIntervalInMs: 10 });
      const states: string[] = [];
      poller.onProgress((s) => states.push(s.status));
      const acct = await poller;
      expect(states).toContain("running");
      expect(acct.documentEndpoint).toBe("https://lw-cosmos-lro.documents.azure.com:443/");
      const db = await cosmos.sqlResources.createUpdateSqlDatabase(rg, "lw-cosmos-lro", "lrodb", { resource: { id: "lrodb" } }, { updateIntervalInMs: 10 });
      expect(db.name).toBe("lrodb");
    } finally {
      t.emulator.control.clearRules();
    }
  });

  it("rejects a Reader's writes and listKeys, and a missing account", async () => {
    const asReader = new CosmosDBManagementClient(t.readerCredential, t.subscriptionId, t.clientOptions);
    expect((await asReader.databaseAccounts.get(rg, "lw-cosmos")).name).toBe("lw-cosmos");
    await expectRestError(asReader.databaseAccounts.update(rg, "lw-cosmos", { tags: { a: "b" } }), 403, "AuthorizationFailed");
    await expectRestError(asReader.databaseAccounts.listKeys(rg, "lw-cosmos"), 403, "AuthorizationFailed");
    await expectRestError(cosmos.databaseAccounts.get(rg, "lw-missing"), 404, "ResourceNotFound");
  });
});
