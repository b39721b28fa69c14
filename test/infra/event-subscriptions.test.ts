// infra/event-subscriptions.json — the one definition of linkwright's Event Grid wiring, read by the Bicep
// (app/resource-events.bicep, loadJsonContent) and by `npm start` (sandbox/start.ts → the emulator's Event Grid) —
// against the code: every queue it names is one a src/functions queue trigger listens on (on AzureWebJobsStorage, the
// account the deployment delivers to), each subscription includes every event type its handler acts on, its filters
// drop no event the handler would act on, and the sandbox's Event Grid can express every filter. Then the Bicep:
// it uses the JSON (no second list), delivers keyless (the system topic's identity, storage queues only), and grants
// that identity Storage Queue Data Message Sender on exactly those queues. Pure: reads files, no Bicep compiler.
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseResourceEvents, RESOURCE_EVENT_TYPES } from "../../src/health/eventMapping.js";
import { siteChangeOf, SITE_CHANGE_EVENT_TYPES } from "../../src/loops/siteEvents.js";
import { subscriberMatches, validateAdvancedFilters, type AdvancedFilter, type EventGridEvent } from "../../sandbox/arm/core/event-grid.js";
import { loopResources, modules, objectProperty, resources, stripComments, topLevelProperties, vars } from "./bicep-text.js";
import { typeScriptFiles } from "./code-settings.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), "utf8");

interface Definition {
  name: string;
  description: string;
  queueName: string;
  includedEventTypes: string[];
  subjectBeginsWith: string;
  advancedFilters: AdvancedFilter[];
}
const wiring = JSON.parse(read("infra/event-subscriptions.json")) as { $comment: string; topicType: string; subscriptions: Definition[] };

const mainText = stripComments(read("infra/main.bicep"));
const eventsText = stripComments(read("infra/app/resource-events.bicep"));
const queuesText = stripComments(read("infra/app/event-queues.bicep"));
const apiText = stripComments(read("infra/app/api.bicep"));

/** `app.storageQueue("fn", { queueName: X, connection: "…" …})` in src/functions, X resolved through `const X = "…"`. */
function queueTriggers(): { fn: string; queueName: string; connection: string; file: string }[] {
  const sources = typeScriptFiles(join(ROOT, "src")).map((f) => ({ file: relative(ROOT, f), text: readFileSync(f, "utf8") }));
  const constant = (name: string): string => {
    const values = sources.flatMap((s) => [...s.text.matchAll(new RegExp(`\\bconst ${name}\\s*=\\s*"([^"]+)"`, "g"))].map((m) => m[1]!));
    expect(values, `one definition of ${name}`).toHaveLength(1);
    return values[0]!;
  };
  const out: { fn: string; queueName: string; connection: string; file: string }[] = [];
  for (const s of sources.filter((x) => x.file.startsWith("src/functions/"))) {
    for (const m of s.text.matchAll(/app\.storageQueue\(\s*"(\w+)"\s*,\s*\{([^]*?)\bhandler\b/g)) {
      const raw = /\bqueueName:\s*([^,\n}]+)/.exec(m[2]!)![1]!.trim();
      const connection = /\bconnection:\s*"([^"]+)"/.exec(m[2]!)?.[1] ?? "AzureWebJobsStorage";
      out.push({ fn: m[1]!, queueName: raw.startsWith('"') ? JSON.parse(raw) as string : constant(raw), connection, file: s.file });
    }
  }
  return out;
}

/** The event types each resource-event queue trigger acts on (its handler's own list). */
const HANDLED: Record<string, { types: readonly string[]; acts(event: EventGridEvent): boolean }> = {
  healthOnResourceChangeQueue: { types: RESOURCE_EVENT_TYPES, acts: (e) => parseResourceEvents(e).length > 0 },
  loopScanOnSiteChangeQueue: { types: SITE_CHANGE_EVENT_TYPES, acts: (e) => !("ignored" in siteChangeOf(e)) },
};

