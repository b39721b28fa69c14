// The CI sample of the scale dimension (issue #15): the revalidation bench's fleet (bench/support/revalidateFleet.ts)
// at 1,000 connections on 200 sources (1,200 resources: two Resource Graph batches) with 20 ms per ARM call; ARM calls
// stay within distinct sources + ⌈resources / 1000⌉. `npm run chaos -- scale` runs 10,000 on 2,000.
import { describe, expect, inject, it } from "vitest";
import { revalidateFleet } from "../../bench/support/revalidateFleet.js";

describe("chaos scale: revalidation of 1,000 connections on 200 sources", () => {
  it("makes at most distinct sources + ⌈resources / 1000⌉ ARM calls, every connection Healthy", async () => {
    const fleet = await revalidateFleet({ sources: 200, connections: 1_000, targets: 1_000, latencyMs: 20, certDir: inject("armCerts").certDir });
    console.log(`scale_arm_calls: ${fleet.armCalls} calls (bound ${fleet.bound}); wall ${fleet.wallMs.toFixed(0)} ms; peak heap ${fleet.peakHeapMB.toFixed(0)} MB`);
    expect(fleet.unhealthy).toBe(0);
    expect(fleet.run.stats).toMatchObject({ distinctSources: 200, distinctResources: 1_200 });
    expect(fleet.armCalls).toBeLessThanOrEqual(fleet.bound);
    expect(fleet.bound).toBe(202);
  }, 180_000);
});
