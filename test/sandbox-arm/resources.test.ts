// Microsoft.Resources through @azure/arm-resources 8: subscriptions, tenants, resource groups (incl. both LRO
// styles for delete, driven through the SDK poller), generic listing and getById.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ResourceManagementClient } from "@azure/arm-resources";
import { rawRequest } from "./support/raw.js";
import { RestError } from "@azure/core-rest-pipeline";
import { startTestEmulator, type TestEmulator } from "./support/emulator.js";

let t: TestEmulator;
let client: ResourceManagementClient;
beforeAll(async () => {
  t = await startTestEmulator();
  client = new ResourceManagementClient(t.credential, t.subscriptionId, t.clientOptions);
});
afterAll(async () => { await t?.close(); });

function widget(rg: string, name: string) {
  return {
    id: `/subscriptions/${t.subscriptionId}/resourceGroups/${rg}/providers/Contoso.Widgets/widgets/${name}`,
    name, type: "Contoso.Widgets/widgets", location: "westus", tags: { team: "a" }, properties: { size: 3 },
  };
}

describe("resource groups", () => {
  it("creates (201 then 200), updates tags, lists, and refuses a location change", async () => {
    const a = await client.resourceGroups.createOrUpdate("res-a", { location: "westus", tags: { env: "dev" } });
    expect(a.properties?.provisioningState).toBe("Succeeded");
    const again = await client.resourceGroups.createOrUpdate("RES-A", { location: "westus" });
    expect(again.name).toBe("res-a");
    const patched = await client.resourceGroups.update("res-a", { tags: { env: "test" } });
    expect(patched.tags).toEqual({ env: "test" });
    const names: string[] = [];
    for await (const g of client.resourceGroups.list()) names.push(g.name!);
    expect(names).toContain("res-a");
    const moved = await client.resourceGroups.createOrUpdate("res-a", { location: "eastus" }).catch((e: unknown) => e);
    expect((moved as RestError).code).toBe("InvalidResourceGroupLocation");
    const noLoc = await client.resourceGroups.createOrUpdate("res-b", {} as never).catch((e: unknown) => e);
    expect((noLoc as RestError).statusCode).toBe(400);
  });

  it("deletes synchronously by default, cascading to the group's resources", async () => {
    await client.resourceGroups.createOrUpdate("res-sync", { location: "westus" });
    t.emulator.control.seed([widget("res-sync", "w1")]);
    await client.resourceGroups.delete("res-sync");
    expect(t.emulator.store.get(widget("res-sync", "w1").id)).toBeUndefined();
    expect((await client.resourceGroups.checkExistence("res-sync")).body).toBe(false);
  });

  it("deletes as an LRO with 202 + Location, polled to completion by the SDK poller", async () => {
    await client.resourceGroups.createOrUpdate("res-loc", { location: "westus" });
    t.emulator.control.addLroRule({ method: "DELETE", path: "/resourcegroups/res-loc$", style: "location", pollsUntilDone: 2 });
    t.emulator.control.resetCalls();
    // Retry-After: 0 is falsy to core-lro, so the per-call interval sets the pace.
    const poller = client.resourceGroups.delete("res-loc", { updateIntervalInMs: 10 });
    await poller.pollUntilDone();
    expect(poller.isDone).toBe(true);
    const polls = t.emulator.control.calls().byOperation.find((c) => c.operation === "poll");
    expect(polls?.count).toBe(3); // 202, 202, then 200
  });

  it("deletes as an LRO with Azure-AsyncOperation, polled to completion by the SDK poller", async () => {
    await client.resourceGroups.createOrUpdate("res-aao", { location: "westus" });
    t.emulator.control.addLroRule({ method: "DELETE", path: "/resourcegroups/res-aao$", style: "azure-async-operation", pollsUntilDone: 1 });
    t.emulator.control.resetCalls();
    await client.resourceGroups.delete("res-aao", { updateIntervalInMs: 10 });
    const polls = t.emulator.control.calls().byOperation.find((c) => c.operation === "poll");
    expect(polls?.count).toBe(2); // InProgress, Succeeded
    expect((await client.resourceGroups.checkExistence("res-aao")).body).toBe(false);
  });
});

describe("generic resources", () => {
  it("lists top-level resources with $filter and reads any stored resource by id with any api-version", async () => {
    await client.resourceGroups.createOrUpdate("res-gen", { location: "westus" });
    t.emulator.control.seed([widget("res-gen", "w1"), widget("res-gen", "w2"),
      { ...widget("res-gen", "w1"), id: `${widget("res-gen", "w1").id}/gears/g1`, name: "g1", type: "Contoso.Widgets/widgets/gears" }]);
    const inGroup: string[] = [];
    for await (const r of client.resources.listByResourceGroup("res-gen")) inGroup.push(r.name!);
    expect(inGroup.sort()).toEqual(["w1", "w2"]);
    const filtered: string[] = [];
    for await (const r of client.resources.list({ filter: "resourceType eq 'contoso.widgets/widgets'" })) filtered.push(r.id!);
    expect(filtered).toHaveLength(2);
    const byId = await client.resources.getById(widget("res-gen", "w2").id, "2019-01-01");
    expect(byId).toMatchObject({ name: "w2", type: "Contoso.Widgets/widgets", location: "westus" });
    const exists = await client.resources.checkExistenceById(widget("res-gen", "w9").id, "2019-01-01");
    expect(exists.body).toBe(false);
  });
});

describe("subscriptions and tenants", () => {
  // No subscriptions SDK is a dependency; these are checked at the wire with the admin's token.
  it("lists and gets the subscription the caller has access to, and the tenant", async () => {
    const token = await t.emulator.tokenFor("admin");
    const list = (await rawRequest(t.endpoint, "GET", "/subscriptions?api-version=2022-12-01", { token })).json();
    expect(list.value.map((s: { subscriptionId: string }) => s.subscriptionId)).toEqual([t.subscriptionId]);
    const got = (await rawRequest(t.endpoint, "GET", `/subscriptions/${t.subscriptionId}?api-version=2022-12-01`, { token })).json();
    expect(got).toMatchObject({ id: `/subscriptions/${t.subscriptionId}`, subscriptionId: t.subscriptionId, tenantId: t.tenantId, state: "Enabled" });
    const tenants = (await rawRequest(t.endpoint, "GET", "/tenants?api-version=2022-12-01", { token })).json();
    expect(tenants.value.map((x: { tenantId: string }) => x.tenantId)).toEqual([t.tenantId]);
    const stranger = t.emulator.principals.addServicePrincipal("stranger");
    const none = (await rawRequest(t.endpoint, "GET", "/subscriptions?api-version=2022-12-01", { token: await t.emulator.tokenFor(stranger.objectId) })).json();
    expect(none.value).toEqual([]);
  });
});
