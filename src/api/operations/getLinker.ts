// GET .../linkers/{linkerName} -> 200 LinkerResource (secrets masked).
import { linkerReadRequirement } from "../../authorization/requirements.js";
import type { Operation } from "../types.js";
import { json } from "../wire/response.js";
import { etagHeader, linkerParams, linkerToWire, requireLinker } from "./linkerShared.js";

// Authorization: read on the source (Microsoft.ServiceLinker/linkers/read), checked before the store is read.
export const getLinker: Operation = async (req, deps) => {
  const params = linkerParams(req);
  await req.access.require(linkerReadRequirement(params.sourceId));
  const linker = await requireLinker(deps, params);
  return json(200, linkerToWire(linker), etagHeader(linker));
};
