// Issue 4 acceptance beyond the first case: user identity on the staging slot, secret (connection string) and
// secretStore (Key Vault reference), a Key Vault target on the container app, RBAC at the ARM front door,
// a failure injected at each step (state back to the snapshot, linker Failed with the step's error),
// and that no secret value reaches responses, tables (linkers, operations, durable history) or logs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TableServiceClient, TableClient } from "@azure/data-tables";
import { startLinkwright, type Linkwright } from "./linkwright.js";

let lw: Linkwright;
beforeAll(async () => { lw = await startLinkwright(); }, 60_000);
afterAll(async () => { await lw?.stop(); });

const blob = () => `${lw.ids.storageAccount}/blobServices/default`;
const settingsOf = (id: string) => ((lw.te.emulator.store.get(id) as { appSettings?: Record<string, string> }).appSettings ?? {});

async function allTableText(): Promise<string> {
  const service = TableServiceClient.fromConnectionString(lw.azurite.connectionString, { allowInsecureConnection: true });
  let text = "";
  for await (const t of service.listTables()) {
    const table = TableClient.fromConnectionString(lw.azurite.connectionString, t.name!, { allowInsecureConnection: true });
    for await (const e of table.listEntities()) text += JSON.stringify(e);
  }
  return text;
}

describe("more sources and auth types", () => {
  it("user-assigned identity on the staging slot writes the client id and attaches the identity", async () => {
    const before = lw.comparableState();
    const uami = lw.te.emulator.store.get(lw.ids.userIdentity!)!;
    const clientId = (uami.properties as { clientId: string }).clientId;
    const res = await lw.client.linker.beginCreateOrUpdateAndWait(lw.ids.slot!, "slotblob", {
      targetService: { type: "AzureResource", id: blob() },
      authInfo: { authType: "userAssignedIdentity", clientId, subscriptionId: lw.te.subscriptionId } as never,
      clientType: "dotnet",
    });
    expect(res.provisioningState).toBe("Succeeded");
    const slot = lw.te.emulator.store.get(lw.ids.slot!)!;
    expect(Object.keys((slot.identity as { userAssignedIdentities: object }).userAssignedIdentities).map((k) => k.toLowerCase()))
      .toContain(lw.ids.userIdentity!.toLowerCase());
    expect(settingsOf(lw.ids.slot!).AZURE_STORAGEBLOB_CLIENTID).toBe(clientId);
    await lw.client.linker.beginDeleteAndWait(lw.ids.slot!, "slotblob");
    expect(lw.diff(before, lw.comparableState())).toEqual([]);
  });

  it("secret auth writes a connection string; with secretStore it goes to Key Vault behind a reference", async () => {
    // linkwright needs a data role on the vault to write secrets, as a deployment would grant it.
    lw.te.emulator.assignRole(lw.te.emulator.seedResult!.linkwrightIdentity.principalId, "Key Vault Secrets Officer", lw.ids.keyVault!);
    const before = lw.comparableState();
    const plain = await lw.client.linker.beginCreateOrUpdateAndWait(lw.ids.webApp!, "queuesecret", {
      targetService: { type: "AzureResource", id: `${lw.ids.storageAccount}/queueServices/default` },
      authInfo: { authType: "secret" },
      clientType: "python",
    });
    expect(plain.provisioningState).toBe("Succeeded");
    const conn = settingsOf(lw.ids.webApp!).AZURE_STORAGEQUEUE_CONNECTIONSTRING!;
    const accountKey = /AccountKey=([^;]+)/.exec(conn)![1]!;
    expect(accountKey.length).toBeGreaterThan(20);

    const stored = await lw.client.linker.beginCreateOrUpdateAndWait(lw.ids.functionApp!, "blobkv", {
      targetService: { type: "AzureResource", id: blob() },
      authInfo: { authType: "secret" },
      secretStore: { keyVaultId: lw.ids.keyVault },
      clientType: "nodejs",
    });
    expect(stored.provisioningState).toBe("Succeeded");
    expect(settingsOf(lw.ids.functionApp!).AZURE_STORAGEBLOB_CONNECTIONSTRING).toMatch(/^@Microsoft\.KeyVault\(SecretUri=https:\/\/.+\/secrets\/blobkv-AZURE-STORAGEBLOB-CONNECTIONSTRING\/\)$/);
    // listConfigurations shows the reference (it is no secret) as a Key Vault entry, as the app setting holds it.
    const listed = (await lw.client.linker.listConfigurations(lw.ids.functionApp!, "blobkv")).configurations ?? [];
    expect(listed.find((c) => c.name === "AZURE_STORAGEBLOB_CONNECTIONSTRING")?.value).toBe(settingsOf(lw.ids.functionApp!).AZURE_STORAGEBLOB_CONNECTIONSTRING);

    const responses = JSON.stringify([plain, stored, await lw.client.linker.get(lw.ids.webApp!, "queuesecret"),
      await lw.client.linker.listConfigurations(lw.ids.webApp!, "queuesecret")]);
    expect(responses).not.toContain(accountKey);
    expect(await allTableText()).not.toContain(accountKey);
    expect(lw.logs()).not.toContain(accountKey);

    await lw.client.linker.beginDeleteAndWait(lw.ids.webApp!, "queuesecret");
    await lw.client.linker.beginDeleteAndWait(lw.ids.functionApp!, "blobkv");
    expect(lw.diff(before, lw.comparableState())).toEqual([]);
  });

  it("a Key Vault target on the container app: identity, Key Vault Secrets User, env var on the container", async () => {
    const before = lw.comparableState();
    const res = await lw.client.linker.beginCreateOrUpdateAndWait(lw.ids.containerApp!, "kv", {
      targetService: { type: "AzureResource", id: lw.ids.keyVault! },
      authInfo: { authType: "systemAssignedIdentity" },
      clientType: "java",
      scope: "main",
    });
    expect(res.provisioningState).toBe("Succeeded");
    const app = lw.te.emulator.store.get(lw.ids.containerApp!)!;
    const env = ((app.properties as { template: { containers: { name: string; env?: { name: string; value?: string }[] }[] } })
      .template.containers.find((c) => c.name === "main")!.env ?? []);
    expect(env.map((e) => e.name)).toContain("AZURE_KEYVAULT_RESOURCEENDPOINT");
    await lw.client.linker.beginDeleteAndWait(lw.ids.containerApp!, "kv");
    expect(lw.diff(before, lw.comparableState())).toEqual([]);
  });
});

