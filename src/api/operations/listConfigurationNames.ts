// GET /providers/Microsoft.ServiceLinker/configurationNames?$filter=…&$skipToken=… -> 200 ConfigurationNameResult
// Authorization: none beyond authentication — the catalogue's names, about no resource (ARM serves it to any caller).
// (servicelinker-api.md §1c, §2; EX:ConfigurationNamesList.json): `{value:[{properties:{targetService, clientType,
// authType, secretType?, names:[{value, description, required}]}}], nextLink}`. The names come from the catalogue;
// pages are slices of its (stable) order, the skip token is the opaque offset of the next page.
import { configurationNames } from "../../catalogue/index.js";
import type { Operation } from "../types.js";
import { ApiError, ErrorCodes } from "../wire/errors.js";
import { nextLink, pageSizeFrom } from "../wire/paging.js";
import { json } from "../wire/response.js";

const TOKEN_PREFIX = "cn1:";

export function encodeSkipToken(offset: number): string {
  return Buffer.from(`${TOKEN_PREFIX}${offset}`, "utf8").toString("base64url");
}

/** The offset a `$skipToken` carries, or a 400 naming `$skipToken`. */
export function decodeSkipToken(token: string): number {
  const text = Buffer.from(token, "base64url").toString("utf8");
  const offset = text.startsWith(TOKEN_PREFIX) ? Number(text.slice(TOKEN_PREFIX.length)) : Number.NaN;
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new ApiError(400, ErrorCodes.BadRequest, "The value of '$skipToken' is invalid: pass the nextLink of a previous page unchanged.", "$skipToken");
  }
  return offset;
}

export const listConfigurationNames: Operation = async (req, deps) => {
  const filter = req.query.get("$filter") ?? undefined;
  const all = configurationNames(filter);
  if ("code" in all) throw new ApiError(400, ErrorCodes.BadRequest, `The value of '$filter' is invalid: ${all.message}.`, all.target ?? "$filter");
  const pageSize = pageSizeFrom(req.query, deps.pageSize);
  const skipToken = req.query.get("$skipToken");
  const offset = skipToken ? decodeSkipToken(skipToken) : 0;
  const end = offset + pageSize;
  const more = end < all.value.length;
  const link = more
    ? nextLink({ baseUrl: req.baseUrl, path: req.path, apiVersion: req.apiVersion, skipToken: encodeSkipToken(end), top: req.query.get("$top") })
    : null;
  // nextLink carries $filter too: SDKs GET it verbatim (servicelinker-api.md §1e).
  const withFilter = link && filter ? `${link}&${new URLSearchParams({ $filter: filter }).toString()}` : link;
  return json(200, { value: all.value.slice(offset, end), nextLink: withFilter });
};
