/**
 * Resolves a binding's `connection` through the app's settings to an account / namespace key
 * (targets.md §7; functions-reference.md "Connecting to host storage with an identity").
 * Lookup order follows the WebJobs helper `GetWebJobsConnectionStringSection`: first `AzureWebJobs<name>`, then
 * `<name>`; for each, a connection-string value wins over `<name>__<property>` children.
 */
import type { AppSettingsView } from "./settings.js";
import { isIndirectReference } from "./settings.js";
import {
  accountFromEndpoint,
  cosmosAccountFromConnectionString,
  namespaceFromConnectionString,
  storageAccountFromConnectionString,
} from "./endpoints.js";

export interface ResolvedConnection {
  /** Account / namespace key, or undefined when unresolved. */
  account?: string;
  /** EntityPath from a Service Bus / Event Hubs connection string. */
  entityPath?: string;
  /** Why it could not be resolved. */
  reason?: string;
}

function fromValue(name: string, value: string, parse: (v: string) => ResolvedConnection): ResolvedConnection {
  if (isIndirectReference(value)) return { reason: `setting "${name}" is a Key Vault / App Configuration reference` };
  const parsed = parse(value);
  if (parsed.account) return parsed;
  return { reason: `setting "${name}" does not name an endpoint` };
}

function fromProperty(prefix: string, property: string, value: string): ResolvedConnection {
  if (isIndirectReference(value)) {
    return { reason: `setting "${prefix}__${property}" is a Key Vault / App Configuration reference` };
  }
  const account = property.toLowerCase() === "accountname" ? value.trim().toLowerCase() : accountFromEndpoint(value);
  return account ? { account } : { reason: `setting "${prefix}__${property}" is not an endpoint` };
}

/** For each name in order: the connection-string value, else `<name>__<property>` for each property in order. */
function lookup(
  view: AppSettingsView,
  connection: string,
  properties: string[],
  parse: (v: string) => ResolvedConnection,
): ResolvedConnection {
  const names = /^azurewebjobs/i.test(connection) ? [connection] : [`AzureWebJobs${connection}`, connection];
  for (const name of names) {
    const value = view.get(name);
    if (value !== undefined && value.trim() !== "") return fromValue(name, value, parse);
    for (const property of properties) {
      const prop = view.property(name, property);
      if (prop !== undefined && prop.trim() !== "") return fromProperty(name, property, prop);
    }
  }
  const tried = names.map((n) => `"${n}"`).join(" or ");
  return { reason: `no setting ${tried} (nor ${properties.map((p) => `__${p}`).join(", ")})` };
}

/**
 * Storage: empty `connection` means `AzureWebJobsStorage`; the `AzureWebJobs` prefix may be omitted; blob uses
 * `__blobServiceUri` then `__serviceUri`, queue `__queueServiceUri` (wins) then `__serviceUri`; `__accountName`.
 */
export function resolveStorageConnection(
  view: AppSettingsView,
  connection: string | undefined,
  service: "blob" | "queue",
): ResolvedConnection {
  const name = connection?.trim() || "AzureWebJobsStorage";
  const props =
    service === "blob" ? ["blobServiceUri", "serviceUri", "accountName"] : ["queueServiceUri", "serviceUri", "accountName"];
  return lookup(view, name, props, (v) => {
    const account = storageAccountFromConnectionString(v, service);
    return account ? { account } : {};
  });
}

/** Service Bus (empty → `AzureWebJobsServiceBus`) and Event Hubs: connection string or `__fullyQualifiedNamespace`. */
export function resolveMessagingConnection(
  view: AppSettingsView,
  connection: string | undefined,
  kind: "serviceBus" | "eventHub",
): ResolvedConnection {
  const name = connection?.trim() || (kind === "serviceBus" ? "AzureWebJobsServiceBus" : "");
  if (!name) return { reason: "the binding names no connection" };
  return lookup(view, name, ["fullyQualifiedNamespace"], (v) => {
    const { namespace, entityPath } = namespaceFromConnectionString(v);
    return namespace ? { account: namespace, ...(entityPath ? { entityPath } : {}) } : {};
  });
}

/** Cosmos DB: `AccountEndpoint=…` connection string or `__accountEndpoint`. */
export function resolveCosmosConnection(view: AppSettingsView, connection: string | undefined): ResolvedConnection {
  const name = connection?.trim();
  if (!name) return { reason: "the binding names no connection" };
  return lookup(view, name, ["accountEndpoint"], (v) => {
    const account = cosmosAccountFromConnectionString(v);
    return account ? { account } : {};
  });
}
