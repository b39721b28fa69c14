// GET {sourceId}/providers/Microsoft.ServiceLinker/linkers/{linkerName}/healthHistory
//   -> 200 { value: [{ checkedAt, status, failingChecks, validationDetail, attribution }], nextLink? }
// The connection's health checks (timer, resource events), newest first, paged with $top / $skipToken.
// 404 when the linker does not exist; 501 when health is not wired into this deployment (ApiDeps.health).
import { linkerReadRequirement } from "../../authorization/requirements.js";
import type { ApiDeps, Operation } from "../types.js";
import type { HealthHistory } from "../../health/history.js";
import { ApiError, ErrorCodes } from "../wire/errors.js";
import { nextLink, pageBody, pageSizeFrom } from "../wire/paging.js";
import { json } from "../wire/response.js";
import { linkerParams, requireLinker } from "./linkerShared.js";

/** History rows kept reachable through paging (the table keeps more; older ones are beyond the API). */
export const MAX_HISTORY_OFFSET = 10_000;

function historyFrom(deps: ApiDeps): HealthHistory {
  const history = deps.health?.history;
  if (!history) throw new ApiError(501, ErrorCodes.NotImplemented, "Connection health is not wired into this deployment of linkwright (ApiDeps.health is missing).");
  return history;
}

function offsetOf(token: string | null): number {
  if (token === null) return 0;
  const n = /^o(\d{1,5})$/.exec(token)?.[1];
  if (n === undefined || Number(n) > MAX_HISTORY_OFFSET) throw new ApiError(400, ErrorCodes.BadRequest, "The value of '$skipToken' is invalid.", "$skipToken");
  return Number(n);
}

export const getHealthHistory: Operation = async (req, deps) => {
  const history = historyFrom(deps);
  const params = linkerParams(req);
  // Authorization: read on the source (the history names who changed what).
  await req.access.require(linkerReadRequirement(params.sourceId));
  const linker = await requireLinker(deps, params);
  const pageSize = pageSizeFrom(req.query, deps.pageSize);
  const offset = offsetOf(req.query.get("$skipToken"));
  const rows = await history.list(linker.id, { top: offset + pageSize + 1 });
  const page = rows.slice(offset, offset + pageSize).map((r) => ({
    checkedAt: r.checkedAt, status: r.status, failingChecks: r.failingChecks, validationDetail: r.validationDetail, attribution: r.attribution,
  }));
  const link = rows.length > offset + pageSize && offset + pageSize <= MAX_HISTORY_OFFSET
    ? nextLink({ baseUrl: req.baseUrl, path: req.path, apiVersion: req.apiVersion, skipToken: `o${offset + pageSize}`, top: req.query.get("$top") })
    : undefined;
  return json(200, pageBody(page, link));
};
