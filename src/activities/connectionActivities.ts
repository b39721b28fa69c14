// The connection orchestrations' activities: side effects only, built by a factory that receives its clients
// and store (so tests hand it the sandbox's). Every activity returns a result object instead of throwing, so the
// orchestration always learns what happened (a parallel branch's failure never hides another's success).
import type { CreateOrUpdateStart, DeletePlan, DeleteStart, OperationOutcome, ValidateStart } from "../model/operations.js";
import type { ArmClients } from "../azure/clients.js";
import { configurationStoreOf, planConnection } from "../connections/plan.js";
import { keyOf, mergeApplied } from "../connections/mergeApplied.js";
import { appliedOf } from "../model/connection.js";
import { ownedNamesOf, previousWrites } from "../connections/previousRun.js";
import { notCovered } from "../authorization/requirements.js";
import { stepRequirements, undoRequirements } from "../connections/changeRequirements.js";
import { classifyError } from "../connections/classifyError.js";
import type { AppliedStepRecord, ConnectionPlan, StepRun, StepRunResult } from "../model/plan.js";
import type { Failed } from "../model/errors.js";
import { validateConnection, type PropagationOptions } from "../health/validate.js";
import type { Sealer } from "../secrets/seal.js";
import { STEPS, stepByName, stepNamed } from "../steps/registry.js";
import { stepsOf } from "../steps/schedule.js";
import { STEP_NAMES, type ScheduledStep } from "../model/steps.js";
import type { StepContext, UndoPolicy } from "../steps/step.js";
import type { GuardPolicy } from "../catalogue/index.js";
import type { ConnectionStore, Dependency, DependencyKind } from "../store/types.js";
import type { OperationRecords } from "../store/operationRecords.js";
import { linkersOf } from "../store/pages.js";
import type { StoredLinker } from "../model/connection.js";

export interface ConnectionActivityDeps {
  clients: ArmClients;
  store: ConnectionStore;
  /** The owner of operation records: the record activity ends the saga's operation through it. */
  records: OperationRecords;
  sealer: Sealer;
  now?: () => Date;
  /** How long validation waits for a new role assignment to propagate. */
  propagation?: PropagationOptions;
  /** What the platform allows connections beyond the catalogue (roles, setting names). */
  policy?: GuardPolicy;
  /** Where database servers are reached (LINKWRIGHT_DATABASE_*). */
  databases?: StepContext["databases"];
}

