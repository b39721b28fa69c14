// What the loop routes of the API need beyond ApiDeps. The API's deps carry it as `loops` (wired by the function
// that builds the API deps); a deployment without it answers 501 on the loop routes instead of guessing.
import type { ApiDeps } from "./types.js";
import { ApiError, ErrorCodes } from "./wire/errors.js";
import type { LoopScanService } from "../loops/service.js";

export interface LoopApiDeps {
  loops: LoopScanService;
}

export function loopsFrom(deps: ApiDeps): LoopScanService {
  const loops = deps.loops;
  if (!loops) throw new ApiError(501, ErrorCodes.NotImplemented, "Loop detection is not wired into this deployment of linkwright (ApiDeps.loops is missing).");
  return loops;
}
