/**
 * Which function app an ARM change event is about. Accepts the Event Grid schema (`eventType`, `subject`,
 * `data.resourceUri`) and CloudEvents (`type`, `subject`, `data`), as a webhook or as a storage-queue message
 * (object or JSON text). Only successful writes (and function deletions) of a site, its app settings or its
 * functions matter; anything else is ignored with a reason.
 */
export const SITE_CHANGE_EVENT_TYPES = ["Microsoft.Resources.ResourceWriteSuccess", "Microsoft.Resources.ResourceDeleteSuccess"] as const;

export type SiteChange = { appId: string; eventType: string; resourceId: string } | { ignored: string };

const SITE = /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Web\/sites\/[^/]+)(\/.*)?$/i;

function asObject(input: unknown): Record<string, unknown> | undefined {
  if (typeof input === "string") {
    try {
      return asObject(JSON.parse(input));
    } catch {
      return undefined;
    }
  }
  return typeof input === "object" && input !== null && !Array.isArray(input) ? (input as Record<string, unknown>) : undefined;
}

export function siteChangeOf(input: unknown): SiteChange {
  const event = asObject(input);
  if (!event) return { ignored: "not a JSON event object" };
  const eventType = typeof event["eventType"] === "string" ? event["eventType"] : typeof event["type"] === "string" ? event["type"] : undefined;
  if (!eventType) return { ignored: "no eventType" };
  const kind = SITE_CHANGE_EVENT_TYPES.find((t) => t.toLowerCase() === eventType.toLowerCase());
  if (!kind) return { ignored: `event type ${eventType} is not a resource write/delete` };
  const data = asObject(event["data"]);
  const resourceId = typeof data?.["resourceUri"] === "string" ? data["resourceUri"] : typeof event["subject"] === "string" ? event["subject"] : undefined;
  if (!resourceId) return { ignored: "no resource id in data.resourceUri or subject" };
  const m = SITE.exec(resourceId);
  if (!m) return { ignored: `${resourceId} is not a Microsoft.Web/sites resource` };
  const rest = (m[2] ?? "").toLowerCase();
  const relevant = kind === "Microsoft.Resources.ResourceWriteSuccess"
    ? rest === "" || rest === "/config/appsettings" || rest === "/config/connectionstrings" || /^\/functions\/[^/]+$/.test(rest)
    : /^\/functions\/[^/]+$/.test(rest) || rest === "";
  if (!relevant) return { ignored: `${resourceId}: changes there do not affect triggers or outputs` };
  return { appId: m[1]!, eventType: kind, resourceId };
}
