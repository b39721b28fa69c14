// Private link (vNetSolution type privateLink): linkwright changes nothing, it checks that a private endpoint exists
// whose private-link-service connection (automatic or manual) names the target's top-level resource, approved.
// Pure, over the private endpoints of the snapshot.
import { parseResourceId } from "../azure/resourceId.js";
import type { StoredLinker } from "../model/connection.js";
import { existenceId, type HealthSnapshot, type PrivateLinkServiceConnection } from "./snapshot.js";
import { CheckNames, INCONCLUSIVE, type CheckResult } from "./types.js";

export function usesPrivateLink(linker: StoredLinker): boolean {
  const vnet = (linker.properties as { vNetSolution?: { type?: unknown } | null }).vNetSolution;
  return typeof vnet?.type === "string" && vnet.type.toLowerCase() === "privatelink";
}

/** Private-link group id (sub-resource) of a target, for the fix: a storage service's own, else by resource type. */
const GROUP_BY_TYPE: Record<string, string> = {
  "microsoft.keyvault/vaults": "vault",
  "microsoft.sql/servers": "sqlServer",
  "microsoft.dbforpostgresql/flexibleservers": "postgresqlServer",
  "microsoft.dbformysql/flexibleservers": "mysqlServer",
  "microsoft.documentdb/databaseaccounts": "Sql",
  "microsoft.servicebus/namespaces": "namespace",
  "microsoft.eventhub/namespaces": "namespace",
  "microsoft.appconfiguration/configurationstores": "configurationStores",
  "microsoft.cache/redis": "redisCache",
  "microsoft.signalrservice/signalr": "signalr",
  "microsoft.signalrservice/webpubsub": "webpubsub",
  "microsoft.storage/storageaccounts": "blob",
};

export function privateLinkGroupId(targetId: string): string {
  const p = parseResourceId(targetId);
  const service = /\/(blob|queue|table|file)Services\//i.exec(`${targetId}/`)?.[1];
  if (service) return service.toLowerCase();
  return GROUP_BY_TYPE[`${p?.namespace ?? ""}/${p?.types[0] ?? ""}`.toLowerCase()] ?? "<group-id>";
}

function connectionsOf(properties: { privateLinkServiceConnections?: PrivateLinkServiceConnection[]; manualPrivateLinkServiceConnections?: PrivateLinkServiceConnection[] }) {
  return [...(properties.privateLinkServiceConnections ?? []), ...(properties.manualPrivateLinkServiceConnections ?? [])];
}

/** The top-level resource of an id, in the id's own casing. */
function topLevelId(id: string): string {
  const p = parseResourceId(id);
  return p ? `/subscriptions/${p.subscriptionId}/resourceGroups/${p.resourceGroup}/providers/${p.namespace}/${p.types[0]}/${p.names[0]}` : id;
}

export function checkPrivateLink(snap: HealthSnapshot, targetId: string): CheckResult {
  const name = CheckNames.privateLink;
  const key = existenceId(targetId);
  const top = topLevelId(targetId);
  const description = `An approved private endpoint connects to ${top}.`;
  const read = snap.privateEndpoints;
  if (!read) return { name, description, result: "warning", errorCode: INCONCLUSIVE, errorMessage: "Could not be checked now: the private endpoints were not read" };
  if (!read.ok) return { name, description, result: "warning", errorCode: INCONCLUSIVE, errorMessage: `Could not be checked now: ${read.error}` };
  const matches = read.value.flatMap((pe) => connectionsOf(pe.properties)
    .filter((c) => c.properties?.privateLinkServiceId && existenceId(c.properties.privateLinkServiceId) === key)
    .map((c) => ({ pe: pe.id, connection: c.name ?? "", status: c.properties?.privateLinkServiceConnectionState?.status ?? "" })));
  if (matches.some((m) => m.status.toLowerCase() === "approved")) return { name, description, result: "success" };
  const p = parseResourceId(top);
  if (matches.length) {
    return {
      name, description, result: "failure", errorCode: "PrivateEndpointNotApproved",
      errorMessage: `The private endpoint connection${matches.length > 1 ? "s" : ""} to ${top} (${matches.map((m) => `${m.connection} on ${m.pe}: ${m.status || "no status"}`).join("; ")}) ` +
        `${matches.length > 1 ? "are" : "is"} not approved. Approve it on the target: az network private-endpoint-connection approve --resource-group ${p?.resourceGroup ?? "<rg>"} ` +
        `--resource-name ${p?.names[0] ?? "<name>"} --type ${p ? `${p.namespace}/${p.types[0]}` : "<type>"} --name <connection name from: az network private-endpoint-connection list --id ${top}>`,
    };
  }
  return {
    name, description, result: "failure", errorCode: "PrivateEndpointMissing",
    errorMessage: `No private endpoint connects to ${top}; the connection uses private link (vNetSolution privateLink), which linkwright verifies but does not create. ` +
      `Create one in the source's virtual network: az network private-endpoint create --name ${p?.names[0] ?? "target"}-pe --resource-group ${p?.resourceGroup ?? "<rg>"} ` +
      `--subnet <subnet id in the source's virtual network> --private-connection-resource-id ${top} --group-id ${privateLinkGroupId(targetId)} --connection-name ${p?.names[0] ?? "target"}-pe`,
  };
}
