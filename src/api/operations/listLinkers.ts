// GET {resourceUri}/providers/Microsoft.ServiceLinker/linkers -> 200 {value, nextLink?} (absolute nextLink).
import { linkerReadRequirement } from "../../authorization/requirements.js";
import type { Operation } from "../types.js";
import { listPage } from "../wire/paging.js";
import { json } from "../wire/response.js";
import { linkerToWire } from "./linkerShared.js";

export const listLinkers: Operation = async (req, deps) => {
  const sourceId = req.params["sourceId"];
  if (!sourceId) throw new Error("route did not bind sourceId");
  // Authorization: read on the source.
  await req.access.require(linkerReadRequirement(sourceId));
  return json(200, await listPage(req, deps.pageSize, (o) => deps.store.linkers.list(sourceId, o), linkerToWire));
};
