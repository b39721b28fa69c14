// startArmEmulator({ seed: true }): demo group, linkwright's own identity with its roles, demo resources.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ResourceManagementClient } from "@azure/arm-resources";
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { StorageManagementClient } from "@azure/arm-storage";
import { ClientSecretCredential, ManagedIdentityCredential, OnBehalfOfCredential } from "@azure/identity";
import { decodeJwt } from "jose";
import { startTestEmulator, type TestEmulator } from "./support/emulator.js";
import { ROLE_IDS } from "../../sandbox/arm/index.js";

let t: TestEmulator;
beforeAll(async () => { t = await startTestEmulator({ seed: true, withAzurite: true }); });
afterAll(async () => { await t?.close(); });

describe("seed", () => {
  it("creates linkwright-demo and gives linkwright's identity Contributor + User Access Administrator", async () => {
    const seed = t.emulator.seedResult!;
    expect(seed.resourceGroup).toBe("linkwright-demo");
    const resources = new ResourceManagementClient(t.credential, t.subscriptionId, t.clientOptions);
    expect((await resources.resourceGroups.get("linkwright-demo")).location).toBe("westeurope");
    const authz = new AuthorizationManagementClient(t.credential, t.subscriptionId, t.clientOptions);
    const roles: string[] = [];
    for await (const a of authz.roleAssignments.listForSubscription({ filter: `principalId eq '${seed.linkwrightIdentity.principalId}'` })) {
      roles.push(a.roleDefinitionId!.split("/").pop()!);
    }
    expect(roles.sort()).toEqual([ROLE_IDS.Contributor, ROLE_IDS.UserAccessAdministrator].sort());

    // The identity works through the App Service MSI protocol and may assign roles (User Access Administrator).
    const env = t.emulator.managedIdentityEnvironment(seed.linkwrightIdentity.principalId);
    Object.assign(process.env, env);
    try {
      const mi = new AuthorizationManagementClient(new ManagedIdentityCredential(), t.subscriptionId, t.clientOptions);
      const created = await mi.roleAssignments.create(`/subscriptions/${t.subscriptionId}/resourceGroups/linkwright-demo`, crypto.randomUUID(), {
        roleDefinitionId: `/subscriptions/${t.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${ROLE_IDS.Reader}`,
        principalId: t.emulator.credentials.reader.objectId,
      });
      expect(created.principalId).toBe(t.emulator.credentials.reader.objectId);
    } finally {
      delete process.env.IDENTITY_ENDPOINT;
      delete process.env.IDENTITY_HEADER;
    }
  });

  it("seeds the demo resources when sandbox/seed/resources.ts provides them, readable by id", async () => {
    const ids = t.emulator.seeded!;
    const resources = new ResourceManagementClient(t.credential, t.subscriptionId, t.clientOptions);
    for (const key of ["webApp", "storageAccount", "keyVault"]) {
      expect(ids[key], key).toBeTypeOf("string");
      const r = await resources.resources.getById(ids[key], "2024-01-01");
      expect(r.id?.toLowerCase()).toBe(ids[key].toLowerCase());
    }
  });
});

