// Connectors ("local connections", Microsoft.ServiceLinker/locations/connectors): a connection whose source is not an
// Azure resource but the caller's own machine, kept under a resource group and a location. linkwright stores one as a
// linker whose `sourceId` is the connector scope `/subscriptions/{s}/resourceGroups/{rg}/providers/
// Microsoft.ServiceLinker/locations/{location}` and whose id is `{scope}/connectors/{name}`; the saga runs it as any
// connection (a principal known up front, roles, the caller's IP in the target's firewall) but writes no settings:
// its configuration is only returned (generateConfigurations).

export const CONNECTOR_TYPE = "Microsoft.ServiceLinker/locations/connectors";

const SCOPE = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ServiceLinker\/locations\/([^/]+)\/?$/i;
const ID = /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ServiceLinker\/locations\/[^/]+)\/connectors\/([^/]+)\/?$/i;

export interface ConnectorScope {
  subscriptionId: string;
  resourceGroup: string;
  location: string;
}

/** The connector scope in canonical casing (`resourceGroups`, `Microsoft.ServiceLinker`), whatever the request sent. */
export function connectorScope(s: ConnectorScope): string {
  return `/subscriptions/${s.subscriptionId}/resourceGroups/${s.resourceGroup}/providers/Microsoft.ServiceLinker/locations/${s.location}`;
}

export function parseConnectorScope(id: string): ConnectorScope | undefined {
  const m = SCOPE.exec(id);
  return m ? { subscriptionId: m[1]!, resourceGroup: m[2]!, location: m[3]! } : undefined;
}

/** Whether a connection's source id is a connector scope (a local connection), not an Azure resource. */
export function isConnectorScope(sourceId: string): boolean {
  return SCOPE.test(sourceId);
}

/** `/subscriptions/{s}/resourceGroups/{rg}` of a connector scope: where ARM keeps the permissions on its connectors. */
export function connectorResourceGroup(sourceId: string): string | undefined {
  const s = parseConnectorScope(sourceId);
  return s ? `/subscriptions/${s.subscriptionId}/resourceGroups/${s.resourceGroup}` : undefined;
}

export function connectorId(scope: string, name: string): string {
  return `${scope}/connectors/${name}`;
}

/** `{scope}/connectors/{name}` → its scope and name. */
export function splitConnectorId(id: string): { sourceId: string; name: string } | undefined {
  const m = ID.exec(id);
  return m ? { sourceId: m[1]!, name: m[2]! } : undefined;
}
