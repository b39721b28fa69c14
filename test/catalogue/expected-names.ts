// Expected configuration names and values, transcribed by hand from ../shared/reference/targets.md §4 and §6
// (placeholders filled from FACTS below). Deliberately NOT computed from src/catalogue.
import type { TargetFacts } from "../../src/catalogue/index.js";

export const SMI = "systemAssignedIdentity";
export const UMI = "userAssignedIdentity";
export const SP = "servicePrincipalSecret";
export const SECRET = "secret";

/** Identity facts shared by every target. */
const ID = { clientId: "cid-1111", clientSecret: "sp-secret", tenantId: "tid-2222" };
const SUB = { subscriptionId: "sub-1", resourceGroup: "rg-1" };

/** Facts per target, as the connections slice would resolve them. */
export const FACTS: Record<string, TargetFacts> = {
  storage: {
    ...SUB,
    ...ID,
    resourceName: "acct",
    blobEndpoint: "https://acct.blob.core.windows.net/",
    queueEndpoint: "https://acct.queue.core.windows.net/",
    tableEndpoint: "https://acct.table.core.windows.net/",
    fileEndpoint: "https://acct.file.core.windows.net/",
    accountKey: "KEY==",
  },
  keyvault: { ...SUB, ...ID, resourceName: "vault1", endpoint: "https://vault1.vault.azure.net/" },
};

export interface ExpectedRow {
  target: string;
  facts: string;
  auth: string;
  clients: string[];
  /** name → value, in the order written. */
  names: Record<string, string>;
  /** Names whose isSecret must be true. */
  secrets?: string[];
}

/** Supported auth types (webapp; first = default) and client types (first = default), §4a/§4b with doc choices. */
export const SUPPORT: Record<string, { auth: string[]; clients: string[] }> = {
  "storage-blob": { auth: [SMI, SECRET, UMI, SP], clients: ["dotnet", "java", "python", "nodejs", "go", "springBoot", "none"] },
  "storage-queue": { auth: [SMI, SECRET, UMI, SP], clients: ["dotnet", "java", "python", "nodejs", "go", "springBoot", "none"] },
  "storage-table": { auth: [SMI, SECRET, UMI, SP], clients: ["dotnet", "java", "python", "nodejs", "none"] },
  "storage-file": { auth: [SECRET], clients: ["dotnet", "java", "python", "nodejs", "php", "ruby", "springBoot", "none"] },
  keyvault: { auth: [SMI, UMI, SP], clients: ["dotnet", "java", "python", "nodejs", "springBoot", "none"] },
};

const BLOB_NON_SPRING = ["dotnet", "java", "python", "nodejs", "go", "none"];
const TABLE_CLIENTS = ["dotnet", "java", "python", "nodejs", "none"];
const SP_PLUS = (p: string) => ({ [`${p}_CLIENTID`]: "cid-1111", [`${p}_CLIENTSECRET`]: "sp-secret", [`${p}_TENANTID`]: "tid-2222" });

export const ROWS: ExpectedRow[] = [
  // §6.1 Blob Storage
  { target: "storage-blob", facts: "storage", auth: SMI, clients: BLOB_NON_SPRING, names: { AZURE_STORAGEBLOB_RESOURCEENDPOINT: "https://acct.blob.core.windows.net/" } },
  {
    target: "storage-blob", facts: "storage", auth: UMI, clients: BLOB_NON_SPRING,
    names: { AZURE_STORAGEBLOB_RESOURCEENDPOINT: "https://acct.blob.core.windows.net/", AZURE_STORAGEBLOB_CLIENTID: "cid-1111" },
  },
  {
    target: "storage-blob", facts: "storage", auth: SECRET, clients: BLOB_NON_SPRING,
    names: { AZURE_STORAGEBLOB_CONNECTIONSTRING: "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=KEY==;EndpointSuffix=core.windows.net" },
    secrets: ["AZURE_STORAGEBLOB_CONNECTIONSTRING"],
  },
  {
    target: "storage-blob", facts: "storage", auth: SP, clients: BLOB_NON_SPRING,
    names: { AZURE_STORAGEBLOB_RESOURCEENDPOINT: "https://acct.blob.core.windows.net/", ...SP_PLUS("AZURE_STORAGEBLOB") },
    secrets: ["AZURE_STORAGEBLOB_CLIENTSECRET"],
  },
  {
    target: "storage-blob", facts: "storage", auth: SMI, clients: ["springBoot"],
    names: {
      "spring.cloud.azure.storage.blob.credential.managed-identity-enabled": "true",
      "spring.cloud.azure.storage.blob.account-name": "acct",
      "spring.cloud.azure.storage.blob.endpoint": "https://acct.blob.core.windows.net/",
    },
  },
  {
    target: "storage-blob", facts: "storage", auth: UMI, clients: ["springBoot"],
    names: {
      "spring.cloud.azure.storage.blob.credential.managed-identity-enabled": "true",
      "spring.cloud.azure.storage.blob.account-name": "acct",
      "spring.cloud.azure.storage.blob.endpoint": "https://acct.blob.core.windows.net/",
      "spring.cloud.azure.storage.blob.credential.client-id": "cid-1111",
    },
  },
  {
    target: "storage-blob", facts: "storage", auth: SECRET, clients: ["springBoot"],
    names: {
      "spring.cloud.azure.storage.blob.account-name": "acct",
      "spring.cloud.azure.storage.blob.account-key": "KEY==",
      "spring.cloud.azure.storage.blob.endpoint": "https://acct.blob.core.windows.net/",
    },
    secrets: ["spring.cloud.azure.storage.blob.account-key"],
  },
  {
    target: "storage-blob", facts: "storage", auth: SP, clients: ["springBoot"],
    names: {
      "spring.cloud.azure.storage.blob.account-name": "acct",
      "spring.cloud.azure.storage.blob.endpoint": "https://acct.blob.core.windows.net/",
      "spring.cloud.azure.storage.blob.credential.client-id": "cid-1111",
      "spring.cloud.azure.storage.blob.credential.client-secret": "sp-secret",
    },
    secrets: ["spring.cloud.azure.storage.blob.credential.client-secret"],
  },
  // §6.2 Queue Storage
  { target: "storage-queue", facts: "storage", auth: SMI, clients: BLOB_NON_SPRING, names: { AZURE_STORAGEQUEUE_RESOURCEENDPOINT: "https://acct.queue.core.windows.net/" } },
  {
    target: "storage-queue", facts: "storage", auth: UMI, clients: BLOB_NON_SPRING,
    names: { AZURE_STORAGEQUEUE_RESOURCEENDPOINT: "https://acct.queue.core.windows.net/", AZURE_STORAGEQUEUE_CLIENTID: "cid-1111" },
  },
  {
    target: "storage-queue", facts: "storage", auth: SECRET, clients: BLOB_NON_SPRING,
    names: { AZURE_STORAGEQUEUE_CONNECTIONSTRING: "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=KEY==;EndpointSuffix=core.windows.net" },
    secrets: ["AZURE_STORAGEQUEUE_CONNECTIONSTRING"],
  },
  {
    target: "storage-queue", facts: "storage", auth: SP, clients: BLOB_NON_SPRING,
    names: { AZURE_STORAGEQUEUE_RESOURCEENDPOINT: "https://acct.queue.core.windows.net/", ...SP_PLUS("AZURE_STORAGEQUEUE") },
  },
  {
    target: "storage-queue", facts: "storage", auth: SMI, clients: ["springBoot"],
    names: {
      "spring.cloud.azure.storage.queue.credential.managed-identity-enabled": "true",
      "spring.cloud.azure.storage.queue.account-name": "acct",
      "spring.cloud.azure.storage.queue.endpoint": "https://acct.queue.core.windows.net/",
    },
  },
  {
    target: "storage-queue", facts: "storage", auth: UMI, clients: ["springBoot"],
    names: {
      "spring.cloud.azure.storage.queue.credential.managed-identity-enabled": "true",
      "spring.cloud.azure.storage.queue.account-name": "acct",
      "spring.cloud.azure.storage.queue.endpoint": "https://acct.queue.core.windows.net/",
      "spring.cloud.azure.storage.queue.credential.client-id": "cid-1111",
    },
  },
  {
    target: "storage-queue", facts: "storage", auth: SECRET, clients: ["springBoot"],
    names: {
      "spring.cloud.azure.storage.queue.account-name": "acct",
      "spring.cloud.azure.storage.queue.account-key": "KEY==",
      "spring.cloud.azure.storage.queue.endpoint": "https://acct.queue.core.windows.net/",
    },
  },
  {
    target: "storage-queue", facts: "storage", auth: SP, clients: ["springBoot"],
    names: {
      "spring.cloud.azure.storage.queue.account-name": "acct",
      "spring.cloud.azure.storage.queue.endpoint": "https://acct.queue.core.windows.net/",
      "spring.cloud.azure.storage.queue.credential.client-id": "cid-1111",
      "spring.cloud.azure.storage.queue.credential.client-secret": "sp-secret",
    },
  },
  // §6.4 Table Storage
  { target: "storage-table", facts: "storage", auth: SMI, clients: TABLE_CLIENTS, names: { AZURE_STORAGETABLE_RESOURCEENDPOINT: "https://acct.table.core.windows.net/" } },
  {
    target: "storage-table", facts: "storage", auth: UMI, clients: TABLE_CLIENTS,
    names: { AZURE_STORAGETABLE_RESOURCEENDPOINT: "https://acct.table.core.windows.net/", AZURE_STORAGETABLE_CLIENTID: "cid-1111" },
  },
  {
    target: "storage-table", facts: "storage", auth: SECRET, clients: TABLE_CLIENTS,
    names: { AZURE_STORAGETABLE_CONNECTIONSTRING: "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=KEY==;EndpointSuffix=core.windows.net" },
    secrets: ["AZURE_STORAGETABLE_CONNECTIONSTRING"],
  },
  {
    target: "storage-table", facts: "storage", auth: SP, clients: TABLE_CLIENTS,
    names: { AZURE_STORAGETABLE_RESOURCEENDPOINT: "https://acct.table.core.windows.net/", ...SP_PLUS("AZURE_STORAGETABLE") },
  },
  // §6.3 Azure Files
  {
    target: "storage-file", facts: "storage", auth: SECRET, clients: ["dotnet", "java", "python", "nodejs", "php", "ruby", "none"],
    names: { AZURE_STORAGEFILE_CONNECTIONSTRING: "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=KEY==;EndpointSuffix=core.windows.net" },
    secrets: ["AZURE_STORAGEFILE_CONNECTIONSTRING"],
  },
  {
    target: "storage-file", facts: "storage", auth: SECRET, clients: ["springBoot"],
    names: {
      "spring.cloud.azure.storage.fileshare.account-name": "acct",
      "spring.cloud.azure.storage.fileshare.account-key": "KEY==",
      "spring.cloud.azure.storage.fileshare.endpoint": "https://acct.file.core.windows.net/",
    },
    secrets: ["spring.cloud.azure.storage.fileshare.account-key"],
  },
  // §6.5 Key Vault
  {
    target: "keyvault", facts: "keyvault", auth: SMI, clients: ["dotnet", "java", "python", "nodejs", "none"],
    names: { AZURE_KEYVAULT_SCOPE: "https://management.azure.com/.default", AZURE_KEYVAULT_RESOURCEENDPOINT: "https://vault1.vault.azure.net/" },
  },
  {
    target: "keyvault", facts: "keyvault", auth: UMI, clients: ["dotnet", "java", "python", "nodejs", "none"],
    names: {
      AZURE_KEYVAULT_SCOPE: "https://management.azure.com/.default",
      AZURE_KEYVAULT_RESOURCEENDPOINT: "https://vault1.vault.azure.net/",
      AZURE_KEYVAULT_CLIENTID: "cid-1111",
    },
  },
  {
    target: "keyvault", facts: "keyvault", auth: SP, clients: ["dotnet", "java", "python", "nodejs", "none"],
    names: {
      AZURE_KEYVAULT_SCOPE: "https://management.azure.com/.default",
      AZURE_KEYVAULT_RESOURCEENDPOINT: "https://vault1.vault.azure.net/",
      ...SP_PLUS("AZURE_KEYVAULT"),
    },
    secrets: ["AZURE_KEYVAULT_CLIENTSECRET"],
  },
  {
    target: "keyvault", facts: "keyvault", auth: SMI, clients: ["springBoot"],
    names: {
      "azure.keyvault.uri": "https://vault1.vault.azure.net/",
      "azure.keyvault.scope": "https://management.azure.com/.default",
      "spring.cloud.azure.keyvault.secret.credential.managed-identity-enabled": "true",
      "spring.cloud.azure.keyvault.secret.endpoint": "https://vault1.vault.azure.net/",
    },
  },
  {
    target: "keyvault", facts: "keyvault", auth: UMI, clients: ["springBoot"],
    names: {
      "azure.keyvault.uri": "https://vault1.vault.azure.net/",
      "azure.keyvault.scope": "https://management.azure.com/.default",
      "spring.cloud.azure.keyvault.secret.credential.managed-identity-enabled": "true",
      "spring.cloud.azure.keyvault.secret.endpoint": "https://vault1.vault.azure.net/",
      "azure.keyvault.client-id": "cid-1111",
      "spring.cloud.azure.keyvault.secret.credential.client-id": "cid-1111",
    },
  },
  {
    target: "keyvault", facts: "keyvault", auth: SP, clients: ["springBoot"],
    names: {
      "azure.keyvault.uri": "https://vault1.vault.azure.net/",
      "azure.keyvault.client-id": "cid-1111",
      "azure.keyvault.client-key": "sp-secret",
      "azure.keyvault.tenant-id": "tid-2222",
      "azure.keyvault.scope": "https://management.azure.com/.default",
      "spring.cloud.azure.keyvault.secret.endpoint": "https://vault1.vault.azure.net/",
      "spring.cloud.azure.keyvault.secret.credential.client-id": "cid-1111",
      "spring.cloud.azure.keyvault.secret.credential.client-secret": "sp-secret",
      "spring.cloud.azure.keyvault.secret.profile.tenant-id": "tid-2222",
    },
    secrets: ["azure.keyvault.client-key", "spring.cloud.azure.keyvault.secret.credential.client-secret"],
  },
];

