// configurationNames, data-plane grants, target resolution extras, secret/network descriptors.
import { describe, expect, it } from "vitest";
import {
  configurationNames,
  dataPlaneGrant,
  defaultDatabaseUser,
  defaultRoles,
  isCatalogueError,
  networkOptions,
  renderGrant,
  resolveTarget,
  secretSource,
  TARGET_KINDS,
} from "../../src/catalogue/index.js";
import { FACTS } from "./expected-names.js";

describe("configurationNames", () => {
  it("answers for every target", () => {
    const r = configurationNames();
    if (isCatalogueError(r)) throw new Error(r.message);
    expect(r.nextLink).toBeNull();
    const targets = new Set(r.value.map((v) => v.properties.targetService));
    expect(targets.size).toBe(TARGET_KINDS.length);
    for (const item of r.value) {
      expect(item.properties.names.length).toBeGreaterThan(0);
      const carriesSecret = item.properties.authType === "secret" || item.properties.authType === "servicePrincipalSecret";
      expect(item.properties.secretType).toBe(carriesSecret ? "rawValue" : undefined);
    }
  });
  it("filters by TargetService, ClientType and AuthType (case-insensitive)", () => {
    const r = configurationNames("TargetService eq 'MICROSOFT.STORAGE/STORAGEACCOUNTS/BLOBSERVICES' and clientType eq 'python' and AuthType eq 'userAssignedIdentity'");
    if (isCatalogueError(r)) throw new Error(r.message);
    expect(r.value).toEqual([
      {
        properties: {
          targetService: "MICROSOFT.STORAGE/STORAGEACCOUNTS/BLOBSERVICES",
          clientType: "python",
          authType: "userAssignedIdentity",
          names: [
            { value: "AZURE_STORAGEBLOB_RESOURCEENDPOINT", description: "blob service endpoint", required: true },
            { value: "AZURE_STORAGEBLOB_CLIENTID", description: "Client id of the user-assigned managed identity", required: true },
          ],
        },
      },
    ]);
  });
  it("lists each Cognitive Services flavour's names as not required, labelled", () => {
    const r = configurationNames("TargetService eq 'Microsoft.CognitiveServices/accounts' and ClientType eq 'none' and AuthType eq 'secret'");
    if (isCatalogueError(r)) throw new Error(r.message);
    const names = r.value[0]!.properties.names;
    expect(names.map((n) => n.value)).toContain("AZURE_OPENAI_KEY");
    expect(names.map((n) => n.value)).toContain("AZURE_AISERVICES_SPEECH_ENDPOINT");
    expect(names.every((n) => !n.required && /account kind|other account kinds/.test(n.description))).toBe(true);
  });
  it("rejects filters it cannot apply", () => {
    const r = configurationNames("Foo eq 'x'");
    expect(isCatalogueError(r) && r.target).toBe("$filter");
    expect(isCatalogueError(configurationNames("ClientType ne 'x'"))).toBe(true);
  });
});

describe("data-plane grants", () => {
  it("SQL: CREATE USER FROM EXTERNAL PROVIDER with the Entra admin prerequisite", () => {
    const g = renderGrant("sql", { userName: "my-app", databaseName: "db1", objectId: "oid-1", principalType: "service" });
    if (isCatalogueError(g)) throw new Error(g.message);
    expect(g.statements).toEqual([
      'CREATE USER "my-app" FROM EXTERNAL PROVIDER;',
      'GRANT CONTROL ON DATABASE::"db1" TO "my-app";',
    ]);
    expect(g.prerequisite).toMatch(/Microsoft Entra admin/);
    expect(g.connectDatabase).toBe("db1");
  });
  it("PostgreSQL: pgaadauth_create_principal_with_oid from the postgres database", () => {
    const user = defaultDatabaseUser("postgres-flexible", "conn1", "ignored");
    expect(user).toBe("aad_conn1");
    const g = renderGrant("postgres-flexible", { userName: user!, databaseName: "db1", objectId: "oid-1", principalType: "service" });
    if (isCatalogueError(g)) throw new Error(g.message);
    expect(g.connectDatabase).toBe("postgres");
    expect(g.statements[0]).toBe("select * from pgaadauth_create_principal_with_oid('aad_conn1', 'oid-1', 'service', false, false);");
    expect(g.statements).toContain('GRANT ALL PRIVILEGES ON DATABASE "db1" TO "aad_conn1";');
  });
  it("MySQL: CREATE AADUSER identified by the client id (user account: object id)", () => {
    const g = renderGrant("mysql-flexible", { userName: "aad_c", databaseName: "db1", objectId: "oid-1", clientId: "cid-1", principalType: "service" });
    if (isCatalogueError(g)) throw new Error(g.message);
    expect(g.statements).toContain("CREATE AADUSER 'aad_c' IDENTIFIED BY 'cid-1';");
    expect(g.statements).toContain("GRANT ALL PRIVILEGES ON `db1`.* TO 'aad_c'@'%';");
    const u = renderGrant("mysql-flexible", { userName: "aad_c", databaseName: "db1", objectId: "oid-1", principalType: "user" });
    expect(!isCatalogueError(u) && u.statements).toContain("CREATE AADUSER 'aad_c' IDENTIFIED BY 'oid-1';");
    const missing = renderGrant("mysql-flexible", { userName: "aad_c", databaseName: "db1", objectId: "oid-1", principalType: "service" });
    expect(isCatalogueError(missing) && missing.message).toMatch(/<identifiedBy>/);
  });
  it("refuses values that would break the quoting; targets without a grant say so", () => {
    expect(isCatalogueError(renderGrant("sql", { userName: 'x"; DROP TABLE t; --', databaseName: "db1", objectId: "o", principalType: "service" }))).toBe(true);
    expect(dataPlaneGrant("storage-blob")).toBeUndefined();
    expect(isCatalogueError(renderGrant("storage-blob", { userName: "u", databaseName: "d", objectId: "o", principalType: "service" }))).toBe(true);
  });
});

