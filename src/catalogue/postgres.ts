// Azure Database for PostgreSQL flexible server (targets.md §4, §5b, §6.7).
import { fact, key, need, prop, sameForAllSources, secretKey, spPlus, umiClientId, userPasswordSecret, LOCAL_DATABASE_AUTH } from "./entries.js";
import { RG } from "./ids.js";
import type { AuthType, ClientType, EntrySpec, TargetDescriptor, TargetFacts } from "./types.js";

const SERVER = `${RG}/Microsoft.DBforPostgreSQL/flexibleServers/{resourceName}`;
const P = "AZURE_POSTGRESQL";
const PORT = "5432";

/** The facts every database target's names are built from (PostgreSQL, MySQL, SQL). */
export const databaseFacts = { host: fact("host"), db: fact("databaseName"), user: fact("userName"), pass: fact("password") };
const { host, db, user, pass } = databaseFacts;

/** The client types of the PostgreSQL and MySQL flexible servers. */
export const DATABASE_CLIENTS: ClientType[] = ["dotnet", "java", "python", "nodejs", "go", "php", "ruby", "django", "springBoot", "none"];
const CLIENTS = DATABASE_CLIENTS;

/** Non-Spring keys of one client; `secret` adds the password in the form §6.7 gives for that client. */
function clientEntries(client: ClientType, secret: boolean): EntrySpec[] {
  const pw = (f: TargetFacts) => (secret ? ` password=${pass(f)}` : "");
  const cs = (v: (f: TargetFacts) => string) => key(P, "CONNECTIONSTRING", v, "PostgreSQL connection string", secret);
  const password = secret ? [secretKey(P, "PASSWORD", pass, "Database password")] : [];
  switch (client) {
    case "dotnet":
      return [cs((f) => `Server=${host(f)};Database=${db(f)};Port=${PORT};Ssl Mode=Require;User Id=${user(f)};${secret ? `Password=${pass(f)};` : ""}`)];
    case "java":
      return [cs((f) => `jdbc:postgresql://${host(f)}:${PORT}/${db(f)}?sslmode=require&user=${user(f)}${secret ? `&password=${pass(f)}` : ""}`)];
    case "python":
      return [cs((f) => `dbname=${db(f)} host=${host(f)} port=${PORT} sslmode=require user=${user(f)}${pw(f)}`)];
    case "go":
      return [cs((f) => `host=${host(f)} dbname=${db(f)} sslmode=require user=${user(f)}${pw(f)}`)];
    case "php":
    case "ruby":
      return [cs((f) => `host=${host(f)} port=${PORT} dbname=${db(f)} sslmode=require user=${user(f)}${pw(f)}`)];
    case "django":
      return [key(P, "NAME", db, "Database name"), key(P, "HOST", host, "Server host name"), key(P, "USER", user, "Database user"), ...password];
    case "nodejs":
      return [
        key(P, "HOST", host, "Server host name"),
        key(P, "USER", user, "Database user"),
        key(P, "DATABASE", db, "Database name"),
        key(P, "PORT", PORT, "Server port"),
        key(P, "SSL", "true", "Use TLS"),
        ...password,
      ];
    case "none":
      return [
        key(P, "HOST", host, "Server host name"),
        key(P, "USERNAME", user, "Database user"),
        key(P, "DATABASE", db, "Database name"),
        key(P, "PORT", PORT, "Server port"),
        key(P, "SSL", "true", "Use TLS"),
        ...password,
      ];
    default:
      throw new Error(`postgres: no entries for client ${client}`);
  }
}

const springUrl = prop("spring.datasource.url", (f) => `jdbc:postgresql://${host(f)}:${PORT}/${db(f)}?sslmode=require`, "JDBC URL");
const springUser = prop("spring.datasource.username", user, "Database user");
const passwordless = prop("spring.datasource.azure.passwordless-enabled", "true", "Use Microsoft Entra tokens as the password");

