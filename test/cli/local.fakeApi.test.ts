// `linkwright local`, `connect` and `status` as processes against a stand-in connectors API (support/fakeConnectorsApi):
// the exact wire calls, the settings written, a second run that changes nothing, a failed local connection.
// These pin what the CLI sends until the real API lands; local.e2e.test.ts runs the same against the sandbox then.
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { fakeToken, startFakeConnectorsApi, type FakeConnectorsApi } from "./support/fakeConnectorsApi.js";
import { copySample, runCli } from "./support/runCli.js";

const SUB = "00000000-0000-0000-0000-00000000aaaa";
const RG = `/subscriptions/${SUB}/resourceGroups/rg1/providers`;
const ACCOUNT = `${RG}/Microsoft.Storage/storageAccounts/acct1`;
const NAMESPACE = `${RG}/Microsoft.ServiceBus/namespaces/ns1`;
const OID = "11111111-2222-3333-4444-555555555555";
const CONNECTORS = `/subscriptions/${SUB}/resourceGroups/rg1/providers/Microsoft.ServiceLinker/locations/westeurope/connectors`;

let api: FakeConnectorsApi;
const dirs: string[] = [];
const env = () => ({ LINKWRIGHT_ACCESS_TOKEN: fakeToken(OID) });
const sample = () => {
  const dir = copySample();
  dirs.push(dir);
  return dir;
};
const localArgs = (dir: string) => ["local", "--project", dir, "--endpoint", api.endpoint, "--target", `SamplesStorage=${ACCOUNT}`, "--target", `OrdersBus=${NAMESPACE}`];
const wire = () => api.calls.map((c) => `${c.method} ${c.path.replace(/op\d+$/, "{op}")} ${c.apiVersion}`);
const settingsOf = (dir: string) => JSON.parse(readFileSync(path.join(dir, "local.settings.json"), "utf8"));

