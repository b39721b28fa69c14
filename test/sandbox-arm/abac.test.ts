// The ABAC condition subset (sandbox/arm/core/abac.ts): Azure's documented role-assignment delegation conditions parse
// and evaluate as Azure describes them; anything else is refused with a message naming what is not implemented.
import { describe, expect, it } from "vitest";
import { AbacSyntaxError, conditionHolds, evaluateCondition, parseCondition, type AbacContext } from "../../sandbox/arm/core/abac.js";

const WRITE = "Microsoft.Authorization/roleAssignments/write";
const DELETE = "Microsoft.Authorization/roleAssignments/delete";
const BLOB_CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
const BLOB_READER = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1";
const OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
const UAA = "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9";
const RBAC_ADMIN = "f58310d9-a9f6-439a-9e8d-f62e7b41a168";

// "Constrain roles and principal types" (Learn: delegate-role-assignments-examples), as the portal writes it.
const CONSTRAIN_ROLES_AND_TYPES = `(
 (
  !(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})
 )
 OR
 (
  @Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${BLOB_CONTRIBUTOR}, ${BLOB_READER}}
  AND
  @Request[Microsoft.Authorization/roleAssignments:PrincipalType] ForAnyOfAnyValues:StringEqualsIgnoreCase {'ServicePrincipal'}
 )
)
AND
(
 (
  !(ActionMatches{'Microsoft.Authorization/roleAssignments/delete'})
 )
 OR
 (
  @Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${BLOB_CONTRIBUTOR}, ${BLOB_READER}}
  AND
  @Resource[Microsoft.Authorization/roleAssignments:PrincipalType] ForAnyOfAnyValues:StringEqualsIgnoreCase {'ServicePrincipal'}
 )
)`;

// "Allow most roles, but don't allow others to assign roles".
const EXCEPT_PRIVILEGED = `((!(ActionMatches{'${WRITE}'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAllValues:GuidNotEquals {${OWNER}, ${UAA}, ${RBAC_ADMIN}})) AND ((!(ActionMatches{'${DELETE}'})) OR (@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAllValues:GuidNotEquals {${OWNER}, ${UAA}, ${RBAC_ADMIN}}))`;

const write = (role: string, principalType?: string, principalId = "11111111-1111-1111-1111-111111111111"): AbacContext => ({
  action: WRITE, request: { RoleDefinitionId: [role], PrincipalId: [principalId], PrincipalType: principalType ? [principalType] : [] },
});
const del = (role: string, principalType = "ServicePrincipal"): AbacContext => ({
  action: DELETE, resource: { RoleDefinitionId: [role], PrincipalId: ["11111111-1111-1111-1111-111111111111"], PrincipalType: [principalType] },
});

describe("ABAC role-assignment conditions", () => {
  it("constrains roles and principal types on write and delete; other actions pass", () => {
    const e = parseCondition(CONSTRAIN_ROLES_AND_TYPES);
    expect(evaluateCondition(e, write(BLOB_READER, "ServicePrincipal"))).toBe(true);
    expect(evaluateCondition(e, write(BLOB_CONTRIBUTOR, "serviceprincipal"))).toBe(true);
    expect(evaluateCondition(e, write(OWNER, "ServicePrincipal"))).toBe(false);
    expect(evaluateCondition(e, write(BLOB_READER, "User"))).toBe(false);
    // No principalType in the request: the attribute is missing, so ForAnyOfAnyValues is false.
    expect(evaluateCondition(e, write(BLOB_READER))).toBe(false);
    expect(evaluateCondition(e, del(BLOB_READER))).toBe(true);
    expect(evaluateCondition(e, del(OWNER))).toBe(false);
    expect(evaluateCondition(e, del(BLOB_READER, "User"))).toBe(false);
    expect(evaluateCondition(e, { action: "Microsoft.Storage/storageAccounts/read" })).toBe(true);
  });

  it("compares full role definition ids by their GUID and GUIDs case-insensitively", () => {
    const e = parseCondition(CONSTRAIN_ROLES_AND_TYPES);
    expect(evaluateCondition(e, write(`/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/${BLOB_READER.toUpperCase()}`, "ServicePrincipal"))).toBe(true);
  });

  it("excludes privileged roles with ForAnyOfAllValues:GuidNotEquals", () => {
    const e = parseCondition(EXCEPT_PRIVILEGED);
    expect(evaluateCondition(e, write(BLOB_READER, "User"))).toBe(true);
    for (const role of [OWNER, UAA, RBAC_ADMIN]) {
      expect(evaluateCondition(e, write(role, "User")), role).toBe(false);
      expect(evaluateCondition(e, del(role)), role).toBe(false);
    }
  });

  it("constrains specific principals with PrincipalId, accepts NOT / && / || and a bare operator with one value", () => {
    const allowed = "22222222-2222-2222-2222-222222222222";
    const e = parseCondition(`NOT ActionMatches{'${WRITE}'} || @Request[Microsoft.Authorization/roleAssignments:PrincipalId] ForAnyOfAnyValues:GuidEquals {${allowed}} && @Request[Microsoft.Authorization/roleAssignments:PrincipalType] StringEquals 'Group'`);
    expect(evaluateCondition(e, write(BLOB_READER, "Group", allowed))).toBe(true);
    expect(evaluateCondition(e, write(BLOB_READER, "Group"))).toBe(false);
    expect(evaluateCondition(e, write(BLOB_READER, "group", allowed))).toBe(false); // StringEquals is case-sensitive
  });

  it("ForAllOf… quantifiers are vacuously true over a missing attribute", () => {
    const e = parseCondition(`@Request[Microsoft.Authorization/roleAssignments:PrincipalType] ForAllOfAnyValues:StringEquals {'User'}`);
    expect(evaluateCondition(e, { action: WRITE })).toBe(true);
    expect(evaluateCondition(e, write(BLOB_READER, "ServicePrincipal"))).toBe(false);
  });

  it("refuses what it does not implement, saying what", () => {
    const refuse = (c: string, what: RegExp) => {
      const err = (() => { try { parseCondition(c); return undefined; } catch (e) { return e; } })();
      expect(err, c).toBeInstanceOf(AbacSyntaxError);
      expect((err as Error).message, c).toMatch(what);
    };
    refuse("@Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name] StringEquals 'logs'", /Microsoft\.Storage.*only Microsoft\.Authorization\/roleAssignments/);
    refuse("(ActionMatches{'x'} AND SubOperationMatches{'Blob.List'})", /SubOperationMatches/);
    refuse("@Principal[Microsoft.Directory/CustomSecurityAttributes/Id:Engineering_Project] StringEquals 'x'", /@Principal/);
    refuse(`@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidLike {${OWNER}}`, /operator 'GuidLike'/);
    refuse(`@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {not-a-guid}`, /not a GUID/);
    refuse("((ActionMatches{'x'})", /end of the condition/);
    refuse("", /empty/);
  });

  it("conditionHolds: an unparseable stored condition grants nothing", () => {
    expect(conditionHolds("garbage (", { action: WRITE })).toBe(false);
    expect(conditionHolds(`!(ActionMatches{'${WRITE}'})`, { action: "Microsoft.Storage/storageAccounts/read" })).toBe(true);
  });
});
