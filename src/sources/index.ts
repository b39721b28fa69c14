// Picks the adapter for a source resource id. Unsupported source types are a user error (400).
import type { ArmClients } from "../azure/clients.js";
import { parseResourceId } from "../azure/resourceId.js";
import { isConnectorScope } from "../model/connector.js";
import { containerAppSource } from "./containerApp.js";
import { localSource } from "./local.js";
import type { SourceAdapter } from "./types.js";
import { webSiteSource } from "./webSite.js";

export type { SourceAdapter, SourceKind, SourceSnapshot, SourceSetting } from "./types.js";
export type { IdentityState, IdentityType } from "../model/steps.js";

export const SUPPORTED_SOURCE_TYPES = ["Microsoft.Web/sites", "Microsoft.Web/sites/slots", "Microsoft.App/containerApps"];

export class UnsupportedSourceError extends Error {
  constructor(readonly sourceId: string) {
    super(`The source '${sourceId}' is not supported. Supported source types: ${SUPPORTED_SOURCE_TYPES.join(", ")}.`);
    this.name = "UnsupportedSourceError";
  }
}

export function sourceAdapterFor(clients: ArmClients, sourceId: string, scope?: string): SourceAdapter {
  if (isConnectorScope(sourceId)) return localSource(sourceId);
  const parsed = parseResourceId(sourceId);
  const type = parsed?.fullType.toLowerCase();
  if (parsed && type === "microsoft.web/sites") {
    return webSiteSource(clients, { id: parsed.id, subscriptionId: parsed.subscriptionId, resourceGroup: parsed.resourceGroup, name: parsed.names[0]! });
  }
  if (parsed && type === "microsoft.web/sites/slots") {
    return webSiteSource(clients, {
      id: parsed.id, subscriptionId: parsed.subscriptionId, resourceGroup: parsed.resourceGroup,
      name: parsed.names[0]!, slot: parsed.names[1]!,
    });
  }
  if (parsed && type === "microsoft.app/containerapps") {
    return containerAppSource(clients, {
      id: parsed.id, subscriptionId: parsed.subscriptionId, resourceGroup: parsed.resourceGroup,
      name: parsed.names[0]!, container: scope || undefined,
    });
  }
  throw new UnsupportedSourceError(sourceId);
}