beforeAll(async () => {
  api = await startFakeConnectorsApi({ location: "westeurope" });
});
beforeEach(() => {
  api.calls.length = 0;
  api.connectors.clear();
});
afterAll(async () => {
  await api.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("linkwright local against the connectors API", () => {
  it("creates one local connection per connection and service, then writes the binding settings; a second run changes nothing", async () => {
    const dir = sample();
    const first = await runCli(localArgs(dir), env());
    expect(first.code, first.stdout + first.stderr).toBe(0);

    // The wire contract: the resource group's location, then per connector GET (404), PUT, its operation polled
    // (Running, Succeeded), the final GET, generateConfigurations.
    const perConnector = (name: string) => [
      `GET ${CONNECTORS}/${name} 2024-04-01`,
      `PUT ${CONNECTORS}/${name} 2024-04-01`,
      `GET /subscriptions/${SUB}/providers/Microsoft.ServiceLinker/locations/westeurope/operationStatuses/{op} 2024-04-01`,
      `GET /subscriptions/${SUB}/providers/Microsoft.ServiceLinker/locations/westeurope/operationStatuses/{op} 2024-04-01`,
      `GET ${CONNECTORS}/${name} 2024-04-01`,
      `POST ${CONNECTORS}/${name}/generateConfigurations 2024-04-01`,
    ];
    expect(wire()).toEqual([
      `GET /subscriptions/${SUB}/resourcegroups/rg1 2021-04-01`,
      ...perConnector("OrdersBus"), ...perConnector("SamplesStorage_blob"), ...perConnector("SamplesStorage_queue"),
    ]);
    const puts = api.calls.filter((c) => c.method === "PUT");
    expect(puts.map((c) => c.body)).toEqual([
      [NAMESPACE, "AZURE_SERVICEBUS_FULLYQUALIFIEDNAMESPACE", "OrdersBus__fullyQualifiedNamespace"],
      [`${ACCOUNT}/blobServices/default`, "AZURE_STORAGEBLOB_RESOURCEENDPOINT", "SamplesStorage__blobServiceUri"],
      [`${ACCOUNT}/queueServices/default`, "AZURE_STORAGEQUEUE_RESOURCEENDPOINT", "SamplesStorage__queueServiceUri"],
    ].map(([id, key, setting]) => ({
      properties: {
        targetService: { type: "AzureResource", id },
        authInfo: { authType: "userAccount", principalId: OID },
        clientType: "nodejs",
        configurationInfo: { customizedKeys: { [key!]: setting } },
        publicNetworkSolution: { firewallRules: { callerClientIP: "true" } },
      },
    })));
    expect(api.calls.filter((c) => c.method === "POST").every((c) => c.body === undefined)).toBe(true);

    expect(first.stdout).toContain(`Local connections in resource group rg1 (westeurope, subscription ${SUB}) for principal ${OID}`);
    expect(first.stdout).toContain(`  SamplesStorage_blob: creating  userAccount → storage-blob ${ACCOUNT}/blobServices/default`);
    expect(first.stdout).toMatch(/ {4}PUT \S+\/connectors\/SamplesStorage_blob\n {4}answered 201, operation op\d+\n {4}operation: Running\n {4}operation: Succeeded\n/);
    expect(first.stdout).toMatch(/added +SamplesStorage__blobServiceUri += https:\/\/acct1\.blob\.core\.windows\.net\//);
    expect(settingsOf(dir)).toEqual({
      IsEncrypted: false,
      Values: {
        AzureWebJobsStorage: "UseDevelopmentStorage=true",
        FUNCTIONS_WORKER_RUNTIME: "node",
        THUMBNAIL_WIDTH: "128",
        OrdersBus__fullyQualifiedNamespace: "ns1.servicebus.windows.net",
        SamplesStorage__blobServiceUri: "https://acct1.blob.core.windows.net/",
        SamplesStorage__queueServiceUri: "https://acct1.queue.core.windows.net/",
      },
      Host: { LocalHttpPort: 7072 },
    });
    expect(first.stdout).not.toContain("Bindings whose connection will not resolve");
    expect(first.stdout).toMatch(/\[certain\] resizeImage/);

    const written = readFileSync(path.join(dir, "local.settings.json"), "utf8");
    api.calls.length = 0;
    const second = await runCli(localArgs(dir), env());
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(second.stdout.trimEnd().endsWith("nothing to change")).toBe(true);
    expect(second.stdout).toContain("  OrdersBus: unchanged  userAccount → servicebus");
    expect(wire().filter((c) => !c.startsWith("GET") && !c.startsWith("POST"))).toEqual([]);
    expect(readFileSync(path.join(dir, "local.settings.json"), "utf8")).toBe(written);
  }, 60_000);

  it("a local connection that fails: exit 1, its settings not written, the others are", async () => {
    const dir = sample();
    api.failNext("OrdersBus", { code: "TargetNotFound", message: "namespace ns1 does not exist" });
    const r = await runCli([...localArgs(dir), "--location", "westeurope"], env());
    expect(r.code).toBe(1);
    expect(wire()[0]).toBe(`GET ${CONNECTORS}/OrdersBus 2024-04-01`); // --location given: no resource group read
    expect(r.stdout).toMatch(/operation: Failed\n {4}failed: TargetNotFound: namespace ns1 does not exist/);
    expect(r.stderr).toContain("1 local connection(s) failed");
    const values = settingsOf(dir).Values;
    expect(values).not.toHaveProperty("OrdersBus__fullyQualifiedNamespace");
    expect(values).toHaveProperty("SamplesStorage__blobServiceUri");
  }, 60_000);

  it("rewires AzureWebJobsStorage only when targeted: blob, queue and table, and removes its connection string", async () => {
    const dir = sample();
    const r = await runCli(["local", "--project", dir, "--endpoint", api.endpoint, "--location", "westeurope", "--target", `AzureWebJobsStorage=${ACCOUNT}`], env());
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(api.calls.filter((c) => c.method === "PUT").map((c) => c.path.split("/").pop())).toEqual(["AzureWebJobsStorage_blob", "AzureWebJobsStorage_queue", "AzureWebJobsStorage_table"]);
    const values = settingsOf(dir).Values;
    expect(values).not.toHaveProperty("AzureWebJobsStorage");
    expect(values).toMatchObject({
      AzureWebJobsStorage__blobServiceUri: "https://acct1.blob.core.windows.net/",
      AzureWebJobsStorage__queueServiceUri: "https://acct1.queue.core.windows.net/",
      AzureWebJobsStorage__tableServiceUri: "https://acct1.table.core.windows.net/",
    });
    expect(r.stdout).toMatch(/removed +AzureWebJobsStorage +\(a connection string here would win over the identity-based settings\)/);
  }, 60_000);
});

describe("linkwright connect and status", () => {
  it("connect prints each step and the generated configuration; again: unchanged; status shows state and last operation", async () => {
    const args = ["connect", "storage-queue", "--connection", "work_queue", "--target", ACCOUNT, "--binding-connection", "Work", "--client-type", "nodejs", "--endpoint", api.endpoint];
    const r = await runCli(args, env());
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const id = `${CONNECTORS}/work_queue`;
    expect(r.stdout.split("\n")).toEqual([
      `connector ${id}`,
      "  subscription of the target",
      "  resource group of the target (--resource-group to choose another)",
      `  target storage-queue ${ACCOUNT}/queueServices/default, userAccount (principal ${OID}), client type nodejs`,
      "  creating",
      `  PUT ${id}`,
      expect.stringMatching(/^ {2}answered 201, operation op\d+$/),
      "  operation: Running",
      "  operation: Succeeded",
      "  state: Succeeded",
      "  POST generateConfigurations",
      "configurations:",
      "  Work__queueServiceUri=https://acct1.queue.core.windows.net/",
      "",
    ]);
    expect(api.calls.find((c) => c.method === "PUT")!.body.properties.configurationInfo).toEqual({ customizedKeys: { AZURE_STORAGEQUEUE_RESOURCEENDPOINT: "Work__queueServiceUri" } });

    const again = await runCli(args, env());
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("  unchanged: it already is this connection");

    const status = await runCli(["status", id, "--endpoint", api.endpoint], env());
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`^connector +${id.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, "m"));
    expect(status.stdout).toMatch(/^state +Succeeded$/m);
    expect(status.stdout).toMatch(/^last operation +\S+ by dev@contoso \(Succeeded\)$/m);
    expect(status.stdout).toMatch(/^customized keys +AZURE_STORAGEQUEUE_RESOURCEENDPOINT → Work__queueServiceUri$/m);

    const json = await runCli(["status", id, "--json", "--endpoint", api.endpoint], env());
    expect(JSON.parse(json.stdout)).toMatchObject({ id, properties: { provisioningState: "Succeeded" } });
    const missing = await runCli(["status", `${CONNECTORS}/nothing`, "--endpoint", api.endpoint], env());
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("does not exist");
  }, 60_000);
});
