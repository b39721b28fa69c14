// `linkwright local` on a terminal (in process, scripted answers) against the stand-in connectors API: it asks for the
// resource of each unresolved connection (re-asking on a resource that does not fit, empty skips), then asks before it
// changes anything.
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runLocal } from "../../src/cli/commands/local.js";
import type { CliIo } from "../../src/cli/io.js";
import { fakeToken, startFakeConnectorsApi, type FakeConnectorsApi } from "./support/fakeConnectorsApi.js";
import { copySample } from "./support/runCli.js";

const RG = "/subscriptions/00000000-0000-0000-0000-00000000aaaa/resourceGroups/rg1/providers";
const ACCOUNT = `${RG}/Microsoft.Storage/storageAccounts/acct1`;
const NAMESPACE = `${RG}/Microsoft.ServiceBus/namespaces/ns1`;

let api: FakeConnectorsApi;
const dirs: string[] = [];
beforeAll(async () => {
  api = await startFakeConnectorsApi();
});
afterAll(async () => {
  await api.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A terminal whose user gives `answers` in order; records questions and output. */
function terminal(answers: string[]): CliIo & { questions: string[]; lines: string[] } {
  const questions: string[] = [];
  const lines: string[] = [];
  return {
    questions, lines,
    out: (l) => lines.push(l),
    err: (l) => lines.push(`ERR ${l}`),
    env: { LINKWRIGHT_ACCESS_TOKEN: fakeToken() },
    interactive: true,
    async ask(q) {
      questions.push(q);
      const a = answers.shift();
      if (a === undefined) throw new Error(`unexpected question: ${q}`);
      return a;
    },
  };
}

const options = (project: string) => ({ project, targets: [], dryRun: false, yes: false, endpoint: api.endpoint, audience: "https://management.azure.com/" });

describe("linkwright local on a terminal", () => {
  it("asks for each unresolved connection's resource, re-asks when it does not fit, skips on empty, confirms, then wires", async () => {
    const project = copySample();
    dirs.push(project);
    api.calls.length = 0;
    const io = terminal([ACCOUNT, NAMESPACE, "", "y"]);
    const code = await runLocal(options(project), io);
    expect(code, io.lines.join("\n")).toBe(0);
    const resourceQuestion = (connection: string, users: string) =>
      `Resource id for connection '${connection}' (used by ${users}; a storage account, namespace or Cosmos DB account), empty to skip: `;
    expect(io.questions.slice(0, 3)).toEqual([resourceQuestion("OrdersBus", "handleOrder"), resourceQuestion("OrdersBus", "handleOrder"), resourceQuestion("SamplesStorage", "resizeImage")]);
    expect(io.questions[3]).toMatch(/^Create or update 1 local connection\(s\) for you and update .*local\.settings\.json\? \[y\/N\] $/);
    expect(io.lines).toContain(`  the bindings need a Service Bus namespace, but '${ACCOUNT}' is a storage account`);
    expect(api.calls.filter((c) => c.method === "PUT").map((c) => c.path.split("/").pop())).toEqual(["OrdersBus"]);
    const values = JSON.parse(readFileSync(path.join(project, "local.settings.json"), "utf8")).Values;
    expect(values).toMatchObject({ OrdersBus__fullyQualifiedNamespace: "ns1.servicebus.windows.net" });
    expect(values).not.toHaveProperty("SamplesStorage__blobServiceUri");
    expect(io.lines.join("\n")).toMatch(/SamplesStorage {2}unresolved/);
  });

  it("answering no changes nothing and calls nothing", async () => {
    const project = copySample();
    dirs.push(project);
    const before = readFileSync(path.join(project, "local.settings.json"), "utf8");
    api.calls.length = 0;
    const io = terminal([NAMESPACE, ACCOUNT, "n"]);
    expect(await runLocal(options(project), io)).toBe(1);
    expect(io.lines).toContain("cancelled: nothing was changed");
    expect(api.calls).toEqual([]);
    expect(readFileSync(path.join(project, "local.settings.json"), "utf8")).toBe(before);
  });

  it("--yes asks nothing", async () => {
    const project = copySample();
    dirs.push(project);
    const io = terminal([]);
    expect(await runLocal({ ...options(project), yes: true, targets: [`OrdersBus=${NAMESPACE}`] }, io)).toBe(0);
    expect(io.questions).toEqual([]);
  });
});
