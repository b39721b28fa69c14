// The database-user step's input for a planned connection, once the principal's object id is known (after the
// identity step in the saga; a placeholder in a dry run). Undefined when the connection needs no database user.
import { databaseUserInputFor } from "../steps/databaseUser.js";
import { type DatabaseUserInput } from "../model/steps.js";
import type { ConnectionPlan } from "../model/plan.js";

export function databaseUserInputOf(plan: ConnectionPlan, objectId: string, connectionName: string): DatabaseUserInput | undefined {
  if (!plan.databasePrincipal || !plan.targetResourceId) return undefined;
  return databaseUserInputFor({
    targetKind: plan.targetKind, targetResourceId: plan.targetResourceId, targetId: plan.targetId, targetFacts: plan.targetFacts,
    principal: {
      name: plan.databasePrincipal.name, objectId, type: "ServicePrincipal",
      ...(plan.databasePrincipal.clientId ? { clientId: plan.databasePrincipal.clientId } : {}),
      // A system identity's client id is read from the source when the engine needs it (MySQL).
      ...(plan.identity?.systemAssigned ? { identityScope: plan.identity.sourceId } : {}),
    },
    connectionName,
  });
}
