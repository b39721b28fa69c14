// The fault matrix (issue #15 part 1): every configuration step and linkwright's record of the connection × every
// fault kind × every scenario (./cases.ts). Each cell starts from the same world, puts one fault on the step's request,
// runs the operation, and must end either
//   fully applied: the operation Succeeded, the linker Succeeded (a delete: gone), and the world shaped as a fault-free
//                  run of the same operation left it — one role assignment, one secret version per write (./state.ts);
//   rolled back:   the operation Failed, the linker Failed with an error naming the step, and the world byte-identical
//                  to the cell's start (but for stamps every write renews).
// A delete cannot be rolled back byte for byte (what it removed comes back as a new principal, a new secret version):
// a delete that fails must say DeleteIncomplete naming the step, keep the linker (Failed), and a repeated delete must
// finish the job to the fault-free delete's world.
// Fault kinds: a 4xx and a 503 that persist (the step fails before any effect), an answer lost after the effect
// (the connection dropped: the SDK retries), 429 with Retry-After, 500 twice then success, and an answer slower than
// linkwright's request timeout (./env.ts). Transient kinds the SDKs retry (429, 500 twice) must end applied; the
// persistent ones rolled back; a lost or late answer either.
//   runFaultMatrix({ sample?, seed?, only?, log? }) → { cells, ms }   (the chaos runner's entry point)
//   matrixTable(cells) → the table of cells passed / total per step × fault
import type { FaultEnv } from "./env.js";
import { DATABASE_TIMEOUT_MS, SLOW_ANSWER_MS, startFaultEnv } from "./env.js";
import { CASES, prepareBaseline, SCENARIOS, STEP_ROWS, type Case, type Scenario, type StepRow, type Target } from "./cases.js";
import { baselineOf, journalEntries, resetTo, shapeDiff, shapeOf, worldDiff, worldOf, type Baseline } from "./state.js";
import type { Outcome } from "./operations.js";
import type { FaultRule } from "../../../sandbox/arm/core/control.js";
import type { StatementFaultRule } from "../../../sandbox/databases/faults.js";
import { prng } from "../../../bench/support/prng.js";

export const FAULT_KINDS = ["4xx", "5xx", "lost", "429", "500x2", "timeout"] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface Cell {
  step: StepRow;
  fault: FaultKind;
  scenario: Scenario;
  ok: boolean;
  /** How it ended ("applied", "rolled back") or what is wrong. */
  detail: string;
  /** The case (operation) that ran. */
  case: string;
  ms: number;
}

/** Which ends a fault kind allows. */
function allowedEnds(kind: FaultKind): ("applied" | "rolledBack")[] {
  if (kind === "4xx" || kind === "5xx") return ["rolledBack"];
  // Transient refusals are retried — the SDKs' retry policies; a database's "not now" codes by linkwright's executor.
  if (kind === "429" || kind === "500x2") return ["applied"];
  return ["applied", "rolledBack"];
}

type DatabaseFault = Omit<StatementFaultRule, "id" | "hits" | "sql" | "server">;
type RequestFault = Omit<FaultRule, "id" | "hits" | "method" | "path" | "plane" | "body">;

/** Puts a fault on a target (ARM, a data plane, the table service, a database statement), as the emulator that
 *  serves it takes it; returns how often it has been hit. */
export function injectFault(env: FaultEnv, target: Target & { body?: string }, fault: { database: DatabaseFault; request: RequestFault }): () => number {
  if (target.plane === "database") {
    const faults = env.databases.emulators.faults;
    const rule = faults.add({ sql: target.sql, ...fault.database });
    return () => faults.rules.find((r) => r.id === rule.id)?.hits ?? 0;
  }
  const spec = { method: target.method, path: target.path, ...(target.body ? { body: target.body } : {}), ...fault.request };
  if (target.plane === "table") {
    const rule = env.tables.addFault(spec);
    return () => env.tables.rules().find((r) => r.id === rule.id)?.hits ?? 0;
  }
  const rule = env.arm.control.addFault({ ...spec, ...(target.plane === "arm" ? {} : { plane: `^${target.plane}:` }) });
  return () => env.arm.control.rules().faults.find((r) => r.id === rule.id)?.hits ?? 0;
}

