// Role allow-list (issue #11 §4): authInfo.roles may only name the catalogue's roles for the target (defaults, the
// binding's extra roles, the least-privilege alternatives) or the platform's LINKWRIGHT_ALLOWED_ROLES; Owner, User
// Access Administrator, Role Based Access Control Administrator and Contributor are never assigned.
import { describe, expect, it } from "vitest";
import {
  allowedRoles, checkConnectionGuards, checkRequestedRoles, listTargets, NEVER_ASSIGNED_ROLES, parseAllowedRoles, roleGuidOf,
} from "../../src/catalogue/index.js";
import { roleAssignmentStep } from "../../src/steps/roleAssignment.js";

const OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
const UAA = "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9";
const RBAC_ADMIN = "f58310d9-a9f6-439a-9e8d-f62e7b41a168";
const CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c";
const BLOB_READER = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1";
const BLOB_CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
const BLOB_OWNER = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
const QUEUE_CONTRIBUTOR = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
const KV_SECRETS_USER = "4633458b-17de-408a-b874-0445c86b69e6";
const ACR_PULL = "7f951dda-4ed3-4680-a7ca-43fe172d538d";
const byId = (guid: string) => `/subscriptions/00000000-0000-0000-0000-000000000001/providers/Microsoft.Authorization/roleDefinitions/${guid}`;

describe("authInfo.roles allow-list", () => {
  it("accepts the target's default role, its least-privilege alternatives and the binding's extra role, as GUIDs or role definition ids", () => {
    expect(checkRequestedRoles("storage-blob", [BLOB_READER, BLOB_CONTRIBUTOR.toUpperCase(), byId(BLOB_OWNER), QUEUE_CONTRIBUTOR])).toEqual([]);
    expect(checkRequestedRoles("storage-blob", undefined)).toEqual([]);
    expect(checkRequestedRoles("storage-blob", [])).toEqual([]);
    expect(allowedRoles("storage-blob").map((r) => r.name)).toEqual(expect.arrayContaining(
      ["Storage Blob Data Reader", "Storage Blob Data Contributor", "Storage Blob Data Owner", "Storage Queue Data Contributor"]));
  });

  it("refuses a role the catalogue does not know for the target, naming the role and the allowed ones", () => {
    const issues = checkRequestedRoles("storage-blob", [KV_SECRETS_USER]);
    expect(issues).toEqual([expect.objectContaining({ code: "RoleNotAllowed", field: "properties.authInfo.roles" })]);
    expect(issues[0]!.message).toContain(KV_SECRETS_USER);
    expect(issues[0]!.message).toContain(`Storage Blob Data Reader (${BLOB_READER})`);
    expect(issues[0]!.message).toContain("LINKWRIGHT_ALLOWED_ROLES");
  });

  it("never assigns Owner, User Access Administrator, RBAC Administrator or Contributor, even when the platform allow-lists them", () => {
    const platform = { allowedRoles: [OWNER, UAA, RBAC_ADMIN, CONTRIBUTOR] };
    for (const role of [OWNER, UAA, RBAC_ADMIN, CONTRIBUTOR, byId(OWNER), `/providers/Microsoft.Authorization/roleDefinitions/${UAA.toUpperCase()}`]) {
      const issues = checkRequestedRoles("storage-blob", [role], platform);
      expect(issues, role).toEqual([expect.objectContaining({ code: "RoleNotAllowed", field: "properties.authInfo.roles" })]);
      expect(issues[0]!.message).toMatch(/never assigns/);
    }
    expect(NEVER_ASSIGNED_ROLES.map((r) => r.id).sort()).toEqual([OWNER, UAA, RBAC_ADMIN, CONTRIBUTOR].sort());
  });

  it("accepts a role the platform allow-lists (LINKWRIGHT_ALLOWED_ROLES)", () => {
    expect(checkRequestedRoles("storage-blob", [ACR_PULL])).toHaveLength(1);
    expect(checkRequestedRoles("storage-blob", [ACR_PULL], { allowedRoles: parseAllowedRoles(` ${ACR_PULL.toUpperCase()} ,`) })).toEqual([]);
  });

  it("refuses what is not a role definition GUID or id (names, paths that end elsewhere)", () => {
    for (const role of ["Owner", `${byId(BLOB_READER)}/../${OWNER}`, `${BLOB_READER}x`, `/subscriptions/s/resourceGroups/rg/providers/Microsoft.Authorization/roleDefinitions/${BLOB_READER}`, 42]) {
      expect(checkRequestedRoles("storage-blob", [role]), String(role)).toEqual([expect.objectContaining({ code: "RoleNotAllowed" })]);
    }
    expect(checkRequestedRoles("storage-blob", "not-a-list")).toEqual([expect.objectContaining({ code: "RoleNotAllowed" })]);
    expect(roleGuidOf(byId(BLOB_READER))).toBe(BLOB_READER);
    expect(roleGuidOf("Owner")).toBeUndefined();
  });

  it("a target that takes no Azure role accepts none but the platform's", () => {
    expect(checkRequestedRoles("sql", [BLOB_READER])[0]!.message).toMatch(/sql takes no Azure role/);
    expect(checkRequestedRoles("sql", [ACR_PULL], { allowedRoles: [ACR_PULL] })).toEqual([]);
  });

  it("the platform setting is a list of GUIDs; anything else is refused loudly", () => {
    expect(parseAllowedRoles(undefined)).toEqual([]);
    expect(parseAllowedRoles("")).toEqual([]);
    expect(() => parseAllowedRoles(`${ACR_PULL},Owner`)).toThrow(/LINKWRIGHT_ALLOWED_ROLES.*'Owner'/);
  });

  it("every target's allowed roles are real role definition GUIDs and none is privileged", () => {
    const never = new Set(NEVER_ASSIGNED_ROLES.map((r) => r.id));
    for (const d of listTargets()) {
      for (const r of allowedRoles(d.kind)) {
        expect(r.id, `${d.kind} ${r.name}`).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
        expect(never.has(r.id), `${d.kind} ${r.name}`).toBe(false);
      }
      for (const r of d.defaultRoles) expect(allowedRoles(d.kind).map((x) => x.id)).toContain(r.id);
    }
  });

  it("checkConnectionGuards reports role problems as validation issues of the request", () => {
    expect(checkConnectionGuards({ targetKind: "keyvault", authInfo: { authType: "systemAssignedIdentity", roles: [OWNER] } }))
      .toEqual([expect.objectContaining({ code: "RoleNotAllowed", field: "properties.authInfo.roles" })]);
    expect(checkConnectionGuards({ targetKind: "keyvault", authInfo: { authType: "systemAssignedIdentity", roles: [KV_SECRETS_USER] } })).toEqual([]);
  });
});

