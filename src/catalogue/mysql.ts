// Azure Database for MySQL flexible server (targets.md §4, §5b, §6.8).
import { key, prop, sameForAllSources, secretKey, userPasswordSecret, LOCAL_DATABASE_AUTH } from "./entries.js";
import { RG } from "./ids.js";
import { DATABASE_CLIENTS, databaseCells, databaseFacts, springDatabaseCells } from "./postgres.js";
import type { ClientType, EntrySpec, TargetDescriptor, TargetFacts } from "./types.js";

const SERVER = `${RG}/Microsoft.DBforMySQL/flexibleServers/{resourceName}`;
const P = "AZURE_MYSQL";
const PORT = "3306";

const { host, db, user, pass } = databaseFacts;

const CLIENTS = DATABASE_CLIENTS;

function clientEntries(client: ClientType, secret: boolean): EntrySpec[] {
  const cs = (v: (f: TargetFacts) => string) => key(P, "CONNECTIONSTRING", v, "MySQL connection string", secret);
  const password = secret ? [secretKey(P, "PASSWORD", pass, "Database password")] : [];
  const hostKey = key(P, "HOST", host, "Server host name");
  switch (client) {
    case "dotnet":
      return [cs((f) => `Server=${host(f)};Database=${db(f)};Port=${PORT};User Id=${user(f)};${secret ? `Password=${pass(f)};` : ""}SSL Mode=Required;`)];
    case "java":
      return [cs((f) => `jdbc:mysql://${host(f)}:${PORT}/${db(f)}?sslmode=required&user=${user(f)}${secret ? `&password=${pass(f)}` : ""}`)];
    case "go":
      return [cs((f) => `${user(f)}${secret ? `:${pass(f)}` : ""}@tcp(${host(f)}:${PORT})/${db(f)}?tls=true`)];
    case "python":
    case "django":
      return [key(P, "NAME", db, "Database name"), hostKey, key(P, "USER", user, "Database user"), ...password];
    case "nodejs":
      return [
        hostKey,
        key(P, "USER", user, "Database user"),
        key(P, "DATABASE", db, "Database name"),
        key(P, "PORT", PORT, "Server port"),
        key(P, "SSL", "true", "Use TLS"),
        ...password,
      ];
    case "php":
      return [
        key(P, "DBNAME", db, "Database name"),
        hostKey,
        key(P, "PORT", PORT, "Server port"),
        key(P, "FLAG", "MySQL_CLIENT_SSL", "MySQLi connection flag"),
        key(P, "USERNAME", user, "Database user"),
        ...password,
      ];
    case "ruby":
      return [key(P, "DATABASE", db, "Database name"), hostKey, key(P, "USERNAME", user, "Database user"), key(P, "SSLMODE", "required", "TLS mode"), ...password];
    case "none":
      return [
        hostKey,
        key(P, "USERNAME", user, "Database user"),
        key(P, "DATABASE", db, "Database name"),
        key(P, "PORT", PORT, "Server port"),
        key(P, "SSL", "true", "Use TLS"),
        ...password,
      ];
    default:
      throw new Error(`mysql: no entries for client ${client}`);
  }
}

const spring = springDatabaseCells(
  prop("spring.datasource.url", (f) => `jdbc:mysql://${host(f)}:${PORT}/${db(f)}?sslmode=required`, "JDBC URL"),
  prop("spring.datasource.username", user, "Database user"),
  prop("spring.datasource.azure.passwordless-enabled", "true", "Use Microsoft Entra tokens as the password"),
);

export const mysqlFlexible: TargetDescriptor = {
  kind: "mysql-flexible",
  resourceFacts: [{ fact: "host", path: "properties.fullyQualifiedDomainName" }],
  displayName: "Azure Database for MySQL flexible server",
  armType: "Microsoft.DBforMySQL/flexibleServers/databases",
  idPatterns: [{ template: `${SERVER}/databases/{databaseName}` }],
  resourceTemplate: SERVER,
  authTypes: sameForAllSources(["secret", "systemAssignedIdentity", "userAssignedIdentity", "servicePrincipalSecret"], LOCAL_DATABASE_AUTH),
  secretIsAuto: false,
  clientTypes: CLIENTS,
  cells: databaseCells(CLIENTS, P, clientEntries, spring),
  defaultRoles: [],
  secretSource: userPasswordSecret("Server passwords"),
  network: { firewall: true, serviceEndpoint: true, privateLink: true },
  dataPlaneGrant: {
    engine: "mysql",
    prerequisite:
      "The server needs a user-assigned identity (mysql-identity-id) and a Microsoft Entra admin " +
      "(az mysql flexible-server ad-admin create -u <login> -i <oid> --identity <umi>); Entra setup on the server is manual " +
      "(Graph permissions). The statements run as that admin with an oss-rdbms token over TLS.",
    tokenResource: "https://ossrdbms-aad.database.windows.net",
    connectDatabase: "<db>",
    userNameTemplate: "aad_<connectionName>",
    statements: [
      "SET aad_auth_validate_oids_in_tenant = OFF;",
      "CREATE AADUSER '<u>' IDENTIFIED BY '<identifiedBy>';",
      "GRANT ALL PRIVILEGES ON `<db>`.* TO '<u>'@'%';",
      "FLUSH privileges;",
    ],
  },
  notes: [
    "CREATE AADUSER is IDENTIFIED BY the identity's client id (the user's object id for a user account).",
    "The CLI's `DROP USER IF EXISTS` before CREATE AADUSER is left out: linkwright never drops a user it did not create (it " +
      "creates the user only when it does not exist, and a same-name user is reported, not replaced).",
    "Secret .NET/Java strings and Ruby/none passwords were not in the doc: Password=<p>; / &password=<p> / AZURE_MYSQL_PASSWORD.",
    "Spring Boot UMI adds spring.cloud.azure.credential.client-id and client-managed-identity-enabled (as PostgreSQL).",
  ],
};