describe("seed: caller authorization principals", () => {
  const roleAssignmentsOf = async (te: TestEmulator, principalId: string) => {
    const authz = new AuthorizationManagementClient(te.credential, te.subscriptionId, te.clientOptions);
    const out: { role: string; scope: string }[] = [];
    for await (const a of authz.roleAssignments.listForSubscription({ filter: `principalId eq '${principalId}'` })) {
      out.push({ role: a.roleDefinitionId!.split("/").pop()!, scope: a.scope! });
    }
    return out.sort((a, b) => a.role.localeCompare(b.role));
  };

  it("registers linkwright's app: audience api://{clientId}, scope user_impersonation, app role, federated credential for its identity", () => {
    const seed = t.emulator.seedResult!;
    const app = seed.linkwrightApp;
    expect(app).toEqual({ clientId: expect.any(String), objectId: expect.any(String), audience: `api://${app.clientId}`, scope: "user_impersonation", appRole: "Connections.ReadWrite" });
    const entry = t.emulator.principals.application(app.audience)!;
    expect(entry).toMatchObject({ displayName: "linkwright", objectId: app.objectId, identifierUris: [app.audience] });
    expect(entry.clientSecret).toBeUndefined();
    expect(entry.oauth2PermissionScopes).toMatchObject([{ value: "user_impersonation", type: "User", isEnabled: true }]);
    expect(entry.appRoles).toMatchObject([{ value: "Connections.ReadWrite", allowedMemberTypes: ["Application"], isEnabled: true }]);
    expect(entry.federatedIdentityCredentials).toMatchObject([{
      issuer: `${t.endpoint}/${t.tenantId}/v2.0`, subject: seed.linkwrightIdentity.principalId, audiences: ["api://AzureADTokenExchange"],
    }]);
  });

  it("seeds `team` (least privilege) and `dev` with Contributor on lw-demo-web and RBAC Administrator on lwdemostorage", async () => {
    const seed = t.emulator.seedResult!;
    const team = t.emulator.credentials.team!;
    expect(team).toMatchObject({ objectId: seed.team.objectId, clientId: seed.team.clientId, displayName: "team", clientSecret: expect.any(String) });
    expect(seed.dev).toEqual({ objectId: expect.any(String), userPrincipalName: "dev@linkwright.sandbox" });
    expect(t.emulator.principals.get(seed.dev.objectId)?.principalType).toBe("User");
    const expected = [
      { role: ROLE_IDS.Contributor, scope: seed.resources.webApp },
      { role: ROLE_IDS.RoleBasedAccessControlAdministrator, scope: seed.resources.storageAccount },
    ].sort((a, b) => a.role.localeCompare(b.role));
    expect(await roleAssignmentsOf(t, team.objectId)).toEqual(expected);
    expect(await roleAssignmentsOf(t, seed.dev.objectId)).toEqual(expected);
  });

  it("seeds another team's storage account, on which `team` may neither write nor assign roles", async () => {
    const ids = t.emulator.seeded!;
    expect(ids.otherStorageAccount).toMatch(/\/storageAccounts\/lwotherstorage$/);
    const team = t.emulator.credentials.team!;
    const cred = t.credentialFor(team.clientId, team.clientSecret);
    const storage = new StorageManagementClient(cred, t.subscriptionId, t.clientOptions);
    const asAdmin = new StorageManagementClient(t.credential, t.subscriptionId, t.clientOptions);
    expect((await asAdmin.storageAccounts.getProperties("linkwright-demo", "lwotherstorage")).kind).toBe("StorageV2");
    await expect(storage.storageAccounts.getProperties("linkwright-demo", "lwotherstorage")).rejects.toMatchObject({ code: "AuthorizationFailed" });
    expect((await storage.storageAccounts.getProperties("linkwright-demo", "lwdemostorage")).name).toBe("lwdemostorage");
    await expect(storage.storageAccounts.update("linkwright-demo", "lwotherstorage", { tags: { a: "b" } })).rejects.toMatchObject({ code: "AuthorizationFailed" });
    const authz = new AuthorizationManagementClient(cred, t.subscriptionId, t.clientOptions);
    const body = { roleDefinitionId: `/subscriptions/${t.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${ROLE_IDS.StorageBlobDataReader}`,
      principalId: t.emulator.seedResult!.linkwrightIdentity.principalId, principalType: "ServicePrincipal" };
    await expect(authz.roleAssignments.create(ids.otherStorageAccount, crypto.randomUUID(), body)).rejects.toMatchObject({ code: "AuthorizationFailed" });
    await expect(authz.roleAssignments.create(ids.storageAccount, crypto.randomUUID(), body)).resolves.toMatchObject({ scope: ids.storageAccount });
  });

  it("team's client-credentials token for linkwright carries Connections.ReadWrite; linkwright's identity OBOs dev's delegated token", async () => {
    const seed = t.emulator.seedResult!;
    const team = t.emulator.credentials.team!;
    const teamCred = new ClientSecretCredential(t.tenantId, team.clientId, team.clientSecret, { authorityHost: t.endpoint, disableInstanceDiscovery: true });
    expect(decodeJwt((await teamCred.getToken(`${seed.linkwrightApp.audience}/.default`))!.token))
      .toMatchObject({ aud: seed.linkwrightApp.audience, roles: ["Connections.ReadWrite"], idtyp: "app", oid: team.objectId });

    const devToken = await t.emulator.tokenFor("dev", seed.linkwrightApp.audience, { scp: seed.linkwrightApp.scope });
    Object.assign(process.env, t.emulator.managedIdentityEnvironment(seed.linkwrightIdentity.principalId));
    try {
      const mi = new ManagedIdentityCredential();
      // (The options type omits disableInstanceDiscovery, which MSAL honours: passed as a variable, not a literal.)
      const options = {
        tenantId: t.tenantId, clientId: seed.linkwrightApp.clientId, userAssertionToken: devToken,
        getAssertion: async () => (await mi.getToken("api://AzureADTokenExchange/.default"))!.token,
        authorityHost: t.endpoint, disableInstanceDiscovery: true,
      };
      const obo = new OnBehalfOfCredential(options);
      const armToken = (await obo.getToken("https://management.azure.com/.default"))!.token;
      expect(decodeJwt(armToken)).toMatchObject({ oid: seed.dev.objectId, appid: seed.linkwrightApp.clientId, upn: "dev@linkwright.sandbox" });
    } finally {
      delete process.env.IDENTITY_ENDPOINT;
      delete process.env.IDENTITY_HEADER;
    }
  });

  it("a second start over persisted state keeps the same principals, roles and app, and re-points the federated credential", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "lw-seed-"));
    try {
      const first = await startTestEmulator({ seed: true, persistenceDir: dir });
      const before = { seed: first.emulator.seedResult!, team: first.emulator.credentials.team! };
      await first.close();
      const second = await startTestEmulator({ seed: true, persistenceDir: dir });
      try {
        const after = second.emulator.seedResult!;
        expect(after.linkwrightApp).toEqual(before.seed.linkwrightApp);
        expect(after.team).toEqual(before.seed.team);
        expect(after.dev).toEqual(before.seed.dev);
        expect(second.emulator.credentials.team).toEqual(before.team);
        const names = second.emulator.control.principals().map((p) => p.displayName);
        for (const n of ["team", "dev", "linkwright"]) expect(names.filter((x) => x === n), n).toHaveLength(1);
        expect(await roleAssignmentsOf(second, after.team.objectId)).toHaveLength(2);
        expect(second.emulator.principals.appRolesOf(after.team.objectId, second.emulator.principals.application(after.linkwrightApp.audience)!))
          .toEqual(["Connections.ReadWrite"]);
        const fics = second.emulator.principals.application(after.linkwrightApp.audience)!.federatedIdentityCredentials!;
        expect(fics.map((f) => f.issuer)).toEqual([`${second.endpoint}/${second.tenantId}/v2.0`]);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
