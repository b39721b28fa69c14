import { describe, expect, it } from "vitest";
import { mergePatch } from "../../src/api/operations/patchLinker.js";

describe("PATCH merge semantics", () => {
  const stored = {
    targetService: { type: "AzureResource", id: "/t1" },
    authInfo: { authType: "userAssignedIdentity", clientId: "c1", subscriptionId: "s1", roles: ["r1"] },
    clientType: "dotnet",
    configurationInfo: { customizedKeys: { A: "B" }, additionalConfigurations: { X: "1" } },
  };

  it("merges objects recursively and replaces arrays and scalars", () => {
    expect(mergePatch(stored, { authInfo: { roles: ["r2"] }, clientType: "java", configurationInfo: { customizedKeys: { C: "D" } } })).toEqual({
      ...stored,
      authInfo: { ...stored.authInfo, roles: ["r2"] },
      clientType: "java",
      configurationInfo: { customizedKeys: { A: "B", C: "D" }, additionalConfigurations: { X: "1" } },
    });
  });

  it("null removes a property", () => {
    expect(mergePatch(stored, { configurationInfo: null })).not.toHaveProperty("configurationInfo");
  });

  it("a changed discriminator replaces the whole object (no fields of the old variant survive)", () => {
    const merged = mergePatch(stored, { authInfo: { authType: "systemAssignedIdentity" } }) as typeof stored;
    expect(merged.authInfo).toEqual({ authType: "systemAssignedIdentity" });
    const sameType = mergePatch(stored, { authInfo: { authType: "userAssignedIdentity", clientId: "c2" } }) as typeof stored;
    expect(sameType.authInfo).toEqual({ ...stored.authInfo, clientId: "c2" });
  });

  it("does not mutate its inputs", () => {
    const copy = JSON.parse(JSON.stringify(stored));
    mergePatch(stored, { authInfo: { roles: [] } });
    expect(stored).toEqual(copy);
  });
});
