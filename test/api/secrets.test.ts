import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BLOB, blobLinker, createHarness, linkerPath, WEBAPP, type Harness } from "./harness.js";

let h: Harness;
beforeAll(async () => { h = await createHarness("apisecret"); });
afterAll(async () => { await h.close(); });

const SECRET = "DefaultEndpointsProtocol=https;AccountKey=S3cr3t-Value-Nobody-May-See==";
const SP_SECRET = "sp-client-secret-Zq8~never-shown";
const secretBody = (value?: string) => blobLinker({ authInfo: { authType: "secret", ...(value ? { secretInfo: { secretType: "rawValue", value } } : {}) } });

function assertNoSecret(text: string): void {
  expect(text).not.toContain(SECRET);
  expect(text).not.toContain(SP_SECRET);
  expect(text).not.toContain("S3cr3t-Value");
}

describe("secrets are never returned nor stored", () => {
  it("PUT with a raw secret: masked response, sealed hand-off, no value in any row", async () => {
    const res = await h.call("PUT", linkerPath("withSecret"), { body: secretBody(SECRET) });
    expect(res.status).toBe(201);
    assertNoSecret(JSON.stringify(res));
    expect((res.body as any).properties.authInfo).toEqual({ authType: "secret", secretInfo: { secretType: "rawValue" } });

    const call = h.calls.at(-1)!;
    expect(call.kind).toBe("createOrUpdate");
    if (call.kind !== "createOrUpdate") return;
    assertNoSecret(JSON.stringify(call.input));
    expect(call.input.sealedSecrets).toMatch(/^sealed:v1:/);
    expect(JSON.parse(h.deps.sealer.unseal(call.input.sealedSecrets!))).toEqual({ "authInfo.secretInfo.value": SECRET });

    const get = await h.call("GET", linkerPath("withSecret"));
    assertNoSecret(JSON.stringify(get));
    expect((get.body as any).properties.authInfo.secretInfo).toEqual({ secretType: "rawValue" });
    const list = await h.call("GET", `${WEBAPP}/providers/Microsoft.ServiceLinker/linkers`);
    assertNoSecret(JSON.stringify(list));
    assertNoSecret(await h.dumpTables());
  });

  it("an update that omits the secret keeps the stored one", async () => {
    const res = await h.call("PUT", linkerPath("withSecret"), { body: { ...secretBody(), properties: { ...secretBody().properties, clientType: "python" } } });
    expect(res.status).toBe(201);
    const call = h.calls.at(-1)!;
    if (call.kind !== "createOrUpdate") throw new Error("expected createOrUpdate");
    expect(call.input.sealedSecrets).toBeUndefined();
    expect(call.input.keptSecretPaths).toEqual(["authInfo.secretInfo.value"]);
    expect((await h.store.linkers.get(WEBAPP, "withSecret"))?.secretPaths).toEqual(["authInfo.secretInfo.value"]);
    expect(((await h.call("GET", linkerPath("withSecret"))).body as any).properties.authInfo.secretInfo).toEqual({ secretType: "rawValue" });

    const patch = await h.call("PATCH", linkerPath("withSecret"), { body: { properties: { clientType: "java" } } });
    expect(patch.status).toBe(201);
    const patchCall = h.calls.at(-1)!;
    if (patchCall.kind !== "createOrUpdate") throw new Error("expected createOrUpdate");
    expect(patchCall.input.keptSecretPaths).toEqual(["authInfo.secretInfo.value"]);
  });

  it("switching auth type drops the stored secret", async () => {
    const res = await h.call("PUT", linkerPath("withSecret"), { body: blobLinker() });
    expect(res.status).toBe(201);
    const call = h.calls.at(-1)!;
    if (call.kind !== "createOrUpdate") throw new Error("expected createOrUpdate");
    expect(call.input.keptSecretPaths).toEqual([]);
    expect((await h.store.linkers.get(WEBAPP, "withSecret"))?.secretPaths).toEqual([]);
  });

  it("servicePrincipalSecret: `secret` is never returned or stored", async () => {
    const body = blobLinker({ authInfo: { authType: "servicePrincipalSecret", clientId: "cid", principalId: "pid", secret: SP_SECRET } });
    const res = await h.call("PUT", linkerPath("sp"), { body });
    expect(res.status).toBe(201);
    assertNoSecret(JSON.stringify(res));
    expect((res.body as any).properties.authInfo).toEqual({ authType: "servicePrincipalSecret", clientId: "cid", principalId: "pid" });
    const call = h.calls.at(-1)!;
    if (call.kind !== "createOrUpdate") throw new Error("expected createOrUpdate");
    assertNoSecret(JSON.stringify({ ...call.input, sealedSecrets: undefined }));
    expect(JSON.parse(h.deps.sealer.unseal(call.input.sealedSecrets!))).toEqual({ "authInfo.secret": SP_SECRET });
    // an update may omit the secret once one is stored
    const update = await h.call("PUT", linkerPath("sp"), { body: blobLinker({ authInfo: { authType: "servicePrincipalSecret", clientId: "cid", principalId: "pid" } }) });
    expect(update.status).toBe(201);
    assertNoSecret(await h.dumpTables());
  });

  it("a Key Vault secret URI is a reference, not a secret, and is returned", async () => {
    const uri = "https://kv1.vault.azure.net/secrets/conn/abc";
    const res = await h.call("PUT", linkerPath("kvref"), { body: blobLinker({ authInfo: { authType: "secret", secretInfo: { secretType: "keyVaultSecretUri", value: uri } }, targetService: { type: "AzureResource", id: BLOB } }) });
    expect(res.status).toBe(201);
    expect((res.body as any).properties.authInfo.secretInfo).toEqual({ secretType: "keyVaultSecretUri", value: uri });
  });
});
