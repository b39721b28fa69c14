// Kill and resume (issue #15 part 2): the real function app runs in the dev host as its own process; each cell holds
// the answer to one step's write (the write has taken effect: ARM, a data plane, a database statement, or
// linkwright's record of the linker), SIGKILLs the host while the activity waits for it — after the write, before its
// result is recorded in the saga's history — and starts the host again on the same port, Azurite state and settings.
// The saga must resume from its history and run the interrupted activity again. Each cell must end
//   completed:   the operation Succeeded and the world shaped exactly as a fault-free run left it (the re-run wrote
//                nothing twice: one role assignment, one secret version per write), and — but for a delete — deleting
//                the connection afterwards leaves the world as a fault-free create and delete did (what the re-run
//                recorded as the connection's prior is the prior of the first run, not what the first run wrote);
//   compensated: the operation Failed naming the step, and the world byte-identical to the cell's start (a delete:
//                DeleteIncomplete, finished by a repeated delete);
// never InProgress past the deadline, and the operation's status and the linker's state agreeing.
// "rollback" cells kill the host during a compensation instead: a create whose settings write is refused (400, every
// time) is being rolled back when the answer to one step's undo (or to the record of the failure) is held and the host
// killed; the resumed saga must finish the rollback — Failed naming configuration, the world byte-identical to the
// cell's start.
//   runKillMatrix({ cells?, sample?, seed?, only?, log?, env? }) → { cells, ms }   killTable(cells)
import type { FaultEnv } from "./env.js";
import { startFaultEnv } from "./env.js";
import { CASES, prepareBaseline, STEP_ROWS, type Case, type StepRow, type Target } from "./cases.js";
import { baselineOf, journalEntries, resetTo, shapeDiff, shapeOf, worldDiff, worldOf, type Baseline } from "./state.js";
import { chooseCells, clearFaults, injectFault, mentionsStep, referenceRun, type MatrixOptions, type Reference } from "./matrix.js";
import { prng } from "../../../bench/support/prng.js";
import { deleteLinker, type Outcome } from "./operations.js";

/** The scenarios killed (auto-heal starts through the queue trigger, which the host process does not run), and the
 *  rollback of a failed create. */
export const KILL_SCENARIOS = ["create", "secret", "update", "delete", "rollback"] as const;
export type KillScenario = (typeof KILL_SCENARIOS)[number];

/** How long the held answer would wait: far past the kill. */
const HOLD_MS = 10 * 60_000;
/** How long a step may take to reach its write. */
const REACH_DEADLINE_MS = 60_000;

export interface KillCell {
  scenario: KillScenario;
  step: StepRow;
  case: string;
  ok: boolean;
  detail: string;
  /** From the kill to the restarted host listening. */
  restartMs: number;
  /** From the restarted host listening to the operation's end. */
  resumeMs: number;
  ms: number;
}

/** As the matrix's options; cells are named "scenario/step", and a sample is drawn from a seeded shuffle. */
export type KillOptions = MatrixOptions;

type KillTarget = {
  c: Case;
  step: StepRow;
  scenario: KillScenario;
  /** The write whose answer is held (default: the case's target for the step). */
  hold?: Target & { body?: string };
  /** A rollback: the request refused every time, so the operation is rolled back. */
  refuse?: Target;
};
const cellName = (x: KillTarget) => `${x.scenario}/${x.step}`;

/** The create the rollback cells fail: the function app → blob with its system identity, the settings write refused. */
const ROLLBACK_CASE = "create/blob";
const SETTINGS_REFUSED: Target = { plane: "arm", method: "PUT", path: "/providers/Microsoft\\.Web/sites/lw-demo-func/config/appsettings$" };
/** The compensations held in the rollback cells: the identity turned off again, the role assignment deleted, the
 *  firewall's rules taken off again, and the failure recorded on the linker. */