/** Resource events of the shapes the emulator (and Azure) publish, over resources linkwright cares about and not. */
function sampleEvents(): EventGridEvent[] {
  const rg = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-apps";
  const site = `${rg}/providers/Microsoft.Web/sites/app`;
  const storage = `${rg}/providers/microsoft.storage/storageAccounts/data`;
  const ids = [
    site, `${site}/config/appsettings`, `${site}/config/connectionstrings`, `${site}/config/web`, `${site}/functions/Resize`,
    `${site}/slots/staging`, `${site}/slots/staging/config/appsettings`, `${rg.replace("rg-apps", "RG-APPS")}/providers/microsoft.web/SITES/app/config/appsettings`,
    storage, `${storage}/blobServices/default`, `${storage}/providers/Microsoft.Authorization/roleAssignments/0b1c`,
    `${rg}/providers/Microsoft.KeyVault/vaults/kv/secrets/s`, rg,
  ];
  const types = ["Microsoft.Resources.ResourceWriteSuccess", "Microsoft.Resources.ResourceDeleteSuccess", "Microsoft.Resources.ResourceActionSuccess",
    "Microsoft.Resources.ResourceWriteFailure"];
  return ids.flatMap((id) => types.map((eventType, i): EventGridEvent => ({
    id: `${i}`, topic: "/subscriptions/00000000-0000-0000-0000-000000000001", subject: id, eventType, eventTime: "2026-01-01T00:00:00Z",
    dataVersion: "2", metadataVersion: "1", data: { resourceUri: id, operationName: "x", status: "Succeeded" },
  })));
}

describe("infra/event-subscriptions.json", () => {
  it("has the shape both readers rely on, with names Event Grid and Storage accept", () => {
    expect(Object.keys(wiring).sort()).toEqual(["$comment", "subscriptions", "topicType"]);
    expect(wiring.topicType).toBe("Microsoft.Resources.Subscriptions");
    expect(wiring.subscriptions.length).toBeGreaterThan(0);
    for (const s of wiring.subscriptions) {
      // Bicep reads every field without a default: each must be present (an empty string or list when unused).
      expect(Object.keys(s).sort(), s.name).toEqual(["advancedFilters", "description", "includedEventTypes", "name", "queueName", "subjectBeginsWith"]);
      expect(s.name).toMatch(/^[A-Za-z0-9-]{3,64}$/);
      expect(s.queueName).toMatch(/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/);
      expect(s.includedEventTypes.length).toBeGreaterThan(0);
      expect(typeof s.subjectBeginsWith).toBe("string");
      expect(s.description.length).toBeGreaterThan(10);
    }
    expect(new Set(wiring.subscriptions.map((s) => s.name)).size).toBe(wiring.subscriptions.length);
  });

  it("every queue it names is one a src/functions queue trigger listens on, on the deployment's storage (AzureWebJobsStorage)", () => {
    const triggers = queueTriggers();
    expect(triggers.map((t) => t.fn).sort()).toEqual(expect.arrayContaining(Object.keys(HANDLED)));
    for (const s of wiring.subscriptions) {
      const listening = triggers.filter((t) => t.queueName === s.queueName);
      expect(listening.map((t) => t.fn), `${s.name} → ${s.queueName}`).toHaveLength(1);
      expect(listening[0]!.connection).toBe("AzureWebJobsStorage");
    }
    // ...and every resource-event trigger is fed by one subscription.
    for (const fn of Object.keys(HANDLED)) {
      const queue = triggers.find((t) => t.fn === fn)!.queueName;
      expect(wiring.subscriptions.filter((s) => s.queueName === queue).map((s) => s.name), fn).toHaveLength(1);
    }
  });

  it("each subscription delivers exactly the event types its handler acts on", () => {
    const triggers = queueTriggers();
    for (const s of wiring.subscriptions) {
      const fn = triggers.find((t) => t.queueName === s.queueName)!.fn;
      expect(HANDLED[fn], `${fn} has a known handler`).toBeDefined();
      expect([...s.includedEventTypes].sort(), s.name).toEqual([...HANDLED[fn]!.types].sort());
    }
  });

  it("filters only what the sandbox's Event Grid evaluates, and drop no event the handler would act on", () => {
    const triggers = queueTriggers();
    const events = sampleEvents();
    for (const s of wiring.subscriptions) {
      expect(() => validateAdvancedFilters(s.advancedFilters), s.name).not.toThrow();
      const handler = HANDLED[triggers.find((t) => t.queueName === s.queueName)!.fn]!;
      const spec = { includedEventTypes: s.includedEventTypes, subjectBeginsWith: s.subjectBeginsWith, advancedFilters: s.advancedFilters };
      const dropped = events.filter((e) => handler.acts(e) && !subscriberMatches(spec, e)).map((e) => `${e.eventType} ${e.subject}`);
      expect(dropped, s.name).toEqual([]);
      expect(events.filter((e) => handler.acts(e)).length, `${s.name}: the samples exercise its handler`).toBeGreaterThan(0);
    }
    // The loop subscription's filter does keep unrelated changes out (a role assignment, a storage account).
    const loops = wiring.subscriptions.find((s) => s.queueName === "loop-scan-events")!;
    const unrelated = events.filter((e) => /storageAccounts/i.test(e.subject) && e.eventType.endsWith("WriteSuccess"));
    expect(unrelated.filter((e) => subscriberMatches(loops, e))).toEqual([]);
  });
});

