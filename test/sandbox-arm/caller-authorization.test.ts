// What linkwright asks ARM when it authorizes a request as its caller, through @azure/arm-authorization 9: the
// permissions API with role-assignment conditions, ABAC-constrained delegation (Role Based Access Control Administrator
// with a condition) enforced by the emulator's RBAC, and deny assignments (listed, and winning over any grant).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { ResourceManagementClient } from "@azure/arm-resources";
import { RestError } from "@azure/core-rest-pipeline";
import type { TokenCredential } from "@azure/identity";
import { startTestEmulator, type TestEmulator } from "./support/emulator.js";
import { rawRequest } from "./support/raw.js";
import { EVERYONE, ROLE_IDS } from "../../sandbox/arm/index.js";
import type { Principal } from "../../sandbox/arm/identity/principals.js";

let t: TestEmulator;
let admin: AuthorizationManagementClient;
let sub: string;
const API = "api-version=2022-04-01";

beforeAll(async () => {
  t = await startTestEmulator();
  admin = new AuthorizationManagementClient(t.credential, t.subscriptionId, t.clientOptions);
  sub = `/subscriptions/${t.subscriptionId}`;
  const rgs = new ResourceManagementClient(t.credential, t.subscriptionId, t.clientOptions);
  for (const rg of ["ca", "ca-deny", "ca-child", "ca-list"]) await rgs.resourceGroups.createOrUpdate(rg, { location: "westus" });
});
afterAll(async () => { await t?.close(); });