/** Default roles (§5a), transcribed. */
export const ROLES: Record<string, string[]> = {
  "storage-blob": ["ba92f5b4-2d11-453d-a403-e96b0029c9fe"],
  "storage-queue": ["974c5e8b-45b9-4653-ba55-5f855dd0fb88"],
  "storage-table": ["0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3"],
  "storage-file": [],
  keyvault: ["4633458b-17de-408a-b874-0445c86b69e6", "db79e9a7-68ee-4b58-9aeb-b90e7c24fcba"],
};

/** A sample id per target (§4) and the parts/scope expected from it. */
export const IDS: Record<string, { id: string; resourceName: string; roleScope?: string; databaseName?: string }> = {
  "storage-blob": {
    id: "/subscriptions/sub-1/resourceGroups/rg-1/providers/Microsoft.Storage/storageAccounts/acct/blobServices/default",
    resourceName: "acct",
    roleScope: "/subscriptions/sub-1/resourceGroups/rg-1/providers/Microsoft.Storage/storageAccounts/acct/blobServices/default",
  },
  "storage-queue": {
    id: "/subscriptions/sub-1/resourceGroups/rg-1/providers/Microsoft.Storage/storageAccounts/acct/queueServices/default",
    resourceName: "acct",
    roleScope: "/subscriptions/sub-1/resourceGroups/rg-1/providers/Microsoft.Storage/storageAccounts/acct/queueServices/default",
  },
  "storage-table": {
    id: "/subscriptions/sub-1/resourceGroups/rg-1/providers/Microsoft.Storage/storageAccounts/acct/tableServices/default",
    resourceName: "acct",
    roleScope: "/subscriptions/sub-1/resourceGroups/rg-1/providers/Microsoft.Storage/storageAccounts/acct/tableServices/default",
  },
  "storage-file": {
    id: "/subscriptions/sub-1/resourceGroups/rg-1/providers/Microsoft.Storage/storageAccounts/acct/fileServices/default",
    resourceName: "acct",
  },
  keyvault: {
    id: "/subscriptions/sub-1/resourceGroups/rg-1/providers/Microsoft.KeyVault/vaults/vault1",
    resourceName: "vault1",
    roleScope: "/subscriptions/sub-1/resourceGroups/rg-1/providers/Microsoft.KeyVault/vaults/vault1",
  },
};

