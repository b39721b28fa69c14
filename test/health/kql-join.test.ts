// The emulator's KQL additions for role assignments (pure): extend with tostring/tolower/coalesce, summarize
// make_list(bag_pack(…)) by, join kind=inner|leftouter with Kusto's column naming, and what stays unsupported.
import { describe, expect, it } from "vitest";
import { KqlError, parseKql, runKql } from "../../sandbox/arm/providers/resourcegraph/kql.js";

const tables: Record<string, Record<string, unknown>[]> = {
  resources: [
    { id: "/s/app", type: "microsoft.web/sites", identity: { principalId: "P1" }, properties: {} },
    { id: "/s/st", type: "microsoft.storage/storageaccounts", identity: null, properties: { principalId: "" } },
  ],
  authorizationresources: [
    { id: "/s/st/ra1", type: "microsoft.authorization/roleassignments", properties: { principalId: "p1", scope: "/s/st", roleDefinitionId: "r1" } },
    { id: "/s/ra2", type: "microsoft.authorization/roleassignments", properties: { principalId: "P1", scope: "/s", roleDefinitionId: "r2" } },
    { id: "/s/ra3", type: "microsoft.authorization/roleassignments", properties: { principalId: "p9", scope: "/s", roleDefinitionId: "r3" } },
  ],
};
const run = (q: string) => runKql(parseKql(q), (t) => tables[t]!);

describe("KQL extend / summarize / join", () => {
  it("extends with scalar functions", () => {
    expect(run("Resources | extend p = tolower(tostring(identity.principalId)), c = coalesce(tostring(identity.principalId), 'none') | project id, p, c")).toEqual([
      { id: "/s/app", p: "p1", c: "P1" }, { id: "/s/st", p: "", c: "none" },
    ]);
  });

  it("summarizes lists of bags by a column", () => {
    expect(run("AuthorizationResources | extend p = tolower(tostring(properties.principalId)) | summarize l = make_list(bag_pack('id', id, 'r', properties.roleDefinitionId)) by p")).toEqual([
      { p: "p1", l: [{ id: "/s/st/ra1", r: "r1" }, { id: "/s/ra2", r: "r2" }] },
      { p: "p9", l: [{ id: "/s/ra3", r: "r3" }] },
    ]);
  });

  it("joins leftouter and inner; a clashing right column gets the suffix 1", () => {
    const right = "(AuthorizationResources | extend principalId = tolower(tostring(properties.principalId)) | summarize l = make_list(id) by principalId)";
    const left = "Resources | extend principalId = tolower(tostring(identity.principalId))";
    expect(run(`${left} | join kind=leftouter ${right} on principalId | project id, principalId, principalId1, l`)).toEqual([
      { id: "/s/app", principalId: "p1", principalId1: "p1", l: ["/s/st/ra1", "/s/ra2"] },
      { id: "/s/st", principalId: "", principalId1: null, l: null },
    ]);
    expect(run(`${left} | join kind=inner ${right} on $left.principalId == $right.principalId | project id`)).toEqual([{ id: "/s/app" }]);
  });

  it("rejects other aggregations, join kinds, functions and tables with a positioned KqlError", () => {
    for (const q of [
      "AuthorizationResources | summarize count() by type", "Resources | summarize l = make_list(id)", "Resources | join kind=rightouter (Resources) on id",
      "Resources | join (Resources) on id", "Resources | join kind=inner (Resources)", "Resources | extend x = strcat(id)", "Resources | extend id",
      "Resources | extend b = bag_pack(id, 1)", "Resources | extend b = bag_pack('a')", "PolicyResources", "Resources | join kind=inner (PolicyResources) on id",
    ]) expect(() => parseKql(q), q).toThrow(KqlError);
    try {
      parseKql("Resources | summarize count()");
    } catch (e) {
      expect([(e as KqlError).token, (e as KqlError).position]).toEqual(["summarize", 12]);
    }
  });
});
