// Pure provider logic: Key Vault access-policy merge rules and permission checks, JSON merge patch.
import { describe, expect, it } from "vitest";
import { applyAccessPolicyChange, parseAccessPolicies, policiesGrant, type AccessPolicy } from "../../../sandbox/arm/providers/keyvault/access-policies.js";
import { mergePatch } from "../../../sandbox/arm/providers/kit/merge-patch.js";
import { ArmError } from "../../../sandbox/arm/core/contract.js";

const policy = (objectId: string, secrets: string[], extra: Partial<AccessPolicy> = {}): AccessPolicy => ({ tenantId: "t", objectId, permissions: { secrets }, ...extra });

describe("Key Vault access policies", () => {
  it("add merges permissions per principal, replace overwrites, remove strips and drops empty entries", () => {
    let p = applyAccessPolicyChange([], "add", [policy("a", ["get"])]);
    p = applyAccessPolicyChange(p, "add", [policy("A", ["list", "get"]), policy("b", ["set"])]);
    expect(p).toEqual([policy("a", ["get", "list"]), policy("b", ["set"])]);
    p = applyAccessPolicyChange(p, "replace", [policy("a", ["delete"])]);
    expect(p[0].permissions.secrets).toEqual(["delete"]);
    p = applyAccessPolicyChange(p, "remove", [policy("a", ["delete"])]);
    expect(p).toEqual([policy("b", ["set"])]);
    expect(applyAccessPolicyChange(p, "remove", [policy("zzz", ["set"])])).toEqual(p);
  });

  it("keeps an application-scoped entry separate from the plain principal entry", () => {
    const p = applyAccessPolicyChange([policy("a", ["get"])], "add", [policy("a", ["list"], { applicationId: "app" })]);
    expect(p).toHaveLength(2);
  });

  it("grants by permission name (case-insensitive) or 'all', and validates input", () => {
    const parsed = parseAccessPolicies([{ tenantId: "t", objectId: "X", permissions: { secrets: ["Get"] } }, { tenantId: "t", objectId: "y", permissions: { secrets: ["all"] } }]);
    expect(policiesGrant(parsed, "x", "get")).toBe(true);
    expect(policiesGrant(parsed, "x", "set")).toBe(false);
    expect(policiesGrant(parsed, "y", "purge")).toBe(true);
    expect(() => parseAccessPolicies([{ objectId: "x" }])).toThrow(ArmError);
    expect(() => applyAccessPolicyChange([], "merge", [])).toThrow(ArmError);
  });
});

describe("mergePatch (RFC 7396)", () => {
  it("merges objects, deletes nulls, replaces arrays and scalars", () => {
    const target = { a: 1, b: { c: 2, d: [1, 2] }, e: "x" };
    expect(mergePatch(target, { a: null, b: { d: [3] }, e: "y", f: { g: true } })).toEqual({ b: { c: 2, d: [3] }, e: "y", f: { g: true } });
    expect(target).toEqual({ a: 1, b: { c: 2, d: [1, 2] }, e: "x" });
  });
});