// ---------------------------------------------------------------------------------------------------------------
// Databases: §6.6 SQL, §6.7 PostgreSQL flexible, §6.8 MySQL flexible (with the choices noted in src/catalogue notes).
Object.assign(FACTS, {
  sql: { ...SUB, ...ID, resourceName: "srv", host: "srv.database.windows.net", databaseName: "db1", userName: "admin1", password: "P@ss" },
  pg: { ...SUB, ...ID, resourceName: "srv", host: "srv.postgres.database.azure.com", databaseName: "db1", userName: "user1", password: "pw1" },
  mysql: { ...SUB, ...ID, resourceName: "srv", host: "srv.mysql.database.azure.com", databaseName: "db1", userName: "user1", password: "pw1" },
});
const DB_CLIENTS = ["dotnet", "java", "python", "nodejs", "go", "php", "ruby", "django", "springBoot", "none"];
Object.assign(SUPPORT, {
  sql: { auth: [SECRET, SMI, UMI, SP], clients: DB_CLIENTS },
  "postgres-flexible": { auth: [SECRET, SMI, UMI, SP], clients: DB_CLIENTS },
  "mysql-flexible": { auth: [SECRET, SMI, UMI, SP], clients: DB_CLIENTS },
});
Object.assign(ROLES, { sql: [], "postgres-flexible": [], "mysql-flexible": [] });
Object.assign(IDS, {
  sql: { id: "/subscriptions/sub-1/resourceGroups/rg-1/providers/Microsoft.Sql/servers/srv/databases/db1", resourceName: "srv", databaseName: "db1" },
  "postgres-flexible": {
    id: "/subscriptions/sub-1/resourceGroups/rg-1/providers/Microsoft.DBforPostgreSQL/flexibleServers/srv/databases/db1",
    resourceName: "srv",
    databaseName: "db1",
  },
  "mysql-flexible": {
    id: "/subscriptions/sub-1/resourceGroups/rg-1/providers/Microsoft.DBforMySQL/flexibleServers/srv/databases/db1",
    resourceName: "srv",
    databaseName: "db1",
  },
});

const SQLH = "srv.database.windows.net";
const sqlRow = (auth: string, clients: string[], names: Record<string, string>, secrets?: string[]): ExpectedRow => ({
  target: "sql", facts: "sql", auth, clients, names, ...(secrets ? { secrets } : {}),
});
ROWS.push(
  sqlRow(SMI, ["dotnet"], { AZURE_SQL_CONNECTIONSTRING: `Data Source=${SQLH},1433;Initial Catalog=db1;Authentication=ActiveDirectoryManagedIdentity` }),
  sqlRow(SMI, ["java"], { AZURE_SQL_CONNECTIONSTRING: `jdbc:sqlserver://${SQLH}:1433;databaseName=db1;authentication=ActiveDirectoryMSI;` }),
  sqlRow(SMI, ["springBoot"], { "spring.datasource.url": `jdbc:sqlserver://${SQLH}:1433;databaseName=db1;authentication=ActiveDirectoryMSI;` }),
  sqlRow(SMI, ["python"], { AZURE_SQL_SERVER: SQLH, AZURE_SQL_PORT: "1433", AZURE_SQL_DATABASE: "db1", AZURE_SQL_AUTHENTICATION: "ActiveDirectoryMsi" }),
  sqlRow(SMI, ["nodejs"], {
    AZURE_SQL_SERVER: SQLH, AZURE_SQL_PORT: "1433", AZURE_SQL_DATABASE: "db1", AZURE_SQL_AUTHENTICATIONTYPE: "azure-active-directory-default",
  }),
  sqlRow(SMI, ["none"], { AZURE_SQL_HOST: SQLH, AZURE_SQL_PORT: "1433", AZURE_SQL_DATABASE: "db1", AZURE_SQL_AUTHENTICATION: "azure-active-directory-default" }),
  sqlRow(UMI, ["dotnet"], {
    AZURE_SQL_CONNECTIONSTRING: `Data Source=${SQLH},1433;Initial Catalog=db1;Authentication=ActiveDirectoryManagedIdentity;User ID=cid-1111`,
  }),
  sqlRow(UMI, ["java"], { AZURE_SQL_CONNECTIONSTRING: `jdbc:sqlserver://${SQLH}:1433;databaseName=db1;authentication=ActiveDirectoryMSI;msiClientId=cid-1111;` }),
  sqlRow(UMI, ["springBoot"], { "spring.datasource.url": `jdbc:sqlserver://${SQLH}:1433;databaseName=db1;authentication=ActiveDirectoryMSI;msiClientId=cid-1111;` }),
  sqlRow(UMI, ["python"], {
    AZURE_SQL_SERVER: SQLH, AZURE_SQL_PORT: "1433", AZURE_SQL_DATABASE: "db1", AZURE_SQL_AUTHENTICATION: "ActiveDirectoryMsi", AZURE_SQL_USER: "cid-1111",
  }),
  sqlRow(UMI, ["nodejs"], {
    AZURE_SQL_SERVER: SQLH, AZURE_SQL_PORT: "1433", AZURE_SQL_DATABASE: "db1", AZURE_SQL_AUTHENTICATIONTYPE: "azure-active-directory-default",
    AZURE_SQL_CLIENTID: "cid-1111",
  }),
  sqlRow(UMI, ["none"], {
    AZURE_SQL_HOST: SQLH, AZURE_SQL_PORT: "1433", AZURE_SQL_DATABASE: "db1", AZURE_SQL_AUTHENTICATION: "azure-active-directory-default",
    AZURE_SQL_USERNAME: "cid-1111",
  }),
  sqlRow(SECRET, ["dotnet"], { AZURE_SQL_CONNECTIONSTRING: `Data Source=${SQLH},1433;Initial Catalog=db1;User ID=admin1;Password=P@ss` }, ["AZURE_SQL_CONNECTIONSTRING"]),
  sqlRow(SECRET, ["java"], { AZURE_SQL_CONNECTIONSTRING: `jdbc:sqlserver://${SQLH}:1433;databaseName=db1;user=admin1;password=P@ss;` }, ["AZURE_SQL_CONNECTIONSTRING"]),
  sqlRow(SECRET, ["springBoot"], {
    "spring.datasource.url": `jdbc:sqlserver://${SQLH}:1433;databaseName=db1;`, "spring.datasource.username": "admin1", "spring.datasource.password": "P@ss",
  }, ["spring.datasource.password"]),
  sqlRow(SECRET, ["go"], { AZURE_SQL_CONNECTIONSTRING: `server=${SQLH};port=1433;database=db1;user id=admin1;password=P@ss;` }, ["AZURE_SQL_CONNECTIONSTRING"]),
  sqlRow(SECRET, ["nodejs"], {
    AZURE_SQL_SERVER: SQLH, AZURE_SQL_PORT: "1433", AZURE_SQL_DATABASE: "db1", AZURE_SQL_USERNAME: "admin1", AZURE_SQL_PASSWORD: "P@ss",
  }, ["AZURE_SQL_PASSWORD"]),
  sqlRow(SECRET, ["ruby", "none"], {
    AZURE_SQL_HOST: SQLH, AZURE_SQL_PORT: "1433", AZURE_SQL_DATABASE: "db1", AZURE_SQL_USERNAME: "admin1", AZURE_SQL_PASSWORD: "P@ss",
  }, ["AZURE_SQL_PASSWORD"]),
  sqlRow(SECRET, ["php"], { AZURE_SQL_SERVERNAME: SQLH, AZURE_SQL_DATABASE: "db1", AZURE_SQL_UID: "admin1", AZURE_SQL_PASSWORD: "P@ss" }),
  sqlRow(SECRET, ["python"], { AZURE_SQL_SERVER: SQLH, AZURE_SQL_PORT: "1433", AZURE_SQL_DATABASE: "db1", AZURE_SQL_USER: "admin1", AZURE_SQL_PASSWORD: "P@ss" }),
  sqlRow(SECRET, ["django"], { AZURE_SQL_HOST: SQLH, AZURE_SQL_PORT: "1433", AZURE_SQL_NAME: "db1", AZURE_SQL_USER: "admin1", AZURE_SQL_PASSWORD: "P@ss" }),
  sqlRow(SP, ["dotnet"], {
    AZURE_SQL_CLIENTID: "cid-1111", AZURE_SQL_CLIENTSECRET: "sp-secret", AZURE_SQL_TENANTID: "tid-2222",
    AZURE_SQL_CONNECTIONSTRING: `Data Source=${SQLH},1433;Initial Catalog=db1;User ID=cid-1111;Password=sp-secret;Authentication=ActiveDirectoryServicePrincipal`,
  }, ["AZURE_SQL_CLIENTSECRET", "AZURE_SQL_CONNECTIONSTRING"]),
  sqlRow(SP, ["java"], {
    AZURE_SQL_CONNECTIONSTRING: `jdbc:sqlserver://${SQLH}:1433;databaseName=db1;user=cid-1111;password=sp-secret;authentication=ActiveDirectoryServicePrincipal;`,
  }, ["AZURE_SQL_CONNECTIONSTRING"]),
  sqlRow(SP, ["springBoot"], {
    "spring.datasource.url": `jdbc:sqlserver://${SQLH}:1433;databaseName=db1;authentication=ActiveDirectoryServicePrincipal;`,
    "spring.datasource.username": "cid-1111",
    "spring.datasource.password": "sp-secret",
  }, ["spring.datasource.password"]),
  // §8: the doc's "ActiveDirectoryServerPrincipal" is encoded as the driver value ActiveDirectoryServicePrincipal.
  sqlRow(SP, ["python"], {
    AZURE_SQL_SERVER: SQLH, AZURE_SQL_PORT: "1433", AZURE_SQL_DATABASE: "db1", AZURE_SQL_USER: "cid-1111", AZURE_SQL_PASSWORD: "sp-secret",
    AZURE_SQL_AUTHENTICATION: "ActiveDirectoryServicePrincipal",
  }, ["AZURE_SQL_PASSWORD"]),
  sqlRow(SP, ["nodejs"], {
    AZURE_SQL_SERVER: SQLH, AZURE_SQL_PORT: "1433", AZURE_SQL_DATABASE: "db1",
    AZURE_SQL_AUTHENTICATIONTYPE: "azure-active-directory-service-principal-secret",
    AZURE_SQL_CLIENTID: "cid-1111", AZURE_SQL_CLIENTSECRET: "sp-secret", AZURE_SQL_TENANTID: "tid-2222",
  }, ["AZURE_SQL_CLIENTSECRET"]),
  sqlRow(SP, ["none"], {
    AZURE_SQL_HOST: SQLH, AZURE_SQL_PORT: "1433", AZURE_SQL_DATABASE: "db1", AZURE_SQL_USERNAME: "cid-1111", AZURE_SQL_PASSWORD: "sp-secret",
  }, ["AZURE_SQL_PASSWORD"]),
);

