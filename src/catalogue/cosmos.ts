// Azure Cosmos DB: NoSQL, MongoDB, Cassandra, Gremlin and Table APIs (targets.md §4, §5a, §5c, §6.9–6.13, §7).
// Identity auth grants DocumentDB Account Contributor; the app reads keys from the management URL it is given (§5c).
import { fact, forClients, key, mergeCells, need, prop, sameForAllSources, secretKey, spPlus, umiClientId, withSlash, LOCAL_IDENTITY_AUTH } from "./entries.js";
import { RG } from "./ids.js";
import type { AuthType, ClientType, EntrySpec, SecretSource, TargetDescriptor, TargetFacts } from "./types.js";

const ACCOUNT = `${RG}/Microsoft.DocumentDB/databaseAccounts/{resourceName}`;
const P = "AZURE_COSMOS";
const API_VERSION = "2021-04-15";
const MANAGEMENT_SCOPE = "https://management.azure.com/.default";
const ROLE = { name: "DocumentDB Account Contributor", id: "5bd9cd88-fe45-4216-938b-f97437e15450" };
const NETWORK = { firewall: true, serviceEndpoint: true, privateLink: true };
const AUTH: AuthType[] = ["systemAssignedIdentity", "secret", "userAssignedIdentity", "servicePrincipalSecret"];

const acct = fact("resourceName");
const db = fact("databaseName");
/** The account's documentEndpoint, e.g. `https://<acct>.documents.azure.com:443/`. */
const documentEndpoint = (f: TargetFacts) => withSlash(need(f, "endpoint"));
/** API host: the resolved host, else `<acct>.<api>.cosmos.azure.com`. */
const apiHost = (api: string) => (f: TargetFacts) => f.host ?? `${acct(f)}.${api}.cosmos.azure.com`;

function managementUrl(f: TargetFacts, action: "listConnectionStrings" | "listKeys"): string {
  const base = (f.managementEndpoint ?? "https://management.azure.com").replace(/\/$/, "");
  return (
    `${base}/subscriptions/${need(f, "subscriptionId")}/resourceGroups/${need(f, "resourceGroup")}` +
    `/providers/Microsoft.DocumentDB/databaseAccounts/${acct(f)}/${action}?api-version=${API_VERSION}`
  );
}

const listConnUrl = key(P, "LISTCONNECTIONSTRINGURL", (f) => managementUrl(f, "listConnectionStrings"), "Management URL that returns the connection strings");
const listKeyUrl = key(P, "LISTKEYURL", (f) => managementUrl(f, "listKeys"), "Management URL that returns the account keys");
const scope = key(P, "SCOPE", MANAGEMENT_SCOPE, "Token scope for the management URL");
const resourceEndpoint = key(P, "RESOURCEENDPOINT", documentEndpoint, "Account endpoint");

/** MI/SP rows of a non-Spring client list from the SMI set (§6.9: UMI +CLIENTID, SP SP+). */
function identityRows(clients: readonly ClientType[], smi: EntrySpec[]) {
  return {
    systemAssignedIdentity: forClients(clients, smi),
    userAssignedIdentity: forClients(clients, [...smi, umiClientId(P)]),
    servicePrincipalSecret: forClients(clients, [...smi, ...spPlus(P)]),
  };
}

const listKeys = (pickPath: string, fact: "accountKey" | "connectionString", action: "listKeys" | "listConnectionStrings"): SecretSource => ({
  kind: action,
  resourceTemplate: ACCOUNT,
  action: `Microsoft.DocumentDB/databaseAccounts/${action}/action`,
  pick: [{ path: pickPath, fact }],
});

const base = {
  resourceTemplate: ACCOUNT,
  resourceFacts: [{ fact: "endpoint" as const, path: "properties.documentEndpoint" }, { fact: "location" as const, path: "location" }],
  roleScopeTemplate: ACCOUNT,
  authTypes: sameForAllSources(AUTH, LOCAL_IDENTITY_AUTH),
  secretIsAuto: true,
  defaultRoles: [ROLE],
  allowedRoles: [{ name: "Cosmos DB Account Reader Role", id: "fbdf93bf-df7d-467e-a4d2-9458aa1360c8" }],
  network: NETWORK,
};

// §6.9 NoSQL
const SQL_CLIENTS: ClientType[] = ["dotnet", "java", "python", "nodejs", "go", "springBoot", "none"];
const SQL_NON_SPRING = SQL_CLIENTS.filter((c) => c !== "springBoot");
const sqlConnectionString = (f: TargetFacts) => `AccountEndpoint=${documentEndpoint(f)};AccountKey=${need(f, "accountKey")}`;
const S = "spring.cloud.azure.cosmos";
const springDb = prop(`${S}.database`, db, "Database name");
const springEndpoint = prop(`${S}.endpoint`, documentEndpoint, "Account endpoint");
const springMi = prop(`${S}.credential.managed-identity-enabled`, "true", "Use a managed identity");
const springClientId = prop(`${S}.credential.client-id`, (f) => need(f, "clientId"), "Client id of the identity");

