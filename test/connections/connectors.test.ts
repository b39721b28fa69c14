// Connectors (local connections, issue #16 part 1) end to end: raw HTTPS through the sandbox's ARM endpoint (which
// forwards Microsoft.ServiceLinker/locations/connectors to linkwright in the dev host and tells it the client's address
// in x-ms-client-ip-address), as the user `dev` — Contributor on the demo resource group, RBAC Administrator on the
// demo storage account — with what the az CLI sends (api-version 2022-11-01-preview, lower-case `resourcegroups`,
// callerClientIP "true" as a string, no location in the body). The saga assigns the role to dev's own account and
// opens the storage firewall to dev's address; nothing is written to any app; delete undoes both.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLinkwright, type Linkwright } from "./linkwright.js";
import { rawRequest, type RawResponse } from "../sandbox-arm/support/raw.js";

const BLOB_DATA_CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
const API = "2022-11-01-preview";

let lw: Linkwright;
let dev: { objectId: string; token: string };
let rg: string;
let location: string;
/** `/subscriptions/{s}/resourcegroups/linkwright-demo/providers/Microsoft.ServiceLinker/locations/{location}` as az spells it. */
let scope: string;
/** The same in canonical casing, as ids come back. */
let canonicalScope: string;

const call = (token: string, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<RawResponse> =>
  rawRequest(lw.te.endpoint, method, path, { token, ...(body !== undefined ? { body: JSON.stringify(body) } : {}), ...(headers ? { headers } : {}) });
const asDev = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => call(dev.token, method, path, body, headers);

/** Follows an Azure-AsyncOperation (or a Location) to its end; the final status document (or Location answer). */
async function follow(r: RawResponse, token = dev.token): Promise<Record<string, any>> {
  const aao = r.headers["azure-asyncoperation"];
  const loc = r.headers["location"];
  const url = new URL(String(aao ?? loc));
  const deadline = Date.now() + 45_000;
  for (;;) {
    const polled = await call(token, "GET", url.pathname + url.search);
    if (aao) {
      const doc = polled.json();
      if (["Succeeded", "Failed", "Canceled"].includes(doc.status)) return doc;
    } else if (polled.status !== 202) {
      return polled.json();
    }
    if (Date.now() > deadline) throw new Error(`operation ${url.pathname} still running after 45 s`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

const connector = (name: string, suffix = "") => `${scope}/connectors/${name}${suffix}?api-version=${API}`;
const blobTarget = () => ({ type: "AzureResource", id: `${lw.ids.storageAccount}/blobServices/default` });
const roleAssignmentsOf = (principalId: string, at: string) => lw.te.emulator.store.list(at, "Microsoft.Authorization/roleAssignments")
  .filter((r) => (r.properties as { principalId: string }).principalId === principalId);
const ipRules = () => ((lw.te.emulator.store.get(lw.ids.storageAccount!)!.properties as { networkAcls?: { ipRules?: { value?: string; iPAddressOrRange?: string }[] } })
  .networkAcls?.ipRules ?? []).map((r) => r.value ?? r.iPAddressOrRange);

beforeAll(async () => {
  lw = await startLinkwright();
  const seed = lw.te.emulator.seedResult!;
  rg = `/subscriptions/${lw.te.subscriptionId}/resourceGroups/linkwright-demo`;
  lw.te.emulator.assignRole(seed.dev.objectId, "Contributor", rg);
  dev = { objectId: seed.dev.objectId, token: await lw.te.emulator.tokenFor("dev") };
  location = String((await lw.arm("GET", `${rg}?api-version=2021-04-01`)).json().location);
  scope = `/subscriptions/${lw.te.subscriptionId}/resourcegroups/linkwright-demo/providers/Microsoft.ServiceLinker/locations/${location}`;
  canonicalScope = `${rg}/providers/Microsoft.ServiceLinker/locations/${location}`;
  // The demo storage account's firewall closed: a local connection must let its developer in.
  const closed = await lw.arm("PATCH", `${lw.ids.storageAccount}?api-version=2023-01-01`, { properties: { networkAcls: { defaultAction: "Deny", bypass: "AzureServices", ipRules: [] } } });
  expect(closed.status, closed.text).toBeLessThan(300);
}, 120_000);
afterAll(async () => { await lw?.stop(); });

describe("connectors (local connections) through the sandbox's ARM endpoint", () => {
  it("PUT (as az sends it) → 201 + Azure-AsyncOperation → Succeeded: dev's own role, dev's address in the firewall, no app touched", async () => {
    const webAppBefore = JSON.stringify(lw.te.emulator.store.get(lw.ids.webApp!));
    // A client-sent x-ms-client-ip-address is not what ARM relays: the socket's address is.
    const put = await asDev("PUT", connector("blob"), {
      properties: {
        targetService: blobTarget(), authInfo: { authType: "userAccount", principalId: dev.objectId }, clientType: "nodejs",
        publicNetworkSolution: { firewallRules: { callerClientIP: "true" } },
      },
    }, { "x-ms-client-ip-address": "203.0.113.9" });
    expect(put.status, put.text).toBe(201);
    expect(put.headers["azure-asyncoperation"]).toMatch(/\/operationStatuses\//);
    expect(put.json()).toMatchObject({
      id: `${canonicalScope}/connectors/blob`, name: "blob", type: "Microsoft.ServiceLinker/locations/connectors",
      properties: { provisioningState: "Accepted" },
    });
    const status = await follow(put);
    expect(status, JSON.stringify(status)).toMatchObject({ status: "Succeeded" });

    const got = await asDev("GET", connector("blob"));
    expect(got.status).toBe(200);
    expect(got.json()).toMatchObject({
      id: `${canonicalScope}/connectors/blob`, type: "Microsoft.ServiceLinker/locations/connectors",
      properties: { provisioningState: "Succeeded", authInfo: { authType: "userAccount", principalId: dev.objectId }, publicNetworkSolution: { firewallRules: { callerClientIP: "true" } } },
    });
    expect(JSON.stringify(got.json())).not.toContain("callerIpAddress");

    const blob = `${lw.ids.storageAccount}/blobServices/default`;
    const assignments = roleAssignmentsOf(dev.objectId, blob);
    expect(assignments.map((a) => String((a.properties as { roleDefinitionId: string }).roleDefinitionId).split("/").pop())).toEqual([BLOB_DATA_CONTRIBUTOR]);
    expect((assignments[0]!.properties as { principalType?: string }).principalType).toBe("User");
    expect(ipRules()).toEqual(["127.0.0.1"]);
    expect(JSON.stringify(lw.te.emulator.store.get(lw.ids.webApp!))).toBe(webAppBefore);
  }, 90_000);

  it("list (lower-case resourcegroups), generateConfigurations with the catalogue's names and customizedKeys", async () => {
    const list = await asDev("GET", `${scope}/connectors?api-version=${API}`);
    expect(list.status).toBe(200);
    expect(list.json().value.map((c: { name: string }) => c.name)).toEqual(["blob"]);

    const generated = await asDev("POST", connector("blob", "/generateConfigurations"));
    expect(generated.status, generated.text).toBe(200);
    expect(generated.json().configurations.map((c: { name: string }) => c.name)).toEqual(["AZURE_STORAGEBLOB_RESOURCEENDPOINT"]);
    // The account's blob endpoint as the account reports it (the sandbox's is on Azurite).
    const endpoint = (lw.te.emulator.store.get(lw.ids.storageAccount!)!.properties as { primaryEndpoints: { blob: string } }).primaryEndpoints.blob;
    expect(generated.json().configurations[0].value).toBe(endpoint);

    // A connector writes no app settings: names the deny list keeps out of apps (AzureWebJobs*) pass.
    const renamed = await asDev("POST", connector("blob", "/generateConfigurations"), {
      customizedKeys: { AZURE_STORAGEBLOB_RESOURCEENDPOINT: "AzureWebJobsStorage__blobServiceUri" },
    });
    expect(renamed.status, renamed.text).toBe(200);
    expect(renamed.json().configurations.map((c: { name: string }) => c.name)).toEqual(["AzureWebJobsStorage__blobServiceUri"]);
  }, 60_000);

  it("a PUT with customizedKeys (what `linkwright local` sends) records the custom names; a PATCH answers 202", async () => {
    const put = await asDev("PUT", connector("images"), {
      properties: {
        targetService: blobTarget(), authInfo: { authType: "userAccount" }, clientType: "nodejs",
        configurationInfo: { customizedKeys: { AZURE_STORAGEBLOB_RESOURCEENDPOINT: "Images__blobServiceUri" } },
        publicNetworkSolution: { firewallRules: { callerClientIP: "true" } },
      },
    });
    expect(put.status, put.text).toBe(201);
    expect(put.json().properties.authInfo.principalId).toBe(dev.objectId);
    expect((await follow(put)).status).toBe("Succeeded");
    const generated = await asDev("POST", connector("images", "/generateConfigurations"));
    expect(generated.json().configurations.map((c: { name: string }) => c.name)).toEqual(["Images__blobServiceUri"]);

    const patch = await asDev("PATCH", connector("images"), { properties: { clientType: "python" } });
    expect(patch.status, patch.text).toBe(202);
    expect((await follow(patch)).status).toBe("Succeeded");
    expect((await asDev("GET", connector("images"))).json().properties).toMatchObject({ clientType: "python", provisioningState: "Succeeded" });
  }, 90_000);

  it("validate → 202 + Location → every check succeeds", async () => {
    const r = await asDev("POST", connector("blob", "/validate"));
    expect(r.status, r.text).toBe(202);
    expect(r.headers["location"]).toMatch(/\/operationResults\//);
    const result = await follow({ ...r, headers: { location: r.headers["location"] } });
    const details = (result.properties?.validationDetail ?? []) as { name: string; result: string; errorMessage?: string }[];
    expect(details.length).toBeGreaterThan(0);
    expect(details.filter((d) => d.result !== "success"), JSON.stringify(details)).toEqual([]);
    expect(result.properties.isConnectionAvailable).toBe(true);
  }, 90_000);

  it("a location dry run previews the role assignment for dev; the dry run is listed and deleted", async () => {
    const path = `${scope}/dryruns/preview?api-version=${API}`;
    const put = await asDev("PUT", path, {
      properties: { parameters: { actionName: "createOrUpdate", targetService: { type: "AzureResource", id: `${lw.ids.storageAccount}/queueServices/default` },
        authInfo: { authType: "userAccount" }, publicNetworkSolution: { firewallRules: { callerClientIP: "true" } } } },
    });
    expect(put.status, put.text).toBe(200);
    expect(put.json()).toMatchObject({ id: `${canonicalScope}/dryruns/preview`, type: "Microsoft.ServiceLinker/locations/dryruns" });
    const previews = put.json().properties.operationPreviews as { operationType: string; action: string; scope: string }[];
    expect(previews.some((p) => p.action === "Microsoft.Authorization/roleAssignments/write")).toBe(true);
    expect(put.json().properties.prerequisiteResults).toEqual([]);
    expect(JSON.stringify(put.json())).not.toContain("callerIpAddress");
    expect((await asDev("GET", `${scope}/dryruns?api-version=${API}`)).json().value.map((d: { name: string }) => d.name)).toEqual(["preview"]);
    expect((await asDev("DELETE", path)).status).toBe(200);
  }, 60_000);

  it("refuses, before anything changes: an unsupported combination, someone else's principal, an application as userAccount, a secretStore", async () => {
    const before = lw.comparableState();
    const bad = async (token: string, properties: Record<string, unknown>) => {
      const r = await call(token, "PUT", connector("refused"), { properties });
      expect(r.status, r.text).toBe(400);
      return r.json().error as { code: string; message: string; target?: string };
    };
    const file = await bad(dev.token, { targetService: { type: "AzureResource", id: `${lw.ids.storageAccount}/fileServices/default` }, authInfo: { authType: "userAccount" } });
    expect(file.message).toMatch(/storage-file supports authType secret \(from a local connection\)/);
    const webApp = await bad(dev.token, { targetService: blobTarget(), authInfo: { authType: "systemAssignedIdentity" } });
    expect(webApp.target).toBe("properties.authInfo.authType");
    const php = await bad(dev.token, { targetService: blobTarget(), authInfo: { authType: "userAccount" }, clientType: "php" });
    expect(php.target).toBe("properties.clientType");
    const other = await bad(dev.token, { targetService: blobTarget(), authInfo: { authType: "userAccount", principalId: lw.te.emulator.credentials.admin.objectId } });
    expect(other.target).toBe("properties.authInfo.principalId");
    const adminToken = (await lw.te.credential.getToken("https://management.azure.com/.default"))!.token;
    const app = await bad(adminToken, { targetService: blobTarget(), authInfo: { authType: "userAccount" } });
    expect(app.message).toMatch(/is an application/);
    const store = await bad(dev.token, { targetService: blobTarget(), authInfo: { authType: "userAccount" }, secretStore: { keyVaultId: lw.ids.keyVault } });
    expect(store.target).toBe("properties.secretStore.keyVaultId");
    expect((await asDev("GET", connector("refused"))).status).toBe(404);
    expect(lw.diff(before, lw.comparableState())).toEqual([]);
  }, 60_000);

  it("as an application: servicePrincipalSecret with its own principal (role for the ServicePrincipal)", async () => {
    const admin = lw.te.emulator.credentials.admin;
    const token = (await lw.te.credential.getToken("https://management.azure.com/.default"))!.token;
    const put = await call(token, "PUT", connector("app-queue"), {
      properties: {
        targetService: { type: "AzureResource", id: `${lw.ids.storageAccount}/queueServices/default` },
        authInfo: { authType: "servicePrincipalSecret", clientId: admin.clientId, principalId: admin.objectId, secret: "not-stored" },
        clientType: "python",
      },
    });
    expect(put.status, put.text).toBe(201);
    expect((await follow(put, token)).status).toBe("Succeeded");
    const generated = (await call(token, "POST", connector("app-queue", "/generateConfigurations"))).json();
    expect(generated.configurations.map((c: { name: string }) => c.name)).toEqual(["AZURE_STORAGEQUEUE_RESOURCEENDPOINT", "AZURE_STORAGEQUEUE_CLIENTID", "AZURE_STORAGEQUEUE_TENANTID"]);
    const queue = `${lw.ids.storageAccount}/queueServices/default`;
    expect(roleAssignmentsOf(admin.objectId, queue).map((a) => (a.properties as { principalType?: string }).principalType)).toEqual(["ServicePrincipal"]);
    const del = await call(token, "DELETE", connector("app-queue"));
    expect(del.status).toBe(202);
    expect((await follow(del, token)).status).toBe("Succeeded");
    expect(roleAssignmentsOf(admin.objectId, queue)).toEqual([]);
  }, 90_000);

  it("DELETE → 202 + Azure-AsyncOperation: the role assignment and, with the last connection, the firewall rule are gone", async () => {
    const blob = `${lw.ids.storageAccount}/blobServices/default`;
    const first = await asDev("DELETE", connector("images"));
    expect(first.status).toBe(202);
    expect((await follow(first)).status).toBe("Succeeded");
    // "blob" still relies on dev's address and role.
    expect(ipRules()).toEqual(["127.0.0.1"]);
    expect(roleAssignmentsOf(dev.objectId, blob)).toHaveLength(1);
    const last = await asDev("DELETE", connector("blob"));
    expect(last.status).toBe(202);
    expect((await follow(last)).status).toBe("Succeeded");
    expect(roleAssignmentsOf(dev.objectId, blob)).toEqual([]);
    expect(ipRules()).toEqual([]);
    expect((await asDev("GET", connector("blob"))).status).toBe(404);
    expect((await asDev("DELETE", connector("blob"))).status).toBe(204);
  }, 90_000);

  it("ARM refuses a caller without the connector write at the resource group (RBAC, nothing forwarded)", async () => {
    const reader = (await lw.te.readerCredential.getToken("https://management.azure.com/.default"))!.token;
    const r = await call(reader, "PUT", connector("nope"), { properties: { targetService: blobTarget(), authInfo: { authType: "userAccount" } } });
    expect(r.status).toBe(403);
    expect(r.json().error.message).toContain("Microsoft.ServiceLinker/locations/connectors/write");
  });
});