/** PostgreSQL/MySQL: the identity rows are the SMI set, +CLIENTID (UMI), +SP+ (SP) on every non-Spring client. */
function dbRows(target: string, facts: string, prefix: string, smi: Record<string, Record<string, string>>, secret: Record<string, Record<string, string>>, spring: Record<string, Record<string, string>>): ExpectedRow[] {
  const out: ExpectedRow[] = [];
  for (const [client, names] of Object.entries(smi)) {
    out.push({ target, facts, auth: SMI, clients: [client], names });
    out.push({ target, facts, auth: UMI, clients: [client], names: { ...names, [`${prefix}_CLIENTID`]: "cid-1111" } });
    out.push({ target, facts, auth: SP, clients: [client], names: { ...names, ...SP_PLUS(prefix) }, secrets: [`${prefix}_CLIENTSECRET`] });
  }
  for (const [client, names] of Object.entries(secret)) out.push({ target, facts, auth: SECRET, clients: [client], names });
  for (const [auth, names] of Object.entries(spring)) out.push({ target, facts, auth, clients: ["springBoot"], names });
  return out;
}

const PGH = "srv.postgres.database.azure.com";
const PG_NODE = { AZURE_POSTGRESQL_HOST: PGH, AZURE_POSTGRESQL_USER: "user1", AZURE_POSTGRESQL_DATABASE: "db1", AZURE_POSTGRESQL_PORT: "5432", AZURE_POSTGRESQL_SSL: "true" };
const PG_NONE = { AZURE_POSTGRESQL_HOST: PGH, AZURE_POSTGRESQL_USERNAME: "user1", AZURE_POSTGRESQL_DATABASE: "db1", AZURE_POSTGRESQL_PORT: "5432", AZURE_POSTGRESQL_SSL: "true" };
const PG_DJANGO = { AZURE_POSTGRESQL_NAME: "db1", AZURE_POSTGRESQL_HOST: PGH, AZURE_POSTGRESQL_USER: "user1" };
const PG_URL = `jdbc:postgresql://${PGH}:5432/db1?sslmode=require`;
const SPRING_PWL = { "spring.datasource.azure.passwordless-enabled": "true" };
ROWS.push(
  ...dbRows(
    "postgres-flexible", "pg", "AZURE_POSTGRESQL",
    {
      dotnet: { AZURE_POSTGRESQL_CONNECTIONSTRING: `Server=${PGH};Database=db1;Port=5432;Ssl Mode=Require;User Id=user1;` },
      java: { AZURE_POSTGRESQL_CONNECTIONSTRING: `jdbc:postgresql://${PGH}:5432/db1?sslmode=require&user=user1` },
      python: { AZURE_POSTGRESQL_CONNECTIONSTRING: `dbname=db1 host=${PGH} port=5432 sslmode=require user=user1` },
      django: PG_DJANGO,
      go: { AZURE_POSTGRESQL_CONNECTIONSTRING: `host=${PGH} dbname=db1 sslmode=require user=user1` },
      nodejs: PG_NODE,
      php: { AZURE_POSTGRESQL_CONNECTIONSTRING: `host=${PGH} port=5432 dbname=db1 sslmode=require user=user1` },
      ruby: { AZURE_POSTGRESQL_CONNECTIONSTRING: `host=${PGH} port=5432 dbname=db1 sslmode=require user=user1` },
      none: PG_NONE,
    },
    {
      dotnet: { AZURE_POSTGRESQL_CONNECTIONSTRING: `Server=${PGH};Database=db1;Port=5432;Ssl Mode=Require;User Id=user1;Password=pw1;` },
      java: { AZURE_POSTGRESQL_CONNECTIONSTRING: `jdbc:postgresql://${PGH}:5432/db1?sslmode=require&user=user1&password=pw1` },
      python: { AZURE_POSTGRESQL_CONNECTIONSTRING: `dbname=db1 host=${PGH} port=5432 sslmode=require user=user1 password=pw1` },
      django: { ...PG_DJANGO, AZURE_POSTGRESQL_PASSWORD: "pw1" },
      go: { AZURE_POSTGRESQL_CONNECTIONSTRING: `host=${PGH} dbname=db1 sslmode=require user=user1 password=pw1` },
      nodejs: { ...PG_NODE, AZURE_POSTGRESQL_PASSWORD: "pw1" },
      php: { AZURE_POSTGRESQL_CONNECTIONSTRING: `host=${PGH} port=5432 dbname=db1 sslmode=require user=user1 password=pw1` },
      ruby: { AZURE_POSTGRESQL_CONNECTIONSTRING: `host=${PGH} port=5432 dbname=db1 sslmode=require user=user1 password=pw1` },
      none: { ...PG_NONE, AZURE_POSTGRESQL_PASSWORD: "pw1" },
    },
    {
      [SMI]: { ...SPRING_PWL, "spring.datasource.url": PG_URL, "spring.datasource.username": "user1" },
      [UMI]: {
        ...SPRING_PWL, "spring.datasource.url": PG_URL, "spring.datasource.username": "user1",
        "spring.cloud.azure.credential.client-id": "cid-1111", "spring.cloud.azure.credential.client-managed-identity-enabled": "true",
      },
      [SP]: {
        ...SPRING_PWL, "spring.datasource.url": PG_URL, "spring.datasource.username": "user1",
        "spring.cloud.azure.credential.client-id": "cid-1111", "spring.cloud.azure.credential.client-secret": "sp-secret",
        "spring.cloud.azure.credential.tenant-id": "tid-2222",
      },
      [SECRET]: { "spring.datasource.url": PG_URL, "spring.datasource.username": "user1", "spring.datasource.password": "pw1" },
    },
  ),
);

