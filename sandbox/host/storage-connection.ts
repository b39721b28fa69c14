// Resolves a binding's `connection` app setting to a storage account the way the Functions host does, and builds Azure
// Storage clients on it. Two forms, as in Azure:
//   - a connection string: `<name>` (or `AzureWebJobs<name>`);
//   - identity-based (keyless): `<name>__blobServiceUri` / `__queueServiceUri` / `__tableServiceUri` (a single-service
//     binding may use `<name>__serviceUri`), or `<name>__accountName` for the public cloud's URLs; the token comes from
//     the app's managed identity (`__credential=managedidentity`, the default when hosted; `__clientId` or
//     `__managedIdentityResourceId` for a user-assigned one), i.e. from IDENTITY_ENDPOINT as App Service provides it.
// A connection string wins when both are set, as in the Functions host.
import type { TokenCredential } from "@azure/core-auth";
import { ManagedIdentityCredential } from "@azure/identity";
import { QueueServiceClient } from "@azure/storage-queue";
import { BlobServiceClient } from "@azure/storage-blob";
import { TableClient } from "@azure/data-tables";

export type StorageService = "blob" | "queue" | "table";

/** A storage connection as the host resolved it from the app settings. */
export type StorageConnection =
  | { name: string; kind: "connectionString"; connectionString: string }
  | {
      name: string;
      kind: "identity";
      /** Service URIs by service (those the settings name). */
      serviceUris: Partial<Record<StorageService, string>>;
      /** Which managed identity: a user-assigned one by client id or resource id, else the system-assigned one. */
      identity: { clientId?: string; resourceId?: string };
    };

/** Whether the app settings define the connection in either form (resolveStorageConnection may still refuse it). */
export function storageConnectionDefined(name: string, env: NodeJS.ProcessEnv = process.env): boolean {
  return [name, `AzureWebJobs${name}`].some((prefix) => Boolean(env[prefix])
    || ["blobServiceUri", "queueServiceUri", "tableServiceUri", "serviceUri", "accountName"].some((key) => Boolean(env[`${prefix}__${key}`])));
}

/** `connection` names an app setting; default AzureWebJobsStorage. */
export function resolveStorageConnection(connection: unknown, env: NodeJS.ProcessEnv = process.env): StorageConnection {
  const name = typeof connection === "string" && connection !== "" ? connection : "AzureWebJobsStorage";
  for (const prefix of [name, `AzureWebJobs${name}`]) {
    const value = env[prefix];
    if (value) {
      if (/^UseDevelopmentStorage=true/i.test(value)) {
        throw new Error(`App setting "${prefix}" is "UseDevelopmentStorage=true"; the sandbox needs Azurite's explicit connection string`);
      }
      return { name, kind: "connectionString", connectionString: value };
    }
  }
  for (const prefix of [name, `AzureWebJobs${name}`]) {
    const setting = (key: string) => env[`${prefix}__${key}`] || undefined;
    const account = setting("accountName");
    const uri = (service: StorageService) =>
      setting(`${service}ServiceUri`) ?? (account ? `https://${account}.${service}.core.windows.net` : undefined);
    const serviceUris: Partial<Record<StorageService, string>> = {};
    for (const service of ["blob", "queue", "table"] as const) {
      const found = uri(service);
      if (found) serviceUris[service] = found.replace(/\/+$/, "");
    }
    const single = setting("serviceUri")?.replace(/\/+$/, "");
    if (!Object.keys(serviceUris).length && !single) continue;
    const credential = setting("credential");
    if (credential !== undefined && credential.toLowerCase() !== "managedidentity") {
      throw new Error(`Identity-based connection "${name}": ${prefix}__credential=${credential} is not supported by the sandbox host (managedidentity only)`);
    }
    const clientId = setting("clientId");
    const resourceId = setting("managedIdentityResourceId");
    const connectionOf = (uris: Partial<Record<StorageService, string>>): StorageConnection =>
      ({ name, kind: "identity", serviceUris: uris, identity: { ...(clientId ? { clientId } : {}), ...(resourceId ? { resourceId } : {}) } });
    // `__serviceUri` names the one service a blob or queue binding uses; which one is known only at use (serviceUri()).
    return single && !Object.keys(serviceUris).length ? connectionOf({ blob: single, queue: single }) : connectionOf(serviceUris);
  }
  throw new Error(`Storage connection app setting "${name}" is not defined (neither a connection string nor ${name}__blobServiceUri/__queueServiceUri/__tableServiceUri/__accountName)`);
}

