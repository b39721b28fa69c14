// Every step holds all its facts in its own file, named as the step, registered once. The registry's `satisfies`
// already refuses a step without a fact at compile time (the @ts-expect-error below proves it); this also checks it
// at run time, with the file names, and that health's snapshot membership comes from the steps.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { SNAPSHOT_STEPS, STEPS, stepNamed } from "../../src/steps/registry.js";
import { STEP_NAMES, type FirewallInput } from "../../src/model/steps.js";
import type { Step } from "../../src/steps/step.js";
import type { FirewallPrior } from "../../src/steps/firewall.js";

const FACTS = ["name", "health", "key", "dependency", "undo", "preview", "requires", "plan", "apply", "compensate", "verify"] as const;

describe("the step registry", () => {
  it("has every step name, each in src/steps/<name>.ts, with every fact", () => {
    expect(Object.keys(STEPS).sort()).toEqual([...STEP_NAMES].sort());
    for (const name of STEP_NAMES) {
      const step = STEPS[name] as Step<unknown, unknown>;
      expect(step.name).toBe(name);
      for (const fact of FACTS) expect(step[fact], `${name}.${fact}`).not.toBeUndefined();
      expect(typeof step.requires.apply, `${name}.requires.apply`).toBe("function");
      expect(typeof step.requires.undo, `${name}.requires.undo`).toBe("function");
      expect(["snapshot", "verify"]).toContain(step.health);
      expect(["undo", "leave"]).toContain(step.undo.whenObsolete);
      if (step.undo.kind === "referenceCounted") expect(step.dependency, `${name}: reference counted through the dependency index`).not.toBeNull();
      const file = fileURLToPath(new URL(`../../src/steps/${name}.ts`, import.meta.url));
      expect(existsSync(file), `src/steps/${name}.ts`).toBe(true);
      expect(readFileSync(file, "utf8")).toContain(`name: "${name}"`);
    }
  });

  it("a step missing a fact is not a Step (compile time)", () => {
    const { key: _key, ...withoutKey } = STEPS.firewall;
    // @ts-expect-error a step without its key does not satisfy the contract
    const incomplete: Step<FirewallInput, FirewallPrior> = withoutKey;
    expect(incomplete).toBeDefined();
  });

  it("the health snapshot checks exactly the steps that say so", () => {
    expect([...SNAPSHOT_STEPS]).toEqual(STEP_NAMES.filter((n) => STEPS[n].health === "snapshot"));
    expect([...SNAPSHOT_STEPS]).toEqual(["identity", "roleAssignment", "firewall", "secretStore", "configuration"]);
  });

  it("an unknown step name (recorded by another version) is no step", () => {
    expect(stepNamed("toString")).toBeUndefined();
    expect(stepNamed("nope")).toBeUndefined();
    expect(stepNamed("firewall")).toBe(STEPS.firewall);
  });
});
