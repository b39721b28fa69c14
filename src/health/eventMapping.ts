// Event Grid resource events (EventGrid schema, subscription system topic) → the resource ids to look up in the
// dependency index (pure). An event on a resource concerns connections depending on it, on its parents up to the
// top-level resource (…/sites/app/config/appsettings → the site), and on its well-known service children
// (a storage account → its blob/queue/table/file services). A role assignment (an extension resource) concerns
// itself and the scope it grants on.
import { normalizeResourceId } from "../azure/resourceId.js";

export const RESOURCE_EVENT_TYPES = [
  "Microsoft.Resources.ResourceWriteSuccess",
  "Microsoft.Resources.ResourceDeleteSuccess",
  "Microsoft.Resources.ResourceActionSuccess",
] as const;

export type ResourceEventKind = "write" | "delete" | "action";

export interface ResourceEvent {
  id: string;
  kind: ResourceEventKind;
  resourceId: string;
  operationName: string;
  eventTime: string;
  caller?: string;
}

interface EventGridEventLike {
  id?: unknown;
  eventType?: unknown;
  subject?: unknown;
  eventTime?: unknown;
  data?: { resourceUri?: unknown; operationName?: unknown; claims?: Record<string, unknown> } | null;
}

const KIND: Record<string, ResourceEventKind> = {
  "microsoft.resources.resourcewritesuccess": "write",
  "microsoft.resources.resourcedeletesuccess": "delete",
  "microsoft.resources.resourceactionsuccess": "action",
};

/** Accepts one event, an array (a webhook batch), or a queue message body (JSON, possibly base64). Others are ignored. */
export function parseResourceEvents(body: unknown): ResourceEvent[] {
  let value = body;
  if (typeof value === "string") {
    const text = value.trim();
    const json = text.startsWith("{") || text.startsWith("[") ? text : Buffer.from(text, "base64").toString("utf8");
    value = JSON.parse(json);
  }
  const list = (Array.isArray(value) ? value : [value]) as EventGridEventLike[];
  const out: ResourceEvent[] = [];
  for (const e of list) {
    const kind = KIND[String(e?.eventType ?? "").toLowerCase()];
    if (!kind) continue;
    const resourceId = typeof e.data?.resourceUri === "string" ? e.data.resourceUri : typeof e.subject === "string" ? e.subject : undefined;
    if (!resourceId) continue;
    const claims = e.data?.claims ?? {};
    const caller = [claims["name"], claims["http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn"], claims["appid"],
      claims["http://schemas.microsoft.com/identity/claims/objectidentifier"]].find((c): c is string => typeof c === "string" && c !== "");
    out.push({
      id: String(e.id ?? ""), kind, resourceId,
      operationName: typeof e.data?.operationName === "string" ? e.data.operationName : "",
      eventTime: typeof e.eventTime === "string" ? e.eventTime : new Date().toISOString(),
      ...(caller ? { caller } : {}),
    });
  }
  return out;
}

const SERVICE_CHILDREN: Record<string, string[]> = {
  "microsoft.storage/storageaccounts": ["blobServices/default", "queueServices/default", "tableServices/default", "fileServices/default"],
};

function segments(id: string): string[] {
  return id.replace(/\/{2,}/g, "/").replace(/^\/|\/$/g, "").split("/");
}

/** Ids to look up for an event on `resourceId` (normalized, de-duplicated). */
export function lookupIds(resourceId: string): string[] {
  const parts = segments(resourceId);
  const out = new Set<string>([normalizeResourceId("/" + parts.join("/"))]);
  const lower = parts.map((p) => p.toLowerCase());
  const ext = lower.lastIndexOf("providers");
  // Extension resource (…/{scope}/providers/Microsoft.Authorization/roleAssignments/{id}): itself and its scope.
  const firstProviders = lower.indexOf("providers");
  if (ext > firstProviders && firstProviders >= 0) {
    out.add(normalizeResourceId("/" + parts.slice(0, ext).join("/")));
    return [...out];
  }
  if (firstProviders < 0 || parts.length < firstProviders + 4) return [...out];
  // Parents down to the top-level resource: providers/{ns}/{type}/{name} is the shortest.
  for (let end = parts.length - 2; end >= firstProviders + 4; end -= 2) {
    out.add(normalizeResourceId("/" + parts.slice(0, end).join("/")));
  }
  // Service children of a top-level resource.
  if (parts.length === firstProviders + 4) {
    const type = `${lower[firstProviders + 1]}/${lower[firstProviders + 2]}`;
    for (const child of SERVICE_CHILDREN[type] ?? []) out.add(normalizeResourceId(`/${parts.join("/")}/${child}`));
  }
  return [...out];
}

/** The top-level resources deleted by these events (deleting them is deliberate: never auto-heal those connections). */
export function deletedResources(events: readonly ResourceEvent[]): Set<string> {
  return new Set(events.filter((e) => e.kind === "delete").map((e) => normalizeResourceId(e.resourceId)));
}