const roleId = (guid: string) => `${sub}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
const fail = (p: Promise<unknown>) => p.then(() => { throw new Error("expected the call to fail"); }, (e: unknown) => e as RestError);

function servicePrincipal(prefix: string): { p: Principal; cred: TokenCredential } {
  const p = t.emulator.principals.addServicePrincipal(`${prefix}-${randomUUID().slice(0, 6)}`);
  return { p, cred: t.credentialFor(p.clientId!, p.clientSecret!) };
}

// Learn "Constrain roles and principal types": may assign / remove only the two blob data roles, to service principals.
const DELEGATION = `((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${ROLE_IDS.StorageBlobDataContributor}, ${ROLE_IDS.StorageBlobDataReader}} AND @Request[Microsoft.Authorization/roleAssignments:PrincipalType] ForAnyOfAnyValues:StringEqualsIgnoreCase {'ServicePrincipal'})) AND ((!(ActionMatches{'Microsoft.Authorization/roleAssignments/delete'})) OR (@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${ROLE_IDS.StorageBlobDataContributor}, ${ROLE_IDS.StorageBlobDataReader}}))`;

describe("Role Based Access Control Administrator", () => {
  it("is a built-in role with its real GUID and permissions; unconditioned it assigns roles but writes nothing else", async () => {
    const def = await admin.roleDefinitions.get(sub, ROLE_IDS.RoleBasedAccessControlAdministrator);
    expect(ROLE_IDS.RoleBasedAccessControlAdministrator).toBe("f58310d9-a9f6-439a-9e8d-f62e7b41a168");
    expect(def).toMatchObject({ roleName: "Role Based Access Control Administrator", roleType: "BuiltInRole" });
    expect(def.permissions).toEqual([{ actions: ["Microsoft.Authorization/roleAssignments/write", "Microsoft.Authorization/roleAssignments/delete", "*/read", "Microsoft.Support/*"], notActions: [], dataActions: [], notDataActions: [] }]);

    const { p, cred } = servicePrincipal("rbacadmin");
    t.emulator.assignRole(p.objectId, "Role Based Access Control Administrator", `${sub}/resourceGroups/ca`);
    const target = t.emulator.principals.addServicePrincipal("assignee").objectId;
    const asAdmin = new AuthorizationManagementClient(cred, t.subscriptionId, t.clientOptions);
    const created = await asAdmin.roleAssignments.create(`${sub}/resourceGroups/ca`, randomUUID(), { roleDefinitionId: roleId(ROLE_IDS.Owner), principalId: target });
    expect(created.principalId).toBe(target);
    const rg = await fail(new ResourceManagementClient(cred, t.subscriptionId, t.clientOptions).resourceGroups.update("ca", { tags: { x: "y" } }));
    expect(rg.code).toBe("AuthorizationFailed");
  });
});

describe("conditional role assignments (ABAC)", () => {
  let deleg: { p: Principal; cred: TokenCredential };
  let asDeleg: AuthorizationManagementClient;
  const scope = () => `${sub}/resourceGroups/ca/providers/Microsoft.Storage/storageAccounts/castore`;

  beforeAll(async () => {
    deleg = servicePrincipal("delegate");
    asDeleg = new AuthorizationManagementClient(deleg.cred, t.subscriptionId, t.clientOptions);
    const created = await admin.roleAssignments.create(`${sub}/resourceGroups/ca`, randomUUID(), {
      roleDefinitionId: roleId(ROLE_IDS.RoleBasedAccessControlAdministrator), principalId: deleg.p.objectId, principalType: "ServicePrincipal",
      condition: DELEGATION, conditionVersion: "2.0",
    });
    expect(created).toMatchObject({ condition: DELEGATION, conditionVersion: "2.0" });
  });

  it("the permissions API lists one entry per assignment and role permission, with the assignment's condition", async () => {
    t.emulator.assignRole(deleg.p.objectId, "Reader", sub);
    const perms = [];
    for await (const p of asDeleg.permissions.listForResourceGroup("ca")) perms.push(p);
    expect(perms).toEqual(expect.arrayContaining([
      { actions: ["*/read"], notActions: [], dataActions: [], notDataActions: [], condition: null, conditionVersion: null },
      { actions: ["Microsoft.Authorization/roleAssignments/write", "Microsoft.Authorization/roleAssignments/delete", "*/read", "Microsoft.Support/*"],
        notActions: [], dataActions: [], notDataActions: [], condition: DELEGATION, conditionVersion: "2.0" },
    ]));
    expect(perms).toHaveLength(2);
    // On the wire, as api-version 2022-04-01 answers (a resource-level call too).
    const token = await t.emulator.tokenFor(deleg.p.objectId);
    const raw = await rawRequest(t.endpoint, "GET", `${scope()}/providers/Microsoft.Authorization/permissions?${API}`, { token });
    expect(raw.json().value.map((v: { condition: string | null }) => v.condition).sort()).toEqual([DELEGATION, null].sort());
  });

  it("grants roleAssignments/write only when the condition holds for the request", async () => {
    const sp = t.emulator.principals.addServicePrincipal("blob-app").objectId;
    const user = t.emulator.principals.addUser("Carol", "carol@linkwright.sandbox").objectId;
    const ok = await asDeleg.roleAssignments.create(scope(), randomUUID(), {
      roleDefinitionId: roleId(ROLE_IDS.StorageBlobDataReader), principalId: sp, principalType: "ServicePrincipal",
    });
    expect(ok.principalId).toBe(sp);

    for (const [what, body] of [
      ["a role outside the set", { roleDefinitionId: roleId(ROLE_IDS.Owner), principalId: sp, principalType: "ServicePrincipal" }],
      ["a user", { roleDefinitionId: roleId(ROLE_IDS.StorageBlobDataReader), principalId: user, principalType: "User" }],
      ["no principalType in the request", { roleDefinitionId: roleId(ROLE_IDS.StorageBlobDataContributor), principalId: sp }],
    ] as const) {
      const err = await fail(asDeleg.roleAssignments.create(scope(), randomUUID(), body));
      expect(err.statusCode, what).toBe(403);
      expect(err.code, what).toBe("AuthorizationFailed");
      expect(err.message, what).toContain("'Microsoft.Authorization/roleAssignments/write'");
    }
    // Nothing else the role grants is affected by the condition.
    expect((await asDeleg.roleAssignments.get(scope(), ok.name!)).name).toBe(ok.name);
  });

  it("grants roleAssignments/delete only for assignments the condition allows (@Resource)", async () => {
    const sp = t.emulator.principals.addServicePrincipal("blob-app-2").objectId;
    const mine = await asDeleg.roleAssignments.create(scope(), randomUUID(), {
      roleDefinitionId: roleId(ROLE_IDS.StorageBlobDataContributor), principalId: sp, principalType: "ServicePrincipal",
    });
    const owner = await admin.roleAssignments.create(scope(), randomUUID(), { roleDefinitionId: roleId(ROLE_IDS.Owner), principalId: sp });
    const denied = await fail(asDeleg.roleAssignments.delete(scope(), owner.name!));
    expect(denied.code).toBe("AuthorizationFailed");
    expect(denied.message).toContain("'Microsoft.Authorization/roleAssignments/delete'");
    expect((await asDeleg.roleAssignments.delete(scope(), mine.name!)).name).toBe(mine.name);
  });

  it("refuses a condition the sandbox cannot parse (400, saying so) and conditionVersion 1.0; defaults the version to 2.0", async () => {
    const principalId = t.emulator.principals.addServicePrincipal("cond").objectId;
    const storage = await fail(admin.roleAssignments.create(sub, randomUUID(), {
      roleDefinitionId: roleId(ROLE_IDS.StorageBlobDataReader), principalId,
      condition: "((!(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'})) OR (@Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name] StringEquals 'logs'))",
      conditionVersion: "2.0",
    }));
    expect(storage.statusCode).toBe(400);
    expect(storage.code).toBe("InvalidRoleAssignmentCondition");
    expect(storage.message).toMatch(/^The given role assignment condition is invalid\. The ARM sandbox does not implement this condition syntax: .*Microsoft\.Storage/);
    const v1 = await fail(admin.roleAssignments.create(sub, randomUUID(), {
      roleDefinitionId: roleId(ROLE_IDS.RoleBasedAccessControlAdministrator), principalId, condition: DELEGATION, conditionVersion: "1.0",
    }));
    expect(v1.code).toBe("InvalidRoleAssignmentCondition");
    const defaulted = await admin.roleAssignments.create(sub, randomUUID(), {
      roleDefinitionId: roleId(ROLE_IDS.RoleBasedAccessControlAdministrator), principalId, condition: DELEGATION,
    });
    expect(defaulted.conditionVersion).toBe("2.0");
    expect(() => t.emulator.assignRole(principalId, "Reader", sub, { condition: "@Environment[isPrivateLink] BoolEquals true" })).toThrow(/does not implement/);
  });
});

describe("deny assignments", () => {
  const rgScope = (rg: string) => `${sub}/resourceGroups/${rg}`;

  it("block an action for everyone but the excluded principals, even an Owner, with ARM's DenyAssignmentAuthorizationFailed", async () => {
    const exempt = servicePrincipal("exempt");
    t.emulator.assignRole(exempt.p.objectId, "Contributor", sub);
    const deny = t.emulator.addDenyAssignment({
      denyAssignmentName: "Deny assignment created by Deployment Stack 'ca-stack'", description: "stack lock",
      scope: rgScope("ca-deny"), principals: [{ id: EVERYONE, type: "SystemDefined" }],
      excludePrincipals: [{ id: exempt.p.objectId, type: "ServicePrincipal" }],
      permissions: [{ actions: ["*/write", "*/delete"], notActions: ["Microsoft.Authorization/locks/*"] }],
    });
    const name = String(deny.name);
    const asOwner = new ResourceManagementClient(t.credential, t.subscriptionId, t.clientOptions);
    const err = await fail(asOwner.resourceGroups.update("ca-deny", { tags: { a: "b" } }));
    const a = t.emulator.credentials.admin;
    expect(err.statusCode).toBe(403);
    expect(err.code).toBe("DenyAssignmentAuthorizationFailed");
    expect(err.message).toBe(`The client '${a.clientId}' with object id '${a.objectId}' has permission to perform action ` +
      `'Microsoft.Resources/subscriptions/resourceGroups/write' on scope '${sub}/resourcegroups/ca-deny'; however, the access is denied ` +
      `because of the deny assignment with name 'Deny assignment created by Deployment Stack 'ca-stack'' and Id '${name.replace(/-/g, "")}' at scope '${rgScope("ca-deny")}'.`);
    // Reads are not denied; the excluded principal writes; a caller without any grant gets the usual AuthorizationFailed.
    expect((await asOwner.resourceGroups.get("ca-deny")).name).toBe("ca-deny");
    const asExempt = new ResourceManagementClient(exempt.cred, t.subscriptionId, t.clientOptions);
    await expect(asExempt.resourceGroups.update("ca-deny", { tags: { by: "exempt" } })).resolves.toMatchObject({ tags: { by: "exempt" } });
    const reader = await fail(new ResourceManagementClient(t.readerCredential, t.subscriptionId, t.clientOptions).resourceGroups.update("ca-deny", { tags: {} }));
    expect(reader.code).toBe("AuthorizationFailed");
    // The permissions API does not subtract deny assignments (as in Azure).
    const perms = [];
    for await (const p of admin.permissions.listForResourceGroup("ca-deny")) perms.push(p);
    expect(perms.map((p) => p.actions)).toEqual([["*"]]);
    expect(t.emulator.removeDenyAssignment(name)).toBe(true);
    await expect(asOwner.resourceGroups.update("ca-deny", { tags: { a: "b" } })).resolves.toMatchObject({ tags: { a: "b" } });
  });

  it("doNotApplyToChildScopes limits a deny to its own scope; listed principals only; data actions minus notDataActions", () => {
    const { p } = servicePrincipal("denied");
    const caller = { objectId: p.objectId, tenantId: t.tenantId, principalType: "ServicePrincipal" };
    t.emulator.assignRole(p.objectId, "Contributor", sub);
    t.emulator.assignRole(p.objectId, "Storage Blob Data Contributor", sub);
    const account = `${rgScope("ca-child")}/providers/Microsoft.Storage/storageAccounts/st`;
    const blobs = `${account}/blobServices/default/containers/c`;
    const write = "Microsoft.Storage/storageAccounts/write";
    const blobRead = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read";
    const blobWrite = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write";
    t.emulator.addDenyAssignment({
      denyAssignmentName: "own scope only", scope: rgScope("ca-child"), doNotApplyToChildScopes: true,
      principals: [{ id: p.objectId, type: "ServicePrincipal" }], permissions: [{ actions: [write] }],
    });
    expect(t.emulator.services.isAuthorized(caller, write, rgScope("ca-child"))).toBe(false);
    expect(t.emulator.services.isAuthorized(caller, write, account)).toBe(true);
    const other = { ...caller, objectId: t.emulator.credentials.admin.objectId };
    expect(t.emulator.services.isAuthorized(other, write, rgScope("ca-child"))).toBe(true);

    t.emulator.addDenyAssignment({
      denyAssignmentName: "no blob data but reads", scope: account, principals: [{ id: p.objectId, type: "ServicePrincipal" }],
      permissions: [{ dataActions: ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/*"], notDataActions: [blobRead] }],
    });
    expect(t.emulator.services.isAuthorized(caller, blobWrite, blobs)).toBe(false);
    expect(t.emulator.services.isAuthorized(caller, blobRead, blobs)).toBe(true);
    // Data-action denies leave control-plane actions alone.
    expect(t.emulator.services.isAuthorized(caller, "Microsoft.Storage/storageAccounts/listKeys/action", account)).toBe(true);
  });

  it("are listed and read through the SDK in Azure's shape, with the documented filters", async () => {
    const { p } = servicePrincipal("listed");
    const excluded = t.emulator.principals.addServicePrincipal("excluded").objectId;
    const atRg = t.emulator.addDenyAssignment({
      denyAssignmentName: "rg deny", description: "at the group", scope: rgScope("ca-list"),
      principals: [{ id: p.objectId, type: "ServicePrincipal" }], excludePrincipals: [{ id: excluded, type: "ServicePrincipal" }],
      permissions: [{ actions: ["Microsoft.Storage/storageAccounts/delete"] }],
    });
    const below = t.emulator.addDenyAssignment({
      denyAssignmentName: "account deny", scope: `${rgScope("ca-list")}/providers/Microsoft.Storage/storageAccounts/st`,
      principals: [{ id: EVERYONE, type: "SystemDefined" }], permissions: [{ actions: ["*/delete"] }], isSystemProtected: false,
    });
    const names = async (it: AsyncIterable<{ name?: string }>) => { const out: string[] = []; for await (const x of it) out.push(x.name!); return out.sort(); };

    const got = await admin.denyAssignments.get(rgScope("ca-list"), String(atRg.name));
    expect(got).toEqual({
      id: `${rgScope("ca-list")}/providers/Microsoft.Authorization/denyAssignments/${atRg.name}`, name: atRg.name, type: "Microsoft.Authorization/denyAssignments",
      denyAssignmentName: "rg deny", description: "at the group", scope: rgScope("ca-list"), doNotApplyToChildScopes: false, isSystemProtected: true,
      permissions: [{ actions: ["Microsoft.Storage/storageAccounts/delete"], notActions: [], dataActions: [], notDataActions: [], condition: null, conditionVersion: null }],
      principals: [{ id: p.objectId, type: "ServicePrincipal", displayName: "", email: "" }],
      excludePrincipals: [{ id: excluded, type: "ServicePrincipal", displayName: "", email: "" }],
      condition: null, conditionVersion: null, createdBy: null, updatedBy: null,
      createdOn: expect.any(Date), updatedOn: expect.any(Date),
    });
    expect((await admin.denyAssignments.getById(String(below.id))).denyAssignmentName).toBe("account deny");

    expect(await names(admin.denyAssignments.listForResourceGroup("ca-list"))).toEqual([atRg.name, below.name].sort());
    expect(await names(admin.denyAssignments.listForResourceGroup("ca-list", { filter: "atScope()" }))).toEqual([atRg.name]);
    expect(await names(admin.denyAssignments.listForResource("ca-list", "Microsoft.Storage", "", "storageAccounts", "st"))).toEqual([atRg.name, below.name].sort());
    expect(await names(admin.denyAssignments.listForScope(rgScope("ca-list"), { filter: `denyAssignmentName eq 'account deny'` }))).toEqual([below.name]);
    // principalId: those that apply to the principal (listed, or Everyone).
    const forAdmin = await names(admin.denyAssignments.listForResourceGroup("ca-list", { filter: `principalId eq '${t.emulator.credentials.admin.objectId}'` }));
    expect(forAdmin).toEqual([below.name]);
    // gdprExportPrincipalId: listed or excluded; only the name and description.
    const gdpr = [];
    for await (const d of admin.denyAssignments.listForResourceGroup("ca-list", { filter: `gdprExportPrincipalId eq '${excluded}'` })) gdpr.push(d);
    expect(gdpr).toEqual([{ id: atRg.id, name: atRg.name, type: "Microsoft.Authorization/denyAssignments", denyAssignmentName: "rg deny", description: "at the group" }]);
    const bad = await fail(admin.denyAssignments.listForResourceGroup("ca-list", { filter: "roleDefinitionId eq 'x'" }).next());
    expect(bad.code).toBe("UnsupportedQuery");
    // Subscription-level listing reaches below (no filter) — and readers may read them; someone without a role may not.
    expect(await names(admin.denyAssignments.list())).toEqual(expect.arrayContaining([atRg.name, below.name]));
    const reader = new AuthorizationManagementClient(t.readerCredential, t.subscriptionId, t.clientOptions);
    expect(await names(reader.denyAssignments.listForResourceGroup("ca-list"))).toHaveLength(2);
    const nobody = new AuthorizationManagementClient(servicePrincipal("nobody").cred, t.subscriptionId, t.clientOptions);
    expect((await fail(nobody.denyAssignments.listForResourceGroup("ca-list").next())).code).toBe("AuthorizationFailed");
    const missing = await fail(admin.denyAssignments.get(rgScope("ca-list"), randomUUID()));
    expect(missing.statusCode).toBe(404);
  });

  it("cannot be written through ARM (405); the control route creates and removes them", async () => {
    const token = await t.emulator.tokenFor("admin");
    const put = await rawRequest(t.endpoint, "PUT", `${rgScope("ca-list")}/providers/Microsoft.Authorization/denyAssignments/${randomUUID()}?${API}`,
      { token, body: JSON.stringify({ properties: { denyAssignmentName: "mine" } }) });
    expect(put.status).toBe(405);
    expect(put.json().error.code).toBe("MethodNotAllowed");

    const created = await rawRequest(t.endpoint, "POST", "/_sandbox/denyAssignments", {
      body: JSON.stringify({ denyAssignmentName: "over http", scope: rgScope("ca"), principals: [{ id: EVERYONE, type: "SystemDefined" }], permissions: [{ actions: ["Microsoft.Resources/subscriptions/resourceGroups/write"] }] }),
    });
    expect(created.status).toBe(201);
    const body = created.json();
    expect(body).toMatchObject({ type: "Microsoft.Authorization/denyAssignments", properties: { denyAssignmentName: "over http", scope: rgScope("ca") } });
    const blocked = await fail(new ResourceManagementClient(t.credential, t.subscriptionId, t.clientOptions).resourceGroups.update("ca", { tags: {} }));
    expect(blocked.code).toBe("DenyAssignmentAuthorizationFailed");
    expect((await rawRequest(t.endpoint, "DELETE", `/_sandbox/denyAssignments/${body.name}`)).status).toBe(204);
    expect((await rawRequest(t.endpoint, "DELETE", `/_sandbox/denyAssignments/${body.name}`)).status).toBe(404);
    const invalid = await rawRequest(t.endpoint, "POST", "/_sandbox/denyAssignments", { body: JSON.stringify({ denyAssignmentName: "x", scope: rgScope("ca"), principals: [], permissions: [{}] }) });
    expect(invalid.status).toBe(400);
    expect(invalid.json().error.message).toMatch(/principals/);
  });
});
