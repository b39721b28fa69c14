/**
 * Table-driven acceptance test of the loop analysis: each case lists Function Apps as ARM returns them and the
 * exact findings expected (severity + members), plus suppressed findings for allow-listed loops.
 */
import { describe, expect, it } from "vitest";
import { analyzeLoops } from "../../src/loops/index.js";
import type { AllowListEntry, FunctionAppInput, LoopFinding } from "../../src/loops/model.js";
import {
  app, blobOut, blobTrigger, cosmosCs, cosmosOut, cosmosTrigger, ehOut, ehTrigger, fn, httpTrigger, queueOut,
  queueTrigger, sbOut, sbQueueTrigger, sbTopicTrigger, serviceBusCs, SITES, STORAGE, storageCs,
} from "./fixtures.js";

type Expected = { severity: "certain" | "possible"; members: string[] }[];

interface Case {
  name: string;
  apps: FunctionAppInput[];
  allowList?: AllowListEntry[];
  findings: Expected;
  suppressed?: Expected;
}

const web = { AzureWebJobsStorage: storageCs("stfuncs") };

const cases: Case[] = [
  {
    name: "seeded: blob trigger images/{name} writes back to images/thumbs/{name} (AzureWebJobsStorage)",
    apps: [app("thumbs", web, [fn("Thumbnail", blobTrigger("images/{name}", "AzureWebJobsStorage"), blobOut("images/thumbs/{name}", "AzureWebJobsStorage"))])],
    findings: [{ severity: "certain", members: ["thumbs/Thumbnail"] }],
  },
  {
    name: "connection omitted defaults to AzureWebJobsStorage",
    apps: [app("thumbs", web, [fn("Thumbnail", blobTrigger("images/{name}"), blobOut("images/thumbs/{name}"))])],
    findings: [{ severity: "certain", members: ["thumbs/Thumbnail"] }],
  },
  {
    name: "disjoint prefixes in/{name} → out/{name} in one container",
    apps: [app("a", web, [fn("Move", blobTrigger("data/in/{name}"), blobOut("data/out/{name}"))])],
    findings: [],
  },
  {
    name: "container-only trigger overlaps any path written in the container",
    apps: [app("a", web, [fn("Watch", blobTrigger("images"), blobOut("images/x/{rand-guid}.json"))])],
    findings: [{ severity: "certain", members: ["a/Watch"] }],
  },
  {
    name: "{name}.png trigger vs {name}.jpg output: disjoint suffixes",
    apps: [app("a", web, [fn("Convert", blobTrigger("images/{name}.png"), blobOut("images/{name}.jpg"))])],
    findings: [],
  },
  {
    name: "{name}.png trigger vs thumbs/{name}.png output overlaps",
    apps: [app("a", web, [fn("Resize", blobTrigger("images/{name}.png"), blobOut("images/thumbs/{name}.png"))])],
    findings: [{ severity: "certain", members: ["a/Resize"] }],
  },
  {
    name: "separate output container: no loop",
    apps: [app("a", web, [fn("Resize", blobTrigger("images/{name}"), blobOut("thumbnails/{name}"))])],
    findings: [],
  },
  {
    name: "same container name in different storage accounts: no loop",
    apps: [app("a", { ...web, Other: storageCs("stother") }, [fn("Copy", blobTrigger("images/{name}"), blobOut("images/{name}", "Other"))])],
    findings: [],
  },
  {
    name: "queue self-loop",
    apps: [app("a", web, [fn("Requeue", queueTrigger("work"), queueOut("work"))])],
    findings: [{ severity: "certain", members: ["a/Requeue"] }],
  },
  {
    name: "queue with a different name: no loop",
    apps: [app("a", web, [fn("Forward", queueTrigger("work"), queueOut("work-done"))])],
    findings: [],
  },
  {
    name: "queue names compare lower-cased",
    apps: [app("a", web, [fn("Requeue", queueTrigger("Orders"), queueOut("orders"))])],
    findings: [{ severity: "certain", members: ["a/Requeue"] }],
  },
  {
    name: "Service Bus topic → subscription → same topic",
    apps: [app("sb", { AzureWebJobsServiceBus: serviceBusCs("sbns") }, [fn("Enrich", sbTopicTrigger("events", "enricher"), sbOut({ topicName: "events" }))])],
    findings: [{ severity: "certain", members: ["sb/Enrich"] }],
  },
  {
    name: "Service Bus queue self-loop",
    apps: [app("sb", { SB: serviceBusCs("sbns") }, [fn("Retry", sbQueueTrigger("jobs", "SB"), sbOut({ queueName: "jobs" }, "SB"))])],
    findings: [{ severity: "certain", members: ["sb/Retry"] }],
  },
  {
    name: "Service Bus subscription writes another topic: no loop",
    apps: [app("sb", { SB: serviceBusCs("sbns") }, [fn("Route", sbTopicTrigger("in", "s1", "SB"), sbOut({ topicName: "out" }, "SB"))])],
    findings: [],
  },
  {
    name: "Event Hub self-loop",
    apps: [app("eh", { EH: "Endpoint=sb://ehns.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=a2V5" }, [fn("Echo", ehTrigger("telemetry", "EH"), ehOut("telemetry", "EH"))])],
    findings: [{ severity: "certain", members: ["eh/Echo"] }],
  },
  {
    name: "Event Hubs EntityPath in the connection string overrides the binding's hub",
    apps: [app("eh", { In: "Endpoint=sb://ehns.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=a2V5;EntityPath=telemetry" }, [fn("Echo", ehTrigger("ignored", "In"), ehOut("telemetry", "In"))])],
    findings: [{ severity: "certain", members: ["eh/Echo"] }],
  },
  {
    name: "Cosmos trigger → output into the watched container",
    apps: [app("db", { Cosmos: cosmosCs("cosmosacct") }, [fn("Stamp", cosmosTrigger("shop", "orders", "Cosmos"), cosmosOut("shop", "orders", "Cosmos"))])],
    findings: [{ severity: "certain", members: ["db/Stamp"] }],
  },
  {
    name: "Cosmos trigger → output into another container: no loop",
    apps: [app("db", { Cosmos: cosmosCs("cosmosacct") }, [fn("Project", cosmosTrigger("shop", "orders", "Cosmos"), cosmosOut("shop", "orderViews", "Cosmos"))])],
    findings: [],
  },
  {
    name: "two-app cycle: app A q1 → q2, app B q2 → q1",
    apps: [
      app("appa", { AzureWebJobsStorage: storageCs("shared") }, [fn("A", queueTrigger("q1"), queueOut("q2"))]),
      app("appb", { AzureWebJobsStorage: storageCs("shared") }, [fn("B", queueTrigger("q2"), queueOut("q1"))]),
    ],
    findings: [{ severity: "certain", members: ["appa/A", "appb/B"] }],
  },
  {
    name: "three-hop cycle across blob, queue and Service Bus",
    apps: [
      app("one", { ...web, SB: serviceBusCs("sbns") }, [fn("Ingest", blobTrigger("raw/{name}"), queueOut("parsed"))]),
      app("two", { ...web, SB: serviceBusCs("sbns") }, [fn("Parse", queueTrigger("parsed"), sbOut({ topicName: "records" }, "SB"))]),
      app("three", { ...web, SB: serviceBusCs("sbns") }, [fn("Archive", sbTopicTrigger("records", "archiver", "SB"), blobOut("raw/archive/{rand-guid}"))]),
    ],
    findings: [{ severity: "certain", members: ["one/Ingest", "three/Archive", "two/Parse"] }],
  },
  {
    name: "identity Storage__blobServiceUri and a connection string name the same account",
    apps: [app("a", { Storage__blobServiceUri: "https://stdata.blob.core.windows.net", Data: storageCs("stdata") }, [fn("Tag", blobTrigger("docs/{name}", "Storage"), blobOut("docs/tagged/{name}", "Data"))])],
    findings: [{ severity: "certain", members: ["a/Tag"] }],
  },
  {
    name: "identity __serviceUri (queue) and AzureWebJobsStorage__accountName name the same account",
    apps: [app("a", { AzureWebJobsStorage__accountName: "stq", Q__serviceUri: "https://stq.queue.core.windows.net/" }, [fn("Loop", queueTrigger("tasks"), queueOut("tasks", "Q"))])],
    findings: [{ severity: "certain", members: ["a/Loop"] }],
  },
  {
    name: "__queueServiceUri wins over __serviceUri: different accounts, no loop",
    apps: [app("a", { ...web, Q__serviceUri: "https://stfuncs.queue.core.windows.net/", Q__queueServiceUri: "https://stelse.queue.core.windows.net/" }, [fn("Fwd", queueTrigger("tasks"), queueOut("tasks", "Q"))])],
    findings: [],
  },
  {
    name: "the AzureWebJobs prefix may be omitted (connection MyStorage → AzureWebJobsMyStorage)",
    apps: [app("a", { ...web, AzureWebJobsMyStorage: storageCs("stfuncs") }, [fn("Loop", blobTrigger("c/{name}"), blobOut("c/{name}-copy", "MyStorage"))])],
    findings: [{ severity: "certain", members: ["a/Loop"] }],
  },
  {
    name: "Service Bus __fullyQualifiedNamespace and an sb:// connection string name the same namespace",
    apps: [app("sb", { SBID__fullyQualifiedNamespace: "sbns.servicebus.windows.net", SBCS: serviceBusCs("sbns") }, [fn("Loop", sbQueueTrigger("jobs", "SBID"), sbOut({ queueName: "jobs" }, "SBCS"))])],
    findings: [{ severity: "certain", members: ["sb/Loop"] }],
  },
  {
    name: "Cosmos __accountEndpoint and AccountEndpoint= name the same account",
    apps: [app("db", { CosmosId__accountEndpoint: "https://cosmosacct.documents.azure.com:443/", CosmosCs: cosmosCs("cosmosacct") }, [fn("Loop", cosmosTrigger("shop", "orders", "CosmosId"), cosmosOut("shop", "orders", "CosmosCs"))])],
    findings: [{ severity: "certain", members: ["db/Loop"] }],
  },
  {
    name: "UseDevelopmentStorage=true and a path-style emulator endpoint are the same account",
    apps: [app("dev", { AzureWebJobsStorage: "UseDevelopmentStorage=true", Emu: "DefaultEndpointsProtocol=http;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;SharedAccessSignature=sv=x" }, [fn("Loop", blobTrigger("up/{name}"), blobOut("up/done/{name}", "Emu"))])],
    findings: [{ severity: "certain", members: ["dev/Loop"] }],
  },
  {
    name: "%Setting% indirection resolving both paths to the same container",
    apps: [app("a", { ...web, InC: "uploads", OutC: "uploads" }, [fn("Proc", blobTrigger("%InC%/{name}"), blobOut("%OutC%/processed/{name}"))])],
    findings: [{ severity: "certain", members: ["a/Proc"] }],
  },
  {
    name: "%Setting% indirection resolving to different queues: no loop",
    apps: [app("a", { ...web, InQ: "incoming", OutQ: "outgoing" }, [fn("Proc", queueTrigger("%InQ%"), queueOut("%OutQ%"))])],
    findings: [],
  },
  {
    name: "%Setting% that is not set: possible",
    apps: [app("a", web, [fn("Proc", blobTrigger("uploads/{name}"), blobOut("%Missing%/{name}"))])],
    findings: [{ severity: "possible", members: ["a/Proc"] }],
  },
  {
    name: "Key Vault reference hides the output's account: possible",
    apps: [app("a", { ...web, Vaulted: "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/st/)" }, [fn("Proc", queueTrigger("jobs"), queueOut("jobs", "Vaulted"))])],
    findings: [{ severity: "possible", members: ["a/Proc"] }],
  },
  {
    name: "linkwright connection writer to the watched container: possible",
    apps: [app("a", web, [fn("OnUpload", blobTrigger("images/{name}"), httpTrigger())], {
      connections: [{ linkerId: `${SITES}a/providers/Microsoft.ServiceLinker/linkers/blob1`, targetResourceId: `${STORAGE}stfuncs/blobServices/default`, targetKind: "storageBlob", container: "images" }],
    })],
    findings: [{ severity: "possible", members: ["a/OnUpload"] }],
  },
  {
    name: "linkwright connection writer to another container: no loop",
    apps: [app("a", web, [fn("OnUpload", blobTrigger("images/{name}"))], {
      connections: [{ linkerId: "linker-other", targetResourceId: `${STORAGE}stfuncs/blobServices/default/containers/reports`, targetKind: "storageBlob" }],
    })],
    findings: [],
  },
  {
    name: "allow-listed function: the loop is suppressed, not dropped",
    apps: [app("a", web, [fn("Continue", queueTrigger("work"), queueOut("work"))])],
    allowList: [{ appId: `${SITES}A`, function: "continue" }],
    findings: [],
    suppressed: [{ severity: "certain", members: ["a/Continue"] }],
  },
  {
    name: "allow-listed linkwright connection: suppressed",
    apps: [app("a", web, [fn("OnUpload", blobTrigger("images/{name}"))], {
      connections: [{ linkerId: "linker-images", targetResourceId: `${STORAGE}stfuncs`, targetKind: "storageBlob", container: "images" }],
    })],
    allowList: [{ linkerId: "linker-images" }],
    findings: [],
    suppressed: [{ severity: "possible", members: ["a/OnUpload"] }],
  },
  {
    name: "allow-listing one function keeps an independent loop of another active",
    apps: [app("a", web, [fn("Keep", queueTrigger("k"), queueOut("k")), fn("Allowed", queueTrigger("x"), queueOut("x"))])],
    allowList: [{ appId: `${SITES}a`, function: "Allowed" }],
    findings: [{ severity: "certain", members: ["a/Keep"] }],
    suppressed: [{ severity: "certain", members: ["a/Allowed"] }],
  },
  {
    name: "non-looping fan-out: one upload feeds three queues, each consumer writes elsewhere",
    apps: [app("fan", web, [
      fn("Split", blobTrigger("uploads/{name}"), queueOut("resize", undefined, "o1"), queueOut("scan", undefined, "o2"), queueOut("index", undefined, "o3")),
      fn("Resize", queueTrigger("resize"), blobOut("thumbs/{queueTrigger}")),
      fn("Scan", queueTrigger("scan"), blobOut("reports/{queueTrigger}.json")),
      fn("Index", queueTrigger("index"), queueOut("done")),
    ])],
    findings: [],
  },
  {
    name: "Event Grid blob trigger with a known subject filter the output avoids",
    apps: [app("eg", web, [fn("OnBlob", { name: "ev", type: "eventGridTrigger", direction: "in" }, blobOut("images/out/{rand-guid}"))], {
      eventGridSubscriptions: [{ function: "OnBlob", topicResourceId: `${STORAGE}stfuncs`, includedEventTypes: ["Microsoft.Storage.BlobCreated"], subjectBeginsWith: "/blobServices/default/containers/images/blobs/in/" }],
    })],
    findings: [],
  },
  {
    name: "Event Grid blob trigger with a known subject filter the output matches",
    apps: [app("eg", web, [fn("OnBlob", { name: "ev", type: "eventGridTrigger", direction: "in" }, blobOut("images/in/copy-{rand-guid}"))], {
      eventGridSubscriptions: [{ function: "OnBlob", topicResourceId: `${STORAGE}stfuncs`, subjectBeginsWith: "/blobServices/default/containers/images/blobs/in/" }],
    })],
    findings: [{ severity: "certain", members: ["eg/OnBlob"] }],
  },
  {
    name: "Event Grid trigger whose subscription is unknown, writing blobs: possible",
    apps: [app("eg", web, [fn("OnEvent", { name: "ev", type: "eventGridTrigger", direction: "in" }, blobOut("any/{rand-guid}"))])],
    findings: [{ severity: "possible", members: ["eg/OnEvent"] }],
  },
  {
    name: "blob trigger with source EventGrid follows its path like any blob trigger",
    apps: [app("a", web, [fn("Resize", { ...blobTrigger("images/{name}"), source: "EventGrid" }, blobOut("images/small/{name}"))])],
    findings: [{ severity: "certain", members: ["a/Resize"] }],
  },
  {
    name: ".NET isolated metadata casing (Type/Direction/QueueName)",
    apps: [app("iso", web, [fn("Loop", { Name: "msg", Type: "QueueTrigger", Direction: "In", QueueName: "jobs" }, { Name: "out", Type: "Queue", Direction: "Out", QueueName: "jobs" })])],
    findings: [{ severity: "certain", members: ["iso/Loop"] }],
  },
  {
    name: "disabled function does not run, so it cannot loop",
    apps: [app("a", web, [{ ...fn("Loop", queueTrigger("jobs"), queueOut("jobs")), isDisabled: true }])],
    findings: [],
  },
  {
    name: "certain self-loop inside a component closed by a possible SDK writer: both reported",
    apps: [app("a", web, [
      fn("Self", blobTrigger("images/{name}"), blobOut("images/copy/{name}"), queueOut("notify")),
      fn("Notify", queueTrigger("notify")),
    ], { connections: [{ linkerId: "linker-img", targetResourceId: `${STORAGE}stfuncs`, targetKind: "storageBlob", container: "images" }] })],
    findings: [
      { severity: "certain", members: ["a/Self"] },
      { severity: "possible", members: ["a/Notify", "a/Self"] },
    ],
  },
];

