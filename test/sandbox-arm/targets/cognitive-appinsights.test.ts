// Microsoft.CognitiveServices accounts through the real @azure/arm-cognitiveservices client (kind OpenAI /
// AIServices, endpoint(s), listKeys, networkAcls via update) and Application Insights components through the real
// @azure/arm-appinsights client (ConnectionString, InstrumentationKey); RBAC, errors and the catalogue's facts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CognitiveServicesManagementClient } from "@azure/arm-cognitiveservices";
import { ApplicationInsightsManagementClient } from "@azure/arm-appinsights";
import { factsFromResource, factsFromSecretResponse, secretSource } from "../../../src/catalogue/index.js";
import { startTestEmulator, type TestEmulator } from "../support/emulator.js";
import { createResourceGroup, expectRestError } from "../providers/helpers.js";
import { armWire } from "./wire.js";

let t: TestEmulator;
let cog: CognitiveServicesManagementClient;
const rg = "rg-ai";

beforeAll(async () => {
  t = await startTestEmulator();
  cog = new CognitiveServicesManagementClient(t.credential, t.subscriptionId, t.clientOptions);
  await createResourceGroup(t, rg);
});
afterAll(async () => { await t?.close(); });

describe("Microsoft.CognitiveServices accounts", () => {
  it("creates an OpenAI account whose endpoint, kind and key the catalogue reads", async () => {
    const a = await cog.accounts.beginCreateAndWait(rg, "lw-openai", { location: "westeurope", kind: "OpenAI", sku: { name: "S0" }, properties: { customSubDomainName: "lw-openai" } });
    expect(a.properties?.endpoint).toBe("https://lw-openai.openai.azure.com/");
    expect(a.properties?.endpoints?.["OpenAI Language Model Instance API"]).toBe("https://lw-openai.openai.azure.com/");
    expect(factsFromResource("cognitiveservices", await armWire(t, "GET", a.id!))).toEqual({
      endpoint: "https://lw-openai.openai.azure.com/", accountKind: "OpenAI", openAiEndpoint: "https://lw-openai.openai.azure.com/", location: "westeurope",
    });
    const keys = await cog.accounts.listKeys(rg, "lw-openai");
    expect(keys.key1).toMatch(/^[0-9a-f]{32}$/);
    expect(factsFromSecretResponse(secretSource("cognitiveservices")!, await armWire(t, "POST", `${a.id!}/listKeys`))).toEqual({ accessKey: keys.key1 });
  });

  it("serves AIServices with a cognitiveservices endpoint plus the OpenAI endpoint", async () => {
    const a = await cog.accounts.beginCreateAndWait(rg, "lw-ai", { location: "westeurope", kind: "AIServices", sku: { name: "S0" }, properties: { customSubDomainName: "lw-ai" } });
    expect(a.properties?.endpoint).toBe("https://lw-ai.cognitiveservices.azure.com/");
    expect(a.properties?.endpoints?.["OpenAI Language Model Instance API"]).toBe("https://lw-ai.openai.azure.com/");
    await expectRestError(cog.accounts.beginCreateAndWait(rg, "lw-bad", { location: "westeurope", kind: "NotAKind", sku: { name: "S0" } }), 400, "InvalidApiSetId");
  });

  it("updates networkAcls", async () => {
    const updated = await cog.accounts.beginUpdateAndWait(rg, "lw-openai", { properties: { networkAcls: { defaultAction: "Deny", ipRules: [{ value: "20.1.2.3" }] }, publicNetworkAccess: "Enabled" } });
    expect(updated.properties?.networkAcls).toMatchObject({ defaultAction: "Deny", ipRules: [{ value: "20.1.2.3" }] });
    expect((await cog.accounts.get(rg, "lw-openai")).properties?.endpoint).toBe("https://lw-openai.openai.azure.com/");
  });

  it("rejects a Reader's update and listKeys, and a missing account", async () => {
    const asReader = new CognitiveServicesManagementClient(t.readerCredential, t.subscriptionId, t.clientOptions);
    expect((await asReader.accounts.get(rg, "lw-openai")).name).toBe("lw-openai");
    await expectRestError(asReader.accounts.beginUpdateAndWait(rg, "lw-openai", { tags: { a: "b" } }), 403, "AuthorizationFailed");
    await expectRestError(asReader.accounts.listKeys(rg, "lw-openai"), 403, "AuthorizationFailed");
    await expectRestError(cog.accounts.get(rg, "lw-missing"), 404, "ResourceNotFound");
  });
});

describe("microsoft.insights/components", () => {
  it("creates a component whose ConnectionString the catalogue reads; Readers cannot write", async () => {
    const ai = new ApplicationInsightsManagementClient(t.credential, t.subscriptionId, { baseUri: t.endpoint });
    const c = await ai.components.createOrUpdate(rg, "lw-insights", { location: "westeurope", kind: "web", applicationType: "web" });
    expect(c.instrumentationKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(c.connectionString).toMatch(new RegExp(`^InstrumentationKey=${c.instrumentationKey};IngestionEndpoint=https://westeurope-5\\.in\\.applicationinsights\\.azure\\.com/;`));
    const got = await ai.components.get(rg, "lw-insights");
    expect(got.connectionString).toBe(c.connectionString);
    const wire = await armWire(t, "GET", c.id!, "2020-02-02");
    // The connection string is a secret: never a resource fact (those are recorded on the linker), only a secret fact.
    expect(factsFromResource("app-insights", wire)).toEqual({});
    expect(factsFromSecretResponse(secretSource("app-insights")!, wire)).toEqual({ connectionString: c.connectionString });
    const asReader = new ApplicationInsightsManagementClient(t.readerCredential, t.subscriptionId, { baseUri: t.endpoint });
    await expect(asReader.components.createOrUpdate(rg, "lw-insights", { location: "westeurope", kind: "web", applicationType: "web" })).rejects.toMatchObject({ statusCode: 403, code: "AuthorizationFailed" });
    await expect(ai.components.get(rg, "lw-missing")).rejects.toMatchObject({ statusCode: 404, code: "ResourceNotFound" });
  });
});
