// Pure logic of the core: id grammar, route templates, ARM action patterns, certificate generation.
import { describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { X509Certificate } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { normalisePath, parseResourceId, isAtOrBelow } from "../../sandbox/arm/core/ids.js";
import { Router } from "../../sandbox/arm/core/router.js";
import { actionPattern, permits } from "../../sandbox/arm/core/rbac.js";
import { isDataAction } from "../../sandbox/arm/core/builtin-roles.js";
import { ensureCertificates } from "../../sandbox/arm/core/certs.js";

describe("resource ids", () => {
  it("normalises slashes and parses nested, extension and group ids", () => {
    expect(normalisePath("//subscriptions/s//resourceGroups/rg/")).toBe("/subscriptions/s/resourceGroups/rg");
    const child = parseResourceId("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/app/slots/staging");
    expect(child).toMatchObject({ subscriptionId: "s", resourceGroup: "rg", namespace: "Microsoft.Web", type: "Microsoft.Web/sites/slots",
      name: "staging", parent: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/app", isCollection: false });
    const ext = parseResourceId("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st/providers/Microsoft.Authorization/roleAssignments/g");
    expect(ext).toMatchObject({ type: "Microsoft.Authorization/roleAssignments", name: "g",
      parent: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st" });
    expect(parseResourceId("/subscriptions/s/resourcegroups/rg")).toMatchObject({ type: "Microsoft.Resources/resourceGroups", name: "rg", parent: "/subscriptions/s" });
    expect(parseResourceId("/subscriptions/s/providers/Microsoft.Web/sites")).toMatchObject({ isCollection: true, type: "Microsoft.Web/sites" });
    expect(isAtOrBelow("/subscriptions/S/resourceGroups/rg", "/subscriptions/s")).toBe(true);
    expect(isAtOrBelow("/subscriptions/s2", "/subscriptions/s")).toBe(false);
    expect(isAtOrBelow("/anything", "/")).toBe(true);
  });
});

describe("router", () => {
  const route = (method: "GET" | "PUT", template: string) => ({ method, template, action: "x/read", handle: () => ({ status: 200 }) });
  const router = new Router();
  router.addProvider({ namespace: "A", routes: [
    route("GET", "{*scope}/providers/Microsoft.Authorization/roleAssignments/{name}"),
    route("GET", "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}"),
    route("GET", "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Web/sites/{name}"),
  ] });

  it("matches case-insensitively, extracts params and the deepest {*scope}", () => {
    const m = router.match("GET", "/subscriptions/s/resourcegroups/RG");
    expect(m.match?.params).toEqual({ subscriptionId: "s", resourceGroupName: "RG" });
    const scoped = router.match("GET", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/a/providers/Microsoft.Authorization/roleAssignments/g");
    expect(scoped.match?.params).toEqual({ scope: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/a", name: "g" });
    expect(router.match("PUT", "/subscriptions/s/resourceGroups/rg")).toEqual({ match: undefined, pathMatched: true });
    expect(router.match("GET", "/nothing").pathMatched).toBe(false);
    expect(router.match("HEAD", "/subscriptions/s/resourceGroups/rg").match?.route.method).toBe("GET");
  });
});

describe("ARM action patterns", () => {
  it("matches wildcards the way ARM does and applies NotActions", () => {
    expect(actionPattern("*/read").test("Microsoft.Web/sites/read")).toBe(true);
    expect(actionPattern("*/read").test("Microsoft.Web/sites/write")).toBe(false);
    expect(actionPattern("Microsoft.Authorization/*").test("microsoft.authorization/roleAssignments/write")).toBe(true);
    expect(actionPattern("Microsoft.Authorization/*/Write").test("Microsoft.Authorization/roleAssignments/write")).toBe(true);
    const contributor = { actions: ["*"], notActions: ["Microsoft.Authorization/*/Write"], dataActions: [], notDataActions: [] };
    expect(permits(contributor, "Microsoft.Web/sites/write", false)).toBe(true);
    expect(permits(contributor, "Microsoft.Authorization/roleAssignments/write", false)).toBe(false);
    expect(permits(contributor, "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read", true)).toBe(false);
    expect(isDataAction("Microsoft.KeyVault/vaults/secrets/getSecret/action")).toBe(true);
    expect(isDataAction("Microsoft.KeyVault/vaults/write")).toBe(false);
  });
});

describe("certificates", () => {
  it("generates one CA-signed server cert (SAN localhost + 127.0.0.1) even when called concurrently, and reuses it", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "lw-certs-"));
    try {
      const [a, b] = await Promise.all([ensureCertificates(dir), ensureCertificates(dir)]);
      expect(a.ca).toBe(b.ca);
      const ca = new X509Certificate(a.ca);
      const server = new X509Certificate(a.cert);
      expect(ca.ca).toBe(true);
      expect(server.checkIssued(ca)).toBe(true);
      expect(server.checkIP("127.0.0.1")).toBe("127.0.0.1");
      expect(server.checkHost("localhost")).toBe("localhost");
      const again = await ensureCertificates(dir);
      expect(again.cert).toBe(a.cert);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
