// The project scan: v4 registrations (test/fixtures/functions-sample), function.json files and host.json
// (its function-json/ variant), and the source forms a textual scan must survive.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { scanProject } from "../../src/cli/project/scan.js";
import { scanV4Sources } from "../../src/cli/project/v4Model.js";
import { scanHostJson } from "../../src/cli/project/hostJson.js";
import type { BindingConnection } from "../../src/cli/model.js";

const SAMPLE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/functions-sample");

/** function / type / connection / the locating properties, for compact expectations. */
const brief = (bindings: BindingConnection[]) =>
  bindings.map((b) => ({ fn: b.function, type: b.bindingType, dir: b.direction, connection: b.connection, declared: b.declaredConnection, ...b.properties }));

const v4 = (text: string, more: Record<string, string> = {}) =>
  scanV4Sources([{ path: "src/index.ts", text: `import { app, input, output, trigger } from "@azure/functions";\n${text}` }, ...Object.entries(more).map(([p, t]) => ({ path: p, text: t }))]);

describe("scanProject on the v4 sample", () => {
  it("finds the blob trigger, its blob and queue outputs, the Service Bus trigger, the host storage; not the timer", async () => {
    const scan = await scanProject(SAMPLE);
    expect(brief(scan.bindings)).toEqual([
      { fn: "handleOrder", type: "serviceBusTrigger", dir: "in", connection: "OrdersBus", declared: true, queueName: "orders" },
      { fn: "handleOrder", type: "queue", dir: "out", connection: "AzureWebJobsStorage", declared: true, queueName: "audit" },
      { fn: "resizeImage", type: "blob", dir: "out", connection: "SamplesStorage", declared: true, path: "samples/thumbs/{name}" },
      { fn: "resizeImage", type: "queue", dir: "out", connection: "SamplesStorage", declared: true, queueName: "processed-images" },
      { fn: "resizeImage", type: "blobTrigger", dir: "in", connection: "SamplesStorage", declared: true, path: "samples/{name}" },
      { fn: "(host)", type: "hostStorage", dir: "inout", connection: "AzureWebJobsStorage", declared: false },
    ]);
    expect(scan.warnings).toEqual([]);
    expect(scan.clientType).toBe("nodejs");
    expect(scan.bindings.find((b) => b.bindingType === "blobTrigger")?.at).toEqual({ file: "src/functions/resizeImage.ts", line: 15, origin: "v4" });
    expect(scan.bindings.find((b) => b.bindingType === "blob")?.bindingName).toBe("thumbnail");
  });

  it("reads function.json bindings (any casing) and host.json's Durable Functions storage connection", async () => {
    const scan = await scanProject(path.join(SAMPLE, "function-json"));
    expect(brief(scan.bindings)).toEqual([
      { fn: "ProcessOrder", type: "queueTrigger", dir: "in", connection: "OrdersStorage", declared: true, queueName: "orders" },
      { fn: "ProcessOrder", type: "queue", dir: "out", connection: "OrdersStorage", declared: true, queueName: "orders" },
      { fn: "ProcessOrder", type: "serviceBus", dir: "out", connection: "OrdersBus", declared: true, queueName: "notifications" },
      { fn: "ResizeImage", type: "blobTrigger", dir: "in", connection: "SamplesStorage", declared: true, path: "samples/{name}" },
      { fn: "ResizeImage", type: "blob", dir: "out", connection: "SamplesStorage", declared: true, path: "samples/thumbs/{name}" },
      { fn: "(host)", type: "hostStorage", dir: "inout", connection: "AzureWebJobsStorage", declared: false },
      { fn: "(host)", type: "durableTaskStorage", dir: "inout", connection: "DurableStorage", declared: true },
    ]);
    expect(scan.bindings.find((b) => b.bindingName === "retry")?.at).toEqual({ file: "ProcessOrder/function.json", line: 4, origin: "function.json" });
  });
});

