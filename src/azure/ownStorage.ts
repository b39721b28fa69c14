// linkwright's own storage (its tables and queues), reached the way the Functions host reaches AzureWebJobsStorage:
// with a connection string, or keyless with service URIs and linkwright's managed identity. The one place that builds
// TableClient and QueueClient objects.
import type { TokenCredential } from "@azure/core-auth";
import type { TableClient } from "@azure/data-tables";
import type { QueueClient } from "@azure/storage-queue";
import { sdk } from "./lazySdk.js";

const dataTables = sdk("@azure/data-tables", () => require("@azure/data-tables") as typeof import("@azure/data-tables"));
const storageQueue = sdk("@azure/storage-queue", () => require("@azure/storage-queue") as typeof import("@azure/storage-queue"));

/** Where one of linkwright's tables or queues lives. */
export type StorageConnection =
  | {
      /** A storage connection string (a real account's, or a local emulator's). */
      connectionString: string;
      /** Permit http:// endpoints (a local emulator without TLS). Never inferred: set it from configuration. */
      allowInsecureConnection: boolean;
    }
  | {
      tableServiceUri: string;
      queueServiceUri: string;
      /** linkwright's identity (managed identity in Azure); the account grants it Table and Queue data roles. */
      credential: TokenCredential;
      allowInsecureConnection: boolean;
    };

export function tableClientOf(storage: StorageConnection, tableName: string): TableClient {
  const options = { allowInsecureConnection: storage.allowInsecureConnection };
  return "connectionString" in storage
    ? dataTables().TableClient.fromConnectionString(storage.connectionString, tableName, options)
    : new (dataTables().TableClient)(storage.tableServiceUri, tableName, storage.credential, options);
}

export function queueClientOf(storage: StorageConnection, queueName: string): QueueClient {
  if (usesHttp(storage) && !storage.allowInsecureConnection) {
    throw new Error("The storage queue endpoint is http://: set LINKWRIGHT_STORAGE_ALLOW_INSECURE=true only for a local emulator.");
  }
  return "connectionString" in storage
    ? new (storageQueue().QueueClient)(storage.connectionString, queueName)
    : new (storageQueue().QueueClient)(`${storage.queueServiceUri}/${queueName}`, storage.credential);
}

/** True when the connection sends queue traffic over plain http. */
export function usesHttp(storage: StorageConnection | string): boolean {
  if (typeof storage !== "string") return "connectionString" in storage ? usesHttp(storage.connectionString) : /^http:/i.test(storage.queueServiceUri);
  if (/^\s*UseDevelopmentStorage=true/i.test(storage)) return true;
  const parts = new Map(storage.split(";").map((p) => {
    const i = p.indexOf("=");
    return [p.slice(0, i).trim().toLowerCase(), p.slice(i + 1).trim()] as const;
  }));
  const endpoint = parts.get("queueendpoint");
  if (endpoint) return /^http:/i.test(endpoint);
  return (parts.get("defaultendpointsprotocol") ?? "https").toLowerCase() === "http";
}
