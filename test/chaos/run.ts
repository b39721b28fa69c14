// `npm run chaos` — the full chaos run of issue #15, one dimension after another, each printing its figures as
// `name: value` lines and its cells passed / total:
//   fuzz    ≥ 10,000 seeded requests against the front door (test/chaos/fuzz.ts)
//   storm   10,000 resource events in a minute through the Event Grid reactor (test/chaos/storm.ts)
//   scale   revalidation of 10,000 connections on 2,000 sources with injected ARM latency (bench/revalidate.ts)
//   creates 200 concurrent creates over 50 sources through the dev host (bench/concurrent-creates.ts)
//   faults  every step and the record × every fault kind × every scenario (test/chaos/faults)
//   kill    the dev host SIGKILLed after each step's write of a create, secret create, update and delete, and during
//           the rollback of a failed create, restarted (test/chaos/faults/kill.ts)
// `npm run chaos -- fuzz storm` runs some; CHAOS_SEED, CHAOS_REQUESTS, CHAOS_EVENTS, CHAOS_STORM_SECONDS size them;
// `npm run chaos -- fuzz --only 1234` replays fuzz request 1234 of the seed and prints the exchange.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ensureCertificates, DEFAULT_CERT_DIR } from "../../sandbox/arm/core/certs.js";
import { startAzurite } from "../../sandbox/azurite.js";
import { createTableStore } from "../../src/store/tableStore.js";
import { fuzzFigures, runFuzz } from "./fuzz.js";
import { runStorm, stormCells, stormFigures } from "./storm.js";

const args = process.argv.slice(2);
const onlyAt = args.indexOf("--only");
const only = onlyAt >= 0 ? Number(args[onlyAt + 1]) : undefined;
const wanted = args.filter((a, i) => !a.startsWith("--") && (onlyAt < 0 || i !== onlyAt + 1));
const want = (d: string) => wanted.length === 0 || wanted.includes(d);
const seed = Number(process.env.CHAOS_SEED ?? 20260515);

interface DimensionResult { name: string; cellsPassed: number; cells: number; seconds: number }
const results: DimensionResult[] = [];
const print = (line: string) => console.log(line);

async function fuzz(): Promise<void> {
  const azurite = await startAzurite();
  try {
    const requests = Number(process.env.CHAOS_REQUESTS ?? 10_000);
    console.log(`\n## fuzz (${requests} requests, seed ${seed})`);
    const report = await runFuzz({ seed, requests, connectionString: azurite.connectionString, ...(only !== undefined ? { only } : {}),
      log: only !== undefined ? print : (l) => process.stderr.write(`${l}\n`) });
    for (const line of fuzzFigures(report)) print(line);
    // One line per distinct finding (kind + cause, numbers and ids blurred), with its first request to replay.
    const findings = new Map<string, { count: number; first: (typeof report.violations)[number] }>();
    for (const v of report.violations) {
      const key = `${v.kind} ${v.detail.replace(/^\d+ \{.*?\}\} — /, "").replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, "<id>").replace(/\d+/g, "N").slice(0, 160)}`;
      const f = findings.get(key) ?? { count: 0, first: v };
      f.count++;
      findings.set(key, f);
    }
    for (const [key, f] of findings) {
      print(`  finding (${f.count}×, first #${f.first.index} ${f.first.dimension}/${f.first.cell}): ${key}\n    ${f.first.request.slice(0, 600)}`);
    }
    results.push({ name: "fuzz", cellsPassed: report.cells.filter((c) => c.failed === 0).length, cells: report.cells.length, seconds: report.ms / 1000 });
  } finally {
    await azurite.stop();
  }
}

async function storm(): Promise<void> {
  const azurite = await startAzurite();
  try {
    const events = Number(process.env.CHAOS_EVENTS ?? 10_000);
    const seconds = Number(process.env.CHAOS_STORM_SECONDS ?? 60);
    console.log(`\n## storm (${events} resource events in ${seconds} s, seed ${seed})`);
    const store = await createTableStore({ connectionString: azurite.connectionString, tablePrefix: "chaosstorm", allowInsecureConnection: true });
    const t = performance.now();
    const report = await runStorm({ seed, events, seconds, sources: 100, connectionsPerSource: 4, windowMs: 500, revalidateMs: 200, store,
      log: (l) => process.stderr.write(`${l}\n`) });
    for (const line of stormFigures(report)) print(line);
    const cells = stormCells(report);
    results.push({ name: "storm", cellsPassed: cells.filter((c) => c.passed).length, cells: cells.length, seconds: (performance.now() - t) / 1000 });
  } finally {
    await azurite.stop();
  }
}

/** Runs a bench script (its own process, the emulator's CA trusted) and returns its `name: value` figures. */
async function bench(script: string, env: Record<string, string>): Promise<{ ok: boolean; figures: Map<string, string> }> {
  const certs = await ensureCertificates(DEFAULT_CERT_DIR);
  const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../bench", script);
  const run = spawnSync(process.execPath, ["--import", "tsx", file], {
    env: { ...process.env, ...env, NODE_EXTRA_CA_CERTS: certs.caCertFile }, encoding: "utf8", maxBuffer: 64 * 2 ** 20,
  });
  const figures = new Map<string, string>();
  for (const line of run.stdout.split("\n")) {
    const m = /^([a-z_]+): (.*)$/.exec(line);
    if (m) { figures.set(m[1]!, m[2]!); print(line); }
  }
  if (run.status !== 0) print(`(${script} exited with ${run.status}: ${run.stderr.split("\n").filter(Boolean).slice(-3).join(" | ")})`);
  return { ok: run.status === 0, figures };
}