describe("scanV4Sources: source forms", () => {
  it("multi-line options, comments and strings holding braces or the call syntax, trailing commas", () => {
    const scan = v4(`
      // app.storageQueue("commented", { connection: "Nope", queueName: "x" });
      const text = "app.storageBlob('inString', { connection: 'Nope' })";
      const nested = \`\${text ? \`in \${"app.storageQueue('x', { connection: 'Bad' })"} }\` : "{"}\`;
      const quotes = /["'\`{(]/g, ratio = nested.length / 2 / 1;
      app.storageQueue(
        "work", // the name
        {
          queueName: "jobs", /* } */
          connection:
            "WorkStorage",
          handler: async (m, ctx) => { const s = \`\${m} } {\`; ctx.log(/[{]/.test(s)); },
        },
      );`);
    expect(brief(scan.bindings)).toEqual([{ fn: "work", type: "queueTrigger", dir: "in", connection: "WorkStorage", declared: true, queueName: "jobs" }]);
  });

  it("constants (same file, other files, object members, templates, concatenation, as const) and spreads", () => {
    const scan = v4(`
      import { NAMES } from "./names";
      const PREFIX = "Orders";
      const common = { connection: \`\${PREFIX}Bus\` };
      app.serviceBusTopic("onOrder", { ...common, topicName: NAMES.topic, subscriptionName: "all" as const, handler: () => {} });
      app.eventHub("onEvent", { connection: SHARED_HUB, eventHubName: "ev" + "ents", handler: () => {} });`,
    { "src/names.ts": `export const NAMES = { topic: "orders" } as const;\nexport const SHARED_HUB: string = 'Telemetry';\n` });
    expect(brief(scan.bindings)).toEqual([
      { fn: "onOrder", type: "serviceBusTrigger", dir: "in", connection: "OrdersBus", declared: true, topicName: "orders", subscriptionName: "all" },
      { fn: "onEvent", type: "eventHubTrigger", dir: "in", connection: "Telemetry", declared: true, eventHubName: "events" },
    ]);
  });

  it("declarations in variables go to every registration that lists them; inline ones to their own; return too (in source order)", () => {
    const scan = v4(`
      const archive = output.storageBlob({ path: "archive/{rand-guid}", connection: "Archive" });
      const lookup = input.table({ tableName: "lookup", connection: "Tables" });
      app.http("a", { extraOutputs: [archive], handler: () => {} });
      app.timer("b", { schedule: "0 * * * * *", extraInputs: [lookup], extraOutputs: [archive], return: output.serviceBusQueue({ queueName: "q", connection: "Bus" }), handler: () => {} });`);
    expect(brief(scan.bindings).map((b) => `${b.fn}:${b.type}:${b.connection}`)).toEqual([
      "a:blob:Archive", "b:blob:Archive", "b:table:Tables", "b:serviceBus:Bus",
    ]);
  });

  it("app.generic with trigger.* and input/output.generic; a storage binding without a connection uses AzureWebJobsStorage", () => {
    const scan = v4(`
      app.generic("g", {
        trigger: trigger.storageQueue({ queueName: "in" }),
        extraOutputs: [output.generic({ type: "queue", queueName: "out" }), input.generic({ type: "cosmosDB", direction: "in", databaseName: "db", containerName: "c", connection: "Cosmos" })],
        handler: () => {},
      });`);
    expect(brief(scan.bindings)).toEqual([
      { fn: "g", type: "queueTrigger", dir: "in", connection: "AzureWebJobsStorage", declared: false, queueName: "in" },
      { fn: "g", type: "queue", dir: "out", connection: "AzureWebJobsStorage", declared: false, queueName: "out" },
      { fn: "g", type: "cosmosDB", dir: "in", connection: "Cosmos", declared: true, databaseName: "db", containerName: "c" },
    ]);
  });

  it("reports what it cannot read instead of guessing", () => {
    const scan = v4(`
      const orphan = output.storageQueue({ queueName: "lost", connection: "Orphan" });
      app.storageBlob(nameFromSomewhere(), { path: "p/{name}", connection: process.env.BLOB_CONNECTION, handler: () => {} });`);
    const [blob, orphan] = [scan.bindings.find((b) => b.bindingType === "blobTrigger")!, scan.bindings.find((b) => b.bindingType === "queue")!];
    expect(blob).toMatchObject({ function: "<nameFromSomewhere()>", connection: "", unreadableConnection: "process.env.BLOB_CONNECTION" });
    expect(orphan).toMatchObject({ function: "?", connection: "Orphan" });
    expect(scan.warnings.map((w) => w.message)).toEqual([
      expect.stringContaining("function name nameFromSomewhere() could not be read"),
      expect.stringContaining("not attached to any registration"),
    ]);
  });

  it("ignores files that do not use @azure/functions (an Express app's app.get) but reads their constants", () => {
    const scan = scanV4Sources([
      { path: "src/server.ts", text: `import express from "express"; const app = express(); app.get("/x", () => {}); export const CONN = "FromServer";` },
      { path: "src/fn.ts", text: `import { app } from "@azure/functions"; import { CONN } from "./server"; app.storageQueue("q", { queueName: "a", connection: CONN, handler: () => {} });` },
    ]);
    expect(brief(scan.bindings)).toEqual([{ fn: "q", type: "queueTrigger", dir: "in", connection: "FromServer", declared: true, queueName: "a" }]);
  });

  it("durable-functions makes the host's Durable Functions storage count, on AzureWebJobsStorage by default", () => {
    const scan = scanV4Sources([{ path: "src/o.ts", text: `import * as df from "durable-functions"; df.app.orchestration("o", function* () {});` }]);
    expect(scan.usesDurable).toBe(true);
    expect(brief(scanHostJson(undefined, scan.usesDurable).bindings)).toEqual([
      { fn: "(host)", type: "hostStorage", dir: "inout", connection: "AzureWebJobsStorage", declared: false },
      { fn: "(host)", type: "durableTaskStorage", dir: "inout", connection: "AzureWebJobsStorage", declared: false },
    ]);
    const netherite = scanHostJson(JSON.stringify({ extensions: { durableTask: { storageProvider: { type: "Netherite", StorageConnectionName: "NStore" } } } }), false);
    expect(brief(netherite.bindings).map((b) => `${b.type}:${b.connection}`)).toEqual(["hostStorage:AzureWebJobsStorage", "durableTaskStorage:NStore", "durableTaskEventHubs:EventHubsConnection"]);
  });
});

describe("bindings that read no connection", () => {
  it("an Event Grid output (topic endpoint settings) or a Kafka trigger without 'connection' is not listed; SignalR's default is", () => {
    const scan = v4(`
      app.http("h", { extraOutputs: [output.eventGrid({ topicEndpointUri: "TopicUri", topicKeySetting: "TopicKey" })], handler: () => {} });
      app.generic("k", { trigger: trigger.generic({ type: "kafkaTrigger", brokerList: "Brokers", topic: "t" }), handler: () => {} });
      app.http("s", { extraInputs: [input.generic({ type: "signalRConnectionInfo", hubName: "chat" })], handler: () => {} });`);
    expect(brief(scan.bindings)).toEqual([{ fn: "s", type: "signalRConnectionInfo", dir: "in", connection: "AzureSignalRConnectionString", declared: false }]);
  });
});
