// Functions-binding-aware names (issue 5 §6, targets.md §7) and the unresolved-binding check.
import { describe, expect, it } from "vitest";
import {
  bindingExtraRoles,
  configurationEntries,
  FUNCTIONS_CONNECTION_KEY,
  isCatalogueError,
  parseBindingAwareRequest,
  unresolvedBindings,
  type ConfigurationEntry,
} from "../../src/catalogue/index.js";
import { FACTS } from "./expected-names.js";

function entries(x: ReturnType<typeof configurationEntries>): ConfigurationEntry[] {
  if (isCatalogueError(x)) throw new Error(`${x.code}: ${x.message}`);
  return x;
}
const names = (x: ReturnType<typeof configurationEntries>) => Object.fromEntries(entries(x).map((e) => [e.name, e.value]));
const identity = (prefix: string, sep: "__" | ":" = "__") => ({ binding: { prefix, separator: sep } });

/** Expected identity-based settings per target, transcribed from targets.md §7 (prefix P, SMI). */
const BINDING_NAMES: [string, string, Record<string, string>][] = [
  ["storage-blob", "storage", { P__blobServiceUri: "https://acct.blob.core.windows.net", P__queueServiceUri: "https://acct.queue.core.windows.net" }],
  ["storage-queue", "storage", { P__queueServiceUri: "https://acct.queue.core.windows.net" }],
  ["storage-table", "storage", { P__tableServiceUri: "https://acct.table.core.windows.net" }],
  ["servicebus", "servicebus", { P__fullyQualifiedNamespace: "ns1.servicebus.windows.net" }],
  ["eventhub", "eventhub", { P__fullyQualifiedNamespace: "eh1.servicebus.windows.net" }],
  ["cosmos-sql", "cosmos", { P__accountEndpoint: "https://cacct.documents.azure.com:443/" }],
  ["webpubsub", "webpubsub", { P__serviceUri: "https://wps1.webpubsub.azure.com" }],
  ["signalr", "signalr", { P__serviceUri: "https://sr1.service.signalr.net" }],
  ["cognitiveservices", "openai", { P__endpoint: "https://oai1.openai.azure.com/" }],
];

describe("binding-aware names", () => {
  it.each(BINDING_NAMES)("%s with a system identity", (target, facts, expected) => {
    const r = names(configurationEntries({ targetKind: target, authType: "systemAssignedIdentity", clientType: "dotnet", facts: FACTS[facts]!, ...identity("P") }));
    expect(r).toEqual({ ...expected, P__credential: "managedidentity" });
  });
  it("a user identity adds <prefix>__clientId", () => {
    const r = entries(configurationEntries({ targetKind: "servicebus", authType: "userAssignedIdentity", clientType: "dotnet", facts: FACTS.servicebus!, ...identity("Orders") }));
    expect(r.map((e) => [e.name, e.value])).toEqual([
      ["Orders__fullyQualifiedNamespace", "ns1.servicebus.windows.net"],
      ["Orders__credential", "managedidentity"],
      ["Orders__clientId", "cid-1111"],
    ]);
  });
  it("values stored in App Configuration use ':' instead of '__'", () => {
    const r = names(configurationEntries({ targetKind: "storage-blob", authType: "systemAssignedIdentity", clientType: "none", facts: FACTS.storage!, ...identity("Images", ":") }));
    expect(Object.keys(r)).toEqual(["Images:blobServiceUri", "Images:queueServiceUri", "Images:credential"]);
  });
  it("secret auth writes the connection string under the prefix itself", () => {
    const r = entries(configurationEntries({ targetKind: "storage-queue", authType: "secret", clientType: "dotnet", facts: FACTS.storage!, ...identity("Jobs") }));
    expect(r).toHaveLength(1);
    expect(r[0]).toMatchObject({ name: "Jobs", isSecret: true, value: "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=KEY==;EndpointSuffix=core.windows.net" });
  });
  it("service principal and targets without a binding are refused with a reason", () => {
    const sp = configurationEntries({ targetKind: "storage-blob", authType: "servicePrincipalSecret", clientType: "dotnet", facts: FACTS.storage!, ...identity("P") });
    expect(isCatalogueError(sp) && sp.message).toMatch(/locally/);
    const kv = configurationEntries({ targetKind: "keyvault", authType: "systemAssignedIdentity", clientType: "dotnet", facts: FACTS.keyvault!, ...identity("P") });
    expect(isCatalogueError(kv) && kv.message).toMatch(/no Azure Functions binding/);
  });
  it("customizedKeys still apply to binding-aware names", () => {
    const r = names(
      configurationEntries({
        targetKind: "eventhub", authType: "systemAssignedIdentity", clientType: "dotnet", facts: FACTS.eventhub!, ...identity("Hub"),
        customizedKeys: { Hub__credential: "Hub__credential2" },
      }),
    );
    expect(Object.keys(r)).toEqual(["Hub__fullyQualifiedNamespace", "Hub__credential2"]);
  });
});