export const cosmosSql: TargetDescriptor = {
  ...base,
  kind: "cosmos-sql",
  displayName: "Azure Cosmos DB for NoSQL",
  armType: "Microsoft.DocumentDB/databaseAccounts/sqlDatabases",
  idPatterns: [{ template: `${ACCOUNT}/sqlDatabases/{databaseName}` }],
  clientTypes: SQL_CLIENTS,
  cells: mergeCells(identityRows(SQL_NON_SPRING, [listConnUrl, scope, resourceEndpoint]), {
    secret: forClients(SQL_NON_SPRING, [secretKey(P, "CONNECTIONSTRING", sqlConnectionString, "Cosmos DB connection string")]),
  }, {
    systemAssignedIdentity: { springBoot: [springMi, springDb, springEndpoint] },
    userAssignedIdentity: { springBoot: [springMi, springDb, springEndpoint, springClientId] },
    secret: { springBoot: [prop(`${S}.key`, (f) => need(f, "accountKey"), "Account key", true), springDb, springEndpoint] },
    servicePrincipalSecret: {
      springBoot: [
        springClientId,
        prop(`${S}.credential.client-secret`, (f) => need(f, "clientSecret"), "Client secret of the service principal", true),
        prop(`${S}.profile.tenant-id`, (f) => need(f, "tenantId"), "Tenant id of the service principal"),
        springDb,
        springEndpoint,
      ],
    },
  }),
  secretSource: listKeys("primaryMasterKey", "accountKey", "listKeys"),
  binding: {
    bindingTypes: ["cosmosDBTrigger", "cosmosDB"],
    identity: [{ property: "accountEndpoint", value: documentEndpoint, description: "Cosmos DB account endpoint for the binding" }],
    secretValue: (f) => `${sqlConnectionString(f)};`,
    note: "The identity form needs a Cosmos DB data-plane role (e.g. Cosmos DB Built-in Data Contributor), which the default DocumentDB Account Contributor is not (§7).",
  },
  notes: ["Go is included per the doc (06/17/2026). Spring Boot secret uses the >= 4.0 names."],
};

// §6.10 MongoDB
const MONGO_CLIENTS: ClientType[] = ["dotnet", "java", "nodejs", "go", "springBoot", "none"];
const MONGO_NON_SPRING = MONGO_CLIENTS.filter((c) => c !== "springBoot");
export const cosmosMongo: TargetDescriptor = {
  ...base,
  kind: "cosmos-mongo",
  displayName: "Azure Cosmos DB for MongoDB",
  armType: "Microsoft.DocumentDB/databaseAccounts/mongodbDatabases",
  idPatterns: [{ template: `${ACCOUNT}/mongodbDatabases/{databaseName}` }],
  clientTypes: MONGO_CLIENTS,
  cells: mergeCells(identityRows(MONGO_NON_SPRING, [listConnUrl, scope, resourceEndpoint]), {
    secret: {
      ...forClients(MONGO_NON_SPRING, [secretKey(P, "CONNECTIONSTRING", (f) => need(f, "connectionString"), "MongoDB connection string")]),
      springBoot: [
        prop("spring.data.mongodb.database", db, "Database name"),
        prop("spring.data.mongodb.uri", (f) => need(f, "connectionString"), "MongoDB connection string", true),
      ],
    },
  }),
  secretSource: listKeys("connectionStrings[0].connectionString", "connectionString", "listConnectionStrings"),
  notes: ["Spring Boot is secret only (§6.10). The connection string is the account's first listConnectionStrings entry."],
};