/** Spring Boot properties shared by PostgreSQL and MySQL (§6.7, §6.8). */
export function springDatabaseCells(url: EntrySpec, username: EntrySpec, passwordless: EntrySpec): Record<Exclude<AuthType, "userAccount">, EntrySpec[]> {
  const clientId = prop("spring.cloud.azure.credential.client-id", (f) => need(f, "clientId"), "Client id of the identity");
  return {
    systemAssignedIdentity: [passwordless, url, username],
    userAssignedIdentity: [
      passwordless,
      url,
      username,
      clientId,
      prop("spring.cloud.azure.credential.client-managed-identity-enabled", "true", "Use the user-assigned managed identity"),
    ],
    servicePrincipalSecret: [
      passwordless,
      url,
      username,
      clientId,
      prop("spring.cloud.azure.credential.client-secret", (f) => need(f, "clientSecret"), "Client secret of the service principal", true),
      prop("spring.cloud.azure.credential.tenant-id", (f) => need(f, "tenantId"), "Tenant id of the service principal"),
    ],
    secret: [url, username, prop("spring.datasource.password", (f) => need(f, "password"), "Database password", true)],
  };
}

/** Builds the four auth rows for every client from a per-client function and the Spring rows. */
export function databaseCells(
  clients: ClientType[],
  prefix: string,
  clientEntries: (c: ClientType, secret: boolean) => EntrySpec[],
  spring: Record<Exclude<AuthType, "userAccount">, EntrySpec[]>,
): TargetDescriptor["cells"] {
  const cells: TargetDescriptor["cells"] = { systemAssignedIdentity: {}, userAssignedIdentity: {}, servicePrincipalSecret: {}, secret: {} };
  for (const c of clients) {
    if (c === "springBoot") {
      for (const a of Object.keys(spring) as (keyof typeof spring)[]) cells[a]![c] = spring[a];
      continue;
    }
    const mi = clientEntries(c, false);
    cells.systemAssignedIdentity![c] = mi;
    cells.userAssignedIdentity![c] = [...mi, umiClientId(prefix)];
    cells.servicePrincipalSecret![c] = [...mi, ...spPlus(prefix)];
    cells.secret![c] = clientEntries(c, true);
  }
  return cells;
}

export const postgresFlexible: TargetDescriptor = {
  kind: "postgres-flexible",
  resourceFacts: [{ fact: "host", path: "properties.fullyQualifiedDomainName" }],
  displayName: "Azure Database for PostgreSQL flexible server",
  armType: "Microsoft.DBforPostgreSQL/flexibleServers/databases",
  idPatterns: [{ template: `${SERVER}/databases/{databaseName}` }],
  resourceTemplate: SERVER,
  authTypes: sameForAllSources(["secret", "systemAssignedIdentity", "userAssignedIdentity", "servicePrincipalSecret"], LOCAL_DATABASE_AUTH),
  secretIsAuto: false,
  clientTypes: CLIENTS,
  cells: databaseCells(CLIENTS, P, clientEntries, springDatabaseCells(springUrl, springUser, passwordless)),
  defaultRoles: [],
  secretSource: userPasswordSecret("Server passwords"),
  network: { firewall: true, serviceEndpoint: true, privateLink: true },
  dataPlaneGrant: {
    engine: "postgresql",
    prerequisite:
      "Microsoft Entra authentication enabled on the server (authConfig.activeDirectoryAuth = Enabled) and the caller set as a " +
      "Microsoft Entra admin (az postgres flexible-server ad-admin create); the statements run as that admin with an oss-rdbms token.",
    tokenResource: "https://ossrdbms-aad.database.windows.net",
    connectDatabase: "postgres",
    userNameTemplate: "aad_<connectionName>",
    statements: [
      "select * from pgaadauth_create_principal_with_oid('<u>', '<objectId>', '<principalType>', false, false);",
      'GRANT ALL PRIVILEGES ON DATABASE "<db>" TO "<u>";',
      'GRANT ALL PRIVILEGES ON ALL TABLES IN SCHEMA public TO "<u>";',
      'GRANT ALL PRIVILEGES ON ALL SEQUENCES IN SCHEMA public TO "<u>";',
    ],
  },
  notes: [
    "With identity auth the user is the database user mapped to the identity (authInfo.userName, default aad_<connection>); the app uses an Entra token as the password.",
    "Secret .NET and Java strings (not read in the doc) follow Npgsql and the Neon doc: `Password=<p>;` and `&password=<p>`; `none` gains AZURE_POSTGRESQL_PASSWORD.",
    "Spring Boot UMI/SP use the spring.cloud.azure.credential.* properties, not AZURE_POSTGRESQL_CLIENTID.",
  ],
};
