// Which steps a plan runs, once: in the saga's order, each with its phase. The saga runs them (the plan activity
// hands them to the orchestrator), the dry run previews them, the caller's permissions are collected from them.
//   identity        → produces the connection's principal; starts at once
//   independent     → fixed by the plan (Key Vault references included): start with the identity step
//   afterIdentity   → need the principal: the role assignments, the database user
//   afterFirewall   → a subnet rule on the target whose firewall this run opens too: both rewrite one rule set (a
//                     storage account's networkAcls, a vault's), so it waits for the firewall instead of racing it
import { sameResourceId } from "../azure/resourceId.js";
import { topLevelResourceId } from "../targets/vnetRules.js";
import type { ConnectionPlan } from "../model/plan.js";
import type { DatabaseUserInput, ScheduledStep, StepName, StepPhase } from "../model/steps.js";
import { databaseUserInputFor } from "./databaseUser.js";

/** The principal id after-identity inputs carry until the identity step has produced one (forPrincipal replaces it). */
export const PENDING_PRINCIPAL = "00000000-0000-0000-0000-000000000000";

export interface ScheduleOptions {
  /** The connection (linker) name: PostgreSQL and MySQL database users default to aad_<connectionName>. */
  connectionName?: string;
  /** The principal after-identity steps run for, when known; default the plan's (service principal auth), else
   *  PENDING_PRINCIPAL. */
  principalId?: string;
  /** A step whose input cannot be made (an unsafe database user name…): by default planning fails with it. */
  onError?: (step: StepName, phase: StepPhase, error: unknown) => void;
}

export function stepsOf(plan: ConnectionPlan, options: ScheduleOptions = {}): ScheduledStep[] {
  const principalId = options.principalId ?? plan.principal?.principalId ?? PENDING_PRINCIPAL;
  const principalType = plan.principal?.principalType ?? "ServicePrincipal";
  const serviceEndpointAfterFirewall = Boolean(plan.firewall && plan.serviceEndpoint
    && sameResourceId(topLevelResourceId(plan.firewall.targetId) ?? plan.firewall.targetId, plan.serviceEndpoint.targetId));
  const steps: ScheduledStep[] = [];

  // The plan's fresh read of the identity rides along: no second read before the write.
  if (plan.identity) steps.push({ step: "identity", phase: "identity", input: plan.identity, ...(plan.observedIdentity ? { hints: { observed: plan.observedIdentity } } : {}) });

  // An open firewall was not checked for the caller: the step may not open it if it closed meanwhile.
  if (plan.firewall) steps.push({ step: "firewall", phase: "independent", input: plan.firewall, ...(plan.firewallOpen ? { hints: { plannedOpen: true } } : {}) });
  if (plan.serviceEndpoint && !serviceEndpointAfterFirewall) steps.push({ step: "serviceEndpoint", phase: "independent", input: plan.serviceEndpoint });
  for (const s of plan.secretStore) steps.push({ step: "secretStore", phase: "independent", input: s });
  if (plan.settings.settings.length || plan.settings.remove?.length) steps.push({ step: "configuration", phase: "independent", input: plan.settings });
  if (plan.appConfiguration) steps.push({ step: "appConfiguration", phase: "independent", input: plan.appConfiguration });

  for (const g of plan.roles) {
    steps.push({ step: "roleAssignment", phase: "afterIdentity", input: { scope: g.scope, role: g.role, principalId, principalType }, ...(g.roleName ? { hints: { roleName: g.roleName } } : {}) });
  }
  // A database target also needs a database user for the principal.
  try {
    const databaseUser = databaseUserInputOf(plan, principalId, options.connectionName);
    if (databaseUser) steps.push({ step: "databaseUser", phase: "afterIdentity", input: databaseUser });
  } catch (e) {
    if (!options.onError) throw e;
    options.onError("databaseUser", "afterIdentity", e);
  }

  if (plan.serviceEndpoint && serviceEndpointAfterFirewall) steps.push({ step: "serviceEndpoint", phase: "afterFirewall", input: plan.serviceEndpoint });
  return steps;
}

/** The database-user step's input for a planned connection; undefined when the connection needs no database user. */
function databaseUserInputOf(plan: ConnectionPlan, objectId: string, connectionName: string | undefined): DatabaseUserInput | undefined {
  if (!plan.databasePrincipal || !plan.targetResourceId) return undefined;
  return databaseUserInputFor({
    targetKind: plan.targetKind, targetResourceId: plan.targetResourceId, targetId: plan.targetId, targetFacts: plan.targetFacts,
    principal: {
      name: plan.databasePrincipal.name, objectId, type: "ServicePrincipal",
      ...(plan.databasePrincipal.clientId ? { clientId: plan.databasePrincipal.clientId } : {}),
      // A system identity's client id is read from the source when the engine needs it (MySQL).
      ...(plan.identity?.systemAssigned ? { identityScope: plan.identity.sourceId } : {}),
    },
    ...(connectionName !== undefined ? { connectionName } : {}),
  });
}
