// GET {resourceUri}/providers/Microsoft.ServiceLinker/dryruns -> 200 DryrunList {value, nextLink?} (absolute nextLink).
import type { Operation } from "../types.js";
import { ApiError, ErrorCodes } from "../wire/errors.js";
import { nextLink, pageBody, pageSizeFrom } from "../wire/paging.js";
import { json } from "../wire/response.js";
import { dryrunToWire } from "./getDryrun.js";

export const listDryruns: Operation = async (req, deps) => {
  const sourceId = req.params["sourceId"];
  if (!sourceId) throw new Error("route did not bind sourceId");
  const pageSize = pageSizeFrom(req.query, deps.pageSize);
  const skipToken = req.query.get("$skipToken") ?? undefined;
  let page;
  try {
    page = await deps.store.dryruns.list(sourceId, { pageSize, ...(skipToken ? { continuationToken: skipToken } : {}) });
  } catch (error) {
    if (skipToken) throw new ApiError(400, ErrorCodes.BadRequest, "The value of '$skipToken' is invalid.", "$skipToken");
    throw error;
  }
  const link = page.continuationToken
    ? nextLink({ baseUrl: req.baseUrl, path: req.path, apiVersion: req.apiVersion, skipToken: page.continuationToken, top: req.query.get("$top") })
    : undefined;
  return json(200, pageBody(page.items.map(dryrunToWire), link));
};