const short = (f: LoopFinding) => ({
  severity: f.severity,
  members: f.members.map((m) => `${m.appId.slice(SITES.length)}/${m.function}`).sort(),
});
const order = (xs: Expected) => [...xs].sort((a, b) => (a.severity + a.members.join()).localeCompare(b.severity + b.members.join()));

describe("analyzeLoops — table", () => {
  it("has at least 25 cases", () => expect(cases.length).toBeGreaterThanOrEqual(25));

  it.each(cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const result = analyzeLoops(c.apps, { allowList: c.allowList ?? [] });
    expect(order(result.findings.map(short))).toEqual(order(c.findings));
    expect(order(result.suppressed.map(short))).toEqual(order(c.suppressed ?? []));
    for (const f of [...result.findings, ...result.suppressed]) {
      // Every finding is a closed cycle whose steps are members, with an explanation and at least one fix.
      expect(f.cycle.length).toBeGreaterThan(0);
      for (const step of f.cycle) expect(f.members).toContainEqual({ appId: step.appId, function: step.function });
      expect(f.explanation.length).toBeGreaterThan(20);
      expect(f.fix.length).toBeGreaterThan(0);
      expect(f.severity === "possible").toBe((f.uncertainty ?? []).length > 0 || f.cycle.some((s) => s.output.via === "connection"));
    }
  });
});