// §6.11 Cassandra
const CASSANDRA_CLIENTS: ClientType[] = ["dotnet", "java", "python", "nodejs", "go", "springBoot", "none"];
const CASSANDRA_NON_SPRING = CASSANDRA_CLIENTS.filter((c) => c !== "springBoot");
const contactPoint = key(P, "CONTACTPOINT", apiHost("cassandra"), "Cassandra contact point");
const cassandraPort = key(P, "PORT", "10350", "Cassandra port");
const keyspace = key(P, "KEYSPACE", db, "Keyspace name");
const cassandraUser = key(P, "USERNAME", acct, "Cassandra user name (the account name)");
export const cosmosCassandra: TargetDescriptor = {
  ...base,
  kind: "cosmos-cassandra",
  displayName: "Azure Cosmos DB for Apache Cassandra",
  armType: "Microsoft.DocumentDB/databaseAccounts/cassandraKeyspaces",
  idPatterns: [{ template: `${ACCOUNT}/cassandraKeyspaces/{databaseName}` }],
  clientTypes: CASSANDRA_CLIENTS,
  cells: mergeCells(
    identityRows(CASSANDRA_NON_SPRING, [listKeyUrl, scope, resourceEndpoint, contactPoint, cassandraPort, keyspace, cassandraUser]),
    {
      secret: {
        ...forClients(CASSANDRA_NON_SPRING, [
          contactPoint,
          cassandraPort,
          keyspace,
          cassandraUser,
          secretKey(P, "PASSWORD", (f) => need(f, "accountKey"), "Account key"),
        ]),
        springBoot: [
          prop("spring.data.cassandra.contact-points", apiHost("cassandra"), "Cassandra contact point"),
          prop("spring.data.cassandra.port", "10350", "Cassandra port"),
          prop("spring.data.cassandra.keyspace-name", db, "Keyspace name"),
          prop("spring.data.cassandra.username", acct, "Cassandra user name"),
          prop("spring.data.cassandra.password", (f) => need(f, "accountKey"), "Account key", true),
          prop("spring.data.cassandra.local-datacenter", (f) => need(f, "location"), "Local data center (the account region)"),
          prop("spring.data.cassandra.ssl", "true", "Use TLS"),
        ],
      },
    },
  ),
  secretSource: listKeys("primaryMasterKey", "accountKey", "listKeys"),
  notes: ["Spring Boot is documented for secret only; identity rows have no Spring names (§6.11)."],
};

// §6.12 Gremlin
const GREMLIN_CLIENTS: ClientType[] = ["dotnet", "java", "python", "nodejs", "go", "php", "none"];
const hostname = key(P, "HOSTNAME", apiHost("gremlin"), "Gremlin host name");
const gremlinPort = key(P, "PORT", "443", "Gremlin port");
const gremlinUser = key(P, "USERNAME", (f) => `/dbs/${db(f)}/colls/${need(f, "graphName")}`, "Gremlin user name (/dbs/<db>/colls/<graph>)");
export const cosmosGremlin: TargetDescriptor = {
  ...base,
  kind: "cosmos-gremlin",
  displayName: "Azure Cosmos DB for Apache Gremlin",
  armType: "Microsoft.DocumentDB/databaseAccounts/gremlinDatabases/graphs",
  idPatterns: [{ template: `${ACCOUNT}/gremlinDatabases/{databaseName}/graphs/{graphName}` }],
  clientTypes: GREMLIN_CLIENTS,
  cells: mergeCells(identityRows(GREMLIN_CLIENTS, [listKeyUrl, scope, resourceEndpoint, hostname, gremlinPort, gremlinUser]), {
    secret: forClients(GREMLIN_CLIENTS, [hostname, gremlinPort, gremlinUser, secretKey(P, "PASSWORD", (f) => need(f, "accountKey"), "Account key")]),
  }),
  secretSource: listKeys("primaryMasterKey", "accountKey", "listKeys"),
  notes: [
    "UMI writes AZURE_COSMOS_CLIENTID like the other Cosmos APIs (the Gremlin doc table shows AZURE_CLIENTID, §8).",
    "SP uses port 443 like the other Gremlin rows (the doc's SP table shows 10350, §8). Go is included per the doc.",
  ],
};

// §6.13 Table
const TABLE_CLIENTS: ClientType[] = ["dotnet", "java", "python", "nodejs", "none"];
const tableConnectionString = (f: TargetFacts) =>
  `DefaultEndpointsProtocol=https;AccountName=${acct(f)};AccountKey=${need(f, "accountKey")};TableEndpoint=https://${apiHost("table")(f)}:443/;`;
export const cosmosTable: TargetDescriptor = {
  ...base,
  kind: "cosmos-table",
  displayName: "Azure Cosmos DB for Table",
  armType: "Microsoft.DocumentDB/databaseAccounts/tables",
  idPatterns: [{ template: `${ACCOUNT}/tables/{databaseName}` }],
  clientTypes: TABLE_CLIENTS,
  cells: mergeCells(identityRows(TABLE_CLIENTS, [listConnUrl, scope, resourceEndpoint]), {
    secret: forClients(TABLE_CLIENTS, [secretKey(P, "CONNECTIONSTRING", tableConnectionString, "Table API connection string")]),
  }),
  secretSource: listKeys("primaryMasterKey", "accountKey", "listKeys"),
  notes: ["No Spring Boot: the doc lists .NET, Java, Node and Python; `none` is kept from the CLI list."],
};