const ROLLBACK_HOLDS: Partial<Record<StepRow, Target & { body?: string }>> = {
  identity: { plane: "arm", method: "PATCH", path: "/providers/Microsoft\\.Web/sites/lw-demo-func$", body: '"type":\\s*"None"' },
  roleAssignment: { plane: "arm", method: "DELETE", path: "/providers/Microsoft\\.Authorization/roleAssignments/[0-9a-f-]+$" },
  // The baseline's firewall has no IP rules: only the undo writes an empty list (the apply writes the source's IPs).
  firewall: { plane: "arm", method: "PATCH", path: "/providers/Microsoft\\.Storage/storageAccounts/lwdemostorage$", body: '"ipRules":\\s*\\[\\]' },
  record: { plane: "table", method: "PUT", path: "/lwfaultslinkers\\(", body: '"provisioningState":"Failed"' },
};

/** Every cell: each step's case in each killed scenario (a target put on only once the operation was accepted is a
 *  heal's record, not in these scenarios). */
export function killCells(): KillTarget[] {
  const out: KillTarget[] = [];
  for (const scenario of KILL_SCENARIOS) {
    for (const step of STEP_ROWS) {
      if (scenario === "rollback") {
        const hold = ROLLBACK_HOLDS[step];
        if (hold) out.push({ c: CASES.find((x) => x.id === ROLLBACK_CASE)!, step, scenario, hold, refuse: SETTINGS_REFUSED });
        continue;
      }
      const c = CASES.find((x) => x.scenario === scenario && x.targets[step]);
      if (c) out.push({ c, step, scenario });
    }
  }
  return out;
}

/** Holds the answer to the step's write (applied at once, answered HOLD_MS late); returns how often it was hit. */
const holdAnswer = (env: FaultEnv, target: Target & { body?: string }) =>
  injectFault(env, target, { database: { mode: "slow", delayMs: HOLD_MS }, request: { mode: "slow", delayMs: HOLD_MS } });

export async function runKillMatrix(options: KillOptions = {}): Promise<{ cells: KillCell[]; ms: number }> {
  const started = performance.now();
  const log = options.log ?? (() => undefined);
  const env = options.env ?? await startFaultEnv({ hostProcess: true });
  if (!env.hostProcess) throw new Error("kill-and-resume needs the host as its own process: startFaultEnv({ hostProcess: true })");
  try {
    await prepareBaseline(env);
    const baseline = baselineOf(env);
    const random = prng(options.seed ?? 15);
    const todo = chooseCells(killCells(), cellName, options, (rest) =>
      rest.map((x) => [random(), x] as const).sort((a, b) => a[0] - b[0]).map(([, x]) => x).slice(0, options.sample));
    const references = new Map<string, { run: Reference; afterDelete?: string[] }>();
    const cells: KillCell[] = [];
    for (const x of todo) {
      let reference = references.get(x.c.id);
      if (!reference) {
        reference = await referenceOf(env, baseline, x.c);
        references.set(x.c.id, reference);
        log(`reference ${x.c.id}: ${reference.run.broken ?? reference.run.outcome.status}`);
      }
      const cell = await killCell(env, baseline, x, reference);
      cells.push(cell);
      log(`${cell.ok ? "ok  " : "FAIL"} kill ${cell.scenario}/${cell.step} (${x.c.id}, restart ${cell.restartMs.toFixed(0)} ms, resumed in ${(cell.resumeMs / 1000).toFixed(1)} s): ${cell.detail}`);
    }
    return { cells, ms: performance.now() - started };
  } finally {
    if (!options.env) await env.stop();
  }
}

/** The fault-free run, and (but for a delete) the world a fault-free delete of its connection leaves. */
async function referenceOf(env: FaultEnv, baseline: Baseline, c: Case): Promise<{ run: Reference; afterDelete?: string[] }> {
  const run = await referenceRun(env, baseline, c);
  if (run.broken || c.scenario === "delete") return { run };
  const { source, name } = c.linker(env);
  const deleted = await deleteLinker(env, source, name);
  if (deleted.status !== "Succeeded") return { run: { ...run, broken: `the fault-free delete after it failed: ${deleted.status} ${JSON.stringify(deleted.error)?.slice(0, 200)}` } };
  return { run, afterDelete: shapeOf(worldOf(env), baseline.world) };
}

