// Azure Storage: blob, queue, table and file services (targets.md §4, §5a, §6.1–6.4, §7).
import { forClients, key, mergeCells, need, prop, sameForAllSources, secretKey, spPlus, umiClientId, withSlash, noSlash, LOCAL_IDENTITY_AUTH } from "./entries.js";
import { RG } from "./ids.js";
import type { AuthType, ClientType, EntrySpec, FactName, SecretSource, TargetDescriptor, TargetFacts } from "./types.js";

type Service = "blob" | "queue" | "table" | "file";
const ENDPOINT_FACT: Record<Service, FactName> = {
  blob: "blobEndpoint",
  queue: "queueEndpoint",
  table: "tableEndpoint",
  file: "fileEndpoint",
};
const CONN_STRING_ENDPOINT_KEY: Record<Service, string> = {
  blob: "BlobEndpoint",
  queue: "QueueEndpoint",
  table: "TableEndpoint",
  file: "FileEndpoint",
};

const ACCOUNT = `${RG}/Microsoft.Storage/storageAccounts/{resourceName}`;

/** The service endpoint of the account, with a trailing slash, as the account reports it. */
export function storageEndpoint(f: TargetFacts, service: Service): string {
  return withSlash(need(f, ENDPOINT_FACT[service]));
}

/**
 * `DefaultEndpointsProtocol=https;AccountName=<a>;AccountKey=<k>;EndpointSuffix=<suffix>` (§6.1). When the service
 * endpoint is not `https://<account>.<service>.<suffix>/` (custom domain, sovereign stack, local endpoint) the suffix
 * cannot express it, so the explicit `<Service>Endpoint=<url>` form replaces EndpointSuffix.
 */
export function storageConnectionString(f: TargetFacts, service: Service): string {
  const account = need(f, "resourceName");
  const accountKey = need(f, "accountKey");
  const endpoint = need(f, ENDPOINT_FACT[service]);
  const m = /^(https?):\/\/([^./]+)\.(blob|queue|table|file)\.([^/:]+)\/?$/i.exec(endpoint);
  if (m && m[2]!.toLowerCase() === account.toLowerCase() && m[3]!.toLowerCase() === service) {
    return `DefaultEndpointsProtocol=${m[1]!.toLowerCase()};AccountName=${account};AccountKey=${accountKey};EndpointSuffix=${m[4]}`;
  }
  const protocol = endpoint.toLowerCase().startsWith("http://") ? "http" : "https";
  return `DefaultEndpointsProtocol=${protocol};AccountName=${account};AccountKey=${accountKey};${CONN_STRING_ENDPOINT_KEY[service]}=${noSlash(endpoint)}`;
}

const LIST_KEYS: SecretSource = {
  kind: "listKeys",
  resourceTemplate: ACCOUNT,
  action: "Microsoft.Storage/storageAccounts/listKeys/action",
  pick: [{ path: "keys[0].value", fact: "accountKey" }],
};

const NETWORK = { firewall: true, serviceEndpoint: true, privateLink: true };
const IDENTITY_AUTH: AuthType[] = ["systemAssignedIdentity", "secret", "userAssignedIdentity", "servicePrincipalSecret"];

/** Cells of blob/queue/table: identity endpoint keys, connection string for secret, Spring properties. */
function storageCells(service: "blob" | "queue" | "table", nonSpring: readonly ClientType[], spring: boolean) {
  const P = `AZURE_STORAGE${service.toUpperCase()}`;
  const endpoint = key(P, "RESOURCEENDPOINT", (f) => storageEndpoint(f, service), `${service} service endpoint`);
  const conn = secretKey(P, "CONNECTIONSTRING", (f) => storageConnectionString(f, service), `${service} storage connection string`);
  const non = mergeCells(
    { systemAssignedIdentity: forClients(nonSpring, [endpoint]) },
    { userAssignedIdentity: forClients(nonSpring, [endpoint, umiClientId(P)]) },
    { secret: forClients(nonSpring, [conn]) },
    { servicePrincipalSecret: forClients(nonSpring, [endpoint, ...spPlus(P)]) },
  );
  if (!spring) return non;
  const S = `spring.cloud.azure.storage.${service}`;
  const accountName = prop(`${S}.account-name`, (f) => need(f, "resourceName"), "Storage account name");
  const springEndpoint = prop(`${S}.endpoint`, (f) => storageEndpoint(f, service), `${service} service endpoint`);
  const miEnabled = prop(`${S}.credential.managed-identity-enabled`, "true", "Use a managed identity");
  const clientId = prop(`${S}.credential.client-id`, (f) => need(f, "clientId"), "Client id of the identity");
  return mergeCells(non, {
    systemAssignedIdentity: { springBoot: [miEnabled, accountName, springEndpoint] },
    userAssignedIdentity: { springBoot: [miEnabled, accountName, springEndpoint, clientId] },
    secret: {
      springBoot: [accountName, prop(`${S}.account-key`, (f) => need(f, "accountKey"), "Storage account key", true), springEndpoint],
    },
    servicePrincipalSecret: {
      springBoot: [
        accountName,
        springEndpoint,
        clientId,
        prop(`${S}.credential.client-secret`, (f) => need(f, "clientSecret"), "Client secret of the service principal", true),
      ],
    },
  });
}

