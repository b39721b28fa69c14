// PATCH .../linkers/{linkerName} (LinkerPatch {properties}) -> 201 + Azure-AsyncOperation, like PUT; a connector's
// (…/locations/{location}/connectors/{name}) -> 202, as Connector_Update answers.
// Authorization: acceptLinkerChange authorizes the caller for everything the merged connection's plan does.
// Merge: JSON merge patch (RFC 7396: objects merge recursively, null removes) over the stored
// properties, except that a discriminated object whose discriminator changes (targetService.type,
// authInfo.authType, secretInfo.secretType) is replaced as a whole. Stored secrets the patch omits are kept.
import { deepClone, isObject, type Json, type JsonObject, type LinkerProperties } from "../../model/linker.js";
import { validateLinkerProperties } from "../model/validateLinkerProperties.js";
import type { Operation } from "../types.js";
import { parseJsonBody } from "../wire/body.js";
import { ApiError, ErrorCodes } from "../wire/errors.js";
import { acceptLinkerChange } from "./acceptLinkerChange.js";
import { isConnector, issuesToError, linkerParams } from "./linkerShared.js";

const DISCRIMINATORS: Record<string, string> = { targetService: "type", authInfo: "authType", secretInfo: "secretType", resourceProperties: "type" };

export function mergePatch(target: Json | undefined, patch: Json, key?: string): Json {
  if (!isObject(patch)) return deepClone(patch);
  const discriminator = key ? DISCRIMINATORS[key] : undefined;
  const replace = !isObject(target) || (discriminator !== undefined && patch[discriminator] !== undefined && patch[discriminator] !== target[discriminator]);
  const result: JsonObject = replace ? {} : deepClone(target as JsonObject);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete result[k];
    else result[k] = mergePatch(result[k], v, k);
  }
  return result;
}

export const patchLinker: Operation = async (req, deps) => {
  const params = linkerParams(req);
  const body = parseJsonBody(req.body, { required: true });
  if (!isObject(body)) throw new ApiError(400, ErrorCodes.InvalidRequestContent, "The request content must be a LinkerPatch JSON object.");
  const patch = body["properties"] ?? {};
  if (!isObject(patch)) throw new ApiError(400, ErrorCodes.InvalidRequestContent, "The property 'properties' must be an object.", "properties");
  return acceptLinkerChange(req, deps, {
    params,
    mustExist: true,
    acceptedStatus: isConnector(params) ? 202 : 201,
    build(existing) {
      const stored = existing!.properties as unknown as JsonObject;
      const merged = mergePatch(stored, patch);
      const sameAuth = isObject(merged) && isObject(merged["authInfo"]) && merged["authInfo"]["authType"] === existing!.properties.authInfo.authType;
      const checked = validateLinkerProperties(merged, { requireSecrets: !(sameAuth && existing!.secretPaths.length > 0) });
      if (!checked.properties) throw issuesToError(checked.issues);
      return checked.properties as LinkerProperties;
    },
  });
};
