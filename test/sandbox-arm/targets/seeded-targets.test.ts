// The demo seed's connection targets as the connections slice uses them: each seeded id resolves in the catalogue,
// the GET of its resourceId gives the facts the catalogue reads, the catalogue's secret operation (listKeys /
// listConnectionStrings / authorization-rule keys / resource property) answers with the facts it picks, and
// with those facts the default secret cell builds its configuration entries.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  configurationEntries, factsFromResource, factsFromSecretResponse, fillTemplate, resolveTarget, secretSource, supportedClientTypes,
  type ResolvedTarget,
} from "../../../src/catalogue/index.js";
import { AppConfigurationClient } from "@azure/app-configuration";
import { startTestEmulator, type TestEmulator } from "../support/emulator.js";
import { armWire } from "./wire.js";

let t: TestEmulator;
let ids: Record<string, string>;

beforeAll(async () => {
  t = await startTestEmulator({ seed: true });
  ids = t.emulator.seeded!;
});
afterAll(async () => { await t?.close(); });

/** Seed key → [catalogue kind, facts factsFromResource must yield (values checked for shape)]. */
const TARGETS: Record<string, [string, Record<string, RegExp>]> = {
  sqlDatabase: ["sql", { host: /^lw-demo-sql\.database\.windows\.net$/ }],
  postgresDatabase: ["postgres-flexible", { host: /^lw-demo-pg\.postgres\.database\.azure\.com$/ }],
  mysqlDatabase: ["mysql-flexible", { host: /^lw-demo-mysql\.mysql\.database\.azure\.com$/ }],
  cosmosSqlDatabase: ["cosmos-sql", { endpoint: /^https:\/\/lw-demo-cosmos\.documents\.azure\.com:443\/$/, location: /^westeurope$/ }],
  serviceBus: ["servicebus", { host: /^lw-demo-sb\.servicebus\.windows\.net$/ }],
  eventHubs: ["eventhub", { host: /^lw-demo-eh\.servicebus\.windows\.net$/ }],
  signalR: ["signalr", { host: /^lw-demo-signalr\.service\.signalr\.net$/ }],
  webPubSub: ["webpubsub", { host: /^lw-demo-wps\.webpubsub\.azure\.com$/ }],
  appConfig: ["appconfig", { endpoint: /^https:\/\/127\.0\.0\.1:\d+$/ }],
  redis: ["redis", { host: /^lw-demo-redis\.redis\.cache\.windows\.net$/, port: /^6380$/ }],
  cognitiveServices: ["cognitiveservices", { endpoint: /^https:\/\/lw-demo-openai\.openai\.azure\.com\/$/, accountKind: /^OpenAI$/, openAiEndpoint: /openai\.azure\.com/, location: /^westeurope$/ }],
  // Its connection string is a secret fact only (checked below through the secret source), never a resource fact.
  appInsights: ["app-insights", {}],
};

describe("seeded connection targets", () => {
  it("returns every target key next to the existing ones", () => {
    for (const key of [...Object.keys(TARGETS), "cosmosAccount", "webApp", "functionApp", "storageAccount", "keyVault"]) expect(ids[key], key).toMatch(/^\/subscriptions\//);
  });

  for (const [key, [kind, expected]] of Object.entries(TARGETS)) {
    it(`${key}: resolves as ${kind}; resource and secret facts come from the emulator's wire bodies`, async () => {
      const resolved = resolveTarget(ids[key]) as ResolvedTarget;
      expect(resolved, JSON.stringify(resolved)).toMatchObject({ kind });
      const body = await armWire(t, "GET", resolved.resourceId!);
      const facts = factsFromResource(resolved.kind, body);
      expect(Object.keys(facts).sort()).toEqual(Object.keys(expected).sort());
      for (const [fact, re] of Object.entries(expected)) expect(facts[fact as keyof typeof facts], fact).toMatch(re);

      const src = secretSource(resolved.kind)!;
      if (src.kind === "none" || src.kind === "userProvided") return;
      const target = fillTemplate(src.resourceTemplate, resolved.parts);
      const segment = src.action.split("/").slice(-2)[0];
      const response = src.kind === "resourceProperty" ? await armWire(t, "GET", target, "2020-02-02") : await armWire(t, "POST", `${target}/${segment}`);
      const secretFacts = factsFromSecretResponse(src, response);
      expect(Object.keys(secretFacts).sort()).toEqual(src.pick.map((p) => p.fact).sort());
      const entries = configurationEntries({
        targetKind: resolved.kind, authType: "secret", clientType: supportedClientTypes(resolved.kind)[0],
        facts: { ...resolved.facts, ...facts, ...secretFacts },
      });
      expect(Array.isArray(entries), JSON.stringify(entries)).toBe(true);
      expect((entries as { value: string }[]).every((e) => e.value.length > 0)).toBe(true);
    });
  }

  it("serves the seeded App Configuration store's key-values to a Data Owner", async () => {
    const body = await armWire(t, "GET", ids.appConfig);
    t.emulator.assignRole(t.emulator.credentials.admin.objectId, "App Configuration Data Owner", ids.appConfig);
    const client = new AppConfigurationClient(body.properties.endpoint, t.credential, { retryOptions: { maxRetries: 0 } });
    await client.setConfigurationSetting({ key: "linkwright:demo", label: "conn1", value: "ok" });
    expect((await client.getConfigurationSetting({ key: "linkwright:demo", label: "conn1" })).value).toBe("ok");
  });
});