const MYH = "srv.mysql.database.azure.com";
const MY_NAME = { AZURE_MYSQL_NAME: "db1", AZURE_MYSQL_HOST: MYH, AZURE_MYSQL_USER: "user1" };
const MY_NODE = { AZURE_MYSQL_HOST: MYH, AZURE_MYSQL_USER: "user1", AZURE_MYSQL_DATABASE: "db1", AZURE_MYSQL_PORT: "3306", AZURE_MYSQL_SSL: "true" };
const MY_PHP = { AZURE_MYSQL_DBNAME: "db1", AZURE_MYSQL_HOST: MYH, AZURE_MYSQL_PORT: "3306", AZURE_MYSQL_FLAG: "MySQL_CLIENT_SSL", AZURE_MYSQL_USERNAME: "user1" };
const MY_RUBY = { AZURE_MYSQL_DATABASE: "db1", AZURE_MYSQL_HOST: MYH, AZURE_MYSQL_USERNAME: "user1", AZURE_MYSQL_SSLMODE: "required" };
const MY_NONE = { AZURE_MYSQL_HOST: MYH, AZURE_MYSQL_USERNAME: "user1", AZURE_MYSQL_DATABASE: "db1", AZURE_MYSQL_PORT: "3306", AZURE_MYSQL_SSL: "true" };
const MY_URL = `jdbc:mysql://${MYH}:3306/db1?sslmode=required`;
const PW = { AZURE_MYSQL_PASSWORD: "pw1" };
ROWS.push(
  ...dbRows(
    "mysql-flexible", "mysql", "AZURE_MYSQL",
    {
      dotnet: { AZURE_MYSQL_CONNECTIONSTRING: `Server=${MYH};Database=db1;Port=3306;User Id=user1;SSL Mode=Required;` },
      java: { AZURE_MYSQL_CONNECTIONSTRING: `jdbc:mysql://${MYH}:3306/db1?sslmode=required&user=user1` },
      python: MY_NAME,
      django: MY_NAME,
      go: { AZURE_MYSQL_CONNECTIONSTRING: `user1@tcp(${MYH}:3306)/db1?tls=true` },
      nodejs: MY_NODE,
      php: MY_PHP,
      ruby: MY_RUBY,
      none: MY_NONE,
    },
    {
      dotnet: { AZURE_MYSQL_CONNECTIONSTRING: `Server=${MYH};Database=db1;Port=3306;User Id=user1;Password=pw1;SSL Mode=Required;` },
      java: { AZURE_MYSQL_CONNECTIONSTRING: `jdbc:mysql://${MYH}:3306/db1?sslmode=required&user=user1&password=pw1` },
      python: { ...MY_NAME, ...PW },
      django: { ...MY_NAME, ...PW },
      go: { AZURE_MYSQL_CONNECTIONSTRING: `user1:pw1@tcp(${MYH}:3306)/db1?tls=true` },
      nodejs: { ...MY_NODE, ...PW },
      php: { ...MY_PHP, ...PW },
      ruby: { ...MY_RUBY, ...PW },
      none: { ...MY_NONE, ...PW },
    },
    {
      [SMI]: { ...SPRING_PWL, "spring.datasource.url": MY_URL, "spring.datasource.username": "user1" },
      [UMI]: {
        ...SPRING_PWL, "spring.datasource.url": MY_URL, "spring.datasource.username": "user1",
        "spring.cloud.azure.credential.client-id": "cid-1111", "spring.cloud.azure.credential.client-managed-identity-enabled": "true",
      },
      [SP]: {
        ...SPRING_PWL, "spring.datasource.url": MY_URL, "spring.datasource.username": "user1",
        "spring.cloud.azure.credential.client-id": "cid-1111", "spring.cloud.azure.credential.client-secret": "sp-secret",
        "spring.cloud.azure.credential.tenant-id": "tid-2222",
      },
      [SECRET]: { "spring.datasource.url": MY_URL, "spring.datasource.username": "user1", "spring.datasource.password": "pw1" },
    },
  ),
);

// ---------------------------------------------------------------------------------------------------------------
// Cosmos DB §6.9–6.13
const MONGO_CS = "mongodb://cacct:CKEY==@cacct.mongo.cosmos.azure.com:10255/?ssl=true&replicaSet=globaldb&retrywrites=false&maxIdleTimeMS=120000&appName=@cacct@";
Object.assign(FACTS, {
  cosmos: {
    ...SUB, ...ID, resourceName: "cacct", endpoint: "https://cacct.documents.azure.com:443/", databaseName: "db1", graphName: "g1",
    accountKey: "CKEY==", connectionString: MONGO_CS, location: "eastus",
  },
});
const COSMOS_AUTH = [SMI, SECRET, UMI, SP];
const DOCUMENTDB_ACCOUNT_CONTRIBUTOR = ["5bd9cd88-fe45-4216-938b-f97437e15450"];
Object.assign(SUPPORT, {
  "cosmos-sql": { auth: COSMOS_AUTH, clients: ["dotnet", "java", "python", "nodejs", "go", "springBoot", "none"] },
  "cosmos-mongo": { auth: COSMOS_AUTH, clients: ["dotnet", "java", "nodejs", "go", "springBoot", "none"] },
  "cosmos-cassandra": { auth: COSMOS_AUTH, clients: ["dotnet", "java", "python", "nodejs", "go", "springBoot", "none"] },
  "cosmos-gremlin": { auth: COSMOS_AUTH, clients: ["dotnet", "java", "python", "nodejs", "go", "php", "none"] },
  "cosmos-table": { auth: COSMOS_AUTH, clients: ["dotnet", "java", "python", "nodejs", "none"] },
});
Object.assign(ROLES, {
  "cosmos-sql": DOCUMENTDB_ACCOUNT_CONTRIBUTOR, "cosmos-mongo": DOCUMENTDB_ACCOUNT_CONTRIBUTOR, "cosmos-cassandra": DOCUMENTDB_ACCOUNT_CONTRIBUTOR,
  "cosmos-gremlin": DOCUMENTDB_ACCOUNT_CONTRIBUTOR, "cosmos-table": DOCUMENTDB_ACCOUNT_CONTRIBUTOR,
});
const CACCT = "/subscriptions/sub-1/resourceGroups/rg-1/providers/Microsoft.DocumentDB/databaseAccounts/cacct";
Object.assign(IDS, {
  "cosmos-sql": { id: `${CACCT}/sqlDatabases/db1`, resourceName: "cacct", databaseName: "db1", roleScope: CACCT },
  "cosmos-mongo": { id: `${CACCT}/mongodbDatabases/db1`, resourceName: "cacct", databaseName: "db1", roleScope: CACCT },
  "cosmos-cassandra": { id: `${CACCT}/cassandraKeyspaces/db1`, resourceName: "cacct", databaseName: "db1", roleScope: CACCT },
  "cosmos-gremlin": { id: `${CACCT}/gremlinDatabases/db1/graphs/g1`, resourceName: "cacct", databaseName: "db1", roleScope: CACCT },
  "cosmos-table": { id: `${CACCT}/tables/db1`, resourceName: "cacct", databaseName: "db1", roleScope: CACCT },
});
const MGMT = "https://management.azure.com/subscriptions/sub-1/resourceGroups/rg-1/providers/Microsoft.DocumentDB/databaseAccounts/cacct";
const COSMOS_MI = {
  AZURE_COSMOS_LISTCONNECTIONSTRINGURL: `${MGMT}/listConnectionStrings?api-version=2021-04-15`,
  AZURE_COSMOS_SCOPE: "https://management.azure.com/.default",
  AZURE_COSMOS_RESOURCEENDPOINT: "https://cacct.documents.azure.com:443/",
};
function cosmosIdentityRows(target: string, clients: string[], smi: Record<string, string>): ExpectedRow[] {
  return [
    { target, facts: "cosmos", auth: SMI, clients, names: smi },
    { target, facts: "cosmos", auth: UMI, clients, names: { ...smi, AZURE_COSMOS_CLIENTID: "cid-1111" } },
    { target, facts: "cosmos", auth: SP, clients, names: { ...smi, ...SP_PLUS("AZURE_COSMOS") }, secrets: ["AZURE_COSMOS_CLIENTSECRET"] },
  ];
}
const CSQL = ["dotnet", "java", "python", "nodejs", "go", "none"];
const CASS_KEYS = {
  AZURE_COSMOS_CONTACTPOINT: "cacct.cassandra.cosmos.azure.com",
  AZURE_COSMOS_PORT: "10350",
  AZURE_COSMOS_KEYSPACE: "db1",
  AZURE_COSMOS_USERNAME: "cacct",
};
const GREMLIN_KEYS = { AZURE_COSMOS_HOSTNAME: "cacct.gremlin.cosmos.azure.com", AZURE_COSMOS_PORT: "443", AZURE_COSMOS_USERNAME: "/dbs/db1/colls/g1" };
const LISTKEY = { AZURE_COSMOS_LISTKEYURL: `${MGMT}/listKeys?api-version=2021-04-15`, AZURE_COSMOS_SCOPE: "https://management.azure.com/.default", AZURE_COSMOS_RESOURCEENDPOINT: "https://cacct.documents.azure.com:443/" };
const GREMLIN_CLIENTS = ["dotnet", "java", "python", "nodejs", "go", "php", "none"];
ROWS.push(
  ...cosmosIdentityRows("cosmos-sql", CSQL, COSMOS_MI),
  { target: "cosmos-sql", facts: "cosmos", auth: SECRET, clients: CSQL, names: { AZURE_COSMOS_CONNECTIONSTRING: "AccountEndpoint=https://cacct.documents.azure.com:443/;AccountKey=CKEY==" }, secrets: ["AZURE_COSMOS_CONNECTIONSTRING"] },
  {
    target: "cosmos-sql", facts: "cosmos", auth: SMI, clients: ["springBoot"],
    names: { "spring.cloud.azure.cosmos.credential.managed-identity-enabled": "true", "spring.cloud.azure.cosmos.database": "db1", "spring.cloud.azure.cosmos.endpoint": "https://cacct.documents.azure.com:443/" },
  },
  {
    target: "cosmos-sql", facts: "cosmos", auth: UMI, clients: ["springBoot"],
    names: {
      "spring.cloud.azure.cosmos.credential.managed-identity-enabled": "true", "spring.cloud.azure.cosmos.database": "db1",
      "spring.cloud.azure.cosmos.endpoint": "https://cacct.documents.azure.com:443/", "spring.cloud.azure.cosmos.credential.client-id": "cid-1111",
    },
  },
  {
    target: "cosmos-sql", facts: "cosmos", auth: SECRET, clients: ["springBoot"],
    names: { "spring.cloud.azure.cosmos.key": "CKEY==", "spring.cloud.azure.cosmos.database": "db1", "spring.cloud.azure.cosmos.endpoint": "https://cacct.documents.azure.com:443/" },
    secrets: ["spring.cloud.azure.cosmos.key"],
  },
  {
    target: "cosmos-sql", facts: "cosmos", auth: SP, clients: ["springBoot"],
    names: {
      "spring.cloud.azure.cosmos.credential.client-id": "cid-1111", "spring.cloud.azure.cosmos.credential.client-secret": "sp-secret",
      "spring.cloud.azure.cosmos.profile.tenant-id": "tid-2222", "spring.cloud.azure.cosmos.database": "db1",
      "spring.cloud.azure.cosmos.endpoint": "https://cacct.documents.azure.com:443/",
    },
  },
  ...cosmosIdentityRows("cosmos-mongo", ["dotnet", "java", "nodejs", "go", "none"], COSMOS_MI),
  { target: "cosmos-mongo", facts: "cosmos", auth: SECRET, clients: ["dotnet", "java", "nodejs", "go", "none"], names: { AZURE_COSMOS_CONNECTIONSTRING: MONGO_CS }, secrets: ["AZURE_COSMOS_CONNECTIONSTRING"] },
  { target: "cosmos-mongo", facts: "cosmos", auth: SECRET, clients: ["springBoot"], names: { "spring.data.mongodb.database": "db1", "spring.data.mongodb.uri": MONGO_CS }, secrets: ["spring.data.mongodb.uri"] },
  ...cosmosIdentityRows("cosmos-cassandra", CSQL, { ...LISTKEY, ...CASS_KEYS }),
  { target: "cosmos-cassandra", facts: "cosmos", auth: SECRET, clients: CSQL, names: { ...CASS_KEYS, AZURE_COSMOS_PASSWORD: "CKEY==" }, secrets: ["AZURE_COSMOS_PASSWORD"] },
  {
    target: "cosmos-cassandra", facts: "cosmos", auth: SECRET, clients: ["springBoot"],
    names: {
      "spring.data.cassandra.contact-points": "cacct.cassandra.cosmos.azure.com", "spring.data.cassandra.port": "10350",
      "spring.data.cassandra.keyspace-name": "db1", "spring.data.cassandra.username": "cacct", "spring.data.cassandra.password": "CKEY==",
      "spring.data.cassandra.local-datacenter": "eastus", "spring.data.cassandra.ssl": "true",
    },
    secrets: ["spring.data.cassandra.password"],
  },
  ...cosmosIdentityRows("cosmos-gremlin", GREMLIN_CLIENTS, { ...LISTKEY, ...GREMLIN_KEYS }),
  { target: "cosmos-gremlin", facts: "cosmos", auth: SECRET, clients: GREMLIN_CLIENTS, names: { ...GREMLIN_KEYS, AZURE_COSMOS_PASSWORD: "CKEY==" }, secrets: ["AZURE_COSMOS_PASSWORD"] },
  ...cosmosIdentityRows("cosmos-table", ["dotnet", "java", "python", "nodejs", "none"], COSMOS_MI),
  {
    target: "cosmos-table", facts: "cosmos", auth: SECRET, clients: ["dotnet", "java", "python", "nodejs", "none"],
    names: { AZURE_COSMOS_CONNECTIONSTRING: "DefaultEndpointsProtocol=https;AccountName=cacct;AccountKey=CKEY==;TableEndpoint=https://cacct.table.cosmos.azure.com:443/;" },
    secrets: ["AZURE_COSMOS_CONNECTIONSTRING"],
  },
);

