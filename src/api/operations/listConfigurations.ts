// POST .../linkers/{linkerName}/listConfigurations -> 200 ConfigurationResult (secrets omitted).
import { linkerReadRequirement } from "../../authorization/requirements.js";
import type { Operation } from "../types.js";
import { json } from "../wire/response.js";
import { configurationResult } from "./configurationView.js";
import { linkerParams, requireLinker } from "./linkerShared.js";

export const listConfigurations: Operation = async (req, deps) => {
  const params = linkerParams(req);
  // Authorization: read on the source.
  await req.access.require(linkerReadRequirement(params.sourceId));
  const linker = await requireLinker(deps, params);
  const entries = await deps.catalogue.configurations({ linker });
  return json(200, configurationResult(entries, req.apiVersion));
};
