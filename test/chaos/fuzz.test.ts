// The CI sample of the chaos fuzz (issue #15): 2,000 seeded requests across every dimension (test/chaos/requests.ts)
// through the real router, store and authenticator; `npm run chaos` runs the full 10,000 (test/chaos/run.ts).
// CHAOS_SEED replays another seed; a failure names each violating request, and `npm run chaos -- fuzz --only <index>`
// (same seed) replays one with its full exchange.
import { describe, expect, inject, it } from "vitest";
import { fuzzFigures, runFuzz } from "./fuzz.js";
import { DIMENSIONS } from "./requests.js";

const SEED = Number(process.env.CHAOS_SEED ?? 20260515);
const REQUESTS = 2_000;

describe(`chaos fuzz: ${REQUESTS} requests, seed ${SEED}`, () => {
  it("answers no 5xx, every error in the ARM envelope, and changes nothing for a refused request or a GET", async () => {
    const report = await runFuzz({ seed: SEED, requests: REQUESTS, connectionString: inject("azurite").connectionString });
    console.log(fuzzFigures(report).join("\n"));
    expect(report.violations.map((v) => `#${v.index} ${v.dimension}/${v.cell} ${v.kind}: ${v.detail}\n  ${v.request}`)).toEqual([]);
    expect(report.requests).toBe(REQUESTS);
    // Not vacuous: every dimension was drawn, and the sample both changed state and was refused.
    expect(new Set(report.cells.map((c) => c.dimension))).toEqual(new Set(DIMENSIONS));
    for (const status of [200, 201, 202, 204, 400, 401, 403, 404, 405, 409]) expect(report.byStatus[status] ?? 0).toBeGreaterThan(0);
  }, 300_000);
});
