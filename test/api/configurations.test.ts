import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blobLinker, createHarness, linkerPath, SUB, WEBAPP, type Harness } from "./harness.js";

let h: Harness;
beforeAll(async () => { h = await createHarness("apiconfig"); });
afterAll(async () => { await h.close(); });

const SECRET = "AccountKey=very-secret-key==";

describe("listConfigurations / generateConfigurations", () => {
  it("404 for a missing linker", async () => {
    const res = await h.call("POST", `${linkerPath("none")}/listConfigurations`);
    expect(res.status).toBe(404);
  });

  it("generateConfigurations computes the catalogue's names from recorded facts and applies customizedKeys", async () => {
    expect((await h.call("PUT", linkerPath("blob"), { body: blobLinker() })).status).toBe(201);
    // before the orchestration recorded the target's endpoint the value is unknown
    const early = await h.call("POST", `${linkerPath("blob")}/generateConfigurations`);
    expect(early.status).toBe(409);
    await h.store.linkers.update(WEBAPP, "blob", (l) => ({ ...l, state: { targetFacts: { blobEndpoint: "https://sa1.blob.core.windows.net/" } } }));
    const res = await h.call("POST", `${linkerPath("blob")}/generateConfigurations`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      configurations: [expect.objectContaining({ name: "AZURE_STORAGEBLOB_RESOURCEENDPOINT", value: "https://sa1.blob.core.windows.net/", configType: "Default" })],
    });
    const custom = await h.call("POST", `${linkerPath("blob")}/generateConfigurations`, { body: { customizedKeys: { AZURE_STORAGEBLOB_RESOURCEENDPOINT: "BLOB_URL" }, additionalConfigurations: { EXTRA: "x" } } });
    expect((custom.body as any).configurations.map((c: { name: string }) => c.name)).toEqual(["BLOB_URL", "EXTRA"]);
    const bad = await h.call("POST", `${linkerPath("blob")}/generateConfigurations`, { body: { customizedKeys: { A: 1 } } });
    expect(bad.status).toBe(400);
    expect((bad.body as any).error.target).toBe("configurationInfo.customizedKeys");
  });

  it("generateConfigurations recomputes a secret-auth connection without the secret: secret entries are left out", async () => {
    const sqlDb = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Sql/servers/srv1/databases/db1`;
    const password = "user-pa55word-never-echoed";
    const put = await h.call("PUT", linkerPath("sqlsecret"), { body: { properties: {
      targetService: { type: "AzureResource", id: sqlDb }, clientType: "nodejs",
      authInfo: { authType: "secret", name: "appuser", secretInfo: { secretType: "rawValue", value: password } },
    } } });
    expect(put.status).toBe(201);
    await h.store.linkers.update(WEBAPP, "sqlsecret", (l) => ({ ...l, state: { targetFacts: { host: "srv1.database.windows.net", databaseName: "db1" } } }));
    const res = await h.call("POST", `${linkerPath("sqlsecret")}/generateConfigurations`);
    expect(res.status).toBe(200);
    expect((res.body as any).configurations.map((c: { name: string; value: string }) => [c.name, c.value])).toEqual([
      ["AZURE_SQL_SERVER", "srv1.database.windows.net"], ["AZURE_SQL_PORT", "1433"], ["AZURE_SQL_DATABASE", "db1"], ["AZURE_SQL_USERNAME", "appuser"],
    ]);
    expect(JSON.stringify(res.body)).not.toMatch(/PASSWORD|linkwright-secret/);
    expect(JSON.stringify(res.body)).not.toContain(password);

    // a storage key is read from the target only when writing: a secret-auth blob connection has nothing to show
    expect((await h.call("PUT", linkerPath("blobsecret"), { body: blobLinker({ authInfo: { authType: "secret" } }) })).status).toBe(201);
    await h.store.linkers.update(WEBAPP, "blobsecret", (l) => ({ ...l, state: { targetFacts: { blobEndpoint: "https://sa1.blob.core.windows.net/" } } }));
    const blob = await h.call("POST", `${linkerPath("blobsecret")}/generateConfigurations`);
    expect(blob.status).toBe(200);
    expect(blob.body).toEqual({ configurations: [] });
  });

  it("listConfigurations returns what the orchestration recorded, omitting secrets; Key Vault references are typed", async () => {
    expect((await h.call("PUT", linkerPath("sec"), { body: blobLinker({ authInfo: { authType: "secret" } }) })).status).toBe(201);
    await h.store.linkers.update(WEBAPP, "sec", (l) => ({
      ...l,
      provisioningState: "Succeeded",
      state: {
        configurations: [
          { name: "AZURE_STORAGEBLOB_CONNECTIONSTRING", value: SECRET, isSecret: true, description: "connection string" },
          { name: "AZURE_STORAGEBLOB_KV", value: "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/s/)", isSecret: true, description: "reference" },
          { name: "PLAIN", value: "v", isSecret: false, description: "plain" },
        ],
      },
    }));
    const res = await h.call("POST", `${linkerPath("sec")}/listConfigurations`);
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).not.toContain(SECRET);
    expect((res.body as any).configurations).toEqual([
      { name: "AZURE_STORAGEBLOB_KV", value: "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/s/)", configType: "KeyVaultSecret", description: "reference" },
      { name: "PLAIN", value: "v", configType: "Default", description: "plain" },
    ]);
    const old = await h.call("POST", `${linkerPath("sec")}/listConfigurations`, { apiVersion: "2022-05-01" });
    expect((old.body as any).configurations).toEqual([
      { name: "AZURE_STORAGEBLOB_KV", value: "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/s/)" },
      { name: "PLAIN", value: "v" },
    ]);
  });
});
