// Create or update one connection, as a saga:
//   [source lock: plan → (identity → roles, database user) ‖ firewall ‖ secret store ‖ settings → undo what an update
//    no longer needs → record].
// The plan activity says which steps run and in which phase (src/steps/schedule.ts stepsOf): only the after-identity
// ones need something another step produces (the identity's principal); the others are fixed by the plan (Key Vault
// references included), so they start with the identity step.
// Each step runs in its own activity and reports its exact prior state; on any failure (a step's, an undo an update
// needs, or the record of the connection itself) what the run undid of the previous one is put back, the steps that
// changed something are compensated newest first, and the linker is recorded Failed with the error; the operation
// ends Failed even when the linker cannot be written.
// The whole operation runs inside a critical section on the source's lock entity: app settings PUT replaces the
// whole set and configuration names (the CONN2 rule) depend on the names already taken, so operations on one
// source must not interleave. Independent steps within an operation still run concurrently.
import * as df from "durable-functions";
import type { OrchestrationContext } from "durable-functions";
import type { CreateOrUpdateStart, DeletePlan, OperationOutcome } from "../model/operations.js";
import type { AppliedStepRecord, ConnectionPlan, StepRun, StepRunResult } from "../model/plan.js";
import type { RunPrincipal, ScheduledStep } from "../model/steps.js";
import type { ConnectionError } from "../model/errors.js";
import { classifyError } from "../connections/classifyError.js";
import { activitiesOf, allOf } from "./activityCalls.js";
import { SOURCE_LOCK_ENTITY } from "./names.js";
import { sourceLockKey } from "./sourceLockKey.js";

/** Ends the saga's try block with the error the operation fails with. */
class OperationFailed extends Error {
  constructor(readonly error: ConnectionError) {
    super(error.message);
  }
}

