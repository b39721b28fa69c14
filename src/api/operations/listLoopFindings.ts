// GET {functionAppId}/providers/Microsoft.ServiceLinker/loopFindings -> 200 { value: [LoopFinding], nextLink? }
// The app's findings as the last scan (timer, Event Grid, detectLoops) recorded them; [] when none or never scanned.
import { loopsFrom } from "../loopsRoute.js";
import { linkerReadRequirement } from "../../authorization/requirements.js";
import type { Operation } from "../types.js";
import { ApiError, ErrorCodes } from "../wire/errors.js";
import { nextLink, pageBody, pageSizeFrom } from "../wire/paging.js";
import { json } from "../wire/response.js";

const SITE_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Web\/sites\/[^/]+$/i;

function offsetOf(token: string | null): number {
  if (token === null) return 0;
  const n = /^o(\d{1,9})$/.exec(token)?.[1];
  if (n === undefined) throw new ApiError(400, ErrorCodes.BadRequest, "The value of '$skipToken' is invalid.", "$skipToken");
  return Number(n);
}

export const listLoopFindings: Operation = async (req, deps) => {
  const appId = req.params["sourceId"];
  if (!appId) throw new Error("route did not bind sourceId");
  if (!SITE_ID.test(appId)) {
    throw new ApiError(400, ErrorCodes.BadRequest, `Loop findings exist only for function apps (Microsoft.Web/sites); '${appId}' is not one.`);
  }
  // Authorization: read on the function app.
  await req.access.require(linkerReadRequirement(appId));
  const pageSize = pageSizeFrom(req.query, deps.pageSize);
  const offset = offsetOf(req.query.get("$skipToken"));
  const record = await loopsFrom(deps).healthOf(appId);
  const findings = record?.findings ?? [];
  const page = findings.slice(offset, offset + pageSize);
  const link = offset + pageSize < findings.length
    ? nextLink({ baseUrl: req.baseUrl, path: req.path, apiVersion: req.apiVersion, skipToken: `o${offset + pageSize}`, top: req.query.get("$top") })
    : undefined;
  return json(200, pageBody(page, link));
};
