// GET /providers/Microsoft.ServiceLinker/operations -> 200 OperationListResult (names from EX:OperationsList.json).
// Authorization: none beyond authentication — the provider's public operation list (ARM serves it to any caller).
import type { Operation } from "../types.js";
import { json } from "../wire/response.js";

const PROVIDER = "Microsoft.ServiceLinker";
const ENTRIES: [string, string, string, string][] = [
  ["register/action", "Microsoft.ServiceLinker", "Register the Microsoft.ServiceLinker resource provider", "Registers the subscription for the Microsoft.ServiceLinker resource provider"],
  ["unregister/action", "Microsoft.ServiceLinker", "Unregister the Microsoft.ServiceLinker resource provider", "Unregisters the subscription for the Microsoft.ServiceLinker resource provider"],
  ["operations/read", "operations", "read operations", "read operations"],
  ["dryruns/read", "dryruns", "List dryrun jobs", "list dryrun jobs"],
  ["dryruns/write", "dryruns", "Create a dryrun job to do necessary check before actual creation", "Create a dryrun job to do necessary check before actual creation"],
  ["dryruns/delete", "dryruns", "Delete a dryrun job", "Delete a dryrun job"],
  ["locations/operationStatuses/read", "locations/operationStatuses", "read operationStatuses", "read operationStatuses"],
  ["locations/operationStatuses/write", "locations/operationStatuses", "write operationStatuses", "write operationStatuses"],
  ["linkers/read", "linkers", "Returns Linker resource for a given name.", "Returns Linker resource for a given name."],
  ["linkers/write", "linkers", "Create or update linker resource.", "Create or update linker resource."],
  ["linkers/delete", "linkers", "Delete a link.", "Delete a link."],
  ["linkers/validateLinker/action", "linkers", "Validate a link.", "Validate a link."],
  ["linkers/listConfigurations/action", "linkers", "list source configurations for a linker.", "list source configurations for a linker."],
];

export const OPERATION_LIST = ENTRIES.map(([name, resource, operation, description]) => ({
  name: `${PROVIDER}/${name}`,
  isDataAction: false,
  display: { provider: PROVIDER, resource, operation, description },
}));

export const listOperations: Operation = async () => json(200, { value: OPERATION_LIST });
