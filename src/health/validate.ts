// validateLinker for one connection: existence of source and target, then a check per step the connection
// applied (identity + principal, role assignment, network, configuration, Key Vault references, secret validity),
// each failure with a fix and, when the activity log knows, who changed it.
// Applied steps the snapshot checks do not cover run their own verify (./verifyFallback.ts).
// A missing role assignment of a recently configured connection is re-checked with backoff (the step's own
// verify) until the propagation window has passed: RBAC takes minutes to propagate.
import type { ArmClients } from "../azure/clients.js";
import type { Sealer } from "../secrets/seal.js";
import { roleAssignmentStep } from "../steps/roleAssignment.js";
import { type RoleAssignmentInput } from "../model/steps.js";
import type { StepContext } from "../steps/step.js";
import { stepContextOf } from "./stepContext.js";
import type { StoredLinker } from "../model/connection.js";
import { attribute, attributionQueries, withAttribution, withRequester } from "./attribution.js";
import { collectSnapshot } from "./collect.js";
import { confirmRoleAssignments } from "./confirmRoles.js";
import { existenceFailed, verifyOtherSteps } from "./verifyFallback.js";
import { appliedSteps, evaluateLinker } from "./evaluate.js";
import { planReads } from "./readPlan.js";
import { lastConfiguredAt, toConnectionHealth, toValidateResult } from "./result.js";
import { createRetryBudget, type RetryBudgetOptions } from "./retry.js";
import { CheckNames, type CheckResult, type ConnectionHealth, type ValidateResult } from "./types.js";

export interface PropagationOptions {
  /** How long after the connection was configured a missing role assignment may still be propagating (default 2 min:
   *  validate runs in an activity, which must finish well inside the function timeout; up to 8 min is seen in Azure). */
  windowMs?: number;
  /** First wait between re-checks (default 2 s), doubled each time, at most maxDelayMs (default 30 s). */
  initialDelayMs?: number;
  maxDelayMs?: number;
}

export interface ValidateDeps {
  clients: ArmClients;
  /** Unseals `sealed` secret sources; without it those secrets are checked for presence only. */
  sealer?: Sealer;
  /** Where database servers are reached (the database-user check logs in). */
  databases?: StepContext["databases"];
  budget?: RetryBudgetOptions;
  propagation?: PropagationOptions;
  /** false: no activity-log lookups. */
  attribution?: false | { ignoreCallers?: string[]; since?: Date; ignoreSelf?: boolean };
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  /** Step kinds checked from the batched snapshot (default all it knows); the others run the step's own verify. */
  snapshotSteps?: ReadonlySet<string>;
  /** The "Functions bindings" item for a function-app source (default true; one function listing). */
  functionsBindings?: boolean;
}

async function awaitPropagation(linker: StoredLinker, details: CheckResult[], deps: ValidateDeps): Promise<CheckResult[]> {
  const failing = details.findIndex((d) => d.name === CheckNames.roleAssignment && d.result === "failure");
  const since = lastConfiguredAt(linker);
  if (failing < 0 || since === undefined) return details;
  const now = () => (deps.now ?? (() => new Date()))().getTime();
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const deadline = since + (deps.propagation?.windowMs ?? 2 * 60_000);
  const inputs = appliedSteps(linker).filter((s) => s.step === "roleAssignment").map((s) => s.input as RoleAssignmentInput);
  const ctx: StepContext = stepContextOf(deps);
  let delay = deps.propagation?.initialDelayMs ?? 2000;
  while (now() < deadline) {
    await sleep(Math.min(delay, Math.max(0, deadline - now())));
    delay = Math.min(delay * 2, deps.propagation?.maxDelayMs ?? 30_000);
    const checks = await Promise.all(inputs.map((input) => roleAssignmentStep.verify(input, ctx)));
    if (checks.every((c) => c.result === "success")) {
      const next = [...details];
      next[failing] = { name: CheckNames.roleAssignment, result: "success", description: details[failing]!.description };
      return next;
    }
  }
  return details;
}

/** All checks of one connection with status, failing check names and attribution. */
export async function checkConnection(linker: StoredLinker, deps: ValidateDeps): Promise<ConnectionHealth> {
  const clock = deps.now ?? (() => new Date());
  const started = clock();
  const budget = createRetryBudget(deps.budget);
  const snapshot = await collectSnapshot(planReads([linker], { functionsBindings: deps.functionsBindings ?? true }), {
    clients: deps.clients, budget, concurrency: 4, sealer: deps.sealer,
  });
  let details = evaluateLinker(linker, snapshot, { sealer: deps.sealer, snapshotSteps: deps.snapshotSteps });
  if (!existenceFailed(details)) {
    details.push(...await verifyOtherSteps(linker, stepContextOf(deps), { snapshotSteps: deps.snapshotSteps }));
  }
  details = await awaitPropagation(linker, details, deps);
  details = await confirmRoleAssignments(linker, details, stepContextOf(deps));
  const failing = details.filter((d) => d.result === "failure");
  const attribution = deps.attribution === false || failing.length === 0 ? [] : await attribute(attributionQueries(linker, failing), {
    clients: deps.clients, to: clock(), from: deps.attribution?.since, ignoreCallers: deps.attribution?.ignoreCallers,
    ignoreSelf: deps.attribution?.ignoreSelf,
  }).then((a) => withRequester(a, linker)).catch(() => []);
  const result = toValidateResult(linker, withAttribution(details, attribution), started, clock());
  return toConnectionHealth(linker, result, attribution);
}

/** validateLinker: the ValidateResult (ValidateOperationResult.properties) of one connection. */
export async function validateConnection(linker: StoredLinker, deps: ValidateDeps): Promise<ValidateResult> {
  return (await checkConnection(linker, deps)).result;
}