async function killCell(env: FaultEnv, baseline: Baseline, x: KillTarget, reference: { run: Reference; afterDelete?: string[] }): Promise<KillCell> {
  const { c, step } = x;
  const t = performance.now();
  const host = env.hostProcess!;
  let restartMs = 0;
  let resumeMs = 0;
  const cell = (ok: boolean, detail: string): KillCell => ({ scenario: x.scenario, step, case: c.id, ok, detail, restartMs, resumeMs, ms: performance.now() - t });
  if (reference.run.broken) return cell(false, `no reference: ${reference.run.broken}`);
  const target = x.hold ?? c.targets[step]!;
  try {
    await resetTo(env, baseline);
    await c.prepare(env);
    const start = worldOf(env);
    if (x.refuse) injectFault(env, x.refuse, { database: { mode: "error", times: -1 }, request: { status: 400, code: "InjectedFailure", message: "Injected 400: refused before any effect.", times: -1 } });
    const hits = holdAnswer(env, target);
    let ended: Outcome | undefined;
    const operation = c.operate(env, () => undefined).then((o) => (ended = o));
    const deadline = Date.now() + REACH_DEADLINE_MS;
    while (hits() === 0 && !ended && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    if (hits() === 0) {
      clearFaults(env);
      await operation;
      return cell(false, `the step's write was never reached (operation ${ended?.status ?? "still running"})`);
    }
    // The held request has taken effect (the emulators apply it before holding the answer); give the handler a moment
    // to finish its write, then kill the host while the activity waits for the answer.
    await new Promise((r) => setTimeout(r, 250));
    const killedAt = performance.now();
    await host.kill();
    clearFaults(env);
    await host.restart();
    const restarted = performance.now();
    restartMs = restarted - killedAt;
    const outcome = await operation;
    resumeMs = performance.now() - restarted;
    const judged = x.refuse ? rolledBack(env, start, outcome, cell) : await judge(env, baseline, c, step, start, outcome, reference, cell);
    // Every operation of the cell has ended: none may leave write-ahead entries behind (the record activity clears them).
    const left = await journalEntries(env);
    return judged.ok && left > 0 ? cell(false, `${judged.detail}, but ${left} write-ahead journal entries were left behind`) : judged;
  } catch (e) {
    clearFaults(env);
    return cell(false, `harness error: ${(e as Error).stack?.split("\n").slice(0, 3).join(" ")}`);
  }
}

/** A rollback cell: the create Failed naming the refused step, and the world is byte-identical to the cell's start. */
function rolledBack(env: FaultEnv, start: ReturnType<typeof worldOf>, outcome: Outcome, cell: (ok: boolean, detail: string) => KillCell): KillCell {
  const errorText = `${outcome.error?.code}: ${outcome.error?.message}`;
  if (outcome.status !== "Failed") return cell(false, `the create should have failed (its settings write was refused): ${outcome.status} ${errorText.slice(0, 200)}`);
  const problems = worldDiff(start, worldOf(env));
  if (problems.length) return cell(false, `resumed and Failed (${errorText.slice(0, 200)}), but not rolled back: ${problems.slice(0, 6).join(" | ")}`);
  const linkerState = outcome.linker?.properties?.provisioningState;
  if (linkerState !== "Failed") return cell(false, `rolled back, but the linker is ${outcome.linker ? linkerState : "gone"} (${errorText.slice(0, 200)})`);
  if (!mentionsStep(outcome.error?.message ?? "", "configuration")) return cell(false, `rolled back, but the error does not name the refused step: ${errorText.slice(0, 300)}`);
  return cell(true, `resumed the rollback, compensated (${outcome.error?.code})`);
}

async function judge(
  env: FaultEnv, baseline: Baseline, c: Case, step: StepRow, start: ReturnType<typeof worldOf>, outcome: Outcome,
  reference: { run: Reference; afterDelete?: string[] }, cell: (ok: boolean, detail: string) => KillCell,
): Promise<KillCell> {
  const linkerState = outcome.linker?.properties?.provisioningState;
  const errorText = `${outcome.error?.code}: ${outcome.error?.message}`;
  if (outcome.status === "Succeeded") {
    const problems = shapeDiff(reference.run.shape, shapeOf(worldOf(env), baseline.world));
    if (problems.length) return cell(false, `resumed and Succeeded, but the world is not as a fault-free run left it: ${problems.slice(0, 6).join(" | ")}`);
    if (c.scenario === "delete") {
      return outcome.linker === undefined ? cell(true, "resumed, completed") : cell(false, `the delete Succeeded, but the linker is still there (${linkerState})`);
    }
    if (linkerState !== "Succeeded") return cell(false, `the operation Succeeded, but the linker is ${outcome.linker ? linkerState : "gone"}`);
    // What the resumed run recorded must undo exactly what the operation changed.
    const { source, name } = c.linker(env);
    const deleted = await deleteLinker(env, source, name);
    if (deleted.status !== "Succeeded") return cell(false, `resumed and Succeeded, but deleting it then: ${deleted.status} ${JSON.stringify(deleted.error)?.slice(0, 200)}`);
    const left = shapeDiff(reference.afterDelete!, shapeOf(worldOf(env), baseline.world));
    if (left.length) return cell(false, `resumed and Succeeded, but deleting it then leaves the world unlike a fault-free create and delete: ${left.slice(0, 6).join(" | ")}`);
    return cell(true, "resumed, completed (and its delete undid it exactly)");
  }
  if (outcome.status === "Failed" && c.scenario === "delete") {
    if (linkerState !== "Failed") return cell(false, `delete Failed, but the linker is ${outcome.linker ? linkerState : "gone"} (${errorText.slice(0, 200)})`);
    if (outcome.error?.code !== "DeleteIncomplete" || !mentionsStep(outcome.error.message ?? "", step)) return cell(false, `delete Failed without naming the step: ${errorText.slice(0, 300)}`);
    const again = await c.operate(env, () => undefined);
    if (again.status !== "Succeeded" || again.linker !== undefined) return cell(false, `delete Failed, and repeating it: ${again.status} ${JSON.stringify(again.error)?.slice(0, 200)}`);
    const left = shapeDiff(reference.run.shape, shapeOf(worldOf(env), baseline.world));
    if (left.length) return cell(false, `delete Failed, repeated it Succeeded, but the world is not as a fault-free delete left it: ${left.slice(0, 6).join(" | ")}`);
    return cell(true, `resumed, incomplete (${outcome.error.code}), finished by a repeated delete`);
  }
  if (outcome.status === "Failed") {
    const problems = worldDiff(start, worldOf(env));
    if (problems.length) return cell(false, `resumed and Failed (${errorText.slice(0, 200)}), but not rolled back: ${problems.slice(0, 6).join(" | ")}`);
    if (linkerState !== "Failed") return cell(false, `rolled back, but the linker is ${outcome.linker ? linkerState : "gone"} (${errorText.slice(0, 200)})`);
    if (!mentionsStep(outcome.error?.message ?? "", step)) return cell(false, `rolled back, but the error does not name the step: ${errorText.slice(0, 300)}`);
    return cell(true, `resumed, compensated (${outcome.error?.code})`);
  }
  return cell(false, `${outcome.status}: ${JSON.stringify(outcome.error)?.slice(0, 300)}`);
}

/** Cells passed / total per step × scenario. */
export function killTable(cells: KillCell[]): string {
  const frac = (xs: KillCell[]) => (xs.length ? `${xs.filter((x) => x.ok).length}/${xs.length}` : "–");
  const head = `| step | ${KILL_SCENARIOS.join(" | ")} | all |`;
  const rule = `|${"---|".repeat(KILL_SCENARIOS.length + 2)}`;
  const rows = STEP_ROWS.map((step) => {
    const mine = cells.filter((x) => x.step === step);
    return `| ${step} | ${KILL_SCENARIOS.map((s) => frac(mine.filter((x) => x.scenario === s))).join(" | ")} | ${frac(mine)} |`;
  });
  const total = `| **all** | ${KILL_SCENARIOS.map((s) => frac(cells.filter((x) => x.scenario === s))).join(" | ")} | **${frac(cells)}** |`;
  return [head, rule, ...rows, total].join("\n");
}
