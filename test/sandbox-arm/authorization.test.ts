// RBAC enforcement and the Microsoft.Authorization provider, through @azure/arm-authorization 9 and arm-resources 8.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { ResourceManagementClient } from "@azure/arm-resources";
import { RestError } from "@azure/core-rest-pipeline";
import { startTestEmulator, type TestEmulator } from "./support/emulator.js";
import { ROLE_IDS } from "../../sandbox/arm/index.js";

let t: TestEmulator;
let admin: AuthorizationManagementClient;
let sub: string;
beforeAll(async () => {
  t = await startTestEmulator();
  admin = new AuthorizationManagementClient(t.credential, t.subscriptionId, t.clientOptions);
  sub = `/subscriptions/${t.subscriptionId}`;
  await new ResourceManagementClient(t.credential, t.subscriptionId, t.clientOptions).resourceGroups.createOrUpdate("authz", { location: "westus" });
});
afterAll(async () => { await t?.close(); });

const roleId = (guid: string) => `/subscriptions/${t.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;

describe("RBAC enforcement", () => {
  it("lets the Reader read but answers writes with 403 AuthorizationFailed in ARM's wording", async () => {
    const reader = new ResourceManagementClient(t.readerCredential, t.subscriptionId, t.clientOptions);
    const rg = await reader.resourceGroups.get("authz");
    expect(rg.name).toBe("authz");
    const err = await reader.resourceGroups.createOrUpdate("reader-rg", { location: "westus" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RestError);
    expect((err as RestError).statusCode).toBe(403);
    expect((err as RestError).code).toBe("AuthorizationFailed");
    const r = t.emulator.credentials.reader;
    expect((err as RestError).message).toBe(
      `The client '${r.clientId}' with object id '${r.objectId}' does not have authorization to perform action ` +
      `'Microsoft.Resources/subscriptions/resourceGroups/write' over scope '/subscriptions/${t.subscriptionId}/resourcegroups/reader-rg' ` +
      `or the scope is invalid. If access was recently granted, please refresh your credentials.`);
  });

  it("grants a scoped role only at and below its scope; Contributor cannot write role assignments (NotActions)", async () => {
    const p = t.emulator.principals.addServicePrincipal(`scoped-${randomUUID().slice(0, 6)}`);
    const cred = t.credentialFor(p.clientId!, p.clientSecret!);
    await admin.roleAssignments.create(`${sub}/resourceGroups/authz`, randomUUID(), {
      roleDefinitionId: roleId(ROLE_IDS.Contributor), principalId: p.objectId, principalType: "ServicePrincipal",
    });
    const res = new ResourceManagementClient(cred, t.subscriptionId, t.clientOptions);
    await expect(res.resourceGroups.update("authz", { tags: { by: "contributor" } })).resolves.toMatchObject({ tags: { by: "contributor" } });
    const other = await res.resourceGroups.createOrUpdate("elsewhere", { location: "westus" }).catch((e: unknown) => e);
    expect((other as RestError).code).toBe("AuthorizationFailed");
    const authz = new AuthorizationManagementClient(cred, t.subscriptionId, t.clientOptions);
    const denied = await authz.roleAssignments.create(`${sub}/resourceGroups/authz`, randomUUID(), {
      roleDefinitionId: roleId(ROLE_IDS.Reader), principalId: p.objectId,
    }).catch((e: unknown) => e);
    expect((denied as RestError).statusCode).toBe(403);
    expect((denied as RestError).message).toContain("'Microsoft.Authorization/roleAssignments/write'");
  });
});

describe("role assignments", () => {
  it("creates by GUID at any scope (201), gets, lists with filters, rejects duplicates with 409 RoleAssignmentExists, deletes", async () => {
    const principal = t.emulator.principals.addServicePrincipal(`ra-${randomUUID().slice(0, 6)}`).objectId;
    const scope = `${sub}/resourceGroups/authz/providers/Microsoft.Storage/storageAccounts/st1`;
    const name = randomUUID();
    // The SDK sends PUT //subscriptions/... because the scope starts with '/'.
    const created = await admin.roleAssignments.create(scope, name, {
      roleDefinitionId: roleId(ROLE_IDS.StorageBlobDataContributor), principalId: principal, principalType: "ServicePrincipal",
    });
    expect(created).toMatchObject({
      id: `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`, name, type: "Microsoft.Authorization/roleAssignments",
      scope, principalId: principal, principalType: "ServicePrincipal",
    });
    expect(created.roleDefinitionId?.toLowerCase()).toContain(ROLE_IDS.StorageBlobDataContributor);

    const dup = await admin.roleAssignments.create(scope, randomUUID(), {
      roleDefinitionId: roleId(ROLE_IDS.StorageBlobDataContributor), principalId: principal,
    }).catch((e: unknown) => e);
    expect((dup as RestError).statusCode).toBe(409);
    expect((dup as RestError).code).toBe("RoleAssignmentExists");
    // Same name and body again is idempotent.
    await expect(admin.roleAssignments.create(scope, name, {
      roleDefinitionId: roleId(ROLE_IDS.StorageBlobDataContributor), principalId: principal,
    })).resolves.toMatchObject({ name });

    const got = await admin.roleAssignments.get(scope, name);
    expect(got.principalId).toBe(principal);

    const forPrincipal: string[] = [];
    for await (const a of admin.roleAssignments.listForScope(sub, { filter: `principalId eq '${principal}'` })) forPrincipal.push(a.name!);
    expect(forPrincipal).toEqual([name]);
    const atScope: string[] = [];
    for await (const a of admin.roleAssignments.listForScope(sub, { filter: "atScope()" })) atScope.push(a.scope!);
    expect(atScope.every((s) => s === sub)).toBe(true);
    expect(atScope.length).toBeGreaterThanOrEqual(2); // admin Owner + reader Reader
    const forResource: string[] = [];
    for await (const a of admin.roleAssignments.listForResource("authz", "Microsoft.Storage", "storageAccounts", "st1")) forResource.push(a.name!);
    expect(forResource).toContain(name);

    const deleted = await admin.roleAssignments.delete(scope, name);
    expect(deleted.name).toBe(name);
    const gone = await admin.roleAssignments.get(scope, name).catch((e: unknown) => e);
    expect((gone as RestError).statusCode).toBe(404);
  });

  it("validates the body: unknown role, unknown principal, non-GUID name", async () => {
    const unknownRole = await admin.roleAssignments.create(sub, randomUUID(), {
      roleDefinitionId: roleId(randomUUID()), principalId: t.emulator.credentials.reader.objectId,
    }).catch((e: unknown) => e);
    expect((unknownRole as RestError).code).toBe("RoleDefinitionDoesNotExist");
    const unknownPrincipal = await admin.roleAssignments.create(sub, randomUUID(), {
      roleDefinitionId: roleId(ROLE_IDS.Reader), principalId: randomUUID(),
    }).catch((e: unknown) => e);
    expect((unknownPrincipal as RestError).code).toBe("PrincipalNotFound");
    const badName = await admin.roleAssignments.create(sub, "not-a-guid", {
      roleDefinitionId: roleId(ROLE_IDS.Reader), principalId: t.emulator.credentials.reader.objectId,
    }).catch((e: unknown) => e);
    expect((badName as RestError).code).toBe("InvalidRoleAssignmentId");
    const badId = await admin.roleAssignments.create(sub, randomUUID(), {
      roleDefinitionId: "Reader", principalId: t.emulator.credentials.reader.objectId,
    }).catch((e: unknown) => e);
    expect((badId as RestError).code).toBe("LinkedInvalidPropertyId");
  });

  it("grants data actions only through dataActions: Owner's '*' does not include blob reads", () => {
    const a = t.emulator.credentials.admin;
    const caller = { objectId: a.objectId, tenantId: t.tenantId, principalType: "ServicePrincipal" };
    const blobRead = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read";
    expect(t.emulator.services.isAuthorized(caller, "Microsoft.Storage/storageAccounts/write", sub)).toBe(true);
    expect(t.emulator.services.isAuthorized(caller, blobRead, sub)).toBe(false);
    t.emulator.assignRole(a.objectId, "Storage Blob Data Reader", `${sub}/resourceGroups/authz`);
    expect(t.emulator.services.isAuthorized(caller, blobRead, `${sub}/resourceGroups/authz/providers/Microsoft.Storage/storageAccounts/s/blobServices/default/containers/c`)).toBe(true);
    expect(t.emulator.services.isAuthorized(caller, "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write", `${sub}/resourceGroups/authz`)).toBe(false);
  });
});

describe("role definitions and permissions", () => {
  it("gets built-ins by real GUID and finds them by roleName filter", async () => {
    const owner = await admin.roleDefinitions.get(sub, ROLE_IDS.Owner);
    expect(owner.roleName).toBe("Owner");
    expect(owner.permissions?.[0].actions).toEqual(["*"]);
    const found = [];
    for await (const d of admin.roleDefinitions.list(sub, { filter: "roleName eq 'Storage Blob Data Contributor'" })) found.push(d);
    expect(found.map((d) => d.name)).toEqual([ROLE_IDS.StorageBlobDataContributor]);
    expect(found[0].id).toBe(roleId(ROLE_IDS.StorageBlobDataContributor));
    const byId = await admin.roleDefinitions.getById(`/providers/Microsoft.Authorization/roleDefinitions/${ROLE_IDS.Reader}`);
    expect(byId.roleName).toBe("Reader");
  });

  it("lists the caller's effective permissions at a resource group", async () => {
    const reader = new AuthorizationManagementClient(t.readerCredential, t.subscriptionId, t.clientOptions);
    const perms = [];
    for await (const p of reader.permissions.listForResourceGroup("authz")) perms.push(p);
    expect(perms).toEqual([{ actions: ["*/read"], notActions: [], dataActions: [], notDataActions: [], condition: null, conditionVersion: null }]);
  });
});
