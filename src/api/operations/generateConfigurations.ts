// POST .../linkers/{linkerName}/generateConfigurations (optional ConfigurationInfo body) -> 200 ConfigurationResult.
import { isObject, type JsonObject } from "../../model/linker.js";
import { validateConfigurationInfo } from "../model/validateLinkerProperties.js";
import { linkerReadRequirement } from "../../authorization/requirements.js";
import type { Operation } from "../types.js";
import { parseJsonBody } from "../wire/body.js";
import { json } from "../wire/response.js";
import { configurationResult } from "./configurationView.js";
import { issuesToError, linkerParams, requireLinker } from "./linkerShared.js";

export const generateConfigurations: Operation = async (req, deps) => {
  const params = linkerParams(req);
  // Authorization: read on the source.
  await req.access.require(linkerReadRequirement(params.sourceId));
  const linker = await requireLinker(deps, params);
  const body = parseJsonBody(req.body, { required: false });
  let configurationInfo: JsonObject | undefined;
  if (body !== undefined && body !== null) {
    const issues = validateConfigurationInfo(body);
    if (issues.length > 0) throw issuesToError(issues);
    configurationInfo = isObject(body) ? body : undefined;
  }
  const entries = await deps.catalogue.configurations({
    linker,
    configurationInfo: configurationInfo ?? linker.properties.configurationInfo ?? {},
  });
  return json(200, configurationResult(entries, req.apiVersion));
};
