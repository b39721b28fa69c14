import { describe, expect, it } from "vitest";
import { normalizeResourceId, parseResourceId, sameResourceId } from "../src/azure/resourceId.js";

describe("parseResourceId", () => {
  it("parses a child resource", () => {
    const p = parseResourceId("/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Web/sites/app/slots/staging");
    expect(p).toMatchObject({
      subscriptionId: "s1", resourceGroup: "rg", namespace: "Microsoft.Web",
      types: ["sites", "slots"], names: ["app", "staging"], fullType: "Microsoft.Web/sites/slots",
    });
  });

  it("collapses doubled slashes and a trailing slash", () => {
    expect(parseResourceId("//subscriptions/s1/resourcegroups/rg/providers/Microsoft.App/containerApps/c/")?.id)
      .toBe("/subscriptions/s1/resourcegroups/rg/providers/Microsoft.App/containerApps/c");
  });

  it.each([
    "",
    "/subscriptions/s1",
    "/subscriptions/s1/resourceGroups/rg",
    "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Web/sites",
    "/subs/s1/resourceGroups/rg/providers/Microsoft.Web/sites/a",
    "/subscriptions/s1/resourceGroups/rg/foo/Microsoft.Web/sites/a",
  ])("rejects %s", (id) => {
    expect(parseResourceId(id)).toBeUndefined();
  });

  it("compares ids case-insensitively", () => {
    expect(sameResourceId("/subscriptions/S/resourceGroups/RG/providers/X.Y/z/N", "/subscriptions/s/resourcegroups/rg/providers/x.y/Z/n/")).toBe(true);
    expect(normalizeResourceId("/A//B/")).toBe("/a/b");
  });
});
