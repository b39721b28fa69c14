// Facts read from ARM GET bodies and secret responses, feeding configurationEntries end to end (pure).
import { describe, expect, it } from "vitest";
import {
  configurationEntries,
  factsFromResource,
  factsFromSecretResponse,
  factsFromTargetResource,
  isCatalogueError,
  readPath,
  resolveTarget,
  secretSource,
} from "../../src/catalogue/index.js";

describe("readPath", () => {
  it("reads dotted, indexed and quoted steps", () => {
    const body = { a: { b: [{ c: 1 }], "x y": "z" } };
    expect(readPath(body, "a.b[0].c")).toBe(1);
    expect(readPath(body, 'a["x y"]')).toBe("z");
    expect(readPath(body, "a.nope.c")).toBeUndefined();
  });
});

describe("facts from ARM bodies", () => {
  it("storage: id + account GET + listKeys → the documented connection string", () => {
    const id = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st1/blobServices/default";
    const r = resolveTarget(id);
    if (isCatalogueError(r)) throw new Error(r.message);
    const account = { name: "st1", properties: { primaryEndpoints: { blob: "https://st1.blob.core.windows.net/", queue: "https://st1.queue.core.windows.net/" } } };
    const keys = { keys: [{ keyName: "key1", value: "K1==", permissions: "FULL" }, { keyName: "key2", value: "K2==" }] };
    const facts = { ...r.facts, ...factsFromResource(r.kind, account), ...factsFromSecretResponse(secretSource(r.kind)!, keys) };
    const e = configurationEntries({ targetKind: r.kind, authType: "secret", clientType: "python", facts });
    expect(!isCatalogueError(e) && e[0]!.value).toBe("DefaultEndpointsProtocol=https;AccountName=st1;AccountKey=K1==;EndpointSuffix=core.windows.net");
  });
  it("service bus host from serviceBusEndpoint; authorization rule keys", () => {
    expect(factsFromResource("servicebus", { properties: { serviceBusEndpoint: "https://ns1.servicebus.windows.net:443/" } })).toEqual({ host: "ns1.servicebus.windows.net" });
    expect(factsFromSecretResponse(secretSource("servicebus")!, { keyName: "RootManageSharedAccessKey", primaryKey: "pk" })).toEqual({
      sharedAccessKeyName: "RootManageSharedAccessKey",
      accessKey: "pk",
    });
  });
  it("key vault, SQL, Cosmos, Redis, Cognitive Services, App Insights", () => {
    expect(factsFromResource("keyvault", { properties: { vaultUri: "https://kv1.vault.azure.net/" } })).toEqual({ endpoint: "https://kv1.vault.azure.net/" });
    expect(factsFromResource("sql", { properties: { fullyQualifiedDomainName: "srv.database.windows.net" } })).toEqual({ host: "srv.database.windows.net" });
    expect(factsFromResource("cosmos-sql", { location: "eastus", properties: { documentEndpoint: "https://a.documents.azure.com:443/" } })).toEqual({
      endpoint: "https://a.documents.azure.com:443/",
      location: "eastus",
    });
    expect(factsFromResource("redis", { properties: { hostName: "r.redis.cache.windows.net", sslPort: 6380 } })).toEqual({ host: "r.redis.cache.windows.net", port: "6380" });
    expect(factsFromTargetResource("redis-enterprise", { properties: { port: 10000 } })).toEqual({ port: "10000" });
    expect(
      factsFromResource("cognitiveservices", {
        kind: "AIServices",
        location: "eastus",
        properties: { endpoint: "https://a.cognitiveservices.azure.com/", endpoints: { "OpenAI Language Model Instance API": "https://a.openai.azure.com/" } },
      }),
    ).toEqual({ accountKind: "AIServices", endpoint: "https://a.cognitiveservices.azure.com/", openAiEndpoint: "https://a.openai.azure.com/", location: "eastus" });
    // A secret: never a resource fact (those are recorded on the linker), only read through the secret source.
    expect(factsFromResource("app-insights", { properties: { ConnectionString: "InstrumentationKey=x" } })).toEqual({});
    expect(factsFromSecretResponse(secretSource("app-insights")!, { properties: { ConnectionString: "InstrumentationKey=x" } })).toEqual({ connectionString: "InstrumentationKey=x" });
  });
  it("user-provided secrets yield no facts from a response", () => {
    expect(factsFromSecretResponse(secretSource("sql")!, { anything: 1 })).toEqual({});
  });
});
