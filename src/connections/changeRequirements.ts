// What a create or update would do, as the permissions its caller needs: the connection is planned exactly as the
// saga plans it (linkwright's reads only; nothing is written) and every step of the plan becomes a requirement.
// When planning fails (an unsupported combination, a missing target…), only what the request itself names is
// required; the saga's own plan then fails the same way, and a plan that has since changed is checked against
// what was authorized (src/activities: the plan activity), so nothing unauthorized can slip through in between.
import type { LinkerProperties } from "../model/linker.js";
import { configurationStoreOf, planConnection } from "./plan.js";
import { ownedNamesOf, previousWrites } from "./previousRun.js";
import type { StepContext } from "../steps/step.js";
import type { StoredLinker } from "../model/connection.js";
import type { RequiredPermission } from "../authorization/permissions.js";
import type { ConnectionPlan } from "../model/plan.js";
import { baseChangeRequirements, changeRequirements, updateCleanupRequirements } from "../authorization/requirements.js";
import { appliedOf } from "../model/connection.js";
import { isProgrammingError } from "./classifyError.js";

export interface ChangeRequest {
  sourceId: string;
  linkerName: string;
  properties: LinkerProperties;
  existing?: StoredLinker;
  tenantId: string;
  /** The request's sealed secrets, so the plan is the one the saga would make (it may hand it on). */
  sealedSecrets?: string;
}

export interface ChangeRequirements {
  required: RequiredPermission[];
  /** The plan the requirements came from, when planning succeeded (the saga may use it instead of planning again). */
  plan?: ConnectionPlan;
  /** Why planning failed, when it did (only what the request names was then required). */
  planError?: string;
}

export function createChangeRequirements(ctx: StepContext) {
  return async (x: ChangeRequest): Promise<ChangeRequirements> => {
    try {
      const storeId = configurationStoreOf(x.properties.configurationInfo as Record<string, unknown> | null | undefined);
      const plan = await planConnection({
        linkerId: `${x.sourceId}/providers/Microsoft.ServiceLinker/linkers/${x.linkerName}`,
        linkerName: x.linkerName, sourceId: x.sourceId, properties: x.properties, tenantId: x.tenantId,
        ownedNames: ownedNamesOf(x.existing), previous: previousWrites(x.existing, storeId),
        ...(x.sealedSecrets ? { sealedSecrets: x.sealedSecrets } : {}),
      }, ctx);
      const required = changeRequirements(plan, x.properties);
      // An update also undoes what the previous run applied and this one no longer wants: the caller must be allowed.
      const cleanup = x.existing ? updateCleanupRequirements(appliedOf(x.existing), x.existing.properties, required) : [];
      return { required: [...required, ...cleanup], plan };
    } catch (e) {
      if (isProgrammingError(e)) throw e;
      return { required: baseChangeRequirements(x.sourceId), planError: e instanceof Error ? e.message : String(e) };
    }
  };
}
