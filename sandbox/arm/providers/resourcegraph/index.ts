// Microsoft.ResourceGraph: POST /providers/Microsoft.ResourceGraph/resources — a KQL subset (./kql.ts) over the
// store's `Resources` and `AuthorizationResources` (role assignments) tables, scoped to the requested subscriptions
// and to what the caller may read, paged with $top/$skip/$skipToken.
// Parse errors answer 400 BadRequest with an InvalidQuery detail, as Azure does. Reference: arm-surface §2.11.
import { ArmError, type Provider, type RouteContext } from "../../core/contract.js";
import { asObject, bodyObject } from "../kit/request-body.js";
import { KqlError, parseKql, runKql } from "./kql.js";
import { authorizationRow, graphRow, isGraphResource, isRoleAssignment } from "./rows.js";

const MAX_TOP = 1000;

function invalidQuery(ctx: RouteContext, message: string, e?: KqlError): ArmError {
  return new ArmError(400, "BadRequest",
    `Please provide below info when asking for support: timestamp = ${new Date().toISOString()}, correlationId = ${ctx.req.correlationId}.`,
    undefined,
    [
      { code: "InvalidQuery", message: "Query is invalid. Please refer to the documentation for the Azure Resource Graph service and fix the error before retrying." },
      { code: e ? "ParserFailure" : "InvalidQuery", message: e ? `${message} (position ${e.position}, token '${e.token}')` : message },
    ]);
}

function decodeSkipToken(token: unknown): number | undefined {
  if (typeof token !== "string" || token === "") return undefined;
  try {
    const o = JSON.parse(Buffer.from(token, "base64").toString("utf8")) as { skip?: unknown };
    if (typeof o.skip === "number" && Number.isInteger(o.skip) && o.skip >= 0) return o.skip;
  } catch { /* fall through */ }
  throw new ArmError(400, "BadRequest", "The $skipToken is invalid.", "options.$skipToken");
}

function query(ctx: RouteContext) {
  const body = bodyObject(ctx);
  if (typeof body.query !== "string" || body.query.trim() === "") throw invalidQuery(ctx, "The 'query' property is required.");
  let parsed;
  try {
    parsed = parseKql(body.query);
  } catch (e) {
    if (e instanceof KqlError) throw invalidQuery(ctx, e.message, e);
    throw e;
  }
  const options = asObject(body.options);
  const subs = Array.isArray(body.subscriptions) ? body.subscriptions.map((s) => String(s).toLowerCase()) : undefined;
  const caller = ctx.req.caller;
  const visible = (r: Record<string, unknown>) => (!subs || subs.includes(String(r.subscriptionId).toLowerCase()))
    && ctx.services.isAuthorized(caller, `${String(r.type)}/read`, String(r.id), "action");
  const tables = new Map<string, Record<string, unknown>[]>();
  const rowsOf = (table: string) => {
    let rows = tables.get(table);
    if (!rows) {
      rows = table === "authorizationresources"
        ? ctx.store.all().filter(isRoleAssignment).map((r) => authorizationRow(r, ctx.services.tenantId)).filter(visible)
        : ctx.store.all().filter(isGraphResource).map((r) => graphRow(r, ctx.services.tenantId)).filter(visible);
      tables.set(table, rows);
    }
    return rows;
  };
  const result = runKql(parsed, rowsOf);

  const top = options.$top === undefined ? 100 : Number(options.$top);
  if (!Number.isInteger(top) || top < 1 || top > MAX_TOP) throw new ArmError(400, "BadRequest", `The $top value must be between 1 and ${MAX_TOP}.`, "options.$top");
  const skip = decodeSkipToken(options.$skipToken) ?? (options.$skip === undefined ? 0 : Number(options.$skip));
  if (!Number.isInteger(skip) || skip < 0) throw new ArmError(400, "BadRequest", "The $skip value must be a non-negative integer.", "options.$skip");
  const page = result.slice(skip, skip + top);
  const more = skip + top < result.length;
  const data = options.resultFormat === "table" ? toTable(page) : page;
  return {
    status: 200,
    body: {
      totalRecords: result.length, count: page.length, resultTruncated: "false",
      ...(more ? { $skipToken: Buffer.from(JSON.stringify({ skip: skip + top })).toString("base64") } : {}),
      data, facets: [],
    },
  };
}

function toTable(rows: Record<string, unknown>[]) {
  const names = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const typeOf = (v: unknown) => (typeof v === "number" ? "integer" : typeof v === "boolean" ? "boolean" : v !== null && typeof v === "object" ? "object" : "string");
  return {
    columns: names.map((name) => ({ name, type: typeOf(rows.find((r) => r[name] !== null && r[name] !== undefined)?.[name]) })),
    rows: rows.map((r) => names.map((n) => r[n] ?? null)),
  };
}

export const resourceGraphProvider: Provider = {
  namespace: "Microsoft.ResourceGraph",
  routes: [{ method: "POST", template: "/providers/Microsoft.ResourceGraph/resources", action: "Microsoft.ResourceGraph/resources/read", kind: "read", skipRbac: true, handle: query }],
};