describe("resolution extras", () => {
  it("deprecated single servers are refused with the flexible-server alternative", () => {
    const r = resolveTarget("/subscriptions/s/resourceGroups/r/providers/Microsoft.DBforPostgreSQL/servers/old/databases/db");
    expect(isCatalogueError(r) && r.message).toMatch(/deprecated.*postgres-flexible/);
  });
  it("Confluent is endpoint-based; AzureResource targetService resolves by id", () => {
    const c = resolveTarget({ type: "ConfluentBootstrapServer", endpoint: "pkc-1.eastus.azure.confluent.cloud:9092" });
    expect(!isCatalogueError(c) && c.kind).toBe("confluent-kafka");
    expect(!isCatalogueError(c) && c.facts.bootstrapServer).toBe("pkc-1.eastus.azure.confluent.cloud:9092");
    const a = resolveTarget({ type: "AzureResource", id: "/subscriptions/s/resourceGroups/r/providers/Microsoft.KeyVault/vaults/v" });
    expect(!isCatalogueError(a) && a.kind).toBe("keyvault");
    expect(isCatalogueError(resolveTarget({ type: "SelfHostedServer", endpoint: "x" }))).toBe(true);
  });
  it("gives the resource to read facts from and id-derived facts", () => {
    const r = resolveTarget("/subscriptions/s/resourceGroups/r/providers/Microsoft.Storage/storageAccounts/acct/blobServices/default");
    if (isCatalogueError(r)) throw new Error(r.message);
    expect(r.resourceId).toBe("/subscriptions/s/resourceGroups/r/providers/Microsoft.Storage/storageAccounts/acct");
    expect(r.facts).toEqual({ subscriptionId: "s", resourceGroup: "r", resourceName: "acct" });
    const g = resolveTarget("/subscriptions/s/resourceGroups/r/providers/Microsoft.DocumentDB/databaseAccounts/a/gremlinDatabases/d/graphs/g");
    expect(!isCatalogueError(g) && g.facts).toMatchObject({ databaseName: "d", graphName: "g" });
  });
  it("Cognitive Services roles follow the account kind when facts are given", () => {
    expect(defaultRoles("cognitiveservices", FACTS.openai).map((r) => r.name)).toEqual(["Cognitive Services OpenAI Contributor"]);
    expect(defaultRoles("cognitiveservices", FACTS.cognitive).map((r) => r.name)).toEqual(["Cognitive Services User"]);
    expect(defaultRoles("cognitiveservices", FACTS.aiservices)).toHaveLength(2);
  });
});

describe("secret and network descriptors", () => {
  it("storage reads keys with listKeys on the account", () => {
    expect(secretSource("storage-blob")).toMatchObject({ kind: "listKeys", action: "Microsoft.Storage/storageAccounts/listKeys/action", pick: [{ fact: "accountKey" }] });
    expect(secretSource("servicebus")).toMatchObject({ kind: "authorizationRuleKeys" });
    expect(secretSource("cosmos-mongo")).toMatchObject({ kind: "listConnectionStrings" });
    expect(secretSource("sql")).toMatchObject({ kind: "userProvided" });
    expect(secretSource("keyvault")).toMatchObject({ kind: "none" });
  });
  it("network options per target (§3)", () => {
    expect(networkOptions("storage-blob")).toEqual({ firewall: true, serviceEndpoint: true, privateLink: true });
    expect(networkOptions("signalr")).toEqual({ firewall: false, serviceEndpoint: false, privateLink: true });
    expect(networkOptions("confluent-kafka")).toEqual({ firewall: false, serviceEndpoint: false, privateLink: false });
  });
});
