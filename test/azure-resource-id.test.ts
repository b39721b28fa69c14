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

describe("subscriptionOf / isResourceId", () => {
  it("reads the subscription of ids, scopes and paths with a query", async () => {
    const { subscriptionOf, requireSubscriptionOf, isResourceId } = await import("../src/azure/resourceId.js");
    expect(subscriptionOf("/subscriptions/S1/resourceGroups/rg")).toBe("S1");
    expect(subscriptionOf("//subscriptions/s2/providers/X/listKeys?api-version=1")).toBe("s2");
    expect(subscriptionOf("/providers/Microsoft.ServiceLinker/operations")).toBeUndefined();
    expect(() => requireSubscriptionOf("/tenants/t")).toThrow(/subscription/);
    expect(isResourceId("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/a")).toBe(true);
    expect(isResourceId("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/a/")).toBe(false);
    expect(isResourceId("/subscriptions/s/resourceGroups/rg")).toBe(false);
  });
});
