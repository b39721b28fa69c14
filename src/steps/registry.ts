// Every configuration step by name. A connection records the steps it applied as `AppliedStep`s
// (linker.state.applied) so validation, revalidation and compensation can re-run exactly those.
import { appConfigurationStep } from "./appConfiguration.js";
import { databaseUserStep } from "./databaseUser.js";
import { firewallStep } from "./firewall.js";
import { identityStep } from "./identity.js";
import { secretStoreStep } from "./secretStore.js";
import { roleAssignmentStep } from "./roleAssignment.js";
import { serviceEndpointStep } from "./serviceEndpoint.js";
import { configurationStep } from "./configuration.js";
import type { Step } from "./step.js";
import type { StepName } from "../model/steps.js";
export type { StepName };

export const STEPS = {
  identity: identityStep,
  roleAssignment: roleAssignmentStep,
  firewall: firewallStep,
  secretStore: secretStoreStep,
  configuration: configurationStep,
  serviceEndpoint: serviceEndpointStep,
  appConfiguration: appConfigurationStep,
  databaseUser: databaseUserStep,
} as const satisfies Record<StepName, Step<any, any>>;


/** A step as a connection applied it: its name and its (secret-free) input. */
export interface AppliedStep {
  step: StepName;
  input: unknown;
}

export function stepByName(name: string): Step<unknown, unknown> {
  const step = (STEPS as unknown as Record<string, Step<unknown, unknown> | undefined>)[name];
  if (!step) throw new Error(`Unknown configuration step '${name}'.`);
  return step;
}