describe("parseBindingAwareRequest (wire-format configurationInfo)", () => {
  it("reads the prefix and strips the option from additionalConfigurations", () => {
    const r = parseBindingAwareRequest({ additionalConfigurations: { [FUNCTIONS_CONNECTION_KEY]: "Images", OTHER: "1" } });
    expect(r).toEqual({ binding: { prefix: "Images", separator: "__" }, additionalConfigurations: { OTHER: "1" } });
  });
  it("uses ':' when a configuration store is set", () => {
    const r = parseBindingAwareRequest({
      additionalConfigurations: { [FUNCTIONS_CONNECTION_KEY]: "Images" },
      configurationStore: { appConfigurationId: "/subscriptions/s/resourceGroups/r/providers/Microsoft.AppConfiguration/configurationStores/c" },
    });
    expect(!isCatalogueError(r) && r.binding?.separator).toBe(":");
  });
  it("absent option, null configurationInfo", () => {
    expect(parseBindingAwareRequest(null)).toEqual({ additionalConfigurations: {} });
    expect(parseBindingAwareRequest({ additionalConfigurations: null })).toEqual({ additionalConfigurations: {} });
  });
  it("rejects a bad prefix and unknown linkwright options", () => {
    for (const bad of ["", "my-conn", "a__b", "1abc"]) {
      expect(isCatalogueError(parseBindingAwareRequest({ additionalConfigurations: { [FUNCTIONS_CONNECTION_KEY]: bad } }))).toBe(true);
    }
    const r = parseBindingAwareRequest({ additionalConfigurations: { "linkwright.nope": "x" } });
    expect(isCatalogueError(r) && r.message).toMatch(/unknown linkwright option/);
  });
});