/** The URI of one service of an identity-based connection; throws naming the setting that is missing. */
export function serviceUri(connection: Extract<StorageConnection, { kind: "identity" }>, service: StorageService): string {
  const uri = connection.serviceUris[service];
  if (!uri) throw new Error(`Identity-based connection "${connection.name}" has no ${service} service URI: set ${connection.name}__${service}ServiceUri (or ${connection.name}__accountName)`);
  return uri;
}

/** Client factories, cached per connection (the managed identity's credential once per identity, so tokens are reused). */
export class StorageClients {
  private readonly queues = new Map<string, QueueServiceClient>();
  private readonly blobs = new Map<string, BlobServiceClient>();
  private readonly credentials = new Map<string, TokenCredential>();

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  resolve(connection: unknown): StorageConnection {
    return resolveStorageConnection(connection, this.env);
  }

  queueService(connection: unknown): QueueServiceClient {
    const c = this.resolve(connection);
    const key = c.kind === "connectionString" ? c.connectionString : `${serviceUri(c, "queue")}|${this.identityKey(c)}`;
    let client = this.queues.get(key);
    if (!client) {
      client = c.kind === "connectionString" ? QueueServiceClient.fromConnectionString(c.connectionString) : new QueueServiceClient(serviceUri(c, "queue"), this.credential(c));
      this.queues.set(key, client);
    }
    return client;
  }

  blobService(connection: unknown): BlobServiceClient {
    const c = this.resolve(connection);
    const key = c.kind === "connectionString" ? c.connectionString : `${serviceUri(c, "blob")}|${this.identityKey(c)}`;
    let client = this.blobs.get(key);
    if (!client) {
      client = c.kind === "connectionString" ? BlobServiceClient.fromConnectionString(c.connectionString) : new BlobServiceClient(serviceUri(c, "blob"), this.credential(c));
      this.blobs.set(key, client);
    }
    return client;
  }

  table(connection: unknown, tableName: string): TableClient {
    return tableClientOf(this.resolve(connection), tableName, (c) => this.credential(c));
  }

  private identityKey(c: Extract<StorageConnection, { kind: "identity" }>): string {
    return c.identity.clientId ?? c.identity.resourceId ?? "system";
  }

  private credential(c: Extract<StorageConnection, { kind: "identity" }>): TokenCredential {
    const key = this.identityKey(c);
    let credential = this.credentials.get(key);
    if (!credential) this.credentials.set(key, (credential = managedIdentityCredential(c)));
    return credential;
  }
}

/** The app's managed identity, as the Functions host uses it for an identity-based connection. */
export function managedIdentityCredential(c: Extract<StorageConnection, { kind: "identity" }>): TokenCredential {
  if (c.identity.clientId) return new ManagedIdentityCredential({ clientId: c.identity.clientId });
  if (c.identity.resourceId) return new ManagedIdentityCredential({ resourceId: c.identity.resourceId });
  return new ManagedIdentityCredential();
}

/** A TableClient on either form (connection strings may name Azurite over http). */
export function tableClientOf(c: StorageConnection, tableName: string,
  credential: (c: Extract<StorageConnection, { kind: "identity" }>) => TokenCredential = managedIdentityCredential): TableClient {
  return c.kind === "connectionString"
    ? TableClient.fromConnectionString(c.connectionString, tableName, { allowInsecureConnection: true })
    : new TableClient(serviceUri(c, "table"), tableName, credential(c));
}
