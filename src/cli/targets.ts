// From a resource the user names to the local connections (connectors) a binding connection needs: a storage account
// gives its blob / queue / table service per binding kind, a Cosmos DB account the binding's database; connector names;
// and which Service Connector default name carries the value the binding reads (renamed with customizedKeys).
import { resolveTarget } from "../catalogue/index.js";
import type { ServiceNeed } from "./bindingKinds.js";

export interface ConnectorTarget {
  need: ServiceNeed;
  /** The catalogue's target kind (`az connection create <kind>`). */
  targetKind: string;
  targetId: string;
  /** Service Connector's default configuration name for userAccount auth (targets.md §6), e.g. AZURE_STORAGEBLOB_RESOURCEENDPOINT. */
  defaultKey: string;
  /** The identity-based binding property that takes its value (targets.md §7), e.g. blobServiceUri. */
  property: string;
}

/** Per service: the target kind, the default name whose value the binding needs, and the binding property. */
export const SERVICE_CONNECTORS: Record<ServiceNeed, Omit<ConnectorTarget, "need" | "targetId">> = {
  blob: { targetKind: "storage-blob", defaultKey: "AZURE_STORAGEBLOB_RESOURCEENDPOINT", property: "blobServiceUri" },
  queue: { targetKind: "storage-queue", defaultKey: "AZURE_STORAGEQUEUE_RESOURCEENDPOINT", property: "queueServiceUri" },
  table: { targetKind: "storage-table", defaultKey: "AZURE_STORAGETABLE_RESOURCEENDPOINT", property: "tableServiceUri" },
  servicebus: { targetKind: "servicebus", defaultKey: "AZURE_SERVICEBUS_FULLYQUALIFIEDNAMESPACE", property: "fullyQualifiedNamespace" },
  eventhub: { targetKind: "eventhub", defaultKey: "AZURE_EVENTHUB_FULLYQUALIFIEDNAMESPACE", property: "fullyQualifiedNamespace" },
  "cosmos-sql": { targetKind: "cosmos-sql", defaultKey: "AZURE_COSMOS_RESOURCEENDPOINT", property: "accountEndpoint" },
};

const STORAGE_NEEDS: ServiceNeed[] = ["blob", "queue", "table"];
const RG = "/subscriptions/[^/]+/resourceGroups/[^/]+/providers";
const STORAGE_ID = new RegExp(`^(${RG}/Microsoft\\.Storage/storageAccounts/[^/]+)(?:/(?:blob|queue|table|file)Services/default(?:/.*)?)?/?$`, "i");
const SERVICEBUS_ID = new RegExp(`^(${RG}/Microsoft\\.ServiceBus/namespaces/[^/]+)(?:/.*)?$`, "i");
const EVENTHUB_ID = new RegExp(`^(${RG}/Microsoft\\.EventHub/namespaces/[^/]+)(?:/.*)?$`, "i");
const COSMOS_ID = new RegExp(`^(${RG}/Microsoft\\.DocumentDB/databaseAccounts/[^/]+)(?:/sqlDatabases/([^/]+)(?:/.*)?)?/?$`, "i");

/** `--target <connection>=<resourceId>`. */
export function parseTargetFlag(flag: string): { connection: string; resourceId: string } | { error: string } {
  const eq = flag.indexOf("=");
  const connection = eq < 0 ? "" : flag.slice(0, eq).trim();
  const resourceId = eq < 0 ? "" : flag.slice(eq + 1).trim();
  if (!connection || !resourceId) return { error: `--target '${flag}' is not <connection>=<resourceId>` };
  if (!resourceId.startsWith("/subscriptions/")) return { error: `--target ${connection}: '${resourceId}' is not an ARM resource id (/subscriptions/…)` };
  return { connection, resourceId };
}

/**
 * The connectors that give `needs` from the resource `resourceId`. `databaseNames` are the Cosmos DB databases the
 * connection's bindings name (a Cosmos DB account id needs exactly one of them).
 */
