// startArmEmulator({ seed: true }): demo group, linkwright's own identity with its roles, demo resources.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ResourceManagementClient } from "@azure/arm-resources";
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { ManagedIdentityCredential } from "@azure/identity";
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
