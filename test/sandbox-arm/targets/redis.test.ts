// Microsoft.Cache/redis through the real @azure/arm-rediscache client: hostName / sslPort, listKeys, firewall rules,
// access policy assignments (Entra data access), RBAC and errors; the catalogue's facts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisManagementClient } from "@azure/arm-rediscache";
import { factsFromResource, factsFromSecretResponse, secretSource } from "../../../src/catalogue/index.js";
import { startTestEmulator, type TestEmulator } from "../support/emulator.js";
import { createResourceGroup, expectRestError } from "../providers/helpers.js";
import { armWire } from "./wire.js";

let t: TestEmulator;
let redis: RedisManagementClient;
const rg = "rg-redis";

beforeAll(async () => {
  t = await startTestEmulator();
  redis = new RedisManagementClient(t.credential, t.subscriptionId, t.clientOptions);
  await createResourceGroup(t, rg);
  await redis.redis.beginCreateAndWait(rg, "lw-redis", { location: "westeurope", sku: { name: "Standard", family: "C", capacity: 1 } });
});
afterAll(async () => { await t?.close(); });

describe("Microsoft.Cache/redis", () => {
  it("serves hostName, ports and keys the catalogue reads", async () => {
    const cache = await redis.redis.get(rg, "lw-redis");
    expect(cache).toMatchObject({ hostName: "lw-redis.redis.cache.windows.net", port: 6379, sslPort: 6380, enableNonSslPort: false });
    expect(factsFromResource("redis", await armWire(t, "GET", cache.id!))).toEqual({ host: "lw-redis.redis.cache.windows.net", port: "6380" });
    const keys = await redis.redis.listKeys(rg, "lw-redis");
    expect(keys.primaryKey).toBeTruthy();
    expect(factsFromSecretResponse(secretSource("redis")!, await armWire(t, "POST", `${cache.id!}/listKeys`))).toEqual({ accessKey: keys.primaryKey });
  });

  it("creates, lists and deletes firewall rules", async () => {
    const rule = await redis.firewallRules.createOrUpdate(rg, "lw-redis", "office", { startIP: "20.1.1.1", endIP: "20.1.1.9" });
    expect(rule).toMatchObject({ startIP: "20.1.1.1", endIP: "20.1.1.9" });
    const names: string[] = [];
    for await (const r of redis.firewallRules.list(rg, "lw-redis")) names.push(r.name!);
    expect(names).toEqual(["office"]);
    await redis.firewallRules.delete(rg, "lw-redis", "office");
    await expectRestError(redis.firewallRules.get(rg, "lw-redis", "office"), 404, "ResourceNotFound");
    await expectRestError(redis.firewallRules.createOrUpdate(rg, "lw-redis", "bad", { startIP: "x", endIP: "1.1.1.1" }), 400, "InvalidRequestBody");
  });

  it("assigns built-in data access policies to Entra principals", async () => {
    const objectId = t.emulator.credentials.reader.objectId;
    const a = await redis.accessPolicyAssignment.beginCreateUpdateAndWait(rg, "lw-redis", "app", { accessPolicyName: "Data Contributor", objectId, objectIdAlias: "my-app" });
    expect(a).toMatchObject({ accessPolicyName: "Data Contributor", objectId, objectIdAlias: "my-app", provisioningState: "Succeeded" });
    const listed: string[] = [];
    for await (const x of redis.accessPolicyAssignment.list(rg, "lw-redis")) listed.push(x.name!);
    expect(listed).toEqual(["app"]);
    await expectRestError(redis.accessPolicyAssignment.beginCreateUpdateAndWait(rg, "lw-redis", "bad", { accessPolicyName: "Root", objectId, objectIdAlias: "x" }), 400, "InvalidRequestBody");
  });

  it("rejects a Reader's writes and listKeys, and a missing cache", async () => {
    const asReader = new RedisManagementClient(t.readerCredential, t.subscriptionId, t.clientOptions);
    expect((await asReader.redis.get(rg, "lw-redis")).name).toBe("lw-redis");
    await expectRestError(asReader.redis.listKeys(rg, "lw-redis"), 403, "AuthorizationFailed");
    await expectRestError(asReader.firewallRules.createOrUpdate(rg, "lw-redis", "x", { startIP: "1.1.1.1", endIP: "1.1.1.1" }), 403, "AuthorizationFailed");
    await expectRestError(redis.redis.get(rg, "lw-missing"), 404, "ResourceNotFound");
  });
});
