// The plan of `linkwright local` (pure): connection states, the connectors a target gives, their PUT body, whether an
// existing connector already is right, and the local.settings.json changes from what the connectors generate.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { configurationEntries } from "../../src/catalogue/index.js";
import type { ServiceNeed } from "../../src/cli/bindingKinds.js";
import type { BindingConnection } from "../../src/cli/model.js";
import {
  connectorDifference, planLocal, plannedConnectorBody, previewSettingChanges, settingChanges, unknownTargets, type LocalPlan,
} from "../../src/cli/plan.js";
import { scanProject } from "../../src/cli/project/scan.js";
import { connectorName, connectorTargets, parseTargetFlag, SERVICE_CONNECTORS } from "../../src/cli/targets.js";
import { applySettingChanges } from "../../src/cli/localSettings.js";

const SAMPLE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/functions-sample");
const RG = "/subscriptions/00000000-0000-0000-0000-00000000aaaa/resourceGroups/rg1/providers";
const ACCOUNT = `${RG}/Microsoft.Storage/storageAccounts/acct1`;
const NAMESPACE = `${RG}/Microsoft.ServiceBus/namespaces/ns1`;
const VALUES = { AzureWebJobsStorage: "UseDevelopmentStorage=true", FUNCTIONS_WORKER_RUNTIME: "node", THUMBNAIL_WIDTH: "128" };

let bindings: BindingConnection[];
beforeAll(async () => {
  bindings = (await scanProject(SAMPLE)).bindings;
});

const byName = (plan: LocalPlan, name: string) => plan.connections.find((c) => c.connection === name)!;

/** What linkwright's connectors would generate with the customizedKeys the CLI sends. */
function generated(plan: LocalPlan, endpoints: Partial<Record<ServiceNeed, string>>): Map<string, { name: string; value: string }[]> {
  return new Map(plan.connectors.map((c) => [c.name, [{ name: c.setting, value: endpoints[c.need]! }, { name: "AZURE_UNRELATED", value: "x" }]]));
}

describe("planLocal on the sample", () => {
  it("a storage account gives the blob and queue connectors its bindings need, a namespace one; the host storage is kept", () => {
    const plan = planLocal({ bindings, targets: { SamplesStorage: ACCOUNT, OrdersBus: NAMESPACE }, values: VALUES });
    expect(plan.connections.map((c) => [c.connection, c.state])).toEqual([
      ["OrdersBus", "wire"], ["AzureWebJobsStorage", "host-storage"], ["SamplesStorage", "wire"],
    ]);
    expect(byName(plan, "AzureWebJobsStorage").note).toContain("UseDevelopmentStorage=true");
    expect(plan.connectors.map((c) => ({ name: c.name, kind: c.targetKind, id: c.targetId, setting: c.setting, key: c.defaultKey }))).toEqual([
      { name: "OrdersBus", kind: "servicebus", id: NAMESPACE, setting: "OrdersBus__fullyQualifiedNamespace", key: "AZURE_SERVICEBUS_FULLYQUALIFIEDNAMESPACE" },
      { name: "SamplesStorage_blob", kind: "storage-blob", id: `${ACCOUNT}/blobServices/default`, setting: "SamplesStorage__blobServiceUri", key: "AZURE_STORAGEBLOB_RESOURCEENDPOINT" },
      { name: "SamplesStorage_queue", kind: "storage-queue", id: `${ACCOUNT}/queueServices/default`, setting: "SamplesStorage__queueServiceUri", key: "AZURE_STORAGEQUEUE_RESOURCEENDPOINT" },
    ]);
  });

  it("the PUT body: userAccount (with the user's principal), the project's client type, customizedKeys to the binding name, caller IP", () => {
    const plan = planLocal({ bindings, targets: { SamplesStorage: `${ACCOUNT}/blobServices/default` }, values: VALUES });
    expect(plannedConnectorBody(plan.connectors[0]!, { clientType: "nodejs", principalId: "11111111-2222-3333-4444-555555555555" })).toEqual({
      properties: {
        targetService: { type: "AzureResource", id: `${ACCOUNT}/blobServices/default` },
        authInfo: { authType: "userAccount", principalId: "11111111-2222-3333-4444-555555555555" },
        clientType: "nodejs",
        configurationInfo: { customizedKeys: { AZURE_STORAGEBLOB_RESOURCEENDPOINT: "SamplesStorage__blobServiceUri" } },
        publicNetworkSolution: { firewallRules: { callerClientIP: "true" } },
      },
    });
    // A sub-service id still names the account: the blob trigger's queue comes from it too.
    expect(plan.connectors.map((c) => c.targetId)).toEqual([`${ACCOUNT}/blobServices/default`, `${ACCOUNT}/queueServices/default`]);
  });

  it("targets match connections case-insensitively; one naming no connection is reported; a wrong kind is invalid", () => {
    const plan = planLocal({ bindings, targets: { samplesstorage: ACCOUNT, ordersbus: ACCOUNT, Typo: NAMESPACE }, values: VALUES });
    expect(byName(plan, "SamplesStorage").state).toBe("wire");
    expect(byName(plan, "OrdersBus")).toMatchObject({ state: "invalid", note: `the bindings need a Service Bus namespace, but '${ACCOUNT}' is a storage account` });
    expect(unknownTargets(plan, { samplesstorage: ACCOUNT, Typo: NAMESPACE })).toEqual(["Typo"]);
  });

  it("without a target: configured when local.settings.json has settings for it, else unresolved", () => {
    const configured = planLocal({ bindings, targets: {}, values: { ...VALUES, "OrdersBus:fullyQualifiedNamespace": "ns1.servicebus.windows.net", AzureWebJobsSamplesStorage: "UseDevelopmentStorage=true" } });
    expect(configured.connections.map((c) => [c.connection, c.state])).toEqual([["OrdersBus", "configured"], ["AzureWebJobsStorage", "host-storage"], ["SamplesStorage", "configured"]]);
    const bare = planLocal({ bindings, targets: {}, values: {} });
    expect(bare.connections.map((c) => c.state)).toEqual(["unresolved", "host-storage", "unresolved"]);
    expect(bare.connectors).toEqual([]);
  });

  it("AzureWebJobsStorage is rewired only when targeted: blob, queue and table, and its connection string goes", () => {
    const plan = planLocal({ bindings, targets: { AzureWebJobsStorage: ACCOUNT }, values: VALUES });
    const host = byName(plan, "AzureWebJobsStorage");
    expect(host.connectors.map((c) => c.name)).toEqual(["AzureWebJobsStorage_blob", "AzureWebJobsStorage_queue", "AzureWebJobsStorage_table"]);
    expect(host.conflicting).toEqual(["AzureWebJobsStorage"]);
    expect(previewSettingChanges(plan, VALUES).map((c) => `${c.action} ${c.name}`)).toEqual([
      "add AzureWebJobsStorage__blobServiceUri", "add AzureWebJobsStorage__queueServiceUri", "add AzureWebJobsStorage__tableServiceUri", "remove AzureWebJobsStorage",
    ]);
  });
});

