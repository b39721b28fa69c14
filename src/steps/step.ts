// One configuration step = plan / apply / compensate / verify, each idempotent.
//  - plan:       reads current state, returns what apply would change (no writes) — dry runs and generateConfigurations.
//  - apply:      re-reads, writes only the difference, returns the exact prior state of what it changed
//                (secret-bearing values sealed) so compensation can restore it.
//  - compensate: restores that prior state, and only where the current state is still what apply wrote.
//  - verify:     checks the desired state holds (validateLinker, revalidation).
// Steps are plain async functions over injected clients; the durable activities wrap them one step per activity.
import type { ArmClients } from "../azure/clients.js";
import type { Sealer } from "../secrets/seal.js";
import type { GuardPolicy } from "../catalogue/guards.js";
import type { DatabaseSettings } from "../config/settings.js";

export interface StepContext {
  clients: ArmClients;
  sealer: Sealer;
  /** What the platform allows beyond the catalogue (LINKWRIGHT_ALLOWED_ROLES, LINKWRIGHT_DENIED_SETTINGS): planning
   *  refuses other roles and setting names before anything changes. */
  policy?: GuardPolicy;
  /** Where database servers are reached and how long to wait (LINKWRIGHT_DATABASE_*); absent = their FQDNs, 15 s. */
  databases?: DatabaseSettings;
}

export interface StepPlan {
  /** Human-readable changes; empty when converged. */
  changes: string[];
}

export interface StepOutcome<Prior> {
  /** Whether apply wrote anything. */
  changed: boolean;
  /** What compensation needs; absent when nothing changed. Must be JSON and hold no plaintext secret. */
  prior?: Prior;
  /** Facts later steps need (e.g. the principal id an identity step produced). JSON, no secrets. */
  outputs?: Record<string, unknown>;
}

export interface CheckResult {
  name: string;
  result: "success" | "failure" | "warning";
  description: string;
  errorMessage?: string;
  errorCode?: string;
}

export interface Step<Input, Prior> {
  readonly name: string;
  plan(input: Input, ctx: StepContext): Promise<StepPlan>;
  apply(input: Input, ctx: StepContext): Promise<StepOutcome<Prior>>;
  compensate(input: Input, prior: Prior, ctx: StepContext): Promise<void>;
  verify(input: Input, ctx: StepContext): Promise<CheckResult>;
}
