// Create or update one connection, as a saga:
//   [source lock: plan → (identity → roles) ‖ firewall ‖ secret store ‖ settings → record].
// Only role assignments need something another step produces (the identity's principal); firewall, secret store and
// settings are fixed by the plan (Key Vault references included), so they start with the identity step.
// Each step runs in its own activity and reports its exact prior state; on any failure the steps that changed
// something are compensated newest first and the linker is recorded Failed with the step's error.
// The whole operation runs inside a critical section on the source's lock entity: app settings PUT replaces the
// whole set and configuration names (the CONN2 rule) depend on the names already taken, so operations on one
// source must not interleave. Independent steps within an operation still run concurrently.
import * as df from "durable-functions";
import type { OrchestrationContext } from "durable-functions";
import type { CreateOrUpdateStart } from "../model/operations.js";
import type { AppliedStepRecord, ConnectionPlan, StepRunResult } from "../model/plan.js";
import type { ConnectionError } from "../model/errors.js";
import { classifyError } from "../connections/classifyError.js";
import { sameResourceId } from "../azure/resourceId.js";
import { databaseUserInputOf } from "../connections/databaseUser.js";
import { topLevelResourceId } from "../targets/vnetRules.js";
import type { StepName } from "../steps/registry.js";
import { Activities, SOURCE_LOCK_ENTITY } from "./names.js";
import type { DeletePlan } from "./delete.js";
import type { OperationOutcome } from "./outcome.js";
import { sourceLockKey } from "./sourceLockKey.js";

/** Ends the saga's try block with the error the operation fails with. */
class OperationFailed extends Error {
  constructor(readonly error: ConnectionError) {
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
      const planned: { ok: boolean; plan?: ConnectionPlan; error?: ConnectionError } =
        yield context.df.callActivity(Activities.plan, start);
      if (!planned.ok) throw new OperationFailed(planned.error!);
      plan = planned.plan!;
      let principalId = plan.principal?.principalId;
      const principalType = plan.principal?.principalType ?? "ServicePrincipal";
      type Scheduled = { step: StepName; input: unknown; task: df.Task };
      const schedule = (step: StepName, input: unknown, hints?: Record<string, unknown>): Scheduled => ({
        step, input, task: context.df.callActivity(Activities.runStep, { step, input: hints ? { ...(input as object), ...hints } : input }),
      });

      // Everything but the role assignments is independent of the identity: it starts at once, alongside it.
      // Except a subnet rule on the target whose firewall this run opens too: both rewrite one rule set (a storage
      // account's networkAcls, a vault's), so the subnet rule waits for the firewall instead of racing it.
      const serviceEndpointAfterFirewall = Boolean(plan.firewall && plan.serviceEndpoint
        && sameResourceId(topLevelResourceId(plan.firewall.targetId) ?? plan.firewall.targetId, plan.serviceEndpoint.targetId));
      const independent: Scheduled[] = [
        // An open firewall was not checked for the caller: the step may not open it if it closed meanwhile.
        ...(plan.firewall ? [schedule("firewall", plan.firewall, plan.firewallOpen ? { plannedOpen: true } : undefined)] : []),
        ...(plan.serviceEndpoint && !serviceEndpointAfterFirewall ? [schedule("serviceEndpoint", plan.serviceEndpoint)] : []),
        ...plan.secretStore.map((s) => schedule("secretStore", s)),
        ...(plan.settings.settings.length || plan.settings.remove?.length ? [schedule("configuration", plan.settings)] : []),
        ...(plan.appConfiguration ? [schedule("appConfiguration", plan.appConfiguration)] : []),
      ];
      let principalIsNew = false;
      let identityFailed: StepRunResult | undefined;
      if (plan.identity) {
        // The plan's fresh read of the identity rides along (not recorded): no second read before the write.
        const identity = schedule("identity", plan.identity, plan.observedIdentity ? { observed: plan.observedIdentity } : undefined);
        // One composite yield schedules them all; afterwards each task is awaited on its own. (A task must never
        // be part of a second Task.any/all: durable-functions would emit its action again.)
        yield context.df.Task.any([identity.task, ...independent.map((x) => x.task)]);
        const r: StepRunResult = yield identity.task;
        record("identity", plan.identity, r);
        if (r.ok) {
          principalId = String(r.outputs?.principalId);
          principalIsNew = r.outputs?.newPrincipal === true;
        } else {
          identityFailed = r;
        }
      }

      // A principal this operation just created has no assignments: the role step writes without looking first.
      const roles: Scheduled[] = identityFailed || !principalId ? [] : plan.roles.map((g) =>
        schedule("roleAssignment", { scope: g.scope, role: g.role, principalId, principalType }, principalIsNew ? { principalIsNew } : undefined));
      // A database target also needs a database user for the principal.
      const databaseUser = !identityFailed && principalId ? databaseUserInputOf(plan, principalId, start.linkerName) : undefined;
      if (databaseUser) roles.push(schedule("databaseUser", databaseUser));
      const roleResults: StepRunResult[] = roles.length ? yield context.df.Task.all(roles.map((x) => x.task)) : [];
      const independentResults: StepRunResult[] = [];
      if (plan.identity) {
        for (const x of independent) independentResults.push(yield x.task);
      } else if (independent.length) {
        independentResults.push(...(yield context.df.Task.all(independent.map((x) => x.task))) as StepRunResult[]);
      }
      const rest = [...independent, ...roles];
      const results = [...independentResults, ...roleResults];
      results.forEach((r, i) => record(rest[i]!.step, rest[i]!.input, r));
      if (identityFailed) throw failure("identity", identityFailed);
      const failedAt = results.findIndex((r) => !r.ok);
      if (failedAt >= 0) throw failure(rest[failedAt]!.step, results[failedAt]!);
      if (serviceEndpointAfterFirewall) {
        const r: StepRunResult = yield schedule("serviceEndpoint", plan.serviceEndpoint).task;
        record("serviceEndpoint", plan.serviceEndpoint, r);
        if (!r.ok) throw failure("serviceEndpoint", r);
      }

      // An update that no longer needs something the previous run configured (another role, another target's
      // firewall or subnet rule) undoes it, under the same rules as delete; what cannot be undone is reported.
      // (A first create has no previous run: nothing to look up.)
      const obsolete: DeletePlan = start.previousProperties ? yield context.df.callActivity(Activities.planObsolete,
        { sourceId: start.sourceId, linkerName: start.linkerName, linkerId: start.linkerId, current: applied,
          ...(start.authorized ? { authorized: start.authorized } : {}) }) : { undo: [], kept: [] };
      for (const a of obsolete.undo) {
        const c: { ok: boolean; error?: { message: string } } =
          yield context.df.callActivity(Activities.compensateStep, { step: a.step, input: a.input, prior: a.prior });
        if (!c.ok) plan.warnings.push(`Could not undo the previous ${a.step} this connection no longer needs: ${c.error?.message}`);
      }
      for (const k of obsolete.kept) plan.warnings.push(`Kept ${k}, which this connection no longer needs.`);
      outcome = { ...base, status: "Succeeded", applied, plan, ...(principalId ? { principalId } : {}) };
    } catch (e) {
      const error = e instanceof OperationFailed ? e.error : classifyError(e);
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
