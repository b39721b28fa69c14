// GET {resourceUri}/providers/Microsoft.ServiceLinker/dryruns/{dryrunName} -> 200 DryrunResource.
// Also the dry-run wire view and path parameters the other dryruns operations share.
import type { StoredDryrun } from "../../store/types.js";
import { linkerReadRequirement } from "../../authorization/requirements.js";
import type { ApiDeps, Operation, OperationRequest } from "../types.js";
import { ApiError, ErrorCodes } from "../wire/errors.js";
import { json } from "../wire/response.js";
import { isConnectorScope } from "../../model/connector.js";
import type { LinkerProperties } from "../../model/linker.js";
import { withoutInternalFields } from "../model/callerProperties.js";

/** The type the spec examples show for dry runs (EX:PutDryrun.json); a connector scope's (…/locations/{l}/dryruns). */
export const DRYRUN_TYPE = "Microsoft.ServiceLinker/dryruns";
export const CONNECTOR_DRYRUN_TYPE = "Microsoft.ServiceLinker/locations/dryruns";

export interface DryrunParams {
  sourceId: string;
  dryrunName: string;
  dryrunId: string;
}

export function dryrunParams(req: OperationRequest): DryrunParams {
  const sourceId = req.params["sourceId"];
  const dryrunName = req.params["dryrunName"];
  if (!sourceId || !dryrunName) throw new Error("route did not bind sourceId/dryrunName");
  return { sourceId, dryrunName, dryrunId: isConnectorScope(sourceId) ? `${sourceId}/dryruns/${dryrunName}` : `${sourceId}/providers/${DRYRUN_TYPE}/${dryrunName}` };
}

/** DryrunResource on the wire: parameters (secret-free), the results, provisioningState inside properties. */
export function dryrunToWire(d: StoredDryrun): Record<string, unknown> {
  return {
    id: d.id,
    name: d.name,
    type: isConnectorScope(d.sourceId) ? CONNECTOR_DRYRUN_TYPE : DRYRUN_TYPE,
    systemData: d.systemData,
    properties: {
      parameters: withoutInternalFields(d.parameters as unknown as LinkerProperties),
      prerequisiteResults: d.prerequisiteResults,
      operationPreviews: d.operationPreviews,
      provisioningState: d.provisioningState,
    },
  };
}

export async function requireDryrun(deps: ApiDeps, params: DryrunParams): Promise<StoredDryrun> {
  const found = await deps.store.dryruns.get(params.sourceId, params.dryrunName);
  if (!found) {
    throw new ApiError(404, ErrorCodes.ResourceNotFound,
      `The Resource '${isConnectorScope(params.sourceId) ? CONNECTOR_DRYRUN_TYPE : DRYRUN_TYPE}/${params.dryrunName}' under resource '${params.sourceId}' was not found.`);
  }
  return found;
}

// Authorization: read on the source.
export const getDryrun: Operation = async (req, deps) => {
  const params = dryrunParams(req);
  await req.access.require(linkerReadRequirement(params.sourceId));
  return json(200, dryrunToWire(await requireDryrun(deps, params)));
};
