import { describe, expect, it } from "vitest";
import { analyzeLoops } from "../../src/loops/index.js";
import { app, fn, queueOut, queueTrigger, SITES, storageCs } from "./fixtures.js";

const web = { AzureWebJobsStorage: storageCs("st") };

/** A ring of n functions, each in its own app: f0 → q1 → f1 → … → f(n-1) → q0 → f0. */
function ring(n: number, offset = 0) {
  return Array.from({ length: n }, (_, i) =>
    app(`ring${offset + i}`, web, [fn(`f${offset + i}`, queueTrigger(`q${offset + i}`), queueOut(`q${offset + ((i + 1) % n)}`))]),
  );
}

describe("cycle detection", () => {
  it("reports one finding per component with a shortest representative cycle in order", () => {
    // Ring of 4 plus a chord f2 → q0 makes a 3-cycle f0 → f1 → f2 → f0 inside the same component.
    const apps = ring(4);
    apps[2]!.functions[0]!.bindings.push(queueOut("q0", undefined, "chord"));
    const { findings, stats } = analyzeLoops(apps);
    expect(stats).toEqual({ apps: 4, functions: 4, edges: 5, unanalyzedTriggers: {} });
    expect(findings).toHaveLength(1);
    expect(findings[0]!.members).toHaveLength(4);
    expect(findings[0]!.cycle.map((s) => s.function)).toEqual(["f0", "f1", "f2"]);
    // Each step's output feeds the next step's trigger.
    const steps = findings[0]!.cycle;
    steps.forEach((s, i) => expect(s.output.key).toBe(steps[(i + 1) % steps.length]!.trigger.key));
  });

  it("keeps separate components separate", () => {
    const apps = [...ring(2, 0), ...ring(3, 10)];
    const { findings } = analyzeLoops(apps);
    expect(findings.map((f) => f.members.length).sort()).toEqual([2, 3]);
  });

  it("gives stable ids independent of input order and distinct per component", () => {
    const apps = [...ring(2, 0), ...ring(3, 10)];
    const a = analyzeLoops(apps).findings.map((f) => f.id).sort();
    const b = analyzeLoops([...apps].reverse()).findings.map((f) => f.id).sort();
    expect(a).toEqual(b);
    expect(new Set(a).size).toBe(2);
    expect(a[0]).toMatch(/^loop-[0-9a-f]{16}$/);
  });

  it("handles a long chain and a 2,000-node ring without recursion limits", () => {
    const { findings } = analyzeLoops(ring(2000));
    expect(findings).toHaveLength(1);
    expect(findings[0]!.cycle).toHaveLength(2000);
  });

  it("an acyclic chain has edges but no findings", () => {
    const apps = Array.from({ length: 5 }, (_, i) => app(`c${i}`, web, [fn(`g${i}`, queueTrigger(`c${i}`), queueOut(`c${i + 1}`))]));
    const result = analyzeLoops(apps);
    expect(result.stats.edges).toBe(4);
    expect(result.findings).toEqual([]);
  });

  it("matches allow-list appIds case-insensitively and names the entry on the suppressed finding", () => {
    const apps = ring(2);
    const entry = { appId: `${SITES}RING0`.toUpperCase(), function: "F0" };
    const { findings, suppressed } = analyzeLoops(apps, { allowList: [entry] });
    expect(findings).toEqual([]);
    expect(suppressed).toHaveLength(1);
    expect(suppressed[0]!.allowedBy).toEqual([entry]);
  });

  it("counts trigger types it does not model instead of ignoring them silently", () => {
    const apps = [app("x", web, [
      fn("Sql", { name: "changes", type: "sqlTrigger", direction: "in", tableName: "dbo.Orders", connectionStringSetting: "Sql" }),
      fn("Http", { name: "req", type: "httpTrigger", direction: "in" }),
      fn("Timer", { name: "t", type: "timerTrigger", direction: "in", schedule: "0 * * * * *" }),
      fn("Kafka", { name: "ev", type: "kafkaTrigger", direction: "in", topic: "t" }),
    ])];
    expect(analyzeLoops(apps).stats.unanalyzedTriggers).toEqual({ sqlTrigger: 1, kafkaTrigger: 1 });
  });
});
