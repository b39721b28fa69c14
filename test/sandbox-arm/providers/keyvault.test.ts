// Microsoft.KeyVault through the real @azure/arm-keyvault client, and each vault's secrets data plane through the
// real @azure/keyvault-secrets SecretClient (401 challenge, RBAC data actions, access policies).
// SecretClient needs `disableChallengeResourceVerification: true`: its check that the challenge resource
// (vault.azure.net) is a suffix of the vault host can never hold for a loopback origin.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KeyVaultManagementClient } from "@azure/arm-keyvault";
import { SecretClient } from "@azure/keyvault-secrets";
import { startTestEmulator, type TestEmulator } from "../support/emulator.js";
import { rawRequest } from "../support/raw.js";
import { createResourceGroup, expectRestError } from "./helpers.js";

let t: TestEmulator;
let kv: KeyVaultManagementClient;
const rg = "rg-kv";
const sku = { family: "A", name: "standard" } as const;
const secretOptions = { disableChallengeResourceVerification: true, retryOptions: { maxRetries: 0 } };

beforeAll(async () => {
  t = await startTestEmulator();
  kv = new KeyVaultManagementClient(t.credential, t.subscriptionId, t.clientOptions);
  await createResourceGroup(t, rg);
});
afterAll(async () => { await t?.close(); });

describe("Microsoft.KeyVault vaults (ARM)", () => {
  it("creates a vault with its own data-plane origin, patches network ACLs, lists it", async () => {
    const vault = await kv.vaults.createOrUpdate(rg, "kv-arm", { location: "westeurope", properties: { tenantId: t.tenantId, sku, enableRbacAuthorization: true } });
    expect(vault.properties.vaultUri).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
    expect(vault.properties.vaultUri).not.toBe(`${t.endpoint}/`);
    const other = await kv.vaults.createOrUpdate(rg, "kv-arm2", { location: "westeurope", properties: { tenantId: t.tenantId, sku } });
    expect(other.properties.vaultUri).not.toBe(vault.properties.vaultUri);
    const patched = await kv.vaults.update(rg, "kv-arm", { properties: { networkAcls: { defaultAction: "Deny", bypass: "AzureServices", ipRules: [{ value: "20.1.2.3/32" }] } } });
    expect(patched.properties.networkAcls).toEqual({ defaultAction: "Deny", bypass: "AzureServices", ipRules: [{ value: "20.1.2.3/32" }], virtualNetworkRules: [] });
    expect(patched.properties.enableRbacAuthorization).toBe(true);
    const names: string[] = [];
    for await (const v of kv.vaults.listByResourceGroup(rg)) names.push(v.name!);
    expect(names.sort()).toEqual(["kv-arm", "kv-arm2"]);
  });

  it("adds, replaces and removes access policies", async () => {
    await kv.vaults.createOrUpdate(rg, "kv-ap", { location: "westeurope", properties: { tenantId: t.tenantId, sku, enableRbacAuthorization: false } });
    const oid = t.emulator.credentials.reader.objectId;
    const entry = (secrets: string[]) => ({ properties: { accessPolicies: [{ tenantId: t.tenantId, objectId: oid, permissions: { secrets: secrets as never[] } }] } });
    await kv.vaults.updateAccessPolicy(rg, "kv-ap", "add", entry(["get"]));
    const added = await kv.vaults.updateAccessPolicy(rg, "kv-ap", "add", entry(["list"]));
    expect(added.properties.accessPolicies[0].permissions.secrets).toEqual(["get", "list"]);
    await kv.vaults.updateAccessPolicy(rg, "kv-ap", "remove", entry(["get"]));
    expect((await kv.vaults.get(rg, "kv-ap")).properties.accessPolicies?.[0].permissions.secrets).toEqual(["list"]);
    await kv.vaults.updateAccessPolicy(rg, "kv-ap", "replace", entry(["set"]));
    expect((await kv.vaults.get(rg, "kv-ap")).properties.accessPolicies?.[0].permissions.secrets).toEqual(["set"]);
    await kv.vaults.updateAccessPolicy(rg, "kv-ap", "remove", entry(["set"]));
    expect((await kv.vaults.get(rg, "kv-ap")).properties.accessPolicies).toEqual([]);
  });

  it("creates through the SDK poller in LRO mode, and rejects Readers and bad input", async () => {
    t.emulator.control.addLroRule({ method: "PUT", path: "/vaults/kv-lro$" });
    try {
      const poller = await kv.vaults.beginCreateOrUpdate(rg, "kv-lro", { location: "westeurope", properties: { tenantId: t.tenantId, sku } }, { updateIntervalInMs: 10 });
      const states: string[] = [];
      poller.onProgress((s) => states.push(s.status));
      expect((await poller.pollUntilDone()).name).toBe("kv-lro");
      expect(states).toContain("running");
    } finally {
      t.emulator.control.clearRules();
    }
    const asReader = new KeyVaultManagementClient(t.readerCredential, t.subscriptionId, t.clientOptions);
    expect((await asReader.vaults.get(rg, "kv-lro")).name).toBe("kv-lro");
    await expectRestError(asReader.vaults.update(rg, "kv-lro", { tags: { a: "b" } }), 403, "AuthorizationFailed");
    await expectRestError(kv.vaults.get(rg, "kv-missing"), 404, "ResourceNotFound");
    await expectRestError(kv.vaults.createOrUpdate(rg, "1bad--", { location: "westeurope", properties: { tenantId: t.tenantId, sku } }), 400, "VaultNameNotValid");
    await expectRestError(kv.privateEndpointConnections.get(rg, "kv-lro", "pe"), 400, "InvalidResourceType");
  });
});