export function createConnectionActivities(deps: ConnectionActivityDeps) {
  const ctx: StepContext = {
    clients: deps.clients, sealer: deps.sealer, ...(deps.policy ? { policy: deps.policy } : {}), ...(deps.databases ? { databases: deps.databases } : {}),
  };
  const now = deps.now ?? (() => new Date());
  const records = deps.records;
  const linkerOf = (sourceId: string, name: string) => deps.store.linkers.get(sourceId, name);

  /** Which of the given applied steps may be undone: only what this linker created and no other connection uses. */
  async function undoPlan(start: { sourceId: string; linkerName: string; linkerId: string }, linker: StoredLinker | undefined,
    applied: AppliedStepRecord[]): Promise<DeletePlan> {
    if (applied.length === 0) return { undo: [], kept: [] };
    const forced = isForced(linker);
    // The source's other connections, listed once and only when a shared record asks who else relies on it.
    let listed: Promise<StoredLinker[]> | undefined;
    const othersOf = () => (listed ??= linkersOf(deps.store.linkers, start.sourceId)
      .then((all) => all.filter((l) => l.name.toLowerCase() !== start.linkerName.toLowerCase())));
    const undo: AppliedStepRecord[] = [];
    const kept: string[] = [];
    for (const a of [...applied].reverse()) {
      const step = stepNamed(a.step);
      const policy = step?.undo ?? unknownStepUndo(a.step);
      if (policy.kind === "referenceCounted") {
        // Counted in the dependency index, whether or not this run changed it.
        const dependency = step?.dependency;
        const id = dependency?.resourceId(a);
        if (!dependency || !id) continue;
        const users = (await deps.store.dependencies.linkersDependingOn(id, dependency.kind)).filter((u) => u.linkerId.toLowerCase() !== start.linkerId.toLowerCase());
        const prior = policy.ownPrior(a, id);
        if (prior !== undefined && (users.length === 0 || forced)) undo.push({ ...a, prior });
        else kept.push(`${policy.kept(id)}${users.length ? " (used by other connections)" : ""}`);
        continue;
      }
      if (!a.changed || a.prior === undefined) continue;
      if (policy.kind === "shared" && !forced) {
        const key = keyOf(a);
        const reliesOnIt = policy.reliedOnBy ?? ((o: StoredLinker) => appliedOf(o).some((x) => keyOf(x) === key));
        const others = await othersOf();
        if (others.some((o) => reliesOnIt(o))) {
          kept.push(policy.kept);
          await handOver(start.sourceId, others, a, policy);
          continue;
        }
      }
      undo.push(a);
    }
    return { undo, kept };
  }

  /** Whether another connection of the source (or an earlier run of this one) was changed or configured after `since`
   *  (an operation that ran between an API's planning and this saga's turn in the source's lock); a deleted one took
   *  its names with it. */
  async function sourceChangedSince(sourceId: string, linkerName: string, since: string): Promise<boolean> {
    const after = (t: unknown) => typeof t === "string" && t >= since;
    return (await linkersOf(deps.store.linkers, sourceId)).some((l) => (l.name.toLowerCase() === linkerName.toLowerCase()
      // This connection's own acceptance stamps it after planning; only an earlier run of it recording since counts.
      ? after(l.state?.configuredAt)
      : [l.systemData.lastModifiedAt, l.state?.configuredAt, l.authorization?.decidedAt].some(after)));
  }

  /** A change kept because other connections rely on it passes what undoes it to one of them that applied the same
   *  thing (and found it done, so recorded nothing to undo): the last connection to go then undoes it, instead of
   *  leaving it behind once the connection that made it is gone. */
  async function handOver(sourceId: string, others: StoredLinker[], a: AppliedStepRecord, policy: Extract<UndoPolicy<unknown, unknown>, { kind: "shared" }>): Promise<void> {
    const key = keyOf(a);
    const heir = others.find((o) => appliedOf(o).some((x) => keyOf(x) === key));
    if (!heir) return;
    await deps.store.linkers.update(sourceId, heir.name, (l) => {
      const heirs = appliedOf(l);
      const i = heirs.findIndex((x) => keyOf(x) === key);
      const x = heirs[i];
      if (!x) return undefined;
      // An heir that recorded a prior of its own undoes that, or both when the step combines them.
      const prior = x.prior === undefined ? a.prior : policy.combinePriors?.(a.prior, x.prior);
      if (prior === undefined) return undefined;
      const next = heirs.map((r, j) => (j === i ? { ...r, changed: true, prior } : r));
      return { ...l, state: { ...l.state, applied: next } };
    });
  }

  return {
    /** The connection's plan and the steps it runs (in the saga's order, with their phases). */
    async plan(start: CreateOrUpdateStart): Promise<{ ok: true; plan: ConnectionPlan; steps: ScheduledStep[] } | Failed> {
      try {
        // The plan the caller was authorized on still holds unless another operation changed the source since it was
        // made (names taken, settings written): then it is used as is, without planning's ARM reads again.
        if (start.plan && start.plannedAt && !(await sourceChangedSince(start.sourceId, start.linkerName, start.plannedAt))) {
          return { ok: true, plan: start.plan, steps: stepsOf(start.plan, { connectionName: start.linkerName }) };
        }
        const existing = await linkerOf(start.sourceId, start.linkerName);
        const owned = ownedNamesOf(existing);
        const plan = await planConnection({
          linkerName: start.linkerName, sourceId: start.sourceId, properties: start.properties,
          tenantId: start.caller.tenantId, ownedNames: owned, ...(start.sealedSecrets ? { sealedSecrets: start.sealedSecrets } : {}),
          previous: previousWrites(existing, configurationStoreOf(start.properties.configurationInfo as Record<string, unknown> | null | undefined)),
        }, ctx);
        const steps = stepsOf(plan, { connectionName: start.linkerName });
        // The API authorized the caller for what its own plan needed; this plan (made inside the source's lock, maybe
        // later) may need nothing more. Otherwise nothing is done: the caller must be authorized again.
        if (start.authorized) {
          const beyond = notCovered(start.authorized, stepRequirements(plan.sourceId, steps, start.properties));
          if (beyond.length) {
            return { ok: false, error: { code: "AuthorizationFailed", message:
              `The connection's plan changed after its caller was authorized${start.planErrorWhenAuthorized ? ` (then it could not be planned: ${start.planErrorWhenAuthorized})` : ""}: ` +
              `it now needs ${beyond.map((b) => `'${b.action}' over scope '${b.scope}'`).join(", ")}, which were not checked for the caller. Nothing was changed; send the request again.` } };
          }
        }
        return { ok: true, plan, steps };
      } catch (e) {
        return { ok: false, error: classifyError(e) };
      }
    },

    async runStep(x: StepRun): Promise<StepRunResult> {
      const journal = x.journal ? { ...x.journal, store: deps.store.journal } : undefined;
      // Write-ahead: an earlier run of this very step (the host died before its result was recorded) wrote its prior
      // before writing; that prior, not what this run finds, is the state before the operation.
      let earlier: { prior: unknown } | undefined;
      let intent: { prior: unknown } | undefined;
      let recordedInput: unknown;
      // Read alongside the step: what an earlier run of it left (nothing, unless the host died during one); awaited
      // only when this run wrote nothing ahead.
      const left = journal?.store.earlier(journal.operationId, journal.slot);
      left?.catch(() => undefined);
      try {
        const step = stepByName(x.step);
        // An after-identity step runs for the run's principal: its recorded input names it.
        const run = x.principal && step.forPrincipal ? step.forPrincipal(x.input, x.principal) : undefined;
        const input = run?.input ?? x.input;
        if (run) recordedInput = input;
        const hints = { ...x.hints, ...run?.hints };
        const applied = Object.keys(hints).length ? { ...(input as object), ...hints } : input;
        const stepCtx: StepContext = journal ? {
          ...ctx,
          writeAhead: async (prior) => {
            const w = await journal.store.writeAhead(journal.operationId, journal.slot, prior);
            if ("earlier" in w) earlier = { prior: w.earlier };
            else intent = { prior };
          },
        } : ctx;
        const out = await step.apply(applied, stepCtx);
        if (left && !intent && !earlier) earlier = await left;
        if (earlier) {
          const prior = step.resume ? await step.resume(earlier.prior, out, applied, ctx) : earlier.prior;
          return { ok: true, changed: true, prior, outputs: out.outputs, ...(run ? { input } : {}) };
        }
        // The run that wrote ahead settles the entry to what it did (an intent can claim more than the step then
        // found to do), so a run resumed after this one takes its actual prior, or none.
        if (journal && intent && (!out.changed || JSON.stringify(out.prior) !== JSON.stringify(intent.prior))) {
          await journal.store.settle(journal.operationId, journal.slot, out.changed ? { prior: out.prior } : "void");
        }
        return { ok: true, changed: out.changed, prior: out.prior, outputs: out.outputs, ...(run ? { input } : {}) };
      } catch (e) {
        const error = classifyError(e);
        if (!journal) return { ok: false, error };
        try {
          // A failed apply leaves nothing of its own (each step undoes its partial writes before failing).
          if (intent) await journal.store.settle(journal.operationId, journal.slot, "void");
          // A resumed run that failed: the earlier run's change is still there, and is compensated with the others.
          else earlier ??= await left;
        } catch {
          // The journal is unreachable: the failure is reported as it is.
        }
        return earlier
          ? { ok: false, error, changed: true, prior: earlier.prior, ...(recordedInput !== undefined ? { input: recordedInput } : {}) }
          : { ok: false, error };
      }
    },

    async compensateStep(x: Pick<AppliedStepRecord, "step" | "input" | "prior">): Promise<{ ok: true } | Failed> {
      try {
        await stepByName(x.step).compensate(x.input, x.prior, ctx);
        return { ok: true };
      } catch (e) {
        return { ok: false, error: classifyError(e) };
      }
    },

    /** After an update: what the previous run configured that this run no longer does, and may be undone. */
    async planObsolete(x: { sourceId: string; linkerName: string; linkerId: string; current: AppliedStepRecord[]; authorized?: CreateOrUpdateStart["authorized"] }): Promise<DeletePlan> {
      const linker = await linkerOf(x.sourceId, x.linkerName);
      const keep = new Set(x.current.map(keyOf));
      // Each step says whether an obsolete record of it is undone (settings no longer wanted are removed by the
      // configuration step's own `remove` list; the identity stays).
      const obsolete = appliedOf(linker)
        .filter((a) => !keep.has(keyOf(a)) && (stepNamed(a.step)?.undo ?? unknownStepUndo(a.step)).whenObsolete === "undo");
      const planned = passedOn(await undoPlan({ sourceId: x.sourceId, linkerName: x.linkerName, linkerId: x.linkerId }, linker, obsolete), x.current);
      if (!x.authorized || !linker) return planned;
      // Only what the caller was authorized to undo is undone with linkwright's identity; the rest is kept, and said.
      const authorized = x.authorized;
      const allowed = (a: AppliedStepRecord) => notCovered(authorized, undoRequirements([a], linker.properties)).length === 0;
      return {
        ...planned,
        undo: planned.undo.filter(allowed),
        kept: [...planned.kept, ...planned.undo.filter((a) => !allowed(a)).map((a) => `the previous ${a.step} step's changes (the caller was not authorized to undo them)`)],
      };
    },

    async planDelete(start: DeleteStart): Promise<DeletePlan> {
      const linker = await linkerOf(start.sourceId, start.linkerName);
      const applied = appliedOf(linker);
      return undoPlan(start, linker, applied);
    },

    async validate(start: ValidateStart): Promise<{ ok: true; result: Record<string, unknown> } | Failed> {
      try {
        const linker = await linkerOf(start.sourceId, start.linkerName);
        if (!linker) return { ok: false, error: { code: "ResourceNotFound", message: `Linker ${start.linkerId} was not found.` } };
        const result = await validateConnection(linker, { ...ctx, ...(deps.propagation ? { propagation: deps.propagation } : {}) });
        return { ok: true, result: result as unknown as Record<string, unknown> };
      } catch (e) {
        return { ok: false, error: classifyError(e) };
      }
    },

    /** Records an operation's end on the linker (and the dependency index), then ends the operation. A linker that cannot
     *  be written fails a Succeeded outcome before its operation is ended (the orchestration undoes the changes and
     *  records the failure); a Failed outcome ends its operation anyway, with the recording error added. */
    async record(outcome: OperationOutcome): Promise<{ ok: true } | Failed> {
      let failure: Failed | undefined;
      try {
        await recordOnLinker(outcome);
      } catch (e) {
        failure = { ok: false, error: classifyError(e, "record") };
        if (outcome.status === "Succeeded") return failure;
      }
      // A create or update is ending: its steps' write-ahead entries are of no more use, and go before the operation
      // is seen ended (left behind, they are sealed and never read, so a failure to clear them does not fail the
      // operation). Other operations write none.
      if (outcome.kind === "createOrUpdate") await deps.store.journal.clear(outcome.operationId).catch(() => undefined);
      const error = outcome.error && failure ? { ...outcome.error, message: `${outcome.error.message} (and the connection's record could not be written: ${failure.error.message})` } : outcome.error;
      await records.end(outcome.operationId, {
        status: outcome.status,
        ...(error ? { error } : {}),
        ...(outcome.result ? { result: outcome.result } : {}),
      });
      return failure ?? { ok: true };
    },
  };

  /** The operation's end on the linker: a Succeeded create/update's records, state and dependencies; a Failed one's
   *  error; a Succeeded delete removes it. */
  async function recordOnLinker(outcome: OperationOutcome): Promise<void> {
    const endTime = now().toISOString();
    if (outcome.kind === "createOrUpdate") {
      let saved: StoredLinker | undefined;
      await deps.store.linkers.update(outcome.sourceId, outcome.linkerName, (l) => {
        if (l.lastOperationId && l.lastOperationId !== outcome.operationId) return undefined;
        const previous = appliedOf(l);
        const state = outcome.status === "Succeeded" && outcome.plan
          ? {
              ...l.state,
              applied: mergeApplied(previous, outcome.applied ?? []),
              configurations: outcome.plan.configurations,
              targetFacts: outcome.plan.targetFacts,
              sourceKind: outcome.plan.sourceKind,
              targetKind: outcome.plan.targetKind,
              warnings: outcome.plan.warnings,
              configuredAt: endTime,
              ...(outcome.principalId ? { principalId: outcome.principalId } : {}),
            }
          : l.state;
        const next: StoredLinker = { ...l, provisioningState: outcome.status, state };
        if (outcome.error) next.lastError = { code: outcome.error.code, message: outcome.error.message };
        else delete next.lastError;
        saved = next;
        return next;
      });
      if (saved && outcome.status === "Succeeded") {
        await deps.store.dependencies.replace(outcome.linkerId, DEPENDENCY_KINDS, dependenciesOf(saved, outcome));
      }
    } else if (outcome.kind === "delete" && outcome.status === "Succeeded") {
      await deps.store.linkers.delete(outcome.sourceId, outcome.linkerName);
      await deps.store.dependencies.removeAll(outcome.linkerId);
    } else if (outcome.kind === "delete") {
      await deps.store.linkers.update(outcome.sourceId, outcome.linkerName, (l) => ({ ...l, provisioningState: "Failed", lastError: outcome.error }));
    }
  }
}

