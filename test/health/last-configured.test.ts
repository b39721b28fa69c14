// The role-propagation window starts when a connection was last configured: the saga's record (state.configuredAt),
// not the linker's last PUT. A connection whose saga ran (or an auto-heal re-applied it) long after the PUT must be
// measured from the run. (It once read `state.appliedAt`, which nothing writes, and fell back to the PUT.)
import { describe, expect, it } from "vitest";
import { lastConfiguredAt } from "../../src/health/result.js";
import type { StoredLinker } from "../../src/model/connection.js";

const linker = (state: StoredLinker["state"]): StoredLinker => ({
  id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/app/providers/Microsoft.ServiceLinker/linkers/c",
  sourceId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/app",
  name: "c",
  properties: { targetService: { type: "AzureResource", id: "/x" }, authInfo: { authType: "systemAssignedIdentity" } },
  provisioningState: "Succeeded",
  systemData: { createdAt: "2026-01-01T00:00:00.000Z", lastModifiedAt: "2026-01-01T00:00:00.000Z" },
  secretPaths: [],
  ...(state ? { state } : {}),
});

describe("lastConfiguredAt", () => {
  it("is when the saga last recorded the connection, when that is later than its last PUT", () => {
    expect(lastConfiguredAt(linker({ configuredAt: "2026-03-01T12:00:00.000Z" }))).toBe(Date.parse("2026-03-01T12:00:00.000Z"));
  });
  it("falls back to the linker's last change without a recorded run", () => {
    expect(lastConfiguredAt(linker(undefined))).toBe(Date.parse("2026-01-01T00:00:00.000Z"));
  });
});
