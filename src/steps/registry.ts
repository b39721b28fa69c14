// Every configuration step by name: one file per step (file name = step name), one line here. A connection records
// the steps it applied in linker.state.applied (AppliedStepRecord) so validation, revalidation and compensation can
// re-run exactly those; everything else linkwright knows about a step it reads from the step through this registry.
import { appConfigurationStep } from "./appConfiguration.js";
import { configurationStep } from "./configuration.js";
import { databaseUserStep } from "./databaseUser.js";
import { firewallStep } from "./firewall.js";
import { identityStep } from "./identity.js";
import { roleAssignmentStep } from "./roleAssignment.js";
import { secretStoreStep } from "./secretStore.js";
import { serviceEndpointStep } from "./serviceEndpoint.js";
import type { Step } from "./step.js";
import { STEP_NAMES, type StepInputs, type StepName } from "../model/steps.js";
export type { StepName };

export const STEPS = {
  identity: identityStep,
  roleAssignment: roleAssignmentStep,
  firewall: firewallStep,
  serviceEndpoint: serviceEndpointStep,
  secretStore: secretStoreStep,
  configuration: configurationStep,
  appConfiguration: appConfigurationStep,
  databaseUser: databaseUserStep,
} as const satisfies { [K in StepName]: Step<StepInputs[K], any> & { name: K } };

/** The steps the batched health snapshot checks (the others are checked by their own verify). */
export type SnapshotCheckedStep = { [K in StepName]: (typeof STEPS)[K]["health"] extends "snapshot" ? K : never }[StepName];

export const SNAPSHOT_STEPS: ReadonlySet<StepName> = new Set(STEP_NAMES.filter((name) => STEPS[name].health === "snapshot"));

/** The step of that name; undefined for a name this version does not know (recorded by another version). */
export function stepNamed(name: string): Step<unknown, unknown> | undefined {
  return Object.hasOwn(STEPS, name) ? (STEPS as unknown as Record<string, Step<unknown, unknown>>)[name] : undefined;
}

export function stepByName(name: string): Step<unknown, unknown> {
  const step = stepNamed(name);
  if (!step) throw new Error(`Unknown configuration step '${name}'.`);
  return step;
}