describe("Key Vault secrets data plane", () => {
  it("takes the control surface's faults for its plane: statuses with Retry-After, lost and slow answers", async () => {
    const vault = await kv.vaults.createOrUpdate(rg, "kv-faults", { location: "westeurope", properties: { tenantId: t.tenantId, sku, enableRbacAuthorization: true } });
    t.emulator.assignRole(t.emulator.credentials.admin.objectId, "Key Vault Secrets Officer", vault.id!);
    const plane = `^keyvault:.*/vaults/kv-faults$`;
    const retrying = new SecretClient(vault.properties.vaultUri!, t.credential, { ...secretOptions, retryOptions: { maxRetries: 3, retryDelayInMs: 10 } });
    await retrying.setSecret("warm", "up"); // the challenge is cached: later requests carry the token at once
    try {
      const throttled = t.emulator.control.addFault({ plane, method: "PUT", path: "^/secrets/s1$", status: 429, retryAfter: 0, times: 2 });
      await retrying.setSecret("s1", "v");
      expect(t.emulator.control.rules().faults.find((f) => f.id === throttled.id)?.hits).toBe(2);
      // ARM requests are not matched by a data plane's rule.
      t.emulator.control.addFault({ plane, path: ".*", status: 503, times: 1 });
      expect((await kv.vaults.get(rg, "kv-faults")).name).toBe("kv-faults");
      t.emulator.control.clearRules();

      // Lost: the version is written, the SDK retries: two versions.
      t.emulator.control.addFault({ plane, method: "PUT", path: "^/secrets/s2$", mode: "lost" });
      await retrying.setSecret("s2", "v");
      const versions: string[] = [];
      for await (const p of retrying.listPropertiesOfSecretVersions("s2")) versions.push(p.version!);
      expect(versions).toHaveLength(2);

      // Persistent 500: the envelope's code reaches the caller once retries are exhausted.
      t.emulator.control.addFault({ plane, method: "PUT", path: "^/secrets/s3$", status: 500, code: "InjectedFailure", times: -1 });
      await expectRestError(retrying.setSecret("s3", "v"), 500, "InjectedFailure");
    } finally {
      t.emulator.control.clearRules();
    }
  });

  it("answers an unauthenticated request with the bearer challenge", async () => {
    const vault = await kv.vaults.createOrUpdate(rg, "kv-challenge", { location: "westeurope", properties: { tenantId: t.tenantId, sku } });
    const res = await rawRequest(vault.properties.vaultUri!.replace(/\/$/, ""), "GET", "/secrets?api-version=2026-04-01");
    expect(res.status).toBe(401);
    expect(res.headers["www-authenticate"]).toBe(`Bearer authorization="https://login.microsoftonline.com/${t.tenantId}", resource="https://vault.azure.net"`);
    const wrongAudience = await t.emulator.tokenFor("admin");
    const res2 = await rawRequest(vault.properties.vaultUri!.replace(/\/$/, ""), "GET", "/secrets?api-version=2026-04-01", { token: wrongAudience });
    expect(res2.status).toBe(401);
  });

  it("enforces RBAC data actions and serves set/get/versions/list/update/delete/purge", async () => {
    const vault = await kv.vaults.createOrUpdate(rg, "kv-rbac", { location: "westeurope", properties: { tenantId: t.tenantId, sku, enableRbacAuthorization: true } });
    const uri = vault.properties.vaultUri!;
    const admin = new SecretClient(uri, t.credential, secretOptions);
    // Owner has no data actions: denied until a Key Vault data role is assigned.
    await expectRestError(admin.setSecret("db-password", "s3cret"), 403, "Forbidden");
    t.emulator.assignRole(t.emulator.credentials.admin.objectId, "Key Vault Secrets Officer", vault.id!);
    t.emulator.assignRole(t.emulator.credentials.reader.objectId, "Key Vault Secrets User", vault.id!);

    const v1 = await admin.setSecret("db-password", "s3cret", { contentType: "text/plain", tags: { app: "lw" } });
    const origin = uri.replace(/\/$/, "");
    expect(v1.properties.id).toMatch(new RegExp(`^${origin.replace(/[.]/g, "\\.")}/secrets/db-password/[0-9a-f]{32}$`));
    expect(v1.properties.vaultUrl).toBe(origin);
    const v2 = await admin.setSecret("db-password", "rotated");
    expect((await admin.getSecret("db-password")).value).toBe("rotated");
    expect((await admin.getSecret("db-password", { version: v1.properties.version! })).value).toBe("s3cret");
    const versions: string[] = [];
    for await (const p of admin.listPropertiesOfSecretVersions("db-password")) versions.push(p.version!);
    expect(versions.sort()).toEqual([v1.properties.version, v2.properties.version].sort());
    await admin.setSecret("api-key", "k");
    const listed: string[] = [];
    for await (const p of admin.listPropertiesOfSecrets()) listed.push(p.name);
    expect(listed.sort()).toEqual(["api-key", "db-password"]);
    const updated = await admin.updateSecretProperties("db-password", v2.properties.version!, { tags: { rotated: "yes" } });
    expect(updated.tags).toEqual({ rotated: "yes" });

    const reader = new SecretClient(uri, t.readerCredential, secretOptions);
    expect((await reader.getSecret("api-key")).value).toBe("k");
    await expectRestError(reader.setSecret("api-key", "nope"), 403, "Forbidden");

    const poller = await admin.beginDeleteSecret("api-key", { intervalInMs: 10 });
    const deleted = await poller.pollUntilDone();
    expect(deleted.properties.recoveryId).toBe(`${origin}/deletedsecrets/api-key`);
    await expectRestError(admin.getSecret("api-key"), 404, "SecretNotFound");
    expect((await admin.getDeletedSecret("api-key")).name).toBe("api-key");
    await expectRestError(admin.setSecret("api-key", "again"), 409, "Conflict");
    await admin.purgeDeletedSecret("api-key");
    await expectRestError(admin.getDeletedSecret("api-key"), 404, "SecretNotFound");
    expect((await admin.setSecret("api-key", "again")).value).toBe("again");
  });

  it("pages secret listings with nextLink", async () => {
    const vault = await kv.vaults.createOrUpdate(rg, "kv-paging", { location: "westeurope", properties: { tenantId: t.tenantId, sku } });
    t.emulator.assignRole(t.emulator.credentials.admin.objectId, "Key Vault Secrets Officer", vault.id!);
    const client = new SecretClient(vault.properties.vaultUri!, t.credential, secretOptions);
    for (let i = 0; i < 30; i++) await client.setSecret(`s${i}`, String(i));
    const pages: number[] = [];
    for await (const page of client.listPropertiesOfSecrets().byPage({ maxPageSize: 25 })) pages.push(page.length);
    expect(pages).toEqual([25, 5]);
  });

  it("uses access policies when the vault is not on the RBAC model", async () => {
    const vault = await kv.vaults.createOrUpdate(rg, "kv-policies", {
      location: "westeurope",
      properties: {
        tenantId: t.tenantId, sku, enableRbacAuthorization: false,
        accessPolicies: [{ tenantId: t.tenantId, objectId: t.emulator.credentials.admin.objectId, permissions: { secrets: ["get", "set", "list"] } }],
      },
    });
    const admin = new SecretClient(vault.properties.vaultUri!, t.credential, secretOptions);
    await admin.setSecret("conn", "Server=x");
    expect((await admin.getSecret("conn")).value).toBe("Server=x");
    await expectRestError(admin.beginDeleteSecret("conn"), 403, "Forbidden");
    const reader = new SecretClient(vault.properties.vaultUri!, t.readerCredential, secretOptions);
    await expectRestError(reader.getSecret("conn"), 403, "Forbidden");
    await kv.vaults.updateAccessPolicy(rg, "kv-policies", "add", {
      properties: { accessPolicies: [{ tenantId: t.tenantId, objectId: t.emulator.credentials.reader.objectId, permissions: { secrets: ["get"] } }] },
    });
    expect((await reader.getSecret("conn")).value).toBe("Server=x");
  });
});

