// The CI sample of the load dimension (issue #15): 16 connections created at once over 4 web apps through the dev host
// and the Durable saga (bench/support/concurrentCreates.ts); `npm run chaos -- creates` runs 200 over 50.
import { describe, expect, it } from "vitest";
import { concurrentCreates } from "../../bench/support/concurrentCreates.js";

describe("chaos load: 16 concurrent creates over 4 web apps", () => {
  it("loses no setting, leaves no operation stuck, and writes no more to ARM than the minimum", async () => {
    const r = await concurrentCreates({ creates: 16, sources: 4, deadlineMs: 120_000 });
    console.log(`load: ${JSON.stringify(r.outcomes)}; stuck ${r.stuck}; settings lost ${r.settingsLost}; ARM writes ${r.armWrites}/${r.minimumWrites}; ${(r.wallMs / 1000).toFixed(1)} s`);
    expect(r.outcomes).toEqual({ Succeeded: 16 });
    expect(r.stuck).toBe(0);
    expect(r.settingsLost).toBe(0);
    expect(r.armWrites).toBe(r.minimumWrites);
  }, 180_000);
});
