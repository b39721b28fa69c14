// Kill and resume in CI (test/chaos/faults/kill.ts): the cells that found a defect (each failed before its fix), plus
// a seeded sample of the rest (KILL_SEED, KILL_SAMPLE) — the dev host SIGKILLed after a step's write, restarted, the
// operation completed (its delete then undoing it exactly) or compensated.
// Every cell: `NODE_EXTRA_CA_CERTS=.sandbox/certs/ca.pem npx tsx test/chaos/faults/main.ts kill` (or npm run chaos).
import { describe, expect, it } from "vitest";
import { killTable, runKillMatrix } from "./kill.js";

/** One cell per defect kill-and-resume found in the product (the fix is in the commit that added the cell here). */
const KILL_REGRESSION_CELLS = [
  "create/configuration", // the resumed run recorded no change: a delete left the settings (every step: the write-ahead journal)
  "create/databaseUser", // the resumed run found the user and left it ungranted
  "update/databaseUser", // the resumed undo's REVOKEs failed on the role the killed run had dropped
];

const seed = Number(process.env.KILL_SEED ?? 15);
const sample = Number(process.env.KILL_SAMPLE ?? 1);

describe("kill and resume (CI sample)", () => {
  it(`every regression cell and ${sample} sampled cell(s) (seed ${seed}) resume and complete or compensate`, async () => {
    const result = await runKillMatrix({ cells: KILL_REGRESSION_CELLS, sample, seed, log: (line) => process.stderr.write(`${line}\n`) });
    console.log(`${killTable(result.cells)}\nkill_resume_ci: ${result.cells.filter((c) => c.ok).length}/${result.cells.length} cells in ${(result.ms / 1000).toFixed(1)} s`);
    expect(result.cells.length).toBe(KILL_REGRESSION_CELLS.length + sample);
    expect(result.cells.filter((c) => !c.ok).map((c) => `${c.scenario}/${c.step}: ${c.detail}`)).toEqual([]);
  }, 240_000);
});
