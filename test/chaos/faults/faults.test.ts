// The fault matrix in CI (test/chaos/faults/matrix.ts): the cells that found a defect (each failed before its fix),
// plus a seeded sample of the rest (FAULT_MATRIX_SEED, FAULT_MATRIX_SAMPLE), every cell fully applied or rolled back.
// The whole matrix: `NODE_EXTRA_CA_CERTS=.sandbox/certs/ca.pem npx tsx test/chaos/faults/main.ts` (or npm run chaos).
import { describe, expect, it } from "vitest";
import { matrixTable, runFaultMatrix } from "./matrix.js";

/** One cell per defect the matrix found in the product (the fix is in the commit that added the cell here). */
const REGRESSION_CELLS = [
  "create/roleAssignment/timeout", // a timed-out write was not retried: its change was left behind
  "create/serviceEndpoint/4xx", // the subnet's service endpoint stayed when the target refused the rule
  "create/appConfiguration/lost", // a conditional key write whose answer was lost failed and stayed
  "secret/secretStore/lost", // a lost answer made the SDK write a second secret version
  "create/databaseUser/lost", // a CREATE whose answer was lost left an ungranted user behind
  "delete/secretStore/lost", // a lost delete answer left the secret soft-deleted, unpurged
  "update/serviceEndpoint/500x2", // (fault-free) an update took off the subnet endpoint the new target needs
  "create/record/4xx", // the linker could not be recorded: the operation stayed InProgress forever, nothing undone
  "delete/record/5xx", // the linker could not be removed: the delete's operation stayed InProgress forever
  "update/secretStore/4xx", // (fault-free) the previous secret in the same vault was never undone, nor tracked
  "update/firewall/4xx", // an undo the update could not do was only a warning: the old rule stayed, nobody's
  "update/databaseUser/4xx", // a refused DROP after its REVOKEs left the previous user without its grants
];

const seed = Number(process.env.FAULT_MATRIX_SEED ?? 15);
const sample = Number(process.env.FAULT_MATRIX_SAMPLE ?? 6);

describe("fault matrix (CI sample)", () => {
  it(`every regression cell and ${sample} sampled cells (seed ${seed}) end fully applied or rolled back`, async () => {
    const result = await runFaultMatrix({ cells: REGRESSION_CELLS, sample, seed, log: (line) => process.stderr.write(`${line}\n`) });
    console.log(`${matrixTable(result.cells)}\nfault_matrix_ci: ${result.cells.filter((c) => c.ok).length}/${result.cells.length} cells in ${(result.ms / 1000).toFixed(1)} s`);
    expect(result.cells.length).toBe(REGRESSION_CELLS.length + sample);
    expect(result.cells.filter((c) => !c.ok).map((c) => `${c.scenario}/${c.step}/${c.fault}: ${c.detail}`)).toEqual([]);
  }, 240_000);
});
