// Microsoft.Insights activity log: GET /subscriptions/{s}/providers/Microsoft.Insights/eventtypes/management/values
// with the $filter forms the real API accepts (reference arm-surface §2.12) and $select.
import { ArmError, type Provider, type RouteContext } from "../core/contract.js";
import type { CoreProviderDeps } from "../core/provider-registry.js";
import type { ActivityEntry } from "../core/activity-log.js";
import { isAtOrBelow } from "../core/ids.js";

interface Clause { field: string; op: "eq" | "ge" | "le"; value: string }

export function parseActivityFilter(filter: string): Clause[] {
  const clauses = filter.split(/\s+and\s+/i).map((c) => c.trim()).filter(Boolean);
  return clauses.map((c) => {
    const m = /^([A-Za-z]+)\s+(eq|ge|le)\s+'((?:[^']|'')*)'$/i.exec(c);
    if (!m) throw new ArmError(400, "BadRequest", `The $filter clause '${c}' is not supported. Use eventTimestamp ge/le, resourceGroupName, resourceUri, resourceProvider, correlationId, caller, status or eventChannels with eq.`);
    return { field: m[1].toLowerCase(), op: m[2].toLowerCase() as Clause["op"], value: m[3].replace(/''/g, "'") };
  });
}

function entryMatches(e: ActivityEntry, c: Clause): boolean {
  const str = (v: unknown) => String(v ?? "").toLowerCase();
  const val = c.value.toLowerCase();
  switch (c.field) {
    case "eventtimestamp": {
      const t = Date.parse(String(e.eventTimestamp));
      const bound = Date.parse(c.value);
      if (Number.isNaN(bound)) throw new ArmError(400, "BadRequest", `'${c.value}' is not a valid eventTimestamp.`);
      return c.op === "ge" ? t >= bound : c.op === "le" ? t <= bound : t === bound;
    }
    case "resourcegroupname": return str(e.resourceGroupName) === val;
    case "resourceuri": return isAtOrBelow(String(e.resourceId), c.value);
    case "resourceid": return str(e.resourceId) === val;
    case "resourceprovider": return str((e.resourceProviderName as { value?: string }).value) === val;
    case "correlationid": return str(e.correlationId) === val;
    case "caller": return str(e.caller) === val;
    case "status": return str((e.status as { value?: string }).value) === val;
    case "eventchannels": return true;
    case "levels": return str(e.level) === val;
    default: throw new ArmError(400, "BadRequest", `The $filter field '${c.field}' is not supported by the activity log.`);
  }
}

function select(e: ActivityEntry, fields: string[] | undefined): Record<string, unknown> {
  if (!fields) return e;
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const key = Object.keys(e).find((k) => k.toLowerCase() === f.toLowerCase());
    if (key) out[key] = e[key];
  }
  return out;
}

export function insightsProvider(deps: CoreProviderDeps): Provider {
  return {
    namespace: "Microsoft.Insights",
    routes: [{
      method: "GET",
      template: "/subscriptions/{subscriptionId}/providers/Microsoft.Insights/eventtypes/management/values",
      action: "Microsoft.Insights/eventtypes/values/read",
      handle(ctx: RouteContext) {
        const filter = ctx.req.query.get("$filter");
        if (!filter) throw new ArmError(400, "BadRequest", "The $filter query parameter is required and must include eventTimestamp ge '<start>'.");
        const clauses = parseActivityFilter(filter);
        if (!clauses.some((c) => c.field === "eventtimestamp" && c.op === "ge"))
          throw new ArmError(400, "BadRequest", "The $filter must include eventTimestamp ge '<start>'.");
        const sub = ctx.params.subscriptionId.toLowerCase();
        const selectRaw = ctx.req.query.get("$select");
        const fields = selectRaw ? selectRaw.split(",").map((s) => s.trim()).filter(Boolean) : undefined;
        const items = deps.activity.all()
          .filter((e) => String(e.subscriptionId).toLowerCase() === sub && clauses.every((c) => entryMatches(e, c)))
          .reverse()
          .map((e) => select(e, fields));
        return { status: 200, body: ctx.services.page(items, ctx, 200) };
      },
    }],
  };
}