export function connectorTargets(resourceId: string, needs: ServiceNeed[], databaseNames: string[] = []): ConnectorTarget[] | { error: string } {
  const out: ConnectorTarget[] = [];
  for (const need of needs) {
    const id = targetIdFor(resourceId, need, databaseNames);
    if (typeof id !== "string") return id;
    const spec = SERVICE_CONNECTORS[need];
    const resolved = resolveTarget(id);
    if ("code" in resolved) return { error: resolved.message };
    if (resolved.kind !== spec.targetKind) return { error: `'${id}' is a ${resolved.kind} target, not ${spec.targetKind}` };
    out.push({ need, targetId: id, ...spec });
  }
  return out;
}

function targetIdFor(resourceId: string, need: ServiceNeed, databaseNames: string[]): string | { error: string } {
  const kindOf = describeResource(resourceId);
  const wrong = (what: string) => ({ error: `the bindings need ${what}, but '${resourceId}' is ${kindOf}` });
  if (STORAGE_NEEDS.includes(need)) {
    const m = STORAGE_ID.exec(resourceId);
    return m ? `${m[1]}/${need}Services/default` : wrong("a storage account");
  }
  if (need === "servicebus") return SERVICEBUS_ID.exec(resourceId)?.[1] ?? wrong("a Service Bus namespace");
  if (need === "eventhub") return EVENTHUB_ID.exec(resourceId)?.[1] ?? wrong("an Event Hubs namespace");
  const m = COSMOS_ID.exec(resourceId);
  if (!m) return wrong("a Cosmos DB account");
  if (m[2]) return `${m[1]}/sqlDatabases/${m[2]}`;
  const unique = [...new Set(databaseNames)];
  if (unique.length === 1) return `${m[1]}/sqlDatabases/${unique[0]}`;
  return {
    error: unique.length === 0
      ? `name the database: ${m[1]}/sqlDatabases/<database>`
      : `the bindings use databases ${unique.join(", ")}: name one, ${m[1]}/sqlDatabases/<database>`,
  };
}

function describeResource(id: string): string {
  if (STORAGE_ID.test(id)) return "a storage account";
  if (SERVICEBUS_ID.test(id)) return "a Service Bus namespace";
  if (EVENTHUB_ID.test(id)) return "an Event Hubs namespace";
  if (COSMOS_ID.test(id)) return "a Cosmos DB account";
  return "another kind of resource";
}

/** The storage account, namespace or Cosmos DB account behind a target id (for the loop check), lower-cased. */
export function accountOf(resourceId: string): { provider: "storage" | "servicebus" | "eventhub" | "cosmos"; name: string } | undefined {
  const last = (m: RegExpExecArray | null) => m?.[1]!.split("/").pop()!.toLowerCase();
  const storage = last(STORAGE_ID.exec(resourceId));
  if (storage) return { provider: "storage", name: storage };
  const sb = last(SERVICEBUS_ID.exec(resourceId));
  if (sb) return { provider: "servicebus", name: sb };
  const eh = last(EVENTHUB_ID.exec(resourceId));
  if (eh) return { provider: "eventhub", name: eh };
  const cosmos = last(COSMOS_ID.exec(resourceId));
  return cosmos ? { provider: "cosmos", name: cosmos } : undefined;
}

/** Connector names as the az CLI accepts them: letters, digits, '.', '_' (at most 60, not ending in '.'). */
export const CONNECTOR_NAME = /^[A-Za-z0-9._]{1,60}$/;

export function isValidConnectorName(name: string): boolean {
  return CONNECTOR_NAME.test(name) && !name.endsWith(".");
}

/**
 * The connector name of a connection's service: the connection name with other characters as '_', plus `_<service>`
 * for storage (one connection can need a blob, a queue and a table connector), e.g. `SamplesStorage_blob`.
 */
export function connectorName(connection: string, need: ServiceNeed): string {
  const suffix = STORAGE_NEEDS.includes(need) ? `_${need}` : "";
  let base = connection.replace(/[^A-Za-z0-9._]+/g, "_").replace(/^_+|_+$/g, "") || "connection";
  base = base.slice(0, 60 - suffix.length).replace(/\.+$/, "") || "connection";
  return `${base}${suffix}`;
}
