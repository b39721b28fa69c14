// Applied steps the batched snapshot does not check go through the step's own verify (src/steps/registry.ts): its
// CheckResult is a validation item, in validate and revalidate alike; an unknown step name gives a warning item.
// The role-assignment step is routed through that path here (snapshotSteps without it).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkConnection, revalidateConnections, SNAPSHOT_STEPS } from "../../src/health/index.js";
import type { StoredLinker } from "../../src/model/connection.js";
import { asRecords } from "./fixtures.js";
import { assignBlobRole, ENDPOINT_SETTING, identityLinker, mergeSettings, startHarness, type Harness } from "./harness.js";

let h: Harness;
let raName: string;
beforeAll(async () => {
  h = await startHarness("healthfallback");
  raName = await assignBlobRole(h);
  await mergeSettings(h, { [ENDPOINT_SETTING]: `https://${h.accountName}.blob.core.windows.net/` });
});
afterAll(async () => { await h?.t.close(); });

const withoutRoles = new Set([...SNAPSHOT_STEPS].filter((s) => s !== "roleAssignment"));
const withStep = (l: StoredLinker, step: string, input: unknown): StoredLinker =>
  ({ ...l, state: { ...l.state, applied: [...l.state!.applied!, ...asRecords([{ step, input }])] } });

describe("verify fallback", () => {
  it("reports the step's own verify result as an item, success then failure, in validate and revalidate", async () => {
    const linker = identityLinker(h, "fb-mi");
    const ok = await checkConnection(linker, { clients: h.clients, attribution: false, snapshotSteps: withoutRoles });
    expect(ok.result.validationDetail.map((d) => [d.name, d.result])).toEqual([
      ["SourceExistence", "success"], ["TargetExistence", "success"], ["Identity", "success"], ["Configuration", "success"], ["Role assignment", "success"],
    ]);
    const run = await revalidateConnections([linker], { clients: h.clients, attribution: false, snapshotSteps: withoutRoles });
    expect(run.stats.stepVerifications).toBe(1);
    expect(run.results[0]!.status).toBe("Healthy");

    await h.authz.roleAssignments.delete(h.blob, raName);
    try {
      const broken = await checkConnection(linker, { clients: h.clients, attribution: false, snapshotSteps: withoutRoles });
      expect(broken.status).toBe("Unhealthy");
      expect(broken.failingChecks).toEqual(["Role assignment"]);
      expect(broken.result.validationDetail.find((d) => d.name === "Role assignment")).toMatchObject({ result: "failure", errorCode: "RoleAssignmentMissing" });
      const again = await revalidateConnections([linker], { clients: h.clients, attribution: false, snapshotSteps: withoutRoles });
      expect(again.results[0]!.failingChecks).toEqual(["Role assignment"]);
    } finally {
      raName = await assignBlobRole(h);
    }
  });

  it("an unknown step name is a warning item, not a crash; a verify that throws is inconclusive", async () => {
    const unknown = withStep(identityLinker(h, "fb-unknown"), "quantumEntanglement", { anything: 1 });
    const health = await checkConnection(unknown, { clients: h.clients, attribution: false });
    expect(health.status).toBe("Healthy");
    expect(health.result.validationDetail.at(-1)).toMatchObject({ name: "quantumEntanglement", result: "warning", errorCode: "UnknownStep" });
    const run = await revalidateConnections([unknown], { clients: h.clients, attribution: false });
    expect(run.results[0]!.result.validationDetail.at(-1)).toMatchObject({ name: "quantumEntanglement", result: "warning" });

    // A malformed input makes the role step's verify throw: a warning with CheckInconclusive, status Unknown.
    const malformed = withStep(identityLinker(h, "fb-bad"), "roleAssignment", { scope: "not-an-arm-id", principalId: h.principalId, role: "x" });
    const bad = await checkConnection(malformed, { clients: h.clients, attribution: false, snapshotSteps: withoutRoles });
    const item = bad.result.validationDetail.at(-1)!;
    expect(item).toMatchObject({ result: "warning", errorCode: "CheckInconclusive" });
    expect(bad.status).toBe("Unknown");
  });
});
