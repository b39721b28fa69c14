// `NODE_EXTRA_CA_CERTS=.sandbox/certs/ca.pem tsx test/chaos/faults/main.ts [--only <regex>] [--sample <n>] [--seed <n>]`:
// runs the fault matrix (every cell, or those matching scenario/step/fault, or a seeded sample), one line per cell on
// stderr, then prints the table of cells passed / total per step × fault and the failing cells.
import { matrixTable, runFaultMatrix } from "./matrix.js";

// The app runs in this process and logs with console.info: that goes to stderr with the cells, the table to stdout.
console.info = (...args: unknown[]) => { process.stderr.write(`${args.map(String).join(" ")}\n`); };

const args = process.argv.slice(2);
const value = (flag: string) => { const i = args.indexOf(flag); return i >= 0 ? args[i + 1] : undefined; };
const only = value("--only");
const sample = value("--sample");
const seed = value("--seed");

const result = await runFaultMatrix({
  ...(only ? { only: new RegExp(only) } : {}),
  ...(sample ? { sample: Number(sample) } : {}),
  ...(seed ? { seed: Number(seed) } : {}),
  log: (line) => process.stderr.write(`${line}\n`),
});
console.log(matrixTable(result.cells));
const failed = result.cells.filter((c) => !c.ok);
for (const c of failed) console.log(`FAIL ${c.scenario}/${c.step}/${c.fault} (${c.case}): ${c.detail}`);
console.log(`fault_matrix_cells: ${result.cells.filter((c) => c.ok).length}/${result.cells.length} in ${(result.ms / 1000).toFixed(0)} s`);
process.exit(failed.length ? 1 : 0);
