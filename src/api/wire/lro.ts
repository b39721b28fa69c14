// Long-running-operation wire helpers (servicelinker-api.md §1d; arm-surface.md §1.6).
// Azure-AsyncOperation -> .../operationStatuses/{id}: always 200 with the status document.
// Location            -> .../operationResults/{id}: 202 while running, then the final result.
import type { StoredOperation } from "../../model/connection.js";

/** Retry-After (seconds) on 201/202 and on running operation results. */
export const RETRY_AFTER_SECONDS = 1;

/** retry-after-ms on a running operation's status document. */
export const STATUS_RETRY_AFTER_MS = 250;

// Segments are percent-encoded: the subscription comes from the caller's resource id (the router decodes them back).
const seg = encodeURIComponent;

export function operationStatusPath(op: Pick<StoredOperation, "subscriptionId" | "location" | "id">): string {
  return `/subscriptions/${seg(op.subscriptionId)}/providers/Microsoft.ServiceLinker/locations/${seg(op.location)}/operationStatuses/${seg(op.id)}`;
}

export function operationResultPath(op: Pick<StoredOperation, "subscriptionId" | "location" | "id">): string {
  return `/subscriptions/${seg(op.subscriptionId)}/providers/Microsoft.ServiceLinker/locations/${seg(op.location)}/operationResults/${seg(op.id)}`;
}

function absolute(baseUrl: string, path: string, apiVersion: string): string {
  return `${baseUrl}${path}?api-version=${encodeURIComponent(apiVersion)}`;
}

/** Headers of a 201/202 LRO answer. `location` adds the Location header (DELETE, POST actions). */
export function lroHeaders(op: StoredOperation, options: { baseUrl: string; apiVersion: string; location: boolean }): Record<string, string> {
  const headers: Record<string, string> = {
    "Azure-AsyncOperation": absolute(options.baseUrl, operationStatusPath(op), options.apiVersion),
    "Retry-After": String(RETRY_AFTER_SECONDS),
  };
  if (options.location) headers["Location"] = absolute(options.baseUrl, operationResultPath(op), options.apiVersion);
  return headers;
}

/** The status document `{id,name,resourceId,status,startTime,endTime,error?,properties?}`. */
export function operationStatusDocument(op: StoredOperation): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    id: operationStatusPath(op),
    name: op.id,
    resourceId: op.resourceId,
    status: op.status,
    startTime: op.startTime,
    endTime: op.endTime ?? null,
  };
  if (op.error) doc["error"] = op.error;
  if (op.result) doc["properties"] = op.result;
  return doc;
}

export const isRunning = (op: StoredOperation): boolean => op.status === "InProgress";