/** The fault of a kind on a target. */
function addFault(env: FaultEnv, kind: FaultKind, target: Target): () => number {
  return injectFault(env, target, {
    database: kind === "4xx" ? { mode: "error", code: "42501", message: "permission denied (injected)", times: -1 }
      : kind === "5xx" ? { mode: "error", code: "XX000", message: "internal error (injected)", times: -1 }
      : kind === "lost" ? { mode: "lost" }
      : kind === "429" ? { mode: "error", code: "53300", message: "sorry, too many clients already (injected)", times: 2 }
      : kind === "500x2" ? { mode: "error", code: "57P03", message: "the database system is starting up (injected)", times: 2 }
      : { mode: "slow", delayMs: DATABASE_TIMEOUT_MS * 2 },
    request: kind === "4xx" ? { status: 400, code: "InjectedFailure", message: "Injected 400: refused before any effect.", times: -1 }
      : kind === "5xx" ? { status: 503, code: "ServiceUnavailable", message: "Injected 503 that persists.", retryAfter: 1, times: -1 }
      : kind === "lost" ? { mode: "lost" }
      : kind === "429" ? { status: 429, retryAfter: 1, times: 2 }
      : kind === "500x2" ? { status: 500, times: 2 }
      : { mode: "slow", delayMs: SLOW_ANSWER_MS },
  });
}

export interface Reference {
  outcome: Outcome;
  shape: string[];
  /** Why the fault-free run is no reference (it failed, or left a connection that does not validate). */
  broken?: string;
}

export interface MatrixOptions {
  /** Run these cells ("scenario/step/fault"), and with `sample` that many more; default every cell. */
  cells?: string[];
  /** Run this many cells, drawn with the seed (stratified over fault kinds); default every cell. */
  sample?: number;
  seed?: number;
  /** Only cells whose "scenario/step/fault" matches. */
  only?: RegExp;
  log?: (line: string) => void;
  /** A running environment (default: one is started and stopped). */
  env?: FaultEnv;
}

export interface MatrixResult {
  cells: Cell[];
  ms: number;
}

/** Every cell of the matrix: each step's case in each scenario, × every fault kind. */
export function allCells(): { c: Case; step: StepRow; fault: FaultKind }[] {
  const out: { c: Case; step: StepRow; fault: FaultKind }[] = [];
  for (const scenario of SCENARIOS) {
    for (const step of STEP_ROWS) {
      const c = CASES.find((x) => x.scenario === scenario && x.targets[step]);
      if (c) for (const fault of FAULT_KINDS) out.push({ c, step, fault });
    }
  }
  return out;
}

const cellName = (x: { c: Case; step: StepRow; fault: FaultKind }) => `${x.c.scenario}/${x.step}/${x.fault}`;

/** `n` cells drawn with the seed: every fault kind in turn, from a shuffled list, from at most `maxCases` operations
 *  besides those in `cases` (whose fault-free reference runs anyway). */
export function sampleCells(cells: ReturnType<typeof allCells>, n: number, seed: number, maxCases = 4, given = new Set<string>()): ReturnType<typeof allCells> {
  const random = prng(seed);
  const shuffled = cells.map((x) => [random(), x] as const).sort((a, b) => a[0] - b[0]).map(([, x]) => x);
  const cases = new Set<string>();
  const out: ReturnType<typeof allCells> = [];
  for (let round = 0; out.length < n && round < cells.length; round++) {
    for (const kind of FAULT_KINDS) {
      if (out.length >= n) break;
      const pick = shuffled.find((x) => x.fault === kind && !out.includes(x) && (given.has(x.c.id) || cases.has(x.c.id) || cases.size < maxCases));
      if (!pick) continue;
      if (!given.has(pick.c.id)) cases.add(pick.c.id);
      out.push(pick);
    }
  }
  return out;
}

/** The cells a run takes: those matching `only`; with `cells`, those named (an unknown name throws), plus — with
 *  `sample` — what `sampler` draws from the rest; with neither, all. */
export function chooseCells<T>(all: T[], name: (x: T) => string, options: Pick<MatrixOptions, "cells" | "sample" | "only">,
  sampler: (rest: T[], pinned: T[]) => T[]): T[] {
  const todo = options.only ? all.filter((x) => options.only!.test(name(x))) : all;
  const pinned = todo.filter((x) => options.cells?.includes(name(x)));
  const unknown = (options.cells ?? []).filter((n) => !pinned.some((x) => name(x) === n));
  if (unknown.length) throw new Error(`no such cells: ${unknown.join(", ")}`);
  if (options.sample !== undefined) return [...pinned, ...sampler(todo.filter((x) => !pinned.includes(x)), pinned)];
  return options.cells ? pinned : todo;
}