describe("unresolvedBindings", () => {
  const seeded = [
    { name: "thumbnail", bindings: [{ type: "blobTrigger", direction: "in", name: "image", path: "images/{name}", connection: "AzureWebJobsStorage" }] },
    { name: "resize", bindings: [{ type: "blobTrigger", direction: "in", name: "image", path: "images/{name}", connection: "Images" }] },
    { name: "hello", bindings: [{ type: "httpTrigger", direction: "in", name: "req" }, { type: "http", direction: "out", name: "res" }] },
  ];
  const baseSettings = { AzureWebJobsStorage: "UseDevelopmentStorage=true", FUNCTIONS_WORKER_RUNTIME: "node" };

  it("the seeded app: AzureWebJobsStorage resolves; Images with only __blobServiceUri reports the missing __queueServiceUri", () => {
    const r = unresolvedBindings(seeded, { ...baseSettings, Images__blobServiceUri: "https://acct.blob.core.windows.net" });
    expect(r).toHaveLength(1);
    expect(r[0]).toMatchObject({ function: "resize", binding: "image", bindingType: "blobTrigger", connection: "Images", missing: ["Images__queueServiceUri"] });
    expect(r[0]!.suggestedValues).toEqual({ Images__queueServiceUri: "https://acct.queue.core.windows.net" });
    expect(r[0]!.fix).toBe("add app setting Images__queueServiceUri=https://acct.queue.core.windows.net");
    expect(r[0]!.reason).toMatch(/Images__blobServiceUri also needs Images__queueServiceUri/);
  });
  it("binding-aware names from the catalogue make the seeded blob trigger resolve", () => {
    const written = entries(configurationEntries({ targetKind: "storage-blob", authType: "systemAssignedIdentity", clientType: "none", facts: FACTS.storage!, ...identity("Images") }));
    const settings = { ...baseSettings, ...Object.fromEntries(written.map((e) => [e.name, e.value])) };
    expect(unresolvedBindings(seeded, settings)).toEqual([]);
  });
  it("Service Connector's default names do not satisfy the binding, and the fix names the settings", () => {
    const written = entries(configurationEntries({ targetKind: "storage-blob", authType: "systemAssignedIdentity", clientType: "none", facts: FACTS.storage! }));
    const r = unresolvedBindings(seeded, { ...baseSettings, ...Object.fromEntries(written.map((e) => [e.name, e.value])) });
    expect(r.map((x) => x.function)).toEqual(["resize"]);
    expect(r[0]!.missing).toEqual(["Images__blobServiceUri", "Images__queueServiceUri"]);
    expect(r[0]!.fix).toMatch(/add app setting 'Images' holding a connection string, or the identity-based settings Images__blobServiceUri, Images__queueServiceUri/);
  });
  it("a connection string setting, the AzureWebJobs prefix and the serviceUri alias all resolve", () => {
    expect(unresolvedBindings(seeded, { ...baseSettings, Images: "DefaultEndpointsProtocol=https;..." })).toEqual([]);
    expect(unresolvedBindings(seeded, { ...baseSettings, AzureWebJobsImages: "DefaultEndpointsProtocol=https;..." })).toEqual([]);
    expect(unresolvedBindings(seeded, { ...baseSettings, Images__serviceUri: "https://acct.blob.core.windows.net" })).toEqual([]);
    expect(unresolvedBindings(seeded, { ...baseSettings, images__BLOBSERVICEURI: "x", IMAGES__queueServiceUri: "y" })).toEqual([]);
  });
  it("a storage binding without a connection uses AzureWebJobsStorage (also via __accountName)", () => {
    const fns = [{ name: "q", bindings: [{ type: "queueTrigger", direction: "in", name: "msg", queueName: "jobs" }] }];
    expect(unresolvedBindings(fns, {})).toMatchObject([{ connection: "AzureWebJobsStorage", missing: ["AzureWebJobsStorage__queueServiceUri"] }]);
    expect(unresolvedBindings(fns, { AzureWebJobsStorage__accountName: "acct" })).toEqual([]);
    expect(unresolvedBindings(fns, { AzureWebJobsStorage__queueServiceUri: "https://acct.queue.core.windows.net" })).toEqual([]);
  });
  it("Service Bus, Event Hubs and Cosmos DB need their identity property", () => {
    const fns = [
      { name: "sb", bindings: [{ type: "serviceBusTrigger", name: "m", connection: "Orders" }] },
      { name: "eh", bindings: [{ type: "eventHubTrigger", name: "e", connection: "Hub" }] },
      { name: "db", bindings: [{ type: "cosmosDBTrigger", name: "d", connection: "Docs" }] },
    ];
    const r = unresolvedBindings(fns, { Orders__fullyQualifiedNamespace: "ns1.servicebus.windows.net", Hub__credential: "managedidentity" });
    expect(r.map((x) => [x.function, x.missing])).toEqual([
      ["eh", ["Hub__fullyQualifiedNamespace"]],
      ["db", ["Docs__accountEndpoint"]],
    ]);
  });
  it("unknown binding types are checked only when they declare a connection", () => {
    const fns = [{ name: "x", bindings: [{ type: "kafkaTrigger", name: "k", connection: "Brokers" }, { type: "timerTrigger", name: "t" }] }];
    expect(unresolvedBindings(fns, {}).map((x) => x.connection)).toEqual(["Brokers"]);
    expect(unresolvedBindings(fns, { Brokers__bootstrap: "x" })).toEqual([]);
  });
});

describe("binding extra roles", () => {
  it("a blob binding also needs Storage Queue Data Contributor on the queue service", () => {
    const id = "/subscriptions/s/resourceGroups/r/providers/Microsoft.Storage/storageAccounts/st1/blobServices/default";
    expect(bindingExtraRoles(id)).toEqual([
      {
        role: { name: "Storage Queue Data Contributor", id: "974c5e8b-45b9-4653-ba55-5f855dd0fb88" },
        scope: "/subscriptions/s/resourceGroups/r/providers/Microsoft.Storage/storageAccounts/st1/queueServices/default",
      },
    ]);
    expect(bindingExtraRoles("/subscriptions/s/resourceGroups/r/providers/Microsoft.ServiceBus/namespaces/n")).toEqual([]);
  });
});
