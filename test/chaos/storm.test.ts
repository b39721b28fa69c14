// The CI sample of the event storm (issue #15): 1,500 resource events in 3 s — duplicates, out of order, unknown
// resources, non-resource events — through the real reactor and dependency index on Azurite; `npm run chaos` runs
// 10,000 in a minute (test/chaos/run.ts).
import { describe, expect, inject, it } from "vitest";
import { createTableStore } from "../../src/store/tableStore.js";
import type { ConnectionStore } from "../../src/store/types.js";
import { runStorm, stormCells, stormFigures } from "./storm.js";

const SEED = Number(process.env.CHAOS_SEED ?? 20260515);
const store = (prefix: string) => createTableStore({ connectionString: inject("azurite").connectionString, tablePrefix: prefix, allowInsecureConnection: true });
const small = { seed: SEED, events: 1_500, seconds: 3, sources: 20, connectionsPerSource: 3, windowMs: 100, revalidateMs: 20 };

describe(`chaos storm: ${small.events} events in ${small.seconds} s, seed ${SEED}`, () => {
  it("revalidates exactly the affected connections, each at most once per window, none dropped, in bounded memory", async () => {
    const report = await runStorm({ ...small, store: await store("chaosstormci") });
    console.log(stormFigures(report).join("\n"));
    expect(stormCells(report).filter((c) => !c.passed)).toEqual([]);
    expect(report.bursts).toBeGreaterThan(3);
    expect(report.revalidations).toBeLessThan(report.events);
  }, 120_000);

  it("would see a dropped connection (the oracle is not vacuous)", async () => {
    const real = await store("chaosstormdrop");
    // An index that forgets the connections of one web app: events concerning them go unanswered.
    const forgetful: Pick<ConnectionStore, "dependencies" | "linkers"> = {
      linkers: real.linkers,
      dependencies: { ...real.dependencies,
        linkersDependingOn: async (id, kind) => (await real.dependencies.linkersDependingOn(id, kind)).filter((hit) => !/\/storm-app-3\//i.test(hit.linkerId)) },
    };
    const report = await runStorm({ ...small, events: 300, seconds: 1, store: forgetful });
    expect(report.dropped).toBe(3);
  }, 120_000);
});
