/**
 * Loop-analysis throughput: 10,000 functions across 1,000 Function Apps (goal: analysis < 1 s).
 * A deterministic, realistic mix: shared storage accounts / namespaces, connection-string and identity-based
 * connections, blob pipelines (mostly in/ → out/, a few writing back), queue chains (a random functional graph
 * of queues, which closes some multi-app cycles), Service Bus topics, Event Hubs, Cosmos change feeds, HTTP and
 * timer functions, and linkwright connections. Prints `name: value unit` lines. Run: `npx tsx bench/loops.ts`.
 */
import { pathToFileURL } from "node:url";
import { analyzeLoops } from "../src/loops/index.js";
import type { ArmBinding, FunctionAppInput, FunctionDefinition } from "../src/loops/model.js";
import { prng } from "./support/prng.js";

const SUB = "/subscriptions/00000000-0000-0000-0000-0000000000b0/resourceGroups/bench/providers";


export function generateFleet(apps = 1000, functionsPerApp = 10, seed = 7): FunctionAppInput[] {
  const rnd = prng(seed);
  const pick = (n: number) => Math.floor(rnd() * n);
  const fleet: FunctionAppInput[] = [];
  for (let a = 0; a < apps; a++) {
    const account = `stbench${pick(50)}`;
    const sbNs = `sbbench${pick(20)}`;
    const ehNs = `ehbench${pick(10)}`;
    const cosmos = `cosmosbench${pick(10)}`;
    const identity = rnd() < 0.4;
    const appSettings: Record<string, string> = identity
      ? {
          AzureWebJobsStorage__accountName: account,
          Storage__blobServiceUri: `https://${account}.blob.core.windows.net`,
          Storage__queueServiceUri: `https://${account}.queue.core.windows.net`,
          SB__fullyQualifiedNamespace: `${sbNs}.servicebus.windows.net`,
          EH__fullyQualifiedNamespace: `${ehNs}.servicebus.windows.net`,
          Cosmos__accountEndpoint: `https://${cosmos}.documents.azure.com:443/`,
        }
      : {
          AzureWebJobsStorage: `DefaultEndpointsProtocol=https;AccountName=${account};AccountKey=a2V5;EndpointSuffix=core.windows.net`,
          Storage: `DefaultEndpointsProtocol=https;AccountName=${account};AccountKey=a2V5;EndpointSuffix=core.windows.net`,
          SB: `Endpoint=sb://${sbNs}.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=a2V5`,
          EH: `Endpoint=sb://${ehNs}.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=a2V5`,
          Cosmos: `AccountEndpoint=https://${cosmos}.documents.azure.com:443/;AccountKey=a2V5;`,
        };
    appSettings.FUNCTIONS_WORKER_RUNTIME = "node";
    appSettings.INPUT_CONTAINER = `c${pick(200)}`;
    const functions: FunctionDefinition[] = [];
    for (let f = 0; f < functionsPerApp; f++) {
      const r = rnd();
      const b: ArmBinding[] = [];
      const c = `c${pick(200)}`;
      if (r < 0.2) {
        b.push({ name: "req", type: "httpTrigger", direction: "in", authLevel: "function", methods: ["post"] });
        b.push({ name: "$return", type: "http", direction: "out" });
        b.push({ name: "out", type: "queue", direction: "out", queueName: `q${pick(2000)}`, connection: "Storage" });
      } else if (r < 0.4) {
        const writesBack = rnd() < 0.03;
        b.push({ name: "input", type: "blobTrigger", direction: "in", path: `${c}/in/{name}`, connection: "Storage" });
        b.push({ name: "output", type: "blob", direction: "out", path: writesBack ? `${c}/in/processed/{name}` : `${c}/out/{name}`, connection: "Storage" });
      } else if (r < 0.45) {
        b.push({ name: "input", type: "blobTrigger", direction: "in", path: "%INPUT_CONTAINER%/{name}.png", connection: "Storage" });
        b.push({ name: "output", type: "blob", direction: "out", path: `thumbs/{name}.jpg`, connection: "Storage" });
      } else if (r < 0.65) {
        b.push({ name: "msg", type: "queueTrigger", direction: "in", queueName: `q${pick(2000)}`, connection: "Storage" });
        if (rnd() < 0.6) b.push({ name: "out", type: "queue", direction: "out", queueName: `q${pick(2000)}`, connection: "Storage" });
        else b.push({ name: "out", type: "blob", direction: "out", path: `archive/{queueTrigger}`, connection: "Storage" });
      } else if (r < 0.75) {
        b.push({ name: "msg", type: "serviceBusTrigger", direction: "in", topicName: `t${pick(300)}`, subscriptionName: `s${f}`, connection: "SB" });
        b.push({ name: "out", type: "serviceBus", direction: "out", topicName: `t${pick(300)}`, connection: "SB" });
      } else if (r < 0.85) {
        b.push({ name: "events", type: "eventHubTrigger", direction: "in", eventHubName: `h${pick(100)}`, connection: "EH", cardinality: "many" });
        b.push({ name: "out", type: "cosmosDB", direction: "out", databaseName: "telemetry", containerName: `k${pick(100)}`, connection: "Cosmos" });
      } else if (r < 0.93) {
        b.push({ name: "docs", type: "cosmosDBTrigger", direction: "in", databaseName: "telemetry", containerName: `k${pick(100)}`, connection: "Cosmos" });
        b.push({ name: "out", type: "eventHub", direction: "out", eventHubName: `h${pick(100)}`, connection: "EH" });
      } else {
        b.push({ name: "timer", type: "timerTrigger", direction: "in", schedule: "0 */5 * * * *" });
        b.push({ name: "out", type: "serviceBus", direction: "out", queueName: `sq${pick(50)}`, connection: "SB" });
      }
      functions.push({ name: `fn${f}`, bindings: b });
    }
    const connections =
      rnd() < 0.2
        ? [{
            linkerId: `${SUB}/Microsoft.Web/sites/app${a}/providers/Microsoft.ServiceLinker/linkers/blob${a}`,
            targetResourceId: `${SUB}/Microsoft.Storage/storageAccounts/${account}/blobServices/default`,
            targetKind: "storageBlob" as const,
            container: `c${pick(200)}`,
          }]
        : [];
    fleet.push({ appId: `${SUB}/Microsoft.Web/sites/app${a}`, appSettings, functions, connections });
  }
  return fleet;
}

export function runLoopsBench(): void {
  const fleet = generateFleet();
  const runs: number[] = [];
  let last = analyzeLoops(fleet);
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    last = analyzeLoops(fleet);
    runs.push(performance.now() - t0);
  }
  const cold = runs[0]!;
  const sorted = [...runs].sort((x, y) => x - y);
  const lines: [string, string | number, string][] = [
    ["loops.apps", last.stats.apps, "apps"],
    ["loops.functions", last.stats.functions, "functions"],
    ["loops.edges", last.stats.edges, "edges"],
    ["loops.findings.certain", last.findings.filter((f) => f.severity === "certain").length, "findings"],
    ["loops.findings.possible", last.findings.filter((f) => f.severity === "possible").length, "findings"],
    ["loops.analyze.first", cold.toFixed(1), "ms"],
    ["loops.analyze.median", sorted[Math.floor(sorted.length / 2)]!.toFixed(1), "ms"],
    ["loops.analyze.max", sorted[sorted.length - 1]!.toFixed(1), "ms"],
  ];
  for (const [name, value, unit] of lines) console.log(`${name}: ${value} ${unit}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) runLoopsBench();