describe("Key Vault across an emulator restart (persistent store)", () => {
  it("serves the vault's data plane on a fresh origin and keeps its secrets", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "lw-kv-"));
    try {
      const first = await startTestEmulator({ persistenceDir: dir });
      let uri1 = "";
      try {
        await createResourceGroup(first, "rg-persist");
        const client = new KeyVaultManagementClient(first.credential, first.subscriptionId, first.clientOptions);
        const vault = await client.vaults.createOrUpdate("rg-persist", "kv-persist", { location: "westeurope", properties: { tenantId: first.tenantId, sku } });
        uri1 = vault.properties.vaultUri!;
        first.emulator.assignRole(first.emulator.credentials.admin.objectId, "Key Vault Secrets Officer", vault.id!);
        await new SecretClient(uri1, first.credential, secretOptions).setSecret("kept", "v1");
      } finally {
        await first.close();
      }
      const second = await startTestEmulator({ persistenceDir: dir });
      try {
        const client = new KeyVaultManagementClient(second.credential, second.subscriptionId, second.clientOptions);
        const listed: string[] = [];
        for await (const v of client.vaults.listByResourceGroup("rg-persist")) listed.push(v.properties.vaultUri!);
        const uri2 = (await client.vaults.get("rg-persist", "kv-persist")).properties.vaultUri!;
        expect(listed).toEqual([uri2]);
        expect(uri2).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/); // a new ephemeral port (uri1's listener is gone)
        expect((await new SecretClient(uri2, second.credential, secretOptions).getSecret("kept")).value).toBe("v1");
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