export type ConnectionActivities = ReturnType<typeof createConnectionActivities>;

/** The dependency kinds a linker's records leave (each step's `dependency`), and its principal. */
const DEPENDENCY_KINDS: readonly DependencyKind[] = [...STEP_NAMES.flatMap((n) => (STEPS[n].dependency ? [STEPS[n].dependency.kind] : [])), "principal"];

function dependenciesOf(linker: StoredLinker, outcome: OperationOutcome): Dependency[] {
  const out = appliedOf(linker).flatMap((a): Dependency[] => {
    const dependency = stepNamed(a.step)?.dependency;
    const resourceId = dependency?.resourceId(a);
    return dependency && resourceId ? [{ kind: dependency.kind, resourceId }] : [];
  });
  if (outcome.principalId) out.push({ kind: "principal", resourceId: outcome.principalId });
  return out;
}

/** What of an update's obsolete records the run's own records still need stays (each step's `passOn`), handed over to them. */
function passedOn(plan: DeletePlan, current: AppliedStepRecord[]): DeletePlan {
  const undo: AppliedStepRecord[] = [];
  const inherited: NonNullable<DeletePlan["inherited"]> = [];
  for (const a of plan.undo) {
    const policy = stepNamed(a.step)?.undo;
    const passed = policy?.kind === "shared" ? policy.passOn?.(a, current) : undefined;
    if (!passed) {
      undo.push(a);
      continue;
    }
    if (passed.undo !== undefined) undo.push({ ...a, prior: passed.undo });
    if (passed.heir) inherited.push(passed.heir);
  }
  return inherited.length || undo.length !== plan.undo.length ? { ...plan, undo, inherited } : plan;
}

/** A step this version does not know (recorded by another): kept while another connection applied the same. */
function unknownStepUndo(step: string): UndoPolicy<unknown, unknown> {
  return { kind: "shared", whenObsolete: "undo", kept: `the ${step} step's changes (used by other connections)` };
}

function isForced(linker: StoredLinker | undefined): boolean {
  const auth = linker?.properties.authInfo as Record<string, unknown> | undefined;
  const cfg = linker?.properties.configurationInfo as Record<string, unknown> | null | undefined;
  return auth?.["deleteOrUpdateBehavior"] === "ForcedCleanup" || cfg?.["deleteOrUpdateBehavior"] === "ForcedCleanup";
}