// ---------------------------------------------------------------------------------------------------------------
// Messaging and real-time: §6.14 Service Bus, §6.15 Event Hubs, §6.16 SignalR, §6.17 Web PubSub, §6.18 App Configuration
Object.assign(FACTS, {
  servicebus: { ...SUB, ...ID, resourceName: "ns1", host: "ns1.servicebus.windows.net", sharedAccessKeyName: "RootManageSharedAccessKey", accessKey: "SBKEY=" },
  eventhub: { ...SUB, ...ID, resourceName: "eh1", host: "eh1.servicebus.windows.net", sharedAccessKeyName: "RootManageSharedAccessKey", accessKey: "EHKEY=" },
  signalr: { ...SUB, ...ID, resourceName: "sr1", host: "sr1.service.signalr.net", accessKey: "SRKEY" },
  webpubsub: { ...SUB, ...ID, resourceName: "wps1", host: "wps1.webpubsub.azure.com", accessKey: "WKEY" },
  appconfig: { ...SUB, ...ID, resourceName: "ac1", endpoint: "https://ac1.azconfig.io", accessKeyId: "ID1", accessKey: "SEC1" },
});
const RG1 = "/subscriptions/sub-1/resourceGroups/rg-1/providers";
Object.assign(SUPPORT, {
  servicebus: { auth: [SMI, SECRET, UMI, SP], clients: ["dotnet", "java", "python", "nodejs", "go", "springBoot", "none"] },
  eventhub: { auth: [SMI, SECRET, UMI, SP], clients: ["dotnet", "java", "python", "nodejs", "go", "springBoot", "kafka-springBoot", "none"] },
  signalr: { auth: [SMI, SECRET, UMI, SP], clients: ["dotnet", "none"] },
  webpubsub: { auth: [SMI, SECRET, UMI, SP], clients: ["dotnet", "java", "python", "nodejs", "none"] },
  appconfig: { auth: [SMI, SECRET, UMI, SP], clients: ["dotnet", "java", "python", "nodejs", "none"] },
});
Object.assign(ROLES, {
  servicebus: ["4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0", "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39"],
  eventhub: ["a638d3c7-ab3a-418d-83e6-5f17a39d4fde", "2b629674-e913-4c01-ae53-ef4638d8f975"],
  signalr: ["7e4f1700-ea5a-4f59-8f37-079cfe29dce3"],
  webpubsub: ["8cf5e20a-e4b2-4e9d-b3a1-5ceb692c2761"],
  appconfig: ["516239f1-63e1-4d78-a4de-a74fb236a071"],
});
Object.assign(IDS, {
  servicebus: { id: `${RG1}/Microsoft.ServiceBus/namespaces/ns1`, resourceName: "ns1", roleScope: `${RG1}/Microsoft.ServiceBus/namespaces/ns1` },
  eventhub: { id: `${RG1}/Microsoft.EventHub/namespaces/eh1`, resourceName: "eh1", roleScope: `${RG1}/Microsoft.EventHub/namespaces/eh1` },
  signalr: { id: `${RG1}/Microsoft.SignalRService/SignalR/sr1`, resourceName: "sr1", roleScope: `${RG1}/Microsoft.SignalRService/SignalR/sr1` },
  webpubsub: { id: `${RG1}/Microsoft.SignalRService/WebPubSub/wps1`, resourceName: "wps1", roleScope: `${RG1}/Microsoft.SignalRService/WebPubSub/wps1` },
  appconfig: { id: `${RG1}/Microsoft.AppConfiguration/configurationStores/ac1`, resourceName: "ac1", roleScope: `${RG1}/Microsoft.AppConfiguration/configurationStores/ac1` },
});
/** Non-Spring identity rows: SMI set, +CLIENTID, SP+. */
function identityRows(target: string, facts: string, clients: string[], prefix: string, smi: Record<string, string>): ExpectedRow[] {
  return [
    { target, facts, auth: SMI, clients, names: smi },
    { target, facts, auth: UMI, clients, names: { ...smi, [`${prefix}_CLIENTID`]: "cid-1111" } },
    { target, facts, auth: SP, clients, names: { ...smi, ...SP_PLUS(prefix) }, secrets: [`${prefix}_CLIENTSECRET`] },
  ];
}
const SB_NON_SPRING = ["dotnet", "java", "python", "nodejs", "go", "none"];
const SB_CS = "Endpoint=sb://ns1.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SBKEY=";
const EH_CS = "Endpoint=sb://eh1.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=EHKEY=";
ROWS.push(
  ...identityRows("servicebus", "servicebus", SB_NON_SPRING, "AZURE_SERVICEBUS", { AZURE_SERVICEBUS_FULLYQUALIFIEDNAMESPACE: "ns1.servicebus.windows.net" }),
  { target: "servicebus", facts: "servicebus", auth: SECRET, clients: SB_NON_SPRING, names: { AZURE_SERVICEBUS_CONNECTIONSTRING: SB_CS }, secrets: ["AZURE_SERVICEBUS_CONNECTIONSTRING"] },
  { target: "servicebus", facts: "servicebus", auth: SMI, clients: ["springBoot"], names: { "spring.cloud.azure.servicebus.namespace": "ns1.servicebus.windows.net" } },
  { target: "servicebus", facts: "servicebus", auth: UMI, clients: ["springBoot"], names: { "spring.cloud.azure.servicebus.namespace": "ns1.servicebus.windows.net", "spring.cloud.azure.client-id": "cid-1111" } },
  { target: "servicebus", facts: "servicebus", auth: SECRET, clients: ["springBoot"], names: { "spring.cloud.azure.servicebus.connection-string": SB_CS }, secrets: ["spring.cloud.azure.servicebus.connection-string"] },
  {
    target: "servicebus", facts: "servicebus", auth: SP, clients: ["springBoot"],
    names: {
      "spring.cloud.azure.servicebus.namespace": "ns1.servicebus.windows.net", "spring.cloud.azure.client-id": "cid-1111",
      "spring.cloud.azure.tenant-id": "tid-2222", "spring.cloud.azure.client-secret": "sp-secret",
    },
    secrets: ["spring.cloud.azure.client-secret"],
  },
  ...identityRows("eventhub", "eventhub", SB_NON_SPRING, "AZURE_EVENTHUB", { AZURE_EVENTHUB_FULLYQUALIFIEDNAMESPACE: "eh1.servicebus.windows.net" }),
  { target: "eventhub", facts: "eventhub", auth: SECRET, clients: SB_NON_SPRING, names: { AZURE_EVENTHUB_CONNECTIONSTRING: EH_CS }, secrets: ["AZURE_EVENTHUB_CONNECTIONSTRING"] },
  // Spring Boot: Spring Cloud Azure >= 4.0 names only (the < 4.0 names of §6.15 and §8 are not written).
  {
    target: "eventhub", facts: "eventhub", auth: SMI, clients: ["springBoot"],
    names: { "spring.cloud.azure.eventhubs.namespace": "eh1.servicebus.windows.net", "spring.cloud.azure.eventhubs.credential.managed-identity-enabled": "true" },
  },
  {
    target: "eventhub", facts: "eventhub", auth: UMI, clients: ["springBoot"],
    names: {
      "spring.cloud.azure.eventhubs.namespace": "eh1.servicebus.windows.net", "spring.cloud.azure.eventhubs.credential.managed-identity-enabled": "true",
      "spring.cloud.azure.eventhubs.credential.client-id": "cid-1111",
    },
  },
  { target: "eventhub", facts: "eventhub", auth: SECRET, clients: ["springBoot", "kafka-springBoot"], names: { "spring.cloud.azure.eventhubs.connection-string": EH_CS } },
  {
    target: "eventhub", facts: "eventhub", auth: SP, clients: ["springBoot"],
    names: {
      "spring.cloud.azure.eventhubs.namespace": "eh1.servicebus.windows.net", "spring.cloud.azure.eventhubs.credential.client-id": "cid-1111",
      "spring.cloud.azure.eventhubs.credential.client-secret": "sp-secret", "spring.cloud.azure.eventhubs.profile.tenant-id": "tid-2222",
    },
  },
  { target: "eventhub", facts: "eventhub", auth: SMI, clients: ["kafka-springBoot"], names: { "spring.kafka.bootstrap-servers": "eh1.servicebus.windows.net" } },
  {
    target: "eventhub", facts: "eventhub", auth: UMI, clients: ["kafka-springBoot"],
    names: {
      "spring.kafka.bootstrap-servers": "eh1.servicebus.windows.net", "spring.kafka.properties.azure.credential.managed-identity-enabled": "true",
      "spring.kafka.properties.azure.credential.client-id": "cid-1111",
    },
  },
  {
    target: "eventhub", facts: "eventhub", auth: SP, clients: ["kafka-springBoot"],
    names: {
      "spring.kafka.bootstrap-servers": "eh1.servicebus.windows.net", "spring.kafka.properties.azure.credential.client-id": "cid-1111",
      "spring.kafka.properties.azure.credential.client-secret": "sp-secret", "spring.kafka.properties.azure.profile.tenant-id": "tid-2222",
    },
  },
  { target: "signalr", facts: "signalr", auth: SMI, clients: ["dotnet", "none"], names: { AZURE_SIGNALR_CONNECTIONSTRING: "Endpoint=https://sr1.service.signalr.net;AuthType=aad;Version=1.0;" } },
  { target: "signalr", facts: "signalr", auth: UMI, clients: ["dotnet", "none"], names: { AZURE_SIGNALR_CONNECTIONSTRING: "Endpoint=https://sr1.service.signalr.net;AuthType=aad;client-id=cid-1111;Version=1.0;" } },
  {
    target: "signalr", facts: "signalr", auth: SP, clients: ["dotnet", "none"],
    names: { AZURE_SIGNALR_CONNECTIONSTRING: "Endpoint=https://sr1.service.signalr.net;AuthType=aad;ClientId=cid-1111;ClientSecret=sp-secret;TenantId=tid-2222;Version=1.0;" },
    secrets: ["AZURE_SIGNALR_CONNECTIONSTRING"],
  },
  {
    target: "signalr", facts: "signalr", auth: SECRET, clients: ["dotnet", "none"],
    names: { AZURE_SIGNALR_CONNECTIONSTRING: "Endpoint=https://sr1.service.signalr.net;AccessKey=SRKEY;Version=1.0;" },
    secrets: ["AZURE_SIGNALR_CONNECTIONSTRING"],
  },
  ...identityRows("webpubsub", "webpubsub", ["dotnet", "java", "python", "nodejs", "none"], "AZURE_WEBPUBSUB", { AZURE_WEBPUBSUB_HOST: "wps1.webpubsub.azure.com" }),
  {
    target: "webpubsub", facts: "webpubsub", auth: SECRET, clients: ["dotnet", "java", "python", "nodejs", "none"],
    names: { AZURE_WEBPUBSUB_CONNECTIONSTRING: "Endpoint=https://wps1.webpubsub.azure.com;AccessKey=WKEY;Version=1.0;" },
    secrets: ["AZURE_WEBPUBSUB_CONNECTIONSTRING"],
  },
  ...identityRows("appconfig", "appconfig", ["dotnet", "java", "python", "nodejs", "none"], "AZURE_APPCONFIGURATION", { AZURE_APPCONFIGURATION_ENDPOINT: "https://ac1.azconfig.io" }),
  {
    target: "appconfig", facts: "appconfig", auth: SECRET, clients: ["dotnet", "java", "python", "nodejs", "none"],
    names: { AZURE_APPCONFIGURATION_CONNECTIONSTRING: "Endpoint=https://ac1.azconfig.io;Id=ID1;Secret=SEC1" },
    secrets: ["AZURE_APPCONFIGURATION_CONNECTIONSTRING"],
  },
);

