// DELETE {resourceUri}/providers/Microsoft.ServiceLinker/dryruns/{dryrunName} -> 200 when it existed, 204 when absent
// (Linkers_DeleteDryrun is not an LRO). A dry run changed nothing in Azure, so only the record goes.
import { dryrunRequirement } from "../../authorization/requirements.js";
import type { Operation } from "../types.js";
import { empty } from "../wire/response.js";
import { dryrunParams } from "./getDryrun.js";

export const deleteDryrun: Operation = async (req, deps) => {
  const params = dryrunParams(req);
  // Authorization: Microsoft.ServiceLinker/dryruns/delete on the source (a connector scope's: locations/dryruns/delete
  // on its resource group).
  await req.access.require(dryrunRequirement(params.sourceId, "delete"));
  return empty((await deps.store.dryruns.delete(params.sourceId, params.dryrunName)) ? 200 : 204);
};
