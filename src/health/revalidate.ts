// Revalidates many connections at once with few ARM calls: one snapshot for the whole set —
//   Resource Graph `id in~ (…)` for existence/identity/firewall of every source and target (⌈R/1000⌉ queries), the
//   role assignments of system-assigned principals joined into the same rows (AuthorizationResources),
//   one settings read per (source, scope) shared by its connections (S),
//   listKeys once per storage account behind a secret-auth connection (K),
// then the pure checks per connection. ARM calls per run:
//   S + ⌈R/1000⌉ + Q + K + M + C
//   (Q = ⌈other principals/1000⌉ AuthorizationResources queries for principals no source row brings, 0 for
//   system-assigned identities; M = one direct read per resource Graph does not list, to tell index lag from
//   deletion; C = one direct read per role assignment Graph does not list; + activity-log reads for connections that
//   just turned unhealthy, shared per resource). Key Vault secret reads are data plane.
// Reads share a retry budget (Retry-After honoured) and a concurrency bound; what still cannot be read makes
// the checks that need it inconclusive (status Unknown), never failed.
import type { ArmClients } from "../azure/clients.js";
import type { Sealer } from "../secrets/seal.js";
import type { StepContext } from "../steps/step.js";
import { stepContextOf } from "./stepContext.js";
import type { StoredLinker } from "../model/connection.js";
import { attribute, attributionQueries, withAttribution, withRequester } from "./attribution.js";
import { armCallsOf, collectSnapshot, emptyStats, type CallStats } from "./collect.js";
import { confirmRoleAssignments, type RoleConfirmations } from "./confirmRoles.js";
import { evaluateLinker } from "./evaluate.js";
import { existenceFailed, verifyOtherSteps } from "./verifyFallback.js";
import { planReads } from "./readPlan.js";
import { lastConfiguredAt, toConnectionHealth, toValidateResult } from "./result.js";
import { mapBounded } from "../concurrency/mapBounded.js";
import { createRetryBudget, type RetryBudgetOptions } from "./retry.js";
import { CheckNames, INCONCLUSIVE, type CheckResult, type ConnectionHealth } from "./types.js";
import { type LinkerHealth } from "../model/connection.js";

export interface RevalidateDeps {
  clients: ArmClients;
  sealer?: Sealer;
  /** Where database servers are reached (the database-user check logs in). */
  databases?: StepContext["databases"];
  /** Reads in flight at once (default 16). */
  concurrency?: number;
  /** Ids per Resource Graph query (default and maximum 1000). */
  graphBatchSize?: number;
  budget?: RetryBudgetOptions;
  /** A missing role assignment within this long after the connection was configured is "propagating", not failed. */
  propagationWindowMs?: number;
  /** Activity-log lookups for connections that just became unhealthy; false to skip. */
  attribution?: false | { ignoreCallers?: string[]; ignoreSelf?: boolean };
  now?: () => Date;
  /** Step kinds checked from the batched snapshot (default all it knows); the others run the step's own verify. */
  snapshotSteps?: ReadonlySet<string>;
  /** The "Functions bindings" item for function-app sources (default false: one function listing per function app
   *  and run, for a warning-only item; validateLinker has it on). */
  functionsBindings?: boolean;
}

export interface RevalidationStats extends CallStats {
  /** Applied steps checked by their own verify (step kinds the snapshot does not cover); their ARM reads come on top. */
  stepVerifications: number;
  connections: number;
  distinctSources: number;
  distinctResources: number;
  armCalls: number;
  retriesUsed: number;
  attributionQueries: number;
  wallMs: number;
}

export interface RevalidationRun {
  results: ConnectionHealth[];
  stats: RevalidationStats;
}

function previousHealth(linker: StoredLinker): LinkerHealth | undefined {
  const h = linker.state?.health;
  return h && typeof h.status === "string" ? h : undefined;
}

/** A missing role assignment still inside the propagation window is inconclusive, not failed (pure). */
export function allowPropagation(linker: StoredLinker, details: CheckResult[], now: number, windowMs: number): CheckResult[] {
  const since = lastConfiguredAt(linker);
  if (since === undefined || now - since >= windowMs) return details;
  return details.map((d) => d.name === CheckNames.roleAssignment && d.result === "failure"
    ? { ...d, result: "warning", errorCode: INCONCLUSIVE, errorMessage: `The role assignment may still be propagating (configured ${Math.round((now - since) / 1000)} s ago). ${d.errorMessage ?? ""}`.trim() }
    : d);
}