describe("front door", () => {
  it("a Reader gets 403 at the ARM endpoint and nothing changes", async () => {
    const before = lw.comparableState();
    await expect(lw.readerClient.linker.beginCreateOrUpdateAndWait(lw.ids.webApp!, "nope", {
      targetService: { type: "AzureResource", id: blob() }, authInfo: { authType: "systemAssignedIdentity" },
    })).rejects.toMatchObject({ statusCode: 403, code: "AuthorizationFailed" });
    expect(lw.diff(before, lw.comparableState())).toEqual([]);
  });

  it("no token gets 401 directly at the function app", async () => {
    const res = await fetch(`${lw.host.baseUrl}${lw.ids.webApp}/providers/Microsoft.ServiceLinker/linkers?api-version=2024-04-01`);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toMatch(/Authentication/);
  });
});

describe("compensation", () => {
  const faults: [string, string, RegExp][] = [
    ["identity", "PATCH", /\/sites\/lw-demo-func$/],
    ["roleAssignment", "PUT", /\/roleAssignments\//],
    ["configuration", "PUT", /\/sites\/lw-demo-func\/config\/appsettings$/],
  ];
  it.each(faults)("a failure at %s restores the snapshot and fails the linker with the step's error", async (step, method, path) => {
    // Start from a function app without identity so every step has something to do.
    await fetch(`${lw.te.endpoint}${lw.ids.functionApp}?api-version=2024-04-01`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${await lw.te.emulator.tokenFor("admin")}`, "content-type": "application/json" },
      body: JSON.stringify({ identity: { type: "None" } }),
    });
    const before = lw.comparableState();
    const rule = lw.te.emulator.control.addFault({ method, path: path.source, status: 400, code: "InjectedFailure", message: `injected at ${step}`, times: Infinity });
    try {
      await expect(lw.client.linker.beginCreateOrUpdateAndWait(lw.ids.functionApp!, `fail-${step}`, {
        targetService: { type: "AzureResource", id: blob() }, authInfo: { authType: "systemAssignedIdentity" }, clientType: "none",
      })).rejects.toThrow();
    } finally {
      lw.te.emulator.control.removeRule(rule.id);
    }
    const linker = await lw.client.linker.get(lw.ids.functionApp!, `fail-${step}`);
    expect(linker.provisioningState).toBe("Failed");
    expect(lw.diff(before, lw.comparableState())).toEqual([]);
    await lw.client.linker.beginDeleteAndWait(lw.ids.functionApp!, `fail-${step}`);
  });
});
