/**
 * Normalised account keys from endpoints, connection strings and ARM ids, so that the different spellings of one
 * resource compare equal: `https://acct.blob.core.windows.net/`, `AccountName=acct`, `acct` from
 * `__accountName`, and `/…/storageAccounts/acct` all give `acct`; `sb://ns.servicebus.windows.net/`,
 * `ns.servicebus.windows.net` and `/…/namespaces/ns` all give `ns`.
 * Account, namespace and Cosmos account names are DNS labels (lower-case, unique per cloud), so the first host label
 * is the key. Path-style endpoints (an IP address or `localhost`, as the storage emulator uses:
 * `http://127.0.0.1:10000/devstoreaccount1`) carry the account in the first path segment.
 */
import { parseConnectionString } from "./settings.js";

export const DEV_STORAGE_ACCOUNT = "devstoreaccount1";

/** Account key of an endpoint URL or bare host name; undefined if it cannot be parsed. */
export function accountFromEndpoint(endpoint: string): string | undefined {
  const raw = endpoint.trim();
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`);
  } catch {
    return undefined;
  }
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, "");
  if (!host) return undefined;
  const pathStyle = host === "localhost" || /^[0-9.]+$/.test(host) || host.includes(":") || !host.includes(".");
  if (pathStyle) {
    const first = url.pathname.split("/").find((s) => s.length > 0);
    return (first ?? `${host}:${url.port}`).toLowerCase();
  }
  return host.split(".")[0];
}

/** Storage account of a storage connection string, for the given service's endpoint key. */
export function storageAccountFromConnectionString(
  value: string,
  service: "blob" | "queue",
): string | undefined {
  const parts = parseConnectionString(value);
  if ((parts.get("usedevelopmentstorage") ?? "").toLowerCase() === "true") return DEV_STORAGE_ACCOUNT;
  const name = parts.get("accountname");
  if (name) return name.toLowerCase();
  const endpoint = parts.get(service === "blob" ? "blobendpoint" : "queueendpoint");
  return endpoint ? accountFromEndpoint(endpoint) : undefined;
}

/** Namespace key and optional EntityPath of a Service Bus / Event Hubs connection string. */
export function namespaceFromConnectionString(value: string): { namespace?: string; entityPath?: string } {
  const parts = parseConnectionString(value);
  const endpoint = parts.get("endpoint");
  const entityPath = parts.get("entitypath");
  return {
    ...(endpoint ? { namespace: accountFromEndpoint(endpoint) } : {}),
    ...(entityPath ? { entityPath } : {}),
  };
}

/** Cosmos account key of a Cosmos connection string (`AccountEndpoint=https://acct.documents.azure.com:443/;…`). */
export function cosmosAccountFromConnectionString(value: string): string | undefined {
  const endpoint = parseConnectionString(value).get("accountendpoint");
  return endpoint ? accountFromEndpoint(endpoint) : undefined;
}

/** Value of the segment after `name` in an ARM id (case-insensitive), e.g. `storageAccounts` → the account. */
export function armIdSegment(id: string, name: string): string | undefined {
  const segments = id.split("/").filter((s) => s.length > 0);
  const lower = name.toLowerCase();
  for (let i = 0; i < segments.length - 1; i++) {
    if (segments[i]!.toLowerCase() === lower) return segments[i + 1];
  }
  return undefined;
}
