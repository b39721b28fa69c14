/**
 * linkwright's own connections on an app as possible writers: each linker whose target is something a trigger can
 * watch (storage blobs/queues, Service Bus, Event Hubs, Cosmos DB) becomes a LinkwrightConnectionWriter.
 */
import type { LinkerRepository } from "../store/types.js";
import { linkersOf } from "../store/pages.js";
import type { StoredLinker } from "../model/connection.js";
import type { ConnectionTargetKind, LinkwrightConnectionWriter } from "./model.js";

const MAX_LINKER_PAGES = 100;

/** Target kind of an ARM id, by provider and child type; undefined for targets no trigger can watch. */
export function targetKindOf(targetId: string): ConnectionTargetKind[] {
  const id = targetId.toLowerCase();
  if (id.includes("/providers/microsoft.storage/storageaccounts/")) {
    if (id.includes("/blobservices/")) return ["storageBlob"];
    if (id.includes("/queueservices/")) return ["storageQueue"];
    if (/\/(fileservices|tableservices)\//.test(id)) return [];
    // The bare account: the app's client may reach either service.
    return /\/storageaccounts\/[^/]+$/.test(id) ? ["storageBlob", "storageQueue"] : [];
  }
  if (id.includes("/providers/microsoft.servicebus/namespaces/")) return ["serviceBus"];
  if (id.includes("/providers/microsoft.eventhub/namespaces/")) return ["eventHub"];
  if (id.includes("/providers/microsoft.documentdb/databaseaccounts/")) return ["cosmos"];
  return [];
}

/** The writers one linker contributes (none when it is being deleted or targets something untriggerable). */
export function writersOfLinker(linker: StoredLinker): LinkwrightConnectionWriter[] {
  if (linker.provisioningState === "Deleting") return [];
  const target = linker.properties.targetService;
  if (target.type !== "AzureResource" || typeof target.id !== "string") return [];
  const targetResourceId = target.id;
  return targetKindOf(targetResourceId).map((targetKind) => ({ linkerId: linker.id, targetResourceId, targetKind }));
}

/** All writers from the linkers whose source is `appId` (every page). */
export async function connectionWritersOf(linkers: LinkerRepository, appId: string): Promise<LinkwrightConnectionWriter[]> {
  return (await linkersOf(linkers, appId, { maxPages: MAX_LINKER_PAGES })).flatMap(writersOfLinker);
}