export async function runFaultMatrix(options: MatrixOptions = {}): Promise<MatrixResult> {
  const started = performance.now();
  const log = options.log ?? (() => undefined);
  const env = options.env ?? await startFaultEnv();
  try {
    await prepareBaseline(env);
    const baseline = baselineOf(env);
    const todo = chooseCells(allCells(), cellName, options, (rest, pinned) =>
      sampleCells(rest, options.sample!, options.seed ?? 15, 4, new Set(pinned.map((x) => x.c.id))));
    const references = new Map<string, Reference>();
    const cells: Cell[] = [];
    for (const x of todo) {
      let reference = references.get(x.c.id);
      if (!reference) {
        reference = await referenceRun(env, baseline, x.c);
        references.set(x.c.id, reference);
        log(`reference ${x.c.id}: ${reference.broken ?? reference.outcome.status}`);
      }
      const cell = await runCell(env, baseline, x.c, x.step, x.fault, reference);
      cells.push(cell);
      log(`${cell.ok ? "ok  " : "FAIL"} ${cell.scenario}/${cell.step}/${cell.fault} (${x.c.id}, ${(cell.ms / 1000).toFixed(1)} s): ${cell.detail}`);
    }
    return { cells, ms: performance.now() - started };
  } finally {
    if (!options.env) await env.stop();
  }
}

/** The operation without a fault: it must succeed and (but for a delete) leave a connection that validates. */
export async function referenceRun(env: FaultEnv, baseline: Baseline, c: Case): Promise<Reference> {
  await resetTo(env, baseline);
  await c.prepare(env);
  const outcome = await c.operate(env, () => undefined);
  const shape = shapeOf(worldOf(env), baseline.world);
  if (outcome.status !== "Succeeded") return { outcome, shape, broken: `the fault-free run failed: ${outcome.status} ${JSON.stringify(outcome.error)?.slice(0, 300)}` };
  if (c.scenario !== "delete") {
    const { source, name } = c.linker(env);
    const validated = await env.client.linker.beginValidateAndWait(source, name);
    const failing = (validated.validationDetail ?? []).filter((d) => d.result === "failure");
    if (!validated.isConnectionAvailable || failing.length) {
      return { outcome, shape, broken: `the fault-free run left a connection that does not validate: ${failing.map((f) => `${f.name}: ${f.errorCode} ${f.errorMessage}`).join("; ").slice(0, 400)}` };
    }
  }
  return { outcome, shape };
}