export async function revalidateConnections(linkers: readonly StoredLinker[], deps: RevalidateDeps): Promise<RevalidationRun> {
  const clock = deps.now ?? (() => new Date());
  const started = clock();
  const t0 = Date.now();
  const budget = createRetryBudget(deps.budget);
  const stats = emptyStats();
  const plan = planReads(linkers, { functionsBindings: deps.functionsBindings ?? false });
  const snapshot = await collectSnapshot(plan, {
    clients: deps.clients, budget, concurrency: deps.concurrency, graphBatchSize: deps.graphBatchSize, sealer: deps.sealer,
  }, stats);
  const evaluatedAt = clock();
  const confirmations: RoleConfirmations = new Map();
  let stepVerifications = 0;
  const stepContext: StepContext = stepContextOf(deps);
  const evaluated = await mapBounded(linkers, deps.concurrency ?? 16, async (linker) => {
    const checked = evaluateLinker(linker, snapshot, { sealer: deps.sealer, snapshotSteps: deps.snapshotSteps });
    if (!existenceFailed(checked)) {
      checked.push(...await verifyOtherSteps(linker, stepContext, { snapshotSteps: deps.snapshotSteps, onVerify: () => { stepVerifications++; } }));
    }
    const details = allowPropagation(linker, checked, evaluatedAt.getTime(), deps.propagationWindowMs ?? 8 * 60_000);
    return { linker, details: await confirmRoleAssignments(linker, details, stepContext, confirmations, () => { stats.roleAssignmentCalls++; }) };
  });

  let attributionCount = 0;
  // Connections failing for the same reason on the same resource share one activity-log read.
  const memo = new Map<string, Promise<ConnectionHealth["attribution"]>>();
  const attributeShared = (queries: ReturnType<typeof attributionQueries>, from: Date | undefined) => Promise.all(queries.map((q) => {
    const key = `${q.check}|${q.resourceUri.toLowerCase()}|${from?.toISOString() ?? ""}`;
    let pending = memo.get(key);
    if (!pending) {
      attributionCount++;
      pending = attribute([q], { clients: deps.clients, to: clock(), ignoreCallers: deps.attribution ? deps.attribution.ignoreCallers : undefined,
        ignoreSelf: deps.attribution ? deps.attribution.ignoreSelf : undefined, from })
        .catch(() => []);
      memo.set(key, pending);
    }
    return pending;
  })).then((lists) => lists.flat());
  const results = await mapBounded(evaluated, deps.concurrency ?? 16, async ({ linker, details }) => {
    const failing = details.filter((d) => d.result === "failure");
    const previous = previousHealth(linker);
    const newlyFailing = failing.filter((f) => !(previous?.failingChecks ?? []).includes(f.name));
    let attribution: ConnectionHealth["attribution"] = [];
    if (deps.attribution !== false && newlyFailing.length) {
      const from = previous?.status === "Healthy" ? new Date(Date.parse(previous.checkedAt) - 60_000) : undefined;
      attribution = withRequester(await attributeShared(attributionQueries(linker, newlyFailing), from), linker);
    }
    return toConnectionHealth(linker, toValidateResult(linker, withAttribution(details, attribution), started, clock()), attribution);
  });

  const sources = new Set(linkers.map((l) => l.sourceId.toLowerCase()));
  return {
    results,
    stats: {
      ...stats,
      connections: linkers.length,
      distinctSources: sources.size,
      distinctResources: plan.resourceIds.length,
      armCalls: armCallsOf(stats),
      stepVerifications,
      retriesUsed: budget.retriesUsed,
      attributionQueries: attributionCount,
      wallMs: Date.now() - t0,
    },
  };
}

/** The goal bound for a run: distinct sources + ⌈resources/1000⌉ (+ role-assignment and listKeys calls, reported apart). */
export function callBound(stats: Pick<RevalidationStats, "distinctSources" | "distinctResources">): number {
  return stats.distinctSources + Math.ceil(stats.distinctResources / 1000);
}