export function* createOrUpdateOrchestrator(context: OrchestrationContext): Generator<df.Task, void, any> {
  const start = context.df.getInput<CreateOrUpdateStart>();
  const acts = activitiesOf(context);
  const applied: AppliedStepRecord[] = [];
  /** What this run undid of the previous one's records (an update's obsolete ones). */
  const undone: AppliedStepRecord[] = [];
  const base = { kind: "createOrUpdate" as const, operationId: start.operationId, linkerId: start.linkerId, sourceId: start.sourceId, linkerName: start.linkerName };
  let plan: ConnectionPlan | undefined;

  // A failed step is recorded only with a prior: a run resumed after the host died that failed, whose earlier run's
  // change is still there (compensated with the others).
  const record = (s: ScheduledStep, r: StepRunResult) => {
    if (r.ok || (r.changed && r.prior !== undefined)) applied.push({ step: s.step, input: r.input ?? s.input, changed: Boolean(r.changed), prior: r.prior, outputs: r.outputs });
  };
  const failure = (s: ScheduledStep, r: StepRunResult) =>
    new OperationFailed({ code: r.error?.code ?? "StepFailed", message: `${s.step}: ${r.error?.message ?? "failed"}` });
  /** The plan's steps; a step's index is its slot in the operation's write-ahead journal. */
  let scheduled: ScheduledStep[] = [];
  const run = (s: ScheduledStep, principal?: RunPrincipal) => ({
    s, call: acts.runStep({
      step: s.step, input: s.input, ...(s.hints ? { hints: s.hints } : {}), ...(principal ? { principal } : {}),
      journal: { operationId: start.operationId, slot: String(scheduled.indexOf(s)) },
    }),
  });

  const lock = yield context.df.lock(new df.EntityId(SOURCE_LOCK_ENTITY, sourceLockKey(start.sourceId)));
  try {
    let outcome: OperationOutcome;
    try {
      const planned = yield* acts.plan(start);
      if (!planned.ok) throw new OperationFailed(planned.error);
      plan = planned.plan;
      const steps = planned.steps;
      scheduled = steps;
      const phase = (p: ScheduledStep["phase"]) => steps.filter((s) => s.phase === p);

      const independent = phase("independent").map((s) => run(s));
      // Service principal auth knows its principal up front; identity auth learns it from the identity step.
      let principal: RunPrincipal | undefined = plan.principal ? { principalId: plan.principal.principalId, isNew: false } : undefined;
      let identityFailed: { s: ScheduledStep; r: StepRunResult } | undefined;
      const identity = phase("identity")[0];
      if (identity) {
        const x = run(identity);
        // One composite yield schedules them all; afterwards each task is awaited on its own. (A task must never
        // be part of a second Task.any/all: durable-functions would emit its action again.)
        yield context.df.Task.any([x.call.task, ...independent.map((y) => y.call.task)]);
        const r = yield* x.call;
        record(identity, r);
        if (r.ok) principal = { principalId: String(r.outputs?.principalId), isNew: r.outputs?.newPrincipal === true };
        else identityFailed = { s: identity, r };
      }

      // The role assignments and the database user run for the principal (one this run created has no assignments).
      const afterIdentity = identityFailed || !principal ? [] : phase("afterIdentity").map((s) => run(s, principal));
      const afterIdentityResults = yield* allOf(context, afterIdentity.map((x) => x.call));
      const independentResults: StepRunResult[] = [];
      if (identity) {
        for (const x of independent) independentResults.push(yield* x.call);
      } else {
        independentResults.push(...yield* allOf(context, independent.map((x) => x.call)));
      }
      const rest = [...independent, ...afterIdentity];
      const results = [...independentResults, ...afterIdentityResults];
      results.forEach((r, i) => record(rest[i]!.s, r));
      if (identityFailed) throw failure(identityFailed.s, identityFailed.r);
      const failedAt = results.findIndex((r) => !r.ok);
      if (failedAt >= 0) throw failure(rest[failedAt]!.s, results[failedAt]!);
      for (const s of phase("afterFirewall")) {
        const r = yield* run(s).call;
        record(s, r);
        if (!r.ok) throw failure(s, r);
      }

      // An update that no longer needs something the previous run configured (another role, another target's
      // firewall or subnet rule) undoes it, under the same rules as delete; what the caller may not undo is kept and
      // reported. (A first create has no previous run: nothing to look up.)
      const obsolete: DeletePlan = start.previousProperties ? yield* acts.planObsolete({
        sourceId: start.sourceId, linkerName: start.linkerName, linkerId: start.linkerId, current: applied,
        ...(start.authorized ? { authorized: start.authorized } : {}),
      }) : { undo: [], kept: [] };
      for (const a of obsolete.undo) {
        const c = yield* acts.compensateStep({ step: a.step, input: a.input, prior: a.prior });
        // Left in place it would be nobody's (this run's records replace the previous ones): the update fails instead.
        if (!c.ok) throw new OperationFailed({ code: c.error.code, message: `${a.step}: could not undo what the connection no longer needs: ${c.error.message}` });
        undone.push(a);
      }
      for (const k of obsolete.kept) plan.warnings.push(`Kept ${k}, which this connection no longer needs.`);
      // What this run still needs of them stays, on the records of this run that undo it later.
      const records = applied.map((a, i) => {
        const inherited = obsolete.inherited?.find((h) => h.index === i);
        return inherited ? { ...a, changed: true, prior: inherited.prior } : a;
      });
      // Recorded inside the section: the next operation on this source plans against this one's names. A connection
      // that cannot be recorded would be nobody's: what this run did is undone as for a failed step.
      const saved = yield* acts.record({ ...base, status: "Succeeded", applied: records, plan, ...(principal ? { principalId: principal.principalId } : {}) });
      if (!saved.ok) throw new OperationFailed(saved.error);
      return;
    } catch (e) {
      const error = e instanceof OperationFailed ? e.error : classifyError(e);
      const notes: string[] = [];
      // What this run undid of the previous one is put back (newest first), then what it applied is undone.
      for (const a of [...undone].reverse()) {
        // A recorded input is the one the step ran (after-identity inputs name their principal already).
        const r = yield* acts.runStep({ step: a.step, input: a.input as StepRun["input"] });
        if (!r.ok) notes.push(`could not put back the previous ${a.step}: ${r.error?.message ?? "failed"}`);
      }
      for (const a of applied.filter((x) => x.changed).reverse()) {
        const c = yield* acts.compensateStep({ step: a.step, input: a.input, prior: a.prior });
        if (!c.ok) notes.push(`could not undo ${a.step}: ${c.error.message}`);
      }
      outcome = {
        ...base, status: "Failed",
        error: notes.length ? { ...error, message: `${error.message} (${notes.join("; ")})` } : error,
        ...(plan ? { plan } : {}),
      };
    }
    // Its operation ends Failed even when the linker cannot be written.
    yield* acts.record(outcome);
  } finally {
    lock.release();
  }
}
