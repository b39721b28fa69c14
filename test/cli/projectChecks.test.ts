// The project checks: the sample's trigger/output loop (src/loops' analysis on the scanned bindings) and bindings whose
// connection local.settings.json does not resolve (the catalogue's unresolvedBindings).
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { planLocal } from "../../src/cli/plan.js";
import { projectLoops, unresolvedProjectBindings } from "../../src/cli/projectChecks.js";
import { scanProject } from "../../src/cli/project/scan.js";

const SAMPLE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/functions-sample");
const ACCOUNT = "/subscriptions/00000000-0000-0000-0000-00000000aaaa/resourceGroups/rg1/providers/Microsoft.Storage/storageAccounts/acct1";
const VALUES = { AzureWebJobsStorage: "UseDevelopmentStorage=true", FUNCTIONS_WORKER_RUNTIME: "node" };

describe("trigger/output loops", () => {
  it("finds resizeImage writing thumbnails into the container its blob trigger watches, certain once the account is known", async () => {
    const scan = await scanProject(SAMPLE);
    const plan = planLocal({ bindings: scan.bindings, targets: { SamplesStorage: ACCOUNT }, values: VALUES });
    const findings = projectLoops(scan.projectDir, scan.bindings, VALUES, plan);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      severity: "certain",
      members: [{ appId: "local/functions-sample", function: "resizeImage" }],
      cycle: [{ function: "resizeImage", trigger: { kind: "blob", account: "acct1", pattern: "samples/{name}" }, output: { kind: "blob", pattern: "samples/thumbs/{name}", via: "binding" } }],
    });
    expect(findings[0]!.fix[0]).toContain("separate container");
  });

  it("without a target or a setting the same loop is only possible (the account is unknown)", async () => {
    const scan = await scanProject(SAMPLE);
    const findings = projectLoops(scan.projectDir, scan.bindings, VALUES);
    expect(findings.map((f) => [f.severity, f.cycle[0]!.function])).toEqual([["possible", "resizeImage"]]);
  });

  it("a queue trigger writing back to its own queue (the function.json variant), and the blob loop there too", async () => {
    const scan = await scanProject(path.join(SAMPLE, "function-json"));
    const values = { AzureWebJobsStorage: "UseDevelopmentStorage=true", OrdersStorage: "UseDevelopmentStorage=true", SamplesStorage: "UseDevelopmentStorage=true" };
    const findings = projectLoops(scan.projectDir, scan.bindings, values);
    expect(findings.map((f) => `${f.severity} ${f.cycle.map((s) => `${s.function}:${s.trigger.kind}:${s.trigger.pattern}→${s.output.pattern}`).join(",")}`).sort()).toEqual([
      "certain ProcessOrder:queue:orders→orders",
      "certain ResizeImage:blob:samples/{name}→samples/thumbs/{name}",
    ]);
  });
});

describe("unresolved bindings", () => {
  it("reports the bindings whose connection has neither a value nor identity settings; the host storage resolves", async () => {
    const scan = await scanProject(SAMPLE);
    const unresolved = unresolvedProjectBindings(scan.bindings, VALUES);
    expect(unresolved.map((u) => `${u.function}:${u.bindingType}:${u.connection}`)).toEqual([
      "handleOrder:serviceBusTrigger:OrdersBus",
      "resizeImage:blob:SamplesStorage",
      "resizeImage:queue:SamplesStorage",
      "resizeImage:blobTrigger:SamplesStorage",
    ]);
    expect(unresolved.find((u) => u.bindingType === "blobTrigger")!.missing).toEqual(["SamplesStorage__blobServiceUri", "SamplesStorage__queueServiceUri"]);
  });

  it("nothing once the identity-based settings are there (':' spelling too)", async () => {
    const scan = await scanProject(SAMPLE);
    expect(unresolvedProjectBindings(scan.bindings, {
      ...VALUES,
      "OrdersBus:fullyQualifiedNamespace": "ns1.servicebus.windows.net",
      SamplesStorage__blobServiceUri: "https://acct1.blob.core.windows.net/",
      SamplesStorage__queueServiceUri: "https://acct1.queue.core.windows.net/",
    })).toEqual([]);
  });
});
