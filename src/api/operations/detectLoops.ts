// POST /subscriptions/{s}/providers/Microsoft.ServiceLinker/detectLoops  body (optional): { "appIds": [siteId, …] }
// -> 200 { checkedAt, findings, suppressed, stats, posted }. Scans the subscription's function apps (or just the
// listed ones, which must be Microsoft.Web/sites of that subscription), records the findings and posts new ones to
// the connection-health queue, as the timer does. Synchronous: the scan reads a few ARM resources per app.
// Authorization: the report names only apps whose settings the caller may list (Microsoft.Web/sites/config/list/action,
// what reading the bindings' connections needs): apps the request names must all be such apps (403 otherwise); a
// subscription-wide scan's findings, apps and problems are narrowed to them.
import { loopsFrom } from "../loopsRoute.js";
import type { LoopScanReport } from "../../loops/service.js";
import type { CallerAccess, Operation } from "../types.js";
import { parseJsonBody } from "../wire/body.js";
import { ApiError, ErrorCodes } from "../wire/errors.js";
import { json } from "../wire/response.js";

const MAX_APP_IDS = 1000;
const SITE_ID = /^\/subscriptions\/([^/]+)\/resourceGroups\/[^/]+\/providers\/Microsoft\.Web\/sites\/[^/]+$/i;

function appIdsOf(body: unknown, subscriptionId: string): string[] | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body !== "object" || Array.isArray(body)) throw new ApiError(400, ErrorCodes.InvalidRequestContent, "The request content was invalid: expected a JSON object.");
  const extra = Object.keys(body).filter((k) => k !== "appIds");
  if (extra.length > 0) throw new ApiError(400, ErrorCodes.InvalidRequestContent, `The request content was invalid: unknown property '${extra[0]}'.`, extra[0]);
  const appIds = (body as { appIds?: unknown }).appIds;
  if (appIds === undefined) return undefined;
  if (!Array.isArray(appIds) || appIds.some((id) => typeof id !== "string")) {
    throw new ApiError(400, ErrorCodes.InvalidRequestContent, "The request content was invalid: 'appIds' must be an array of resource ids.", "appIds");
  }
  if (appIds.length > MAX_APP_IDS) throw new ApiError(400, ErrorCodes.InvalidRequestContent, `At most ${MAX_APP_IDS} appIds can be scanned in one request.`, "appIds");
  appIds.forEach((id: string, i) => {
    const m = SITE_ID.exec(id);
    if (!m) throw new ApiError(400, ErrorCodes.LinkedInvalidPropertyId, `The property 'appIds[${i}]' with value '${id}' is not a Microsoft.Web/sites resource id.`, `appIds[${i}]`);
    if (m[1]!.toLowerCase() !== subscriptionId.toLowerCase()) {
      throw new ApiError(400, ErrorCodes.LinkedInvalidPropertyId, `The resource 'appIds[${i}]' is not in subscription '${subscriptionId}'.`, `appIds[${i}]`);
    }
  });
  return appIds.length > 0 ? (appIds as string[]) : undefined;
}

export const detectLoops: Operation = async (req, deps) => {
  const subscriptionId = req.params["subscriptionId"];
  if (!subscriptionId) throw new Error("route did not bind subscriptionId");
  const loops = loopsFrom(deps);
  const appIds = appIdsOf(parseJsonBody(req.body, { required: false }), subscriptionId);
  if (appIds) await req.access.require(appIds.map(listSettings));
  const scanned = await loops.scan(appIds ? { appIds } : { subscriptionId });
  const report = appIds ? scanned : await visibleTo(req.access, `/subscriptions/${subscriptionId}`, scanned);
  return json(200, {
    checkedAt: report.checkedAt,
    findings: report.findings,
    suppressed: report.suppressed,
    stats: report.stats,
    posted: report.posted,
  });
};

const LIST_SETTINGS = "Microsoft.Web/sites/config/list/action";

function withoutCounts(stats: LoopScanReport["stats"]): LoopScanReport["stats"] {
  const { functions: _functions, edges: _edges, ...rest } = stats;
  return rest as LoopScanReport["stats"];
}
const listSettings = (scope: string) => ({ scope, action: LIST_SETTINGS, why: "read the app's bindings and settings for loop detection" });

/** The report narrowed to apps whose settings the caller may list (everything, when it may at the subscription). */
async function visibleTo(access: CallerAccess, subscriptionScope: string, report: LoopScanReport): Promise<LoopScanReport> {
  if ((await access.decide([listSettings(subscriptionScope)])).allowed) return report;
  const apps = new Map<string, string>();
  const add = (id: string) => apps.set(id.toLowerCase(), id);
  report.stats.scannedApps.forEach(add);
  report.stats.missingApps.forEach(add);
  report.stats.problems.forEach((p) => add(p.appId));
  [...report.findings, ...report.suppressed].forEach((f) => f.members.forEach((m) => add(m.appId)));
  const decision = await access.decide([...apps.values()].map(listSettings));
  const hidden = new Set(decision.missing.map((m) => m.scope.toLowerCase()));
  const visible = (id: string) => !hidden.has(id.toLowerCase());
  const findingVisible = (f: LoopScanReport["findings"][number]) => f.members.every((m) => visible(m.appId));
  const findings = report.findings.filter(findingVisible);
  const shown = new Set(findings.map((f) => f.id));
  return {
    ...report,
    findings,
    suppressed: report.suppressed.filter(findingVisible),
    posted: report.posted.filter((id) => shown.has(id)),
    // The subscription-wide function and binding counts would describe apps the caller may not see: left out.
    stats: {
      ...withoutCounts(report.stats),
      apps: report.stats.scannedApps.filter(visible).length,
      scannedApps: report.stats.scannedApps.filter(visible),
      missingApps: report.stats.missingApps.filter(visible),
      problems: report.stats.problems.filter((p) => visible(p.appId)),
    },
  };
}