const BLOB_CLIENTS: ClientType[] = ["dotnet", "java", "python", "nodejs", "go", "springBoot", "none"];
const NON_SPRING: ClientType[] = ["dotnet", "java", "python", "nodejs", "go", "none"];

const uriOf = (service: Service) => (f: TargetFacts) => noSlash(need(f, ENDPOINT_FACT[service]));

export const storageBlob: TargetDescriptor = {
  kind: "storage-blob",
  resourceFacts: [{ fact: "blobEndpoint", path: "properties.primaryEndpoints.blob" }, { fact: "queueEndpoint", path: "properties.primaryEndpoints.queue" }, { fact: "tableEndpoint", path: "properties.primaryEndpoints.table" }, { fact: "fileEndpoint", path: "properties.primaryEndpoints.file" }],
  displayName: "Azure Blob Storage",
  armType: "Microsoft.Storage/storageAccounts/blobServices",
  idPatterns: [{ template: `${ACCOUNT}/blobServices/default` }],
  resourceTemplate: ACCOUNT,
  roleScopeTemplate: `${ACCOUNT}/blobServices/default`,
  authTypes: sameForAllSources(IDENTITY_AUTH, LOCAL_IDENTITY_AUTH),
  secretIsAuto: true,
  clientTypes: BLOB_CLIENTS,
  cells: storageCells("blob", NON_SPRING, true),
  defaultRoles: [{ name: "Storage Blob Data Contributor", id: "ba92f5b4-2d11-453d-a403-e96b0029c9fe" }],
  allowedRoles: [
    { name: "Storage Blob Data Reader", id: "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1" },
    { name: "Storage Blob Data Owner", id: "b7e6dc6d-f1e8-4753-8033-0f276bb0955b" },
  ],
  secretSource: LIST_KEYS,
  network: NETWORK,
  binding: {
    bindingTypes: ["blobTrigger", "blob"],
    identity: [
      { property: "blobServiceUri", value: uriOf("blob"), description: "Blob service URI for the binding" },
      {
        property: "queueServiceUri",
        value: uriOf("queue"),
        description: "Queue service URI: a blob trigger keeps its poison-blob queue there",
      },
    ],
    secretValue: (f) => storageConnectionString(f, "blob"),
    extraRoles: [
      {
        role: { name: "Storage Queue Data Contributor", id: "974c5e8b-45b9-4653-ba55-5f855dd0fb88" },
        scopeTemplate: `${ACCOUNT}/queueServices/default`,
      },
    ],
    note: "A blob trigger needs Storage Queue Data Contributor too (poison-blob queue).",
  },
  notes: [
    "Go is included: the blob doc (02/03/2026) lists it with all four auth types although the CLI list does not.",
    "Spring Boot secret uses the Spring Cloud Azure >= 4.0 names; the < 4.0 `azure.storage.*` names are not written.",
    "Spring Boot service principal: exactly the four properties the doc lists (no tenant-id property).",
  ],
};

export const storageQueue: TargetDescriptor = {
  kind: "storage-queue",
  resourceFacts: [{ fact: "blobEndpoint", path: "properties.primaryEndpoints.blob" }, { fact: "queueEndpoint", path: "properties.primaryEndpoints.queue" }, { fact: "tableEndpoint", path: "properties.primaryEndpoints.table" }, { fact: "fileEndpoint", path: "properties.primaryEndpoints.file" }],
  displayName: "Azure Queue Storage",
  armType: "Microsoft.Storage/storageAccounts/queueServices",
  idPatterns: [{ template: `${ACCOUNT}/queueServices/default` }],
  resourceTemplate: ACCOUNT,
  roleScopeTemplate: `${ACCOUNT}/queueServices/default`,
  authTypes: sameForAllSources(IDENTITY_AUTH, LOCAL_IDENTITY_AUTH),
  secretIsAuto: true,
  clientTypes: BLOB_CLIENTS,
  cells: storageCells("queue", NON_SPRING, true),
  defaultRoles: [{ name: "Storage Queue Data Contributor", id: "974c5e8b-45b9-4653-ba55-5f855dd0fb88" }],
  allowedRoles: [
    { name: "Storage Queue Data Reader", id: "19e7f393-937e-4f77-808e-94535e297925" },
    { name: "Storage Queue Data Message Sender", id: "c6a89b2d-59bc-44d0-9896-0f6e12d7b80a" },
    { name: "Storage Queue Data Message Processor", id: "8a0f0c08-91a1-4084-bc3d-661d67233fed" },
  ],
  secretSource: LIST_KEYS,
  network: NETWORK,
  binding: {
    bindingTypes: ["queueTrigger", "queue"],
    identity: [{ property: "queueServiceUri", value: uriOf("queue"), description: "Queue service URI for the binding" }],
    secretValue: (f) => storageConnectionString(f, "queue"),
  },
  notes: [
    "Go is included per the queue doc (04/08/2026).",
    "Spring Boot secret uses the Spring Cloud Azure >= 4.0 names only.",
  ],
};