// ---------------------------------------------------------------------------------------------------------------
// §6.19 Redis (+ Enterprise), §6.24 AI services, §6.25 Application Insights, §6.20 Confluent
Object.assign(FACTS, {
  redis: { ...SUB, ...ID, resourceName: "r1", host: "r1.redis.cache.windows.net", databaseName: "0", accessKey: "RKEY" },
  redisEnterprise: { ...SUB, resourceName: "re1", host: "re1.eastus.redisenterprise.cache.azure.net", port: "10000", databaseName: "default", accessKey: "REKEY" },
  openai: { ...SUB, ...ID, resourceName: "oai1", accountKind: "OpenAI", endpoint: "https://oai1.openai.azure.com/", accessKey: "CSKEY" },
  aiservices: {
    ...SUB, ...ID, resourceName: "ais1", accountKind: "AIServices", endpoint: "https://ais1.cognitiveservices.azure.com/",
    openAiEndpoint: "https://ais1.openai.azure.com/", location: "eastus", accessKey: "CSKEY",
  },
  cognitive: { ...SUB, ...ID, resourceName: "cog1", accountKind: "CognitiveServices", endpoint: "https://cog1.cognitiveservices.azure.com/", accessKey: "CSKEY" },
  appinsights: { ...SUB, resourceName: "ai1", connectionString: "InstrumentationKey=ik-1;IngestionEndpoint=https://eastus-1.in.applicationinsights.azure.com/" },
  confluent: {
    bootstrapServer: "pkc-1.eastus.azure.confluent.cloud:9092", kafkaApiKey: "ak", kafkaApiSecret: "as",
    schemaRegistryUrl: "https://psrc-1.eastus.azure.confluent.cloud", schemaRegistryKey: "rk", schemaRegistrySecret: "rs",
  },
});
const REDIS_CLIENTS = ["dotnet", "java", "python", "nodejs", "go", "springBoot", "none"];
const AI_CLIENTS = ["dotnet", "java", "python", "nodejs", "none"];
Object.assign(SUPPORT, {
  redis: { auth: [SMI, UMI, SECRET, SP], clients: REDIS_CLIENTS },
  "redis-enterprise": { auth: [SECRET], clients: REDIS_CLIENTS },
  cognitiveservices: { auth: [SMI, SECRET, UMI, SP], clients: AI_CLIENTS },
  "app-insights": { auth: [SECRET], clients: ["dotnet", "java", "python", "nodejs", "go", "none"] },
  "confluent-kafka": { auth: [SECRET], clients: ["dotnet", "java", "python", "nodejs", "go", "springBoot", "none"] },
});
Object.assign(ROLES, {
  redis: [],
  "redis-enterprise": [],
  cognitiveservices: ["a001fd3d-188f-4b5d-821b-7da978bf7442", "a97b65f3-24c7-4388-baec-2e87135dc908"],
  "app-insights": [],
  "confluent-kafka": [],
});
Object.assign(IDS, {
  redis: { id: `${RG1}/Microsoft.Cache/redis/r1/databases/0`, resourceName: "r1", databaseName: "0" },
  "redis-enterprise": { id: `${RG1}/Microsoft.Cache/redisEnterprise/re1/databases/default`, resourceName: "re1", databaseName: "default" },
  cognitiveservices: { id: `${RG1}/Microsoft.CognitiveServices/accounts/oai1`, resourceName: "oai1", roleScope: `${RG1}/Microsoft.CognitiveServices/accounts/oai1` },
  "app-insights": { id: `${RG1}/microsoft.insights/components/ai1`, resourceName: "ai1" },
});
const REDIS_MI = ["dotnet", "java", "python", "nodejs", "none"];
function redisSecretRows(target: string, facts: string, host: string, port: string, key: string): ExpectedRow[] {
  return [
    { target, facts, auth: SECRET, clients: ["dotnet"], names: { AZURE_REDIS_CONNECTIONSTRING: `${host}:${port},password=${key},ssl=True,defaultDatabase=0` }, secrets: ["AZURE_REDIS_CONNECTIONSTRING"] },
    { target, facts, auth: SECRET, clients: ["java", "python", "go", "nodejs"], names: { AZURE_REDIS_CONNECTIONSTRING: `rediss://:${key}@${host}:${port}/0` }, secrets: ["AZURE_REDIS_CONNECTIONSTRING"] },
    {
      target, facts, auth: SECRET, clients: ["springBoot"],
      names: { "spring.redis.host": host, "spring.redis.port": port, "spring.redis.database": "0", "spring.redis.password": key, "spring.redis.ssl": "true" },
      secrets: ["spring.redis.password"],
    },
    {
      target, facts, auth: SECRET, clients: ["none"],
      names: { AZURE_REDIS_HOST: host, AZURE_REDIS_PORT: port, AZURE_REDIS_DATABASE: "0", AZURE_REDIS_PASSWORD: key, AZURE_REDIS_SSL: "true" },
      secrets: ["AZURE_REDIS_PASSWORD"],
    },
  ];
}
const AI_SETS: { facts: string; prefix: string; endpoints: Record<string, string> }[] = [
  { facts: "openai", prefix: "AZURE_OPENAI", endpoints: { AZURE_OPENAI_BASE: "https://oai1.openai.azure.com/" } },
  {
    facts: "aiservices", prefix: "AZURE_AISERVICES",
    endpoints: {
      AZURE_AISERVICES_OPENAI_BASE: "https://ais1.openai.azure.com/",
      AZURE_AISERVICES_COGNITIVESERVICES_ENDPOINT: "https://ais1.cognitiveservices.azure.com/",
      AZURE_AISERVICES_SPEECH_ENDPOINT: "https://eastus.stt.speech.microsoft.com",
    },
  },
  { facts: "cognitive", prefix: "AZURE_COGNITIVESERVICES", endpoints: { AZURE_COGNITIVESERVICES_ENDPOINT: "https://cog1.cognitiveservices.azure.com/" } },
];
const CONFLUENT_NON_SPRING = ["dotnet", "java", "python", "nodejs", "go", "none"];
ROWS.push(
  ...identityRows("redis", "redis", REDIS_MI, "AZURE_REDIS", { AZURE_REDIS_HOST: "r1.redis.cache.windows.net" }),
  ...redisSecretRows("redis", "redis", "r1.redis.cache.windows.net", "6380", "RKEY"),
  ...redisSecretRows("redis-enterprise", "redisEnterprise", "re1.eastus.redisenterprise.cache.azure.net", "10000", "REKEY"),
  ...AI_SETS.flatMap((s): ExpectedRow[] => [
    ...identityRows("cognitiveservices", s.facts, AI_CLIENTS, s.prefix, s.endpoints),
    { target: "cognitiveservices", facts: s.facts, auth: SECRET, clients: AI_CLIENTS, names: { ...s.endpoints, [`${s.prefix}_KEY`]: "CSKEY" }, secrets: [`${s.prefix}_KEY`] },
  ]),
  {
    target: "app-insights", facts: "appinsights", auth: SECRET, clients: ["dotnet", "java", "python", "nodejs", "go", "none"],
    names: { APPLICATIONINSIGHTS_CONNECTION_STRING: "InstrumentationKey=ik-1;IngestionEndpoint=https://eastus-1.in.applicationinsights.azure.com/" },
    secrets: ["APPLICATIONINSIGHTS_CONNECTION_STRING"],
  },
  {
    target: "confluent-kafka", facts: "confluent", auth: SECRET, clients: CONFLUENT_NON_SPRING,
    names: {
      AZURE_CONFLUENTCLOUDKAFKA_BOOTSTRAPSERVER: "pkc-1.eastus.azure.confluent.cloud:9092",
      AZURE_CONFLUENTCLOUDKAFKA_KAFKASASLCONFIG: "org.apache.kafka.common.security.plain.PlainLoginModule required username='ak' password='as';",
      AZURE_CONFLUENTCLOUDSCHEMAREGISTRY_URL: "https://psrc-1.eastus.azure.confluent.cloud",
      AZURE_CONFLUENTCLOUDSCHEMAREGISTRY_USERINFO: "rk:rs",
    },
    secrets: ["AZURE_CONFLUENTCLOUDKAFKA_KAFKASASLCONFIG", "AZURE_CONFLUENTCLOUDSCHEMAREGISTRY_USERINFO"],
  },
  {
    target: "confluent-kafka", facts: "confluent", auth: SECRET, clients: ["springBoot"],
    names: {
      "spring.kafka.properties.bootstrap.servers": "pkc-1.eastus.azure.confluent.cloud:9092",
      "spring.kafka.properties.sasl.jaas.config": "org.apache.kafka.common.security.plain.PlainLoginModule required username='ak' password='as';",
      "spring.kafka.properties.schema.registry.url": "https://psrc-1.eastus.azure.confluent.cloud",
      "spring.kafka.properties.schema.registry.basic.auth.user.info": "rk:rs",
    },
  },
);