describe("targets", () => {
  it("--target parsing", () => {
    expect(parseTargetFlag(`A=${ACCOUNT}`)).toEqual({ connection: "A", resourceId: ACCOUNT });
    expect(parseTargetFlag("A")).toEqual({ error: expect.stringContaining("not <connection>=<resourceId>") });
    expect(parseTargetFlag("A=acct1")).toEqual({ error: expect.stringContaining("not an ARM resource id") });
  });

  it("connector names: letters, digits, '.', '_', at most 60, a service suffix for storage", () => {
    expect(connectorName("Orders-Bus", "servicebus")).toBe("Orders_Bus");
    expect(connectorName("my:conn.", "blob")).toBe("my_conn_blob");
    expect(connectorName("x".repeat(80), "queue")).toBe(`${"x".repeat(54)}_queue`);
    expect(connectorName("a.b.", "eventhub")).toBe("a.b");
  });

  it("a Cosmos DB account takes the bindings' database; two databases need the id to name one", () => {
    const cosmos = `${RG}/Microsoft.DocumentDB/databaseAccounts/c1`;
    expect(connectorTargets(cosmos, ["cosmos-sql"], ["db1", "db1"])).toEqual([
      { need: "cosmos-sql", targetKind: "cosmos-sql", targetId: `${cosmos}/sqlDatabases/db1`, defaultKey: "AZURE_COSMOS_RESOURCEENDPOINT", property: "accountEndpoint" },
    ]);
    expect(connectorTargets(cosmos, ["cosmos-sql"], ["db1", "db2"])).toEqual({ error: expect.stringContaining("the bindings use databases db1, db2") });
    expect(connectorTargets(`${cosmos}/sqlDatabases/db2`, ["cosmos-sql"], ["db1"])).toMatchObject([{ targetId: `${cosmos}/sqlDatabases/db2` }]);
  });

  it("every default name the CLI renames is the one the catalogue generates for identity auth and nodejs, and customizedKeys renames it", () => {
    const facts = {
      subscriptionId: "s", resourceGroup: "rg1", resourceName: "acct1", databaseName: "db1",
      blobEndpoint: "https://acct1.blob.core.windows.net/", queueEndpoint: "https://acct1.queue.core.windows.net/",
      tableEndpoint: "https://acct1.table.core.windows.net/", host: "ns1.servicebus.windows.net", endpoint: "https://c1.documents.azure.com:443/",
    };
    for (const spec of Object.values(SERVICE_CONNECTORS)) {
      const plain = configurationEntries({ targetKind: spec.targetKind, authType: "systemAssignedIdentity", clientType: "nodejs", facts });
      expect(Array.isArray(plain) ? plain.map((e) => e.name) : plain, spec.targetKind).toContain(spec.defaultKey);
      const renamed = configurationEntries({
        targetKind: spec.targetKind, authType: "systemAssignedIdentity", clientType: "nodejs", facts, customizedKeys: { [spec.defaultKey]: `Conn__${spec.property}` },
      });
      expect(Array.isArray(renamed) ? renamed.map((e) => e.name) : renamed, spec.targetKind).toContain(`Conn__${spec.property}`);
    }
  });
});

