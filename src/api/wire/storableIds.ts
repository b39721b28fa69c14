// Ids and names from the path that linkwright keeps as table keys (src/store/keys.ts): one that no key could hold is
// refused before any operation runs — 400 for a source or a name, 404 for an operation id (linkwright never issued it).
import { fitsTableKeys } from "../../store/keys.js";
import { ApiError, ErrorCodes } from "./errors.js";
import { linkerId } from "./paths.js";

const clip = (s: string) => (s.length > 120 ? `${s.slice(0, 120)}…` : s);
const tooLong = "is too long for linkwright to store (its id, encoded, must fit an Azure Tables key of 512 characters)";

export function checkStorableIds(params: Record<string, string>): void {
  const { sourceId, linkerName, dryrunName, operationId } = params;
  if (operationId !== undefined && !fitsTableKeys(operationId)) {
    throw new ApiError(404, ErrorCodes.ResourceNotFound, `The operation '${clip(operationId)}' was not found.`);
  }
  if (sourceId !== undefined && !fitsTableKeys(sourceId)) {
    throw new ApiError(400, ErrorCodes.BadRequest, `The resourceUri '${clip(sourceId)}' ${tooLong}.`, "resourceUri");
  }
  for (const [field, name] of [["linkerName", linkerName], ["dryrunName", dryrunName]] as const) {
    if (name !== undefined && (!fitsTableKeys(name) || (sourceId !== undefined && !fitsTableKeys(linkerId(sourceId, name))))) {
      throw new ApiError(400, ErrorCodes.InvalidResourceName, `The resource name '${clip(name)}' ${tooLong}.`, field);
    }
  }
}