export const UA = "userAccount";
/** Local connections (connectors): §4a's Local column (first = default), except databases, whose userAccount
 *  connection Service Connector prepares from the CLI (the developer made the server's Entra admin): secret only. */
export const LOCAL: Record<string, string[]> = {
  "storage-blob": [SECRET, UA, SP], "storage-queue": [SECRET, UA, SP], "storage-table": [SECRET, UA, SP], "storage-file": [SECRET],
  keyvault: [UA, SP],
  sql: [SECRET], "postgres-flexible": [SECRET], "mysql-flexible": [SECRET],
  "cosmos-sql": [SECRET, UA, SP], "cosmos-mongo": [SECRET, UA, SP], "cosmos-cassandra": [SECRET, UA, SP], "cosmos-gremlin": [SECRET, UA, SP],
  "cosmos-table": [SECRET, UA, SP],
  servicebus: [SECRET, UA, SP], eventhub: [SECRET, UA, SP], signalr: [SECRET, UA, SP], webpubsub: [SECRET, UA, SP], appconfig: [SECRET, UA, SP],
  redis: [SECRET, UA, SP], "redis-enterprise": [SECRET], cognitiveservices: [], "app-insights": [SECRET], "confluent-kafka": [SECRET],
};
// userAccount: the system-assigned identity's names without the managed-identity switches (locally the developer's own
// sign-in is the credential), e.g. Key Vault AZURE_KEYVAULT_RESOURCEENDPOINT + AZURE_KEYVAULT_SCOPE as observed.
ROWS.push(...ROWS.filter((r) => r.auth === SMI && LOCAL[r.target]?.includes(UA)).map((r): ExpectedRow => ({
  ...r, auth: UA, names: Object.fromEntries(Object.entries(r.names).filter(([name]) => !/managed-identity-enabled$/.test(name))),
})));
