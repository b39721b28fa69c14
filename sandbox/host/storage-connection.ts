// Resolves a binding's `connection` app setting to a storage connection string and builds Azure Storage clients.
import { QueueServiceClient } from "@azure/storage-queue";
import { BlobServiceClient } from "@azure/storage-blob";
import { TableClient } from "@azure/data-tables";

/** `connection` names an app setting; default AzureWebJobsStorage. Only connection strings are supported here. */
export function storageConnectionString(connection: unknown): string {
  const name = typeof connection === "string" && connection !== "" ? connection : "AzureWebJobsStorage";
  const value = process.env[name] ?? process.env[`AzureWebJobs${name}`];
  if (value) {
    if (/^UseDevelopmentStorage=true/i.test(value)) {
      throw new Error(`App setting "${name}" is "UseDevelopmentStorage=true"; the sandbox needs Azurite's explicit connection string`);
    }
    return value;
  }
  if (process.env[`${name}__serviceUri`] || process.env[`${name}__accountName`] || process.env[`${name}__queueServiceUri`]) {
    throw new Error(`Identity-based connection "${name}" is not supported by the sandbox host; set "${name}" to a connection string`);
  }
  throw new Error(`Storage connection app setting "${name}" is not defined`);
}

/** Client factories, cached per connection string. */
export class StorageClients {
  private readonly queues = new Map<string, QueueServiceClient>();
  private readonly blobs = new Map<string, BlobServiceClient>();

  queueService(connection: unknown): QueueServiceClient {
    const cs = storageConnectionString(connection);
    let client = this.queues.get(cs);
    if (!client) this.queues.set(cs, (client = QueueServiceClient.fromConnectionString(cs)));
    return client;
  }

  blobService(connection: unknown): BlobServiceClient {
    const cs = storageConnectionString(connection);
    let client = this.blobs.get(cs);
    if (!client) this.blobs.set(cs, (client = BlobServiceClient.fromConnectionString(cs)));
    return client;
  }

  table(connection: unknown, tableName: string): TableClient {
    return TableClient.fromConnectionString(storageConnectionString(connection), tableName, { allowInsecureConnection: true });
  }
}
