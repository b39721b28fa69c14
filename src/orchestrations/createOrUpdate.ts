// Create or update one connection, as a saga:
//   plan → [source lock] identity → roles ‖ firewall ‖ secret store → [source lock] settings → record.
// Each step runs in its own activity and reports its exact prior state; on any failure the steps that changed
// something are compensated newest first and the linker is recorded Failed with the step's error.
// Writes to the source (identity, settings) run inside a critical section on the source's lock entity, so
// concurrent operations on one app never overwrite each other's settings.
import * as df from "durable-functions";
import type { OrchestrationContext } from "durable-functions";
import type { CreateOrUpdateStart } from "../api/orchestrations.js";
import type { AppliedStepRecord, ConnectionPlan, StepRunResult } from "../connections/types.js";
import type { StepName } from "../steps/registry.js";
import { Activities, SOURCE_LOCK_ENTITY } from "./names.js";
import type { OperationOutcome } from "./outcome.js";
import { sourceLockKey } from "./sourceLockKey.js";

class PlanFailed extends Error {
  constructor(readonly error: { code: string; message: string; target?: string }) {
    super(error.message);
  }
}

class StepFailed extends Error {
  constructor(readonly step: string, readonly code: string, message: string) {
    super(message);
  }
}

export function* createOrUpdateOrchestrator(context: OrchestrationContext): Generator<df.Task, void, any> {
  const start = context.df.getInput<CreateOrUpdateStart & { ownedNames?: string[] }>();
  const applied: AppliedStepRecord[] = [];
  const base = { kind: "createOrUpdate" as const, operationId: start.operationId, linkerId: start.linkerId, sourceId: start.sourceId, linkerName: start.linkerName };
  let plan: ConnectionPlan | undefined;

  const runStep = function* (step: StepName, input: unknown): Generator<df.Task, StepRunResult, any> {
    const result: StepRunResult = yield context.df.callActivity(Activities.runStep, { step, input });
    if (result.ok) applied.push({ step, input, changed: Boolean(result.changed), prior: result.prior, outputs: result.outputs });
    return result;
  };
  const fail = (step: string, r: StepRunResult) => new StepFailed(step, r.error?.code ?? "StepFailed", r.error?.message ?? `${step} failed`);
  const lockEntity = () => new df.EntityId(SOURCE_LOCK_ENTITY, sourceLockKey(start.sourceId));

  try {
    const planned: { ok: boolean; plan?: ConnectionPlan; error?: { code: string; message: string; target?: string } } =
      yield context.df.callActivity(Activities.plan, start);
    if (!planned.ok) throw new PlanFailed(planned.error!);
    plan = planned.plan!;
    const p = plan;
    let principalId = p.principal?.principalId;
    let principalType = p.principal?.principalType ?? "ServicePrincipal";

    if (p.identity) {
      const lock = yield context.df.lock(lockEntity());
      try {
        const r: StepRunResult = yield* runStep("identity", p.identity);
        if (!r.ok) throw fail("identity", r);
        principalId = String(r.outputs?.principalId);
        principalType = "ServicePrincipal";
      } finally {
        lock.release();
      }
    }

    const parallel: { step: StepName; input: unknown }[] = [
      ...(principalId ? p.roles.map((g) => ({ step: "roleAssignment" as const, input: { scope: g.scope, role: g.role, principalId, principalType } })) : []),
      ...(p.firewall ? [{ step: "firewall" as const, input: p.firewall }] : []),
      ...p.secretStore.map((s) => ({ step: "secretStore" as const, input: s })),
    ];
    if (parallel.length) {
      const results: StepRunResult[] = yield context.df.Task.all(parallel.map((x) => context.df.callActivity(Activities.runStep, x)));
      results.forEach((r, i) => {
        if (r.ok) applied.push({ step: parallel[i]!.step, input: parallel[i]!.input, changed: Boolean(r.changed), prior: r.prior, outputs: r.outputs });
      });
      const failedAt = results.findIndex((r) => !r.ok);
      if (failedAt >= 0) throw fail(parallel[failedAt]!.step, results[failedAt]!);
    }

    const lock = yield context.df.lock(lockEntity());
    try {
      const r: StepRunResult = yield* runStep("configuration", p.settings);
      if (!r.ok) throw fail("configuration", r);
    } finally {
      lock.release();
    }

    const outcome: OperationOutcome = { ...base, status: "Succeeded", applied, plan: p, ...(principalId ? { principalId } : {}) };
    yield context.df.callActivity(Activities.record, outcome);
  } catch (e) {
    const error = e instanceof PlanFailed ? e.error
      : e instanceof StepFailed ? { code: e.code, message: `${e.step}: ${e.message}` }
      : { code: (e as { code?: string }).code ?? "ConnectionFailed", message: e instanceof Error ? e.message : String(e) };
    const toUndo = applied.filter((a) => a.changed).reverse();
    const touchesSource = toUndo.some((a) => a.step === "identity" || a.step === "configuration");
    const lock = touchesSource ? yield context.df.lock(lockEntity()) : undefined;
    try {
      for (const a of toUndo) {
        yield context.df.callActivity(Activities.compensateStep, { step: a.step, input: a.input, prior: a.prior });
      }
    } finally {
      lock?.release();
    }
    const outcome: OperationOutcome = { ...base, status: "Failed", error, ...(plan ? { plan } : {}) };
    yield context.df.callActivity(Activities.record, outcome);
  }
}
