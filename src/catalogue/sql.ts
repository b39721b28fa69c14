// Azure SQL Database (targets.md §4, §5b, §6.6). Identity auth needs a contained database user (data-plane grant).
import { fact, key, need, prop, sameForAllSources, secretKey, userPasswordSecret, LOCAL_DATABASE_AUTH } from "./entries.js";
import { RG } from "./ids.js";
import { databaseFacts } from "./postgres.js";
import type { ClientType, EntrySpec, TargetDescriptor, TargetFacts } from "./types.js";

const SERVER = `${RG}/Microsoft.Sql/servers/{resourceName}`;
const P = "AZURE_SQL";
const PORT = "1433";

const { host, db, user, pass } = databaseFacts;
const cid = fact("clientId");
const csec = fact("clientSecret");

const dotnetBase = (f: TargetFacts) => `Data Source=${host(f)},${PORT};Initial Catalog=${db(f)}`;
const jdbcBase = (f: TargetFacts) => `jdbc:sqlserver://${host(f)}:${PORT};databaseName=${db(f)};`;

const connStr = (v: (f: TargetFacts) => string, secret: boolean) =>
  key(P, "CONNECTIONSTRING", v, "SQL Database connection string", secret);
const server = key(P, "SERVER", host, "SQL server host name");
const hostKey = key(P, "HOST", host, "SQL server host name");
const port = key(P, "PORT", PORT, "SQL server port");
const database = key(P, "DATABASE", db, "Database name");
const password = secretKey(P, "PASSWORD", pass, "Database password");
const springUrl = (v: (f: TargetFacts) => string) => prop("spring.datasource.url", v, "JDBC URL");

const smiDotnet = (f: TargetFacts) => `${dotnetBase(f)};Authentication=ActiveDirectoryManagedIdentity`;
const smiJdbc = (f: TargetFacts) => `${jdbcBase(f)}authentication=ActiveDirectoryMSI;`;
const spJdbc = (f: TargetFacts) => `${jdbcBase(f)}authentication=ActiveDirectoryServicePrincipal;`;

const SMI: Partial<Record<ClientType, EntrySpec[]>> = {
  dotnet: [connStr(smiDotnet, false)],
  java: [connStr(smiJdbc, false)],
  springBoot: [springUrl(smiJdbc)],
  python: [server, port, database, key(P, "AUTHENTICATION", "ActiveDirectoryMsi", "Authentication method")],
  nodejs: [server, port, database, key(P, "AUTHENTICATIONTYPE", "azure-active-directory-default", "Authentication type")],
  none: [hostKey, port, database, key(P, "AUTHENTICATION", "azure-active-directory-default", "Authentication method")],
};

const UMI: Partial<Record<ClientType, EntrySpec[]>> = {
  dotnet: [connStr((f) => `${smiDotnet(f)};User ID=${cid(f)}`, false)],
  java: [connStr((f) => `${smiJdbc(f)}msiClientId=${cid(f)};`, false)],
  springBoot: [springUrl((f) => `${smiJdbc(f)}msiClientId=${cid(f)};`)],
  python: [...SMI.python!, key(P, "USER", cid, "Client id of the user-assigned managed identity")],
  nodejs: [...SMI.nodejs!, key(P, "CLIENTID", cid, "Client id of the user-assigned managed identity")],
  none: [...SMI.none!, key(P, "USERNAME", cid, "Client id of the user-assigned managed identity")],
};

const SECRET: Partial<Record<ClientType, EntrySpec[]>> = {
  dotnet: [connStr((f) => `${dotnetBase(f)};User ID=${user(f)};Password=${pass(f)}`, true)],
  java: [connStr((f) => `${jdbcBase(f)}user=${user(f)};password=${pass(f)};`, true)],
  springBoot: [
    springUrl(jdbcBase),
    prop("spring.datasource.username", user, "Database user"),
    prop("spring.datasource.password", pass, "Database password", true),
  ],
  go: [connStr((f) => `server=${host(f)};port=${PORT};database=${db(f)};user id=${user(f)};password=${pass(f)};`, true)],
  nodejs: [server, port, database, key(P, "USERNAME", user, "Database user"), password],
  ruby: [hostKey, port, database, key(P, "USERNAME", user, "Database user"), password],
  none: [hostKey, port, database, key(P, "USERNAME", user, "Database user"), password],
  php: [key(P, "SERVERNAME", host, "SQL server host name"), database, key(P, "UID", user, "Database user"), password],
  python: [server, port, database, key(P, "USER", user, "Database user"), password],
  django: [hostKey, port, key(P, "NAME", db, "Database name"), key(P, "USER", user, "Database user"), password],
};