describe("the Bicep builds the wiring from the JSON", () => {
  const topic = resources(eventsText).find((r) => r.type === "Microsoft.EventGrid/systemTopics")!;
  const subs = loopResources(eventsText).filter((r) => r.type === "Microsoft.EventGrid/systemTopics/eventSubscriptions");

  it("app/resource-events.bicep loads infra/event-subscriptions.json and loops over its subscriptions (no second list)", () => {
    const wiringVar = [...vars(eventsText)].find(([, expr]) => /^loadJsonContent\(/.test(expr));
    expect(wiringVar?.[1]).toBe("loadJsonContent('../event-subscriptions.json')");
    const name = wiringVar![0];
    expect(subs).toHaveLength(1);
    expect(subs[0]!.over).toBe(`${name}.subscriptions`);
    const item = subs[0]!.item;
    const props = objectProperty(subs[0]!.body, "properties")!;
    const filter = topLevelProperties(objectProperty(props, "filter")!);
    expect(Object.fromEntries(filter)).toEqual({
      includedEventTypes: `${item}.includedEventTypes`, subjectBeginsWith: `${item}.subjectBeginsWith`, advancedFilters: `${item}.advancedFilters`,
    });
    expect(topLevelProperties(subs[0]!.body).get("name")).toBe(`${item}.name`);
    expect(topLevelProperties(subs[0]!.body).get("parent")).toBe(topic.symbol);
    // No event type, queue or filter is written in the Bicep itself.
    for (const s of wiring.subscriptions) {
      expect(eventsText).not.toContain(s.queueName);
      for (const t of s.includedEventTypes) expect(eventsText).not.toContain(t);
    }
    expect(vars(eventsText).get("queueNames")).toBe(`union(map(${name}.subscriptions, s => s.queueName), [])`);
  });

  it("the subscription's system topic: global, its own identity, ARM events of this subscription", () => {
    const body = topLevelProperties(topic.body);
    expect(topic.apiVersion).toBe("2022-06-15");
    expect(body.get("location")).toBe("'global'");
    expect(topLevelProperties(objectProperty(topic.body, "identity")!).get("type")).toBe("'SystemAssigned'");
    const props = topLevelProperties(objectProperty(topic.body, "properties")!);
    expect(props.get("source")).toBe("subscription().id");
    expect(props.get("topicType")).toMatch(/^\w+\.topicType$/);
  });

  it("delivers keyless: to storage queues of linkwright's account, with the topic's identity; no webhook, no key", () => {
    const props = objectProperty(subs[0]!.body, "properties")!;
    expect(topLevelProperties(props).has("destination")).toBe(false);
    const delivery = objectProperty(props, "deliveryWithResourceIdentity")!;
    expect(topLevelProperties(objectProperty(delivery, "identity")!).get("type")).toBe("'SystemAssigned'");
    const destination = objectProperty(delivery, "destination")!;
    expect(topLevelProperties(destination).get("endpointType")).toBe("'StorageQueue'");
    const target = topLevelProperties(objectProperty(destination, "properties")!);
    expect(target.get("resourceId")).toBe("storageAccountId");
    expect(target.get("queueName")).toBe(`${subs[0]!.item}.queueName`);
    expect(topLevelProperties(props).get("eventDeliverySchema")).toBe("'EventGridSchema'");
    for (const text of [eventsText, queuesText]) expect(text).not.toMatch(/WebHook|AzureFunction|listKeys|SharedAccess|AccountKey/i);
    // The subscriptions wait for the role that lets the identity deliver (Event Grid checks it on creation).
    const queuesModule = modules(eventsText).find((m) => m.path === "event-queues.bicep")!;
    expect(topLevelProperties(subs[0]!.body).get("dependsOn")).toMatch(new RegExp(`\\[\\s*${queuesModule.symbol}\\s*\\]`));
    const params = topLevelProperties(objectProperty(queuesModule.body, "params")!);
    expect(params.get("principalId")).toBe(`${topic.symbol}.identity.principalId`);
    expect(params.get("queueNames")).toBe("queueNames");
  });

  it("app/event-queues.bicep creates those queues and grants Storage Queue Data Message Sender on each queue only", () => {
    const queues = loopResources(queuesText).find((r) => r.type === "Microsoft.Storage/storageAccounts/queueServices/queues")!;
    expect(queues.over).toBe("queueNames");
    const grant = loopResources(queuesText).find((r) => r.type === "Microsoft.Authorization/roleAssignments")!;
    expect(grant.apiVersion).toBe("2022-04-01");
    expect(grant.over).toBe("queueNames");
    const body = topLevelProperties(grant.body);
    expect(body.get("scope")).toBe(`${queues.symbol}[i]`);
    expect(body.get("name")).toBe(`guid(${queues.symbol}[i].id, principalId, roleIds.storageQueueDataMessageSender)`);
    const props = topLevelProperties(objectProperty(grant.body, "properties")!);
    expect(props.get("roleDefinitionId")).toBe("subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.storageQueueDataMessageSender)");
    expect(props.get("principalId")).toBe("principalId");
    expect(props.get("principalType")).toBe("'ServicePrincipal'");
    expect(vars(queuesText).get("roleIds")).toContain("storageQueueDataMessageSender: 'c6a89b2d-59bc-44d0-9896-0f6e12d7b80a'");
    // No role on the account itself: it also holds Durable Functions' queues and connection-health.
    expect(resources(queuesText).filter((r) => r.type === "Microsoft.Authorization/roleAssignments")).toEqual([]);
  });

  it("main.bicep deploys it for its own subscription, onto the storage account AzureWebJobsStorage__* name", () => {
    const found = modules(mainText).filter((m) => m.path === "app/resource-events.bicep");
    expect(found).toHaveLength(1);
    const storage = modules(mainText).find((m) => m.path === "app/storage.bicep")!;
    expect(topLevelProperties(objectProperty(found[0]!.body, "params")!).get("storageAccountId")).toBe(`${storage.symbol}.outputs.id`);
    // The function app's host storage is that same account (by name), reached with its service URIs.
    const api = modules(mainText).find((m) => m.path === "app/api.bicep")!;
    expect(topLevelProperties(objectProperty(api.body, "params")!).get("storageAccountName")).toBe(`${storage.symbol}.outputs.name`);
    const account = resources(apiText).find((r) => r.type === "Microsoft.Storage/storageAccounts")!;
    expect(topLevelProperties(account.body).get("name")).toBe("storageAccountName");
    const hostStorage = topLevelProperties(vars(apiText).get("hostStorageSettings")!.slice(1, -1));
    expect(hostStorage.get("AzureWebJobsStorage__queueServiceUri")).toBe(`${account.symbol}.properties.primaryEndpoints.queue`);
    const config = resources(apiText).find((r) => r.type === "Microsoft.Web/sites/config")!;
    expect(topLevelProperties(config.body).get("name")).toBe("'appsettings'");
    expect(topLevelProperties(config.body).get("properties")).toMatch(/\bhostStorageSettings\b/);
  });
});
