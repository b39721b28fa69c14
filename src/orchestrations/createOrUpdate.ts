// Create or update one connection, as a saga:
//   [source lock: plan → identity → roles ‖ firewall ‖ secret store ‖ settings → record].
// Settings depend on nothing the other steps produce (every value, Key Vault references included, is fixed by the
// plan), so they run alongside; only role assignments wait for the identity's principal.
// Each step runs in its own activity and reports its exact prior state; on any failure the steps that changed
// something are compensated newest first and the linker is recorded Failed with the step's error.
// The whole operation runs inside a critical section on the source's lock entity: app settings PUT replaces the
// whole set and configuration names (the CONN2 rule) depend on the names already taken, so operations on one
// source must not interleave. Independent steps within an operation still run concurrently.
import * as df from "durable-functions";
import type { OrchestrationContext } from "durable-functions";
import type { CreateOrUpdateStart } from "../api/orchestrations.js";
import type { AppliedStepRecord, ConnectionPlan, StepRunResult } from "../connections/types.js";
import type { StepName } from "../steps/registry.js";
import { Activities, SOURCE_LOCK_ENTITY } from "./names.js";
import type { OperationOutcome } from "./outcome.js";
import { sourceLockKey } from "./sourceLockKey.js";

class OperationFailed extends Error {
  constructor(readonly error: { code: string; message: string; target?: string }) {
    super(error.message);
  }
}

export function* createOrUpdateOrchestrator(context: OrchestrationContext): Generator<df.Task, void, any> {
  const start = context.df.getInput<CreateOrUpdateStart>();
  const applied: AppliedStepRecord[] = [];
  const base = { kind: "createOrUpdate" as const, operationId: start.operationId, linkerId: start.linkerId, sourceId: start.sourceId, linkerName: start.linkerName };
  let plan: ConnectionPlan | undefined;

  const record = (step: StepName, input: unknown, r: StepRunResult) => {
    if (r.ok) applied.push({ step, input, changed: Boolean(r.changed), prior: r.prior, outputs: r.outputs });
  };
  const failure = (step: string, r: StepRunResult) =>
    new OperationFailed({ code: r.error?.code ?? "StepFailed", message: `${step}: ${r.error?.message ?? "failed"}` });

  const lock = yield context.df.lock(new df.EntityId(SOURCE_LOCK_ENTITY, sourceLockKey(start.sourceId)));
  try {
    let outcome: OperationOutcome;
    try {
      const planned: { ok: boolean; plan?: ConnectionPlan; error?: { code: string; message: string; target?: string } } =
        yield context.df.callActivity(Activities.plan, start);
      if (!planned.ok) throw new OperationFailed(planned.error!);
      plan = planned.plan!;
      let principalId = plan.principal?.principalId;
      const principalType = plan.principal?.principalType ?? "ServicePrincipal";

      if (plan.identity) {
        const r: StepRunResult = yield context.df.callActivity(Activities.runStep, { step: "identity", input: plan.identity });
        record("identity", plan.identity, r);
        if (!r.ok) throw failure("identity", r);
        principalId = String(r.outputs?.principalId);
      }

      const parallel: { step: StepName; input: unknown }[] = [
        ...(principalId ? plan.roles.map((g) => ({ step: "roleAssignment" as const, input: { scope: g.scope, role: g.role, principalId, principalType } })) : []),
        ...(plan.firewall ? [{ step: "firewall" as const, input: plan.firewall }] : []),
        ...plan.secretStore.map((s) => ({ step: "secretStore" as const, input: s })),
        { step: "configuration" as const, input: plan.settings },
      ];
      const results: StepRunResult[] = yield context.df.Task.all(parallel.map((x) => context.df.callActivity(Activities.runStep, x)));
      results.forEach((r, i) => record(parallel[i]!.step, parallel[i]!.input, r));
      const failedAt = results.findIndex((r) => !r.ok);
      if (failedAt >= 0) throw failure(parallel[failedAt]!.step, results[failedAt]!);

      outcome = { ...base, status: "Succeeded", applied, plan, ...(principalId ? { principalId } : {}) };
    } catch (e) {
      const error = e instanceof OperationFailed ? e.error
        : { code: (e as { code?: string }).code ?? "ConnectionFailed", message: e instanceof Error ? e.message : String(e) };
      const notes: string[] = [];
      for (const a of applied.filter((x) => x.changed).reverse()) {
        const c: { ok: boolean; error?: { message: string } } =
          yield context.df.callActivity(Activities.compensateStep, { step: a.step, input: a.input, prior: a.prior });
        if (!c.ok) notes.push(`could not undo ${a.step}: ${c.error?.message}`);
      }
      outcome = {
        ...base, status: "Failed",
        error: notes.length ? { ...error, message: `${error.message} (${notes.join("; ")})` } : error,
        ...(plan ? { plan } : {}),
      };
    }
    // Recorded inside the section: the next operation on this source plans against this one's names.
    yield context.df.callActivity(Activities.record, outcome);
  } finally {
    lock.release();
  }
}