const SP: Partial<Record<ClientType, EntrySpec[]>> = {
  dotnet: [
    key(P, "CLIENTID", cid, "Client id of the service principal"),
    secretKey(P, "CLIENTSECRET", csec, "Client secret of the service principal"),
    key(P, "TENANTID", (f) => need(f, "tenantId"), "Tenant id of the service principal"),
    connStr((f) => `${dotnetBase(f)};User ID=${cid(f)};Password=${csec(f)};Authentication=ActiveDirectoryServicePrincipal`, true),
  ],
  java: [connStr((f) => `${jdbcBase(f)}user=${cid(f)};password=${csec(f)};authentication=ActiveDirectoryServicePrincipal;`, true)],
  springBoot: [
    springUrl(spJdbc),
    prop("spring.datasource.username", cid, "Client id of the service principal"),
    prop("spring.datasource.password", csec, "Client secret of the service principal", true),
  ],
  python: [
    server,
    port,
    database,
    key(P, "USER", cid, "Client id of the service principal"),
    secretKey(P, "PASSWORD", csec, "Client secret of the service principal"),
    key(P, "AUTHENTICATION", "ActiveDirectoryServicePrincipal", "Authentication method"),
  ],
  nodejs: [
    server,
    port,
    database,
    key(P, "AUTHENTICATIONTYPE", "azure-active-directory-service-principal-secret", "Authentication type"),
    key(P, "CLIENTID", cid, "Client id of the service principal"),
    secretKey(P, "CLIENTSECRET", csec, "Client secret of the service principal"),
    key(P, "TENANTID", (f) => need(f, "tenantId"), "Tenant id of the service principal"),
  ],
  none: [
    hostKey,
    port,
    database,
    key(P, "USERNAME", cid, "Client id of the service principal"),
    secretKey(P, "PASSWORD", csec, "Client secret of the service principal"),
  ],
};

export const sqlDatabase: TargetDescriptor = {
  kind: "sql",
  resourceFacts: [{ fact: "host", path: "properties.fullyQualifiedDomainName" }],
  displayName: "Azure SQL Database",
  armType: "Microsoft.Sql/servers/databases",
  idPatterns: [{ template: `${SERVER}/databases/{databaseName}` }],
  resourceTemplate: SERVER,
  authTypes: sameForAllSources(["secret", "systemAssignedIdentity", "userAssignedIdentity", "servicePrincipalSecret"], LOCAL_DATABASE_AUTH),
  secretIsAuto: false,
  clientTypes: ["dotnet", "java", "python", "nodejs", "go", "php", "ruby", "django", "springBoot", "none"],
  cells: { systemAssignedIdentity: SMI, userAssignedIdentity: UMI, secret: SECRET, servicePrincipalSecret: SP },
  defaultRoles: [],
  secretSource: userPasswordSecret("SQL logins"),
  network: { firewall: true, serviceEndpoint: true, privateLink: true },
  dataPlaneGrant: {
    engine: "sql",
    prerequisite:
      "The server needs a Microsoft Entra admin (az sql server ad-admin create --display-name <login> --object-id <oid>); " +
      "the statements run as that admin with a token for https://database.windows.net/.",
    tokenResource: "https://database.windows.net/",
    connectDatabase: "<db>",
    userNameTemplate: "<identityName>",
    statements: [
      'CREATE USER "<u>" FROM EXTERNAL PROVIDER;',
      'GRANT CONTROL ON DATABASE::"<db>" TO "<u>";',
    ],
  },
  notes: [
    "Go, PHP, Ruby and Django are secret only (§6.6).",
    "The CLI's `DROP USER IF EXISTS` before CREATE USER is left out: linkwright never drops a user it did not create (it " +
      "creates the user only when it does not exist, and a same-name user is reported, not replaced).",
    "UMI Python: AZURE_SQL_USER holds the client id (the doc sample uses it so, §8).",
    "SP Python: AZURE_SQL_AUTHENTICATION=ActiveDirectoryServicePrincipal, the value drivers accept (the doc spells it ActiveDirectoryServerPrincipal, §8).",
    "SP Node: AZURE_SQL_AUTHENTICATIONTYPE=azure-active-directory-service-principal-secret (tedious's name; the doc gives no value).",
    "Secret Spring: spring.datasource.url carries no credentials; PHP AZURE_SQL_SERVERNAME is the host name.",
  ],
};