async function runCell(env: FaultEnv, baseline: Baseline, c: Case, step: StepRow, fault: FaultKind, reference: Reference): Promise<Cell> {
  const t = performance.now();
  const target = c.targets[step]!;
  const cell = (ok: boolean, detail: string): Cell => ({ step, fault, scenario: c.scenario, ok, detail, case: c.id, ms: performance.now() - t });
  if (reference.broken) return cell(false, `no reference: ${reference.broken}`);
  try {
    await resetTo(env, baseline);
    await c.prepare(env);
    const start = worldOf(env);
    const later = target.plane === "table" && target.whenAccepted;
    let hits = later ? () => 0 : addFault(env, fault, target);
    const outcome = await c.operate(env, () => { if (later) hits = addFault(env, fault, target); });
    const hit = hits();
    clearFaults(env);
    const after = worldOf(env);
    // Every operation of the cell has ended: none may leave write-ahead entries behind (the record activity clears them).
    const entries = await journalEntries(env);
    if (entries > 0) return cell(false, `${outcome.status}, but ${entries} write-ahead journal entries were left behind`);
    const ends = allowedEnds(fault);
    if (hit === 0) return cell(false, `the fault was never hit (outcome ${outcome.status})`);
    const linkerState = outcome.linker?.properties?.provisioningState;
    if (outcome.status === "Succeeded") {
      if (!ends.includes("applied")) return cell(false, `Succeeded although the fault persisted (hit ${hit}×)`);
      const problems = shapeDiff(reference.shape, shapeOf(after, baseline.world));
      if (problems.length) return cell(false, `Succeeded, but the world is not as a fault-free run left it: ${problems.slice(0, 6).join(" | ")}`);
      if (c.scenario === "delete" ? outcome.linker !== undefined : linkerState !== "Succeeded") {
        return cell(false, `Succeeded, but the linker is ${outcome.linker ? linkerState : "gone"}`);
      }
      return cell(true, `applied (fault hit ${hit}×)`);
    }
    if (outcome.status === "Failed" && c.scenario === "delete") {
      // A delete is not rolled back (what it removed cannot be put back byte for byte: a new principal, a new secret
      // version): it reports what it could not undo, keeps it recorded, and a repeated delete finishes the job.
      const errorText = `${outcome.error?.code}: ${outcome.error?.message}`;
      if (!ends.includes("rolledBack")) return cell(false, `Failed (${errorText.slice(0, 300)}) although the fault was transient`);
      if (linkerState !== "Failed") return cell(false, `delete Failed, but the linker is ${outcome.linker ? linkerState : "gone"} (${errorText.slice(0, 200)})`);
      if (outcome.error?.code !== "DeleteIncomplete" || !mentionsStep(outcome.error.message ?? "", step)) return cell(false, `delete Failed without naming the step: ${errorText.slice(0, 300)}`);
      const again = await c.operate(env, () => undefined);
      if (again.status !== "Succeeded" || again.linker !== undefined) return cell(false, `delete Failed (${outcome.error.code}), and repeating it: ${again.status} ${JSON.stringify(again.error)?.slice(0, 200)}`);
      const left = shapeDiff(reference.shape, shapeOf(worldOf(env), baseline.world));
      if (left.length) return cell(false, `delete Failed, repeated it Succeeded, but the world is not as a fault-free delete left it: ${left.slice(0, 6).join(" | ")}`);
      return cell(true, `incomplete (${outcome.error.code}), finished by a repeated delete`);
    }
    if (outcome.status === "Failed") {
      const errorText = `${outcome.error?.code}: ${outcome.error?.message}`;
      if (!ends.includes("rolledBack")) return cell(false, `Failed (${errorText.slice(0, 300)}) although the fault was transient`);
      const problems = worldDiff(start, after);
      if (problems.length) return cell(false, `Failed (${errorText.slice(0, 200)}), but not rolled back: ${problems.slice(0, 6).join(" | ")}`);
      // A fault that persists on linkwright's record of the linker keeps the linker as it was accepted: it can only
      // not claim success.
      const linkerOk = step === "record" ? outcome.linker !== undefined && linkerState !== "Succeeded" : linkerState === "Failed";
      if (!linkerOk) return cell(false, `rolled back, but the linker is ${outcome.linker ? linkerState : "gone"} (${errorText.slice(0, 200)})`);
      if (!outcome.error?.code || !mentionsStep(outcome.error.message ?? "", step)) return cell(false, `rolled back, but the error does not name the step: ${errorText.slice(0, 300)}`);
      return cell(true, `rolled back (${outcome.error.code})`);
    }
    return cell(false, `${outcome.status}: ${JSON.stringify(outcome.error)?.slice(0, 300)}`);
  } catch (e) {
    clearFaults(env);
    return cell(false, `harness error: ${(e as Error).stack?.split("\n").slice(0, 3).join(" ")}`);
  }
}

export function mentionsStep(message: string, step: StepRow): boolean {
  return step === "record" ? /record/i.test(message) : message.includes(step);
}

export function clearFaults(env: FaultEnv): void {
  env.arm.control.clearRules();
  env.tables.clearRules();
  env.databases.emulators.faults.clear();
}

/** The matrix as a table: one row per step, one column per fault kind, cells passed / total over the scenarios. */
export function matrixTable(cells: Cell[]): string {
  const head = `| step | ${FAULT_KINDS.join(" | ")} | all |`;
  const rule = `|${"---|".repeat(FAULT_KINDS.length + 2)}`;
  const frac = (xs: Cell[]) => (xs.length ? `${xs.filter((x) => x.ok).length}/${xs.length}` : "–");
  const rows = STEP_ROWS.map((step) => {
    const mine = cells.filter((x) => x.step === step);
    return `| ${step} | ${FAULT_KINDS.map((k) => frac(mine.filter((x) => x.fault === k))).join(" | ")} | ${frac(mine)} |`;
  });
  const total = `| **all** | ${FAULT_KINDS.map((k) => frac(cells.filter((x) => x.fault === k))).join(" | ")} | **${frac(cells)}** |`;
  const scenarios = SCENARIOS.map((s) => `${s} ${frac(cells.filter((x) => x.scenario === s))}`).join(", ");
  return [head, rule, ...rows, total, "", `by scenario: ${scenarios}`].join("\n");
}