describe("connectorDifference: a second run does not PUT what already is right", () => {
  const plan = () => planLocal({ bindings, targets: { OrdersBus: NAMESPACE }, values: VALUES });
  const body = () => plannedConnectorBody(plan().connectors[0]!, { clientType: "nodejs", principalId: "p1" });
  const existing = (props: Record<string, unknown> = {}) => ({
    id: "x", properties: { ...body().properties, provisioningState: "Succeeded", ...props },
  });

  it("the same target, auth, client type, names, Succeeded: unchanged (ids compared case-insensitively)", () => {
    expect(connectorDifference(existing({ targetService: { type: "AzureResource", id: NAMESPACE.toLowerCase() } }), body())).toBeUndefined();
    expect(connectorDifference(existing({ publicNetworkSolution: undefined }), body())).toBeUndefined();
  });

  it("anything else is a reason to PUT", () => {
    expect(connectorDifference(undefined, body())).toBe("new");
    expect(connectorDifference(existing({ provisioningState: "Failed" }), body())).toBe("its state is Failed");
    expect(connectorDifference(existing({ targetService: { type: "AzureResource", id: `${RG}/Microsoft.ServiceBus/namespaces/other` } }), body())).toContain("its target is");
    expect(connectorDifference(existing({ authInfo: { authType: "userAccount", principalId: "p2" } }), body())).toBe("it is another user's");
    expect(connectorDifference(existing({ clientType: "python" }), body())).toBe("its client type is python");
    expect(connectorDifference(existing({ configurationInfo: null }), body())).toContain("the default");
  });
});

describe("settingChanges", () => {
  const endpoints = { blob: "https://acct1.blob.core.windows.net/", queue: "https://acct1.queue.core.windows.net/", servicebus: "ns1.servicebus.windows.net" };

  it("writes the generated endpoint under the binding name, keeps everything else, and is idempotent", () => {
    const plan = planLocal({ bindings, targets: { SamplesStorage: ACCOUNT, OrdersBus: NAMESPACE }, values: VALUES });
    const first = settingChanges(plan, generated(plan, endpoints), VALUES);
    expect(first.problems).toEqual([]);
    expect(first.changes.map((c) => `${c.action} ${c.name}=${c.value}`)).toEqual([
      "add OrdersBus__fullyQualifiedNamespace=ns1.servicebus.windows.net",
      "add SamplesStorage__blobServiceUri=https://acct1.blob.core.windows.net/",
      "add SamplesStorage__queueServiceUri=https://acct1.queue.core.windows.net/",
    ]);
    const after = applySettingChanges({ Values: VALUES }, first.changes) as Record<string, string>;
    expect(after).toMatchObject(VALUES);
    expect(settingChanges(plan, generated(plan, endpoints), after).changes).toEqual([]);
  });

  it("reads the default name when the server ignored customizedKeys; keeps the user's ':' spelling when updating", () => {
    const plan = planLocal({ bindings, targets: { OrdersBus: NAMESPACE }, values: VALUES });
    const values = { ...VALUES, "OrdersBus:fullyQualifiedNamespace": "old.servicebus.windows.net" };
    const { changes } = settingChanges(plan, new Map([["OrdersBus", [{ name: "AZURE_SERVICEBUS_FULLYQUALIFIEDNAMESPACE", value: "ns1.servicebus.windows.net" }]]]), values);
    expect(changes).toEqual([{ name: "OrdersBus:fullyQualifiedNamespace", action: "update", value: "ns1.servicebus.windows.net", previous: "old.servicebus.windows.net", reason: expect.any(String) }]);
  });

  it("a connection string that would win is removed once a connector of that connection succeeded, not before", () => {
    const values = { ...VALUES, SamplesStorage: "DefaultEndpointsProtocol=https;AccountName=acct1;AccountKey=k" };
    const plan = planLocal({ bindings, targets: { SamplesStorage: ACCOUNT }, values });
    expect(settingChanges(plan, generated(plan, endpoints), values).changes.filter((c) => c.action === "remove").map((c) => c.name)).toEqual(["SamplesStorage"]);
    expect(settingChanges(plan, new Map(), values).changes).toEqual([]);
  });

  it("a connector that generated neither name is a problem, not a guess", () => {
    const plan = planLocal({ bindings, targets: { OrdersBus: NAMESPACE }, values: VALUES });
    const { changes, problems } = settingChanges(plan, new Map([["OrdersBus", [{ name: "AZURE_SERVICEBUS_CLIENTID", value: "x" }]]]), VALUES);
    expect(changes).toEqual([]);
    expect(problems).toEqual(["connector OrdersBus generated neither OrdersBus__fullyQualifiedNamespace nor AZURE_SERVICEBUS_FULLYQUALIFIEDNAMESPACE; OrdersBus__fullyQualifiedNamespace not written"]);
  });
});
