// GET .../linkers/{linkerName} -> 200 LinkerResource (secrets masked).
import type { Operation } from "../types.js";
import { json } from "../wire/response.js";
import { etagHeader, linkerParams, linkerToWire, requireLinker } from "./linkerShared.js";

export const getLinker: Operation = async (req, deps) => {
  const linker = await requireLinker(deps, linkerParams(req));
  return json(200, linkerToWire(linker), etagHeader(linker));
};
