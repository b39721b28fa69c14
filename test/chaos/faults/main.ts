// `NODE_EXTRA_CA_CERTS=.sandbox/certs/ca.pem tsx test/chaos/faults/main.ts [kill] [--only <regex>] [--sample <n>] [--seed <n>]`:
// runs the fault matrix (every cell, or those matching scenario/step/fault, or a seeded sample) — or, with `kill`,
// kill-and-resume (./kill.ts: cells scenario/step) — one line per cell on stderr, then prints the table of cells
// passed / total and the failing cells.
import { matrixTable, runFaultMatrix } from "./matrix.js";
import { killTable, runKillMatrix } from "./kill.js";

// The app runs in this process and logs with console.info: that goes to stderr with the cells, the table to stdout.
console.info = (...args: unknown[]) => { process.stderr.write(`${args.map(String).join(" ")}\n`); };

const args = process.argv.slice(2);
const value = (flag: string) => { const i = args.indexOf(flag); return i >= 0 ? args[i + 1] : undefined; };
const only = value("--only");
const sample = value("--sample");
const seed = value("--seed");
const options = {
  ...(only ? { only: new RegExp(only) } : {}),
  ...(sample ? { sample: Number(sample) } : {}),
  ...(seed ? { seed: Number(seed) } : {}),
  log: (line: string) => process.stderr.write(`${line}\n`),
};

if (args[0] === "kill") {
  const result = await runKillMatrix(options);
  console.log(killTable(result.cells));
  const failed = result.cells.filter((c) => !c.ok);
  for (const c of failed) console.log(`FAIL kill ${c.scenario}/${c.step} (${c.case}): ${c.detail}`);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  console.log(`kill_resume_restart_ms: median ${median(result.cells.map((c) => c.restartMs)).toFixed(0)}, max ${Math.max(0, ...result.cells.map((c) => c.restartMs)).toFixed(0)}`);
  console.log(`kill_resume_resume_s: median ${(median(result.cells.map((c) => c.resumeMs)) / 1000).toFixed(1)}, max ${(Math.max(0, ...result.cells.map((c) => c.resumeMs)) / 1000).toFixed(1)}`);
  console.log(`kill_resume_cells: ${result.cells.filter((c) => c.ok).length}/${result.cells.length} in ${(result.ms / 1000).toFixed(0)} s`);
  process.exit(failed.length ? 1 : 0);
}

const result = await runFaultMatrix(options);
console.log(matrixTable(result.cells));
const failed = result.cells.filter((c) => !c.ok);
for (const c of failed) console.log(`FAIL ${c.scenario}/${c.step}/${c.fault} (${c.case}): ${c.detail}`);
console.log(`fault_matrix_cells: ${result.cells.filter((c) => c.ok).length}/${result.cells.length} in ${(result.ms / 1000).toFixed(0)} s`);
process.exit(failed.length ? 1 : 0);
