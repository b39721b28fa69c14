// The connectors client against a stand-in API: the PUT's operation followed to the end (one report per state,
// retry-after-ms honoured), failures in ARM's terms, throttling retried, the token never sent to another origin.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConnectorsApiError, ConnectorsClient, connectorId, parseConnectorId, retryAfterMs, type ConnectorProgress } from "../../src/cli/connectorsClient.js";
import { connectorBody } from "../../src/cli/plan.js";
import { fakeToken, startFakeConnectorsApi, type FakeConnectorsApi } from "./support/fakeConnectorsApi.js";

const SCOPE = { subscriptionId: "00000000-0000-0000-0000-00000000aaaa", resourceGroup: "rg1", location: "westeurope" };
const TARGET = "/subscriptions/00000000-0000-0000-0000-00000000aaaa/resourceGroups/rg1/providers/Microsoft.Storage/storageAccounts/acct1/blobServices/default";
const BODY = connectorBody({ targetId: TARGET, customizedKeys: { AZURE_STORAGEBLOB_RESOURCEENDPOINT: "Images__blobServiceUri" } }, { clientType: "nodejs", principalId: "p1" });

let api: FakeConnectorsApi;
let client: ConnectorsClient;
const sleeps: number[] = [];

beforeAll(async () => {
  api = await startFakeConnectorsApi();
  client = new ConnectorsClient({
    endpoint: api.endpoint,
    token: async () => fakeToken(),
    sleep: async (ms) => {
      sleeps.push(ms);
      await new Promise((r) => setTimeout(r, Math.min(ms, 5)));
    },
  });
});
afterAll(() => api.close());

describe("ConnectorsClient", () => {
  it("PUT answered 201 + Azure-AsyncOperation: polls at retry-after-ms, reports each new state, returns the final GET", async () => {
    const id = connectorId(SCOPE, "Images_blob");
    const progress: ConnectorProgress[] = [];
    sleeps.length = 0;
    api.calls.length = 0;
    const final = await client.put(id, BODY, (p) => progress.push(p));
    expect(progress).toEqual([
      { kind: "accepted", status: 201, operationUrl: expect.stringMatching(/\/operationStatuses\/op\d+\?api-version=2024-04-01$/) },
      { kind: "state", state: "Running" },
      { kind: "state", state: "Succeeded" },
    ]);
    expect(sleeps).toEqual([10, 10]);
    expect(final.properties).toMatchObject({ provisioningState: "Succeeded", targetService: { id: TARGET } });
    expect(api.calls.map((c) => `${c.method} ${c.path.replace(/op\d+/, "op")} ${c.apiVersion}`)).toEqual([
      `PUT ${id} 2024-04-01`,
      "GET /subscriptions/00000000-0000-0000-0000-00000000aaaa/providers/Microsoft.ServiceLinker/locations/westeurope/operationStatuses/op 2024-04-01",
      "GET /subscriptions/00000000-0000-0000-0000-00000000aaaa/providers/Microsoft.ServiceLinker/locations/westeurope/operationStatuses/op 2024-04-01",
      `GET ${id} 2024-04-01`,
    ]);
    expect(api.calls[0]!.body).toEqual(BODY);
    expect(api.calls.every((c) => c.authorization === `Bearer ${fakeToken()}`)).toBe(true);
  });

  it("GET of a missing connector is undefined; generateConfigurations returns the names with customizedKeys applied", async () => {
    expect(await client.get(connectorId(SCOPE, "nothing"))).toBeUndefined();
    expect(await client.generateConfigurations(connectorId(SCOPE, "Images_blob"))).toEqual([
      { name: "Images__blobServiceUri", value: "https://acct1.blob.core.windows.net/", configType: "Default" },
    ]);
    expect(await client.resourceGroupLocation(SCOPE.subscriptionId, "rg1")).toBe("westeurope");
  });

  it("a failed operation throws its error code and message", async () => {
    api.failNext("broken", { code: "TargetNotFound", message: "the account does not exist" });
    const states: string[] = [];
    await expect(client.put(connectorId(SCOPE, "broken"), BODY, (p) => p.kind === "state" && states.push(p.state)))
      .rejects.toMatchObject({ code: "TargetNotFound", message: "the account does not exist" });
    expect(states).toEqual(["Running", "Failed"]);
  });

  it("429 is retried after retry-after-ms; an ARM error answer is a ConnectorsApiError", async () => {
    api.throttleNext();
    sleeps.length = 0;
    expect(await client.get(connectorId(SCOPE, "Images_blob"))).toMatchObject({ name: "Images_blob" });
    expect(sleeps).toEqual([20]);
    const error = await client.generateConfigurations(connectorId(SCOPE, "nothing")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorsApiError);
    expect(error).toMatchObject({ status: 404, code: "ResourceNotFound" });
  });

  it("never sends the token to an operation URL of another origin; refuses plain http off loopback", async () => {
    api.foreignOperationUrls(true);
    api.calls.length = 0;
    try {
      await expect(client.put(connectorId(SCOPE, "elsewhere"), BODY)).rejects.toMatchObject({ code: "UntrustedUrl" });
      expect(api.calls.map((c) => c.method)).toEqual(["PUT"]); // the poll was never sent
    } finally {
      api.foreignOperationUrls(false);
    }
    expect(() => new ConnectorsClient({ endpoint: "http://arm.example.com", token: async () => "t" })).toThrow(/use https/);
  });

  it("Retry-After forms and connector ids", () => {
    expect(retryAfterMs(new Headers({ "retry-after-ms": "250" }))).toBe(250);
    expect(retryAfterMs(new Headers({ "x-ms-retry-after-ms": "5" }))).toBe(5);
    expect(retryAfterMs(new Headers({ "retry-after": "2" }))).toBe(2000);
    expect(retryAfterMs(new Headers({}))).toBeUndefined();
    expect(parseConnectorId(connectorId(SCOPE, "a.b_c"))).toEqual({ scope: SCOPE, name: "a.b_c" });
    expect(parseConnectorId("/subscriptions/s/resourcegroups/rg/providers/microsoft.servicelinker/locations/l/connectors/x")).toMatchObject({ name: "x" });
    expect(parseConnectorId("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/x")).toBeUndefined();
  });
});
