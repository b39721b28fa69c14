// Issue #11 acceptance: what a least-privilege caller can do, by each token path.
//  - team through ARM with the official SDK: connects its own app to the storage account it administers (system
//    identity) and polls its own operation; the same to a storage account it has no rights on → 403 naming
//    Microsoft.Authorization/roleAssignments/write at that scope; a dry run lists it as permissionsMissing.
//  - an application with linkwright's app role (its role assignments are evaluated) succeeds; without the app role 403.
//  - a user: a delegated token without the scope → 401; with it, exchanged on-behalf-of the user (linkwright's managed
//    identity as the app registration's federated credential) → Succeeds, and 403 where the user has no rights.
//  - a deny assignment on the target blocks what the user's roles grant; a conditional role assignment grants nothing.
import { ServiceLinkerManagementClient } from "@azure/arm-servicelinker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { settle, startSecuritySandbox, type SecuritySandbox } from "./support.js";
import { linkerRecord } from "./storeOf.js";

const BLOB_DATA_CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
const RBAC_ADMIN = "Role Based Access Control Administrator";
let s: SecuritySandbox;
let ids: Record<string, string>;
const blobOf = (account: string) => `${account}/blobServices/default`;
const systemIdentityTo = (target: string) => ({ targetService: { type: "AzureResource", id: target }, authInfo: { authType: "systemAssignedIdentity" }, clientType: "nodejs" });
const linker = (source: string, name: string) => `${source}/providers/Microsoft.ServiceLinker/linkers/${name}`;

beforeAll(async () => {
  // Permission answers are reused for a second here (30 by default), so a new deny assignment shows within the test.
  s = await startSecuritySandbox({ LINKWRIGHT_PERMISSION_CACHE_SECONDS: "1" });
  ids = s.ids;
}, 120_000);
afterAll(async () => { await s?.stop(); });

function assignmentsOf(principalId: string, scope: string): string[] {
  return s.lw.te.emulator.store.list(scope, "Microsoft.Authorization/roleAssignments")
    .filter((r) => (r.properties as { principalId: string }).principalId === principalId)
    .map((r) => String((r.properties as { roleDefinitionId: string }).roleDefinitionId).split("/").pop()!);
}
const principalOf = (siteId: string) => (s.lw.te.emulator.store.get(siteId)!.identity as { principalId: string }).principalId;

describe("team (a service principal) through the ARM endpoint with the official SDK", () => {
  it("connects its own app to the storage account it administers, and polls its own operation", async () => {
    const team = s.lw.te.emulator.credentials.team!;
    const client = new ServiceLinkerManagementClient(s.lw.te.credentialFor(team.clientId, team.clientSecret),
      { endpoint: s.lw.te.endpoint, updateIntervalInMs: 50, retryOptions: { maxRetries: 1, retryDelayInMs: 10 } } as ConstructorParameters<typeof ServiceLinkerManagementClient>[1]);
    const created = await client.linker.beginCreateOrUpdateAndWait(ids.webApp!, "teamblob", systemIdentityTo(blobOf(ids.storageAccount!)) as never);
    expect(created.provisioningState).toBe("Succeeded");
    expect(assignmentsOf(principalOf(ids.webApp!), blobOf(ids.storageAccount!))).toContain(BLOB_DATA_CONTRIBUTOR);
    // The audit record: who asked, how linkwright learnt their permissions, and what it checked.
    const stored = await linkerRecord(s, ids.webApp!, "teamblob");
    expect(stored?.authorization).toMatchObject({ caller: { objectId: team.objectId, principalType: "Application" }, via: "armToken" });
    expect(stored?.authorization?.permissions).toEqual(expect.arrayContaining([
      { scope: blobOf(ids.storageAccount!), action: "Microsoft.Authorization/roleAssignments/write" },
      { scope: ids.webApp, action: "Microsoft.Web/sites/config/write" },
    ]));
  });

  it("to a storage account it has no rights on: 403 naming roleAssignments/write at that scope; nothing changed", async () => {
    const token = await s.armToken(s.lw.te.emulator.credentials.team!.objectId);
    const before = s.state();
    const r = await s.call("arm", token, "PUT", linker(ids.webApp!, "otherblob"), { properties: systemIdentityTo(blobOf(ids.otherStorageAccount!)) });
    await settle();
    expect(r.status).toBe(403);
    expect(r.json.error.code).toBe("AuthorizationFailed");
    expect(r.json.error.message).toContain("Microsoft.Authorization/roleAssignments/write");
    expect(r.json.error.message).toContain(blobOf(ids.otherStorageAccount!));
    expect(s.state()).toBe(before);
  });

  it("a dry run of the same lists the caller's missing permission with a recommended role", async () => {
    const token = await s.armToken(s.lw.te.emulator.credentials.team!.objectId);
    const r = await s.call("direct", token, "PUT", `${ids.webApp}/providers/Microsoft.ServiceLinker/dryruns/otherdry`,
      { properties: { parameters: { actionName: "createOrUpdate", ...systemIdentityTo(blobOf(ids.otherStorageAccount!)) } } });
    expect(r.status).toBe(200);
    expect(r.json.properties.prerequisiteResults).toEqual(expect.arrayContaining([{
      type: "permissionsMissing", scope: blobOf(ids.otherStorageAccount!), permissions: ["Microsoft.Authorization/roleAssignments/write"], recommendedRole: RBAC_ADMIN,
    }]));
  });
});

