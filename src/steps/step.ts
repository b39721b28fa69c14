// One configuration step = plan / apply / compensate / verify, each idempotent, and every fact the rest of linkwright
// needs about it. Everything about a step is in its own file (src/steps/<step name>.ts), registered once in
// ./registry.ts; the central places (merging runs, undo, the dependency index, the caller's permissions, the dry run,
// health) iterate the registry instead of switching on step names.
//  - plan:       reads current state, returns what apply would change (no writes) — dry runs and generateConfigurations.
//  - apply:      re-reads, writes only the difference, returns the exact prior state of what it changed
//                (secret-bearing values sealed) so compensation can restore it; writes that prior ahead of its first
//                write (ctx.writeAhead), so a run resumed after the host died restores the state before the operation.
//  - compensate: restores that prior state, and only where the current state is still what apply wrote.
//  - verify:     checks the desired state holds (validateLinker, revalidation).
// Steps are plain async functions over injected clients; the durable activities wrap them one step per activity.
import type { ArmClients } from "../azure/clients.js";
import type { Sealer } from "../secrets/seal.js";
import type { GuardPolicy } from "../catalogue/guards.js";
import type { DatabaseSettings } from "../config/settings.js";
import type { RequiredPermission } from "../authorization/permissions.js";
import type { DependencyKind } from "../store/types.js";
import type { StoredLinker } from "../model/connection.js";
import type { StepOutputs } from "../model/steps.js";
import type { LinkerProperties } from "../model/linker.js";
import type { AppliedStepRecord } from "../model/plan.js";
import type { OperationType, RunPrincipal, StepName } from "../model/steps.js";

export interface StepContext {
  clients: ArmClients;
  sealer: Sealer;
  /** What the platform allows beyond the catalogue (LINKWRIGHT_ALLOWED_ROLES, LINKWRIGHT_DENIED_SETTINGS): planning
   *  refuses other roles and setting names before anything changes. */
  policy?: GuardPolicy;
  /** Where database servers are reached and how long to wait (LINKWRIGHT_DATABASE_*); absent = their FQDNs, 15 s. */
  databases?: DatabaseSettings;
  /** Set when the step runs in an operation's saga: apply calls it with the prior it will return, right before its
   *  first write. The activity keeps it (src/store/stepJournal.ts), so a run the host died in after the write, run
   *  again, returns that prior rather than finding its own write done and recording no change. */
  writeAhead?: (prior: unknown) => Promise<void>;
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
  outputs?: StepOutputs;
}

export interface CheckResult {
  name: string;
  result: "success" | "failure" | "warning";
  description: string;
  errorMessage?: string;
  errorCode?: string;
}

/** A step's record in linker.state.applied, with its input typed (stored records may predate a field: read defensively). */
export type AppliedRecord<Input, Prior = unknown> = Omit<AppliedStepRecord, "input" | "prior"> & { input: Input; prior?: Prior };

/** One change line of plan() as a dry run previews it: what kind of change, and the RBAC action it needs where. */
export interface StepPreview {
  operationType: OperationType;
  description: string;
  action: string;
  scope: string;
}

/** What deleting a connection (or an update no longer needing a record) does with what the step changed. */
export type UndoPolicy<Input, Prior> = {
  /** An update whose plan no longer has the record: "undo" it like a delete, or "leave" it (the step's next run
   *  removes what it no longer wants itself, or what it changed stays on purpose). */
  whenObsolete: "undo" | "leave";
} & (
  /** Only what this connection wrote: the step's compensation already spares what others wrote. */
  | { kind: "perConnection" }
  /** Kept while another connection of the source relies on it (one that applied a record with the same key, unless
   *  `reliedOnBy` says otherwise); what undoes it is then handed to one of them, so the last one to go undoes it. */
  | {
      kind: "shared";
      /** What the delete reports it kept. */
      kept: string;
      reliedOnBy?: (other: StoredLinker) => boolean;
      /** The heir recorded a prior of its own: the one it undoes (default: the heir keeps its own, nothing is handed). */
      combinePriors?: (mine: Prior, heirs: Prior) => Prior;
      /** An update's obsolete record part of whose change the run's own records (`current`, of every step) still need
       *  under another key: what of its prior is still undone (undefined: nothing), and which current record takes
       *  over the rest (its prior becomes `prior`, so the connection's delete undoes it later). Undefined: undo all. */
      passOn?: (obsolete: AppliedRecord<Input, Prior>, current: AppliedStepRecord[]) => { undo?: Prior; heir?: { index: number; prior: Prior } } | undefined;
    }
  /** Undone, changed by this run or not, when it is this connection's own and the dependency index names no other
   *  connection for it (the step's `dependency`). */
  | {
      kind: "referenceCounted";
      /** The prior that undoes it when it is this connection's own (undefined: someone else's, never undone). */
      ownPrior(record: AppliedRecord<Input, Prior>, resourceId: string): Prior | undefined;
      /** What the delete reports it kept. */
      kept(resourceId: string): string;
    }
);

export interface Step<Input, Prior> {
  readonly name: StepName;

  /** How connection health checks it: "snapshot" = from the batched health snapshot (src/health/evaluate.ts holds
   *  its check, src/health/readPlan.ts what it reads); "verify" = by its own verify() below, one call chain each. */
  readonly health: "snapshot" | "verify";

  /** What the step configures: two records with one key configure the same thing (runs merge by it, and a delete
   *  keeps what another connection's record of the same key relies on). */
  key(input: Input): string;

  /** The dependency-index entry an applied record leaves (what other connections' deletes consult), or null. */
  readonly dependency: { kind: DependencyKind; resourceId(record: AppliedRecord<Input, Prior>): string | undefined } | null;

  readonly undo: UndoPolicy<Input, Prior>;

  /** How the stored prior and a later run's record of the same key combine (default: a run that changed nothing
   *  inherits the stored prior, so what existed before linkwright touched the resource is restored on delete). */
  mergePrior?(stored: Prior, run: AppliedRecord<Input, Prior>): Prior;

  /** After-identity steps: the input for the principal the run has (recorded) and the run's hints. */
  forPrincipal?(input: Input, principal: RunPrincipal): { input: Input; hints?: Partial<Input> };

  /** The dry run's previews of plan()'s change lines. */
  preview(input: Input, changes: string[]): StepPreview[];

  /** What the caller must be allowed to do for linkwright to apply the step, and to undo an applied record
   *  (src/connections/changeRequirements.ts collects them; src/authorization checks them). */
  readonly requires: {
    apply(input: Input, properties: LinkerProperties): RequiredPermission[];
    undo(record: AppliedRecord<Input, Prior>, properties: LinkerProperties): RequiredPermission[];
  };

  /** A run resumed after the host died: the prior the earlier run wrote ahead and what this run did (its own outcome;
   *  often no change, the write being done) make the prior that is recorded (default: the earlier one). */
  resume?(earlier: Prior, now: StepOutcome<Prior>, input: Input, ctx: StepContext): Promise<Prior>;

  plan(input: Input, ctx: StepContext): Promise<StepPlan>;
  /** Calls ctx.writeAhead(prior) before its first write (test/steps/writeAhead.test.ts holds every step to it). */
  apply(input: Input, ctx: StepContext): Promise<StepOutcome<Prior>>;
  compensate(input: Input, prior: Prior, ctx: StepContext): Promise<void>;
  verify(input: Input, ctx: StepContext): Promise<CheckResult>;
}

/** A step's facts without its actions (a step whose actions a factory makes declares these apart). */
export type StepFacts<Input, Prior> = Omit<Step<Input, Prior>, "plan" | "apply" | "compensate" | "verify">;