const TABLE_CLIENTS: ClientType[] = ["dotnet", "java", "python", "nodejs", "none"];

export const storageTable: TargetDescriptor = {
  kind: "storage-table",
  resourceFacts: [{ fact: "blobEndpoint", path: "properties.primaryEndpoints.blob" }, { fact: "queueEndpoint", path: "properties.primaryEndpoints.queue" }, { fact: "tableEndpoint", path: "properties.primaryEndpoints.table" }, { fact: "fileEndpoint", path: "properties.primaryEndpoints.file" }],
  displayName: "Azure Table Storage",
  armType: "Microsoft.Storage/storageAccounts/tableServices",
  idPatterns: [{ template: `${ACCOUNT}/tableServices/default` }],
  resourceTemplate: ACCOUNT,
  roleScopeTemplate: `${ACCOUNT}/tableServices/default`,
  authTypes: sameForAllSources(IDENTITY_AUTH, LOCAL_IDENTITY_AUTH),
  secretIsAuto: true,
  clientTypes: TABLE_CLIENTS,
  cells: storageCells("table", TABLE_CLIENTS, false),
  defaultRoles: [{ name: "Storage Table Data Contributor", id: "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3" }],
  allowedRoles: [{ name: "Storage Table Data Reader", id: "76199698-9eea-4c19-bc75-cec21354c6b6" }],
  secretSource: LIST_KEYS,
  network: NETWORK,
  binding: {
    bindingTypes: ["table"],
    identity: [{ property: "tableServiceUri", value: uriOf("table"), description: "Table service URI for the binding" }],
    secretValue: (f) => storageConnectionString(f, "table"),
  },
  notes: ["No Spring Boot: the table doc (08/18/2025) and one of the two CLI rows omit it."],
};

const FILE_CLIENTS: ClientType[] = ["dotnet", "java", "python", "nodejs", "php", "ruby", "springBoot", "none"];
const fileConn: EntrySpec = secretKey(
  "AZURE_STORAGEFILE",
  "CONNECTIONSTRING",
  (f) => storageConnectionString(f, "file"),
  "file storage connection string",
);

export const storageFile: TargetDescriptor = {
  kind: "storage-file",
  resourceFacts: [{ fact: "blobEndpoint", path: "properties.primaryEndpoints.blob" }, { fact: "queueEndpoint", path: "properties.primaryEndpoints.queue" }, { fact: "tableEndpoint", path: "properties.primaryEndpoints.table" }, { fact: "fileEndpoint", path: "properties.primaryEndpoints.file" }],
  displayName: "Azure Files",
  armType: "Microsoft.Storage/storageAccounts/fileServices",
  idPatterns: [{ template: `${ACCOUNT}/fileServices/default` }],
  resourceTemplate: ACCOUNT,
  authTypes: sameForAllSources(["secret"], ["secret"]),
  secretIsAuto: true,
  clientTypes: FILE_CLIENTS,
  cells: {
    secret: {
      ...forClients(
        FILE_CLIENTS.filter((c) => c !== "springBoot"),
        [fileConn],
      ),
      springBoot: [
        prop("spring.cloud.azure.storage.fileshare.account-name", (f) => need(f, "resourceName"), "Storage account name"),
        prop("spring.cloud.azure.storage.fileshare.account-key", (f) => need(f, "accountKey"), "Storage account key", true),
        prop("spring.cloud.azure.storage.fileshare.endpoint", (f) => storageEndpoint(f, "file"), "file service endpoint"),
      ],
    },
  },
  defaultRoles: [],
  secretSource: LIST_KEYS,
  network: NETWORK,
  notes: ["Secret only (§4a). Spring Boot uses the >= 4.0 `spring.cloud.azure.storage.fileshare.*` names."],
};