describe("an application calling linkwright's own audience (role assignments evaluated)", () => {
  it("with the app role and the right assignments: Succeeds", async () => {
    const token = await s.appToken(s.lw.te.emulator.credentials.team!.clientId);
    const r = await s.call("direct", token, "PUT", linker(ids.webApp!, "appblob"), { properties: systemIdentityTo(blobOf(ids.storageAccount!)) });
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    expect((await s.poll(token, String(r.headers["azure-asyncoperation"]))).status).toBe("Succeeded");
  });

  it("without linkwright's app role: 403, even with the same role assignments", async () => {
    const arm = s.lw.te.emulator;
    const sp = arm.principals.addServicePrincipal("no-app-role");
    arm.assignRole(sp.objectId, "Contributor", ids.webApp!);
    arm.assignRole(sp.objectId, RBAC_ADMIN, ids.storageAccount!);
    const token = await s.appToken(sp.clientId!);
    const before = s.state();
    const r = await s.call("direct", token, "PUT", linker(ids.webApp!, "norole"), { properties: systemIdentityTo(blobOf(ids.storageAccount!)) });
    expect(r.status).toBe(403);
    expect(r.json.error.message).toContain("Connections.ReadWrite");
    expect(s.state()).toBe(before);
  });

  it("a conditional assignment grants nothing: refused when the only roleAssignments/write is conditional", async () => {
    const arm = s.lw.te.emulator;
    const sp = arm.principals.addServicePrincipal("conditional-admin");
    arm.assignRole(sp.objectId, "Contributor", ids.webApp!);
    arm.assignRole(sp.objectId, RBAC_ADMIN, ids.storageAccount!, {
      condition: `((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${BLOB_DATA_CONTRIBUTOR}}))`,
      conditionVersion: "2.0",
    });
    const token = await s.armToken(sp.objectId);
    const r = await s.call("direct", token, "PUT", linker(ids.webApp!, "condblob"), { properties: systemIdentityTo(blobOf(ids.storageAccount!)) });
    expect(r.status).toBe(403);
    expect(r.json.error.message).toContain("condition");
  });
});

describe("a user calling linkwright's own audience (on-behalf-of)", () => {
  it("a delegated token without the scope: 401", async () => {
    const r = await s.call("direct", await s.appToken("dev"), "GET", `${ids.webApp}/providers/Microsoft.ServiceLinker/linkers`);
    expect(r.status).toBe(401);
    expect(r.json.error.message).toContain("user_impersonation");
  });

  it("with the scope: exchanged on the user's behalf; Succeeds where the user has rights, 403 where not", async () => {
    const token = await s.appToken("dev", { scp: "user_impersonation" });
    const ok = await s.call("direct", token, "PUT", linker(ids.webApp!, "devblob"), { properties: systemIdentityTo(blobOf(ids.storageAccount!)) });
    expect(ok.status, JSON.stringify(ok.json)).toBe(201);
    expect((await s.poll(token, String(ok.headers["azure-asyncoperation"]))).status).toBe("Succeeded");
    const denied = await s.call("direct", token, "PUT", linker(ids.webApp!, "devother"), { properties: systemIdentityTo(blobOf(ids.otherStorageAccount!)) });
    expect(denied.status).toBe(403);
    expect(denied.json.error.message).toContain("Microsoft.Authorization/roleAssignments/write");
  });

  it("a deny assignment on the target blocks what the user's roles grant", async () => {
    const arm = s.lw.te.emulator;
    const dev = arm.seedResult!.dev.objectId;
    const deny = arm.addDenyAssignment({
      denyAssignmentName: "no-role-changes-on-demo-storage", scope: ids.storageAccount!, principals: [{ id: dev, type: "User" }],
      permissions: [{ actions: ["Microsoft.Authorization/roleAssignments/write"] }],
    });
    try {
      const token = await s.appToken("dev", { scp: "user_impersonation" });
      await new Promise((r) => setTimeout(r, 1_100));
      const r = await s.call("direct", token, "PUT", linker(ids.webApp!, "denied"), { properties: systemIdentityTo(blobOf(ids.storageAccount!)) });
      expect(r.status).toBe(403);
      expect(r.json.error.message).toContain("deny assignment");
    } finally {
      arm.removeDenyAssignment(String(deny["name"]));
    }
  });
});