describe("role assignment step", () => {
  const SCOPE = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st/blobServices/default";
  function recordingContext() {
    const calls: string[] = [];
    const authorization = () => ({
      roleAssignments: {
        create: async (scope: string) => { calls.push(`create ${scope}`); return { id: `${scope}/providers/Microsoft.Authorization/roleAssignments/x` }; },
        listForScope: (scope: string) => { calls.push(`list ${scope}`); return (async function* () { /* none */ })(); },
      },
    });
    return { calls, ctx: { clients: { authorization } as never, sealer: {} as never } };
  }

  it("refuses a never-assigned role before any ARM call, whatever planned it", async () => {
    for (const role of [OWNER, byId(UAA), RBAC_ADMIN, CONTRIBUTOR]) {
      const { calls, ctx } = recordingContext();
      const input = { scope: SCOPE, principalId: "11111111-1111-1111-1111-111111111111", principalType: "ServicePrincipal" as const, role, principalIsNew: true };
      await expect(roleAssignmentStep.apply(input, ctx), role).rejects.toMatchObject({ code: "RoleNotAllowed" });
      await expect(roleAssignmentStep.plan(input, ctx)).rejects.toMatchObject({ code: "RoleNotAllowed" });
      expect(calls).toEqual([]);
    }
    const { calls, ctx } = recordingContext();
    await roleAssignmentStep.apply({ scope: SCOPE, principalId: "11111111-1111-1111-1111-111111111111", principalType: "ServicePrincipal", role: BLOB_READER, principalIsNew: true }, ctx);
    expect(calls).toEqual([`create ${SCOPE}`]);
  });
});
