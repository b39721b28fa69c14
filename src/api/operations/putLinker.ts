// PUT {resourceUri}/providers/Microsoft.ServiceLinker/linkers/{linkerName} -> 201 Accepted + Azure-AsyncOperation + Retry-After.
// Authorization: acceptLinkerChange authorizes the caller for everything the connection's plan does, before accepting.
import { isObject } from "../../model/linker.js";
import { validateLinkerProperties } from "../model/validateLinkerProperties.js";
import type { Operation } from "../types.js";
import { parseJsonBody } from "../wire/body.js";
import { ApiError, ErrorCodes } from "../wire/errors.js";
import { isArmResourceId } from "../wire/paths.js";
import { acceptLinkerChange } from "./acceptLinkerChange.js";
import { checkLinkerName, issuesToError, linkerParams } from "./linkerShared.js";

export const putLinker: Operation = async (req, deps) => {
  const params = linkerParams(req);
  checkLinkerName(params.linkerName);
  if (!isArmResourceId(params.sourceId)) {
    throw new ApiError(400, ErrorCodes.BadRequest, `The resourceUri '${params.sourceId}' is not a fully qualified Azure resource id.`, "resourceUri");
  }
  const body = parseJsonBody(req.body, { required: true });
  if (!isObject(body)) throw new ApiError(400, ErrorCodes.InvalidRequestContent, "The request content must be a LinkerResource JSON object.");
  return acceptLinkerChange(req, deps, {
    params,
    mustExist: false,
    build(existing) {
      const newAuthType = isObject(body["properties"]) && isObject(body["properties"]["authInfo"]) ? body["properties"]["authInfo"]["authType"] : undefined;
      const checked = validateLinkerProperties(body["properties"], {
        requireSecrets: !(existing && existing.properties.authInfo.authType === newAuthType && existing.secretPaths.length > 0),
      });
      if (!checked.properties) throw issuesToError(checked.issues);
      return checked.properties;
    },
  });
};