function benchResult(name: string, t: number, cells: boolean[]): void {
  results.push({ name, cellsPassed: cells.filter(Boolean).length, cells: cells.length, seconds: (performance.now() - t) / 1000 });
}

async function scale(): Promise<void> {
  const connections = process.env.CHAOS_SCALE_CONNECTIONS ?? "10000";
  const sources = process.env.CHAOS_SCALE_SOURCES ?? "2000";
  console.log(`\n## scale (revalidation of ${connections} connections on ${sources} sources, bench/revalidate.ts)`);
  const t = performance.now();
  const { ok, figures } = await bench("revalidate.ts", { BENCH_CONNECTIONS: connections, BENCH_SOURCES: sources });
  // Cells: the run completed with every connection Healthy, and ARM calls ≤ distinct sources + ⌈resources / 1000⌉.
  benchResult("scale", t, [ok, figures.get("revalidate_goal_met_including_role_assignments")?.startsWith("1") ?? false]);
}

async function creates(): Promise<void> {
  console.log("\n## concurrent creates (200 over 50 web apps through the dev host, bench/concurrent-creates.ts)");
  const t = performance.now();
  const { ok, figures } = await bench("concurrent-creates.ts", {});
  const n = (name: string) => Number(/^[\d.]+/.exec(figures.get(name) ?? "")?.[0] ?? Number.NaN);
  benchResult("creates", t, [
    ok && n("concurrent_creates_stuck") === 0,
    n("concurrent_creates_settings_lost") === 0,
    /ratio 1\.00\)/.test(figures.get("concurrent_creates_arm_writes") ?? ""),
  ]);
}

/** Runs a chaos script of test/chaos (its own process, the emulator's CA trusted), printing its stdout. */
async function script(file: string, args: string[]): Promise<{ ok: boolean; stdout: string }> {
  const certs = await ensureCertificates(DEFAULT_CERT_DIR);
  const run = spawnSync(process.execPath, ["--import", "tsx", path.resolve(path.dirname(fileURLToPath(import.meta.url)), file), ...args], {
    env: { ...process.env, NODE_EXTRA_CA_CERTS: certs.caCertFile }, encoding: "utf8", maxBuffer: 64 * 2 ** 20, stdio: ["ignore", "pipe", "inherit"],
  });
  process.stdout.write(run.stdout);
  if (run.status !== 0) print(`(${file} exited with ${run.status ?? run.signal})`);
  return { ok: run.status === 0, stdout: run.stdout };
}

/** Cells passed / total from a `name: N/M …` line. */
function cellsOf(stdout: string, name: string): { passed: number; total: number } | undefined {
  const m = new RegExp(`^${name}: (\\d+)/(\\d+)`, "m").exec(stdout);
  return m ? { passed: Number(m[1]), total: Number(m[2]) } : undefined;
}

// The fault matrix (test/chaos/faults): every step and the record × every fault kind × every scenario, each cell
// ending fully applied or rolled back byte for byte. CHAOS_FAULTS_SAMPLE=n runs a seeded sample of n cells.
async function faults(): Promise<void> {
  const sample = process.env.CHAOS_FAULTS_SAMPLE;
  console.log(`\n## faults (the fault matrix${sample ? `, a sample of ${sample} cells` : ", every cell"}, seed ${seed}; test/chaos/faults/main.ts)`);
  const t = performance.now();
  const { ok, stdout } = await script("faults/main.ts", ["--seed", String(seed), ...(sample ? ["--sample", sample] : [])]);
  const cells = cellsOf(stdout, "fault_matrix_cells") ?? { passed: 0, total: 1 };
  results.push({ name: "faults", cellsPassed: ok ? cells.passed : Math.min(cells.passed, cells.total - 1), cells: cells.total, seconds: (performance.now() - t) / 1000 });
}

// Kill and resume (test/chaos/faults/kill.ts): every step's write of each scenario, the host SIGKILLed while the
// activity waits for its answer, restarted on the same state; the operation completes or compensates.
async function kill(): Promise<void> {
  console.log(`\n## kill and resume (every step's write of create, secret, update, delete, and a rollback's undos; test/chaos/faults/main.ts kill)`);
  const t = performance.now();
  const { ok, stdout } = await script("faults/main.ts", ["kill"]);
  const cells = cellsOf(stdout, "kill_resume_cells") ?? { passed: 0, total: 1 };
  results.push({ name: "kill", cellsPassed: ok ? cells.passed : Math.min(cells.passed, cells.total - 1), cells: cells.total, seconds: (performance.now() - t) / 1000 });
}

const started = performance.now();
if (want("fuzz")) await fuzz();
if (want("storm")) await storm();
if (want("scale")) await scale();
if (want("creates")) await creates();
if (want("faults")) await faults();
if (want("kill")) await kill();

console.log("\n## summary");
for (const r of results) console.log(`chaos_${r.name}: ${r.cellsPassed}/${r.cells} cells passed (${r.seconds.toFixed(1)} s)`);
console.log(`chaos_wall_time: ${((performance.now() - started) / 1000).toFixed(1)} s`);
process.exit(results.every((r) => r.cellsPassed === r.cells) ? 0 : 1);
