// Microsoft.ResourceGraph through the real @azure/arm-resourcegraph client: KQL subset over resources created via
// the real provider SDKs, $top/$skipToken paging, subscription filter, per-caller authorization, InvalidQuery.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ResourceGraphClient } from "@azure/arm-resourcegraph";
import { WebSiteManagementClient } from "@azure/arm-appservice";
import { StorageManagementClient } from "@azure/arm-storage";
import { startTestEmulator, type TestEmulator } from "../support/emulator.js";
import { createResourceGroup, expectRestError } from "./helpers.js";

let t: TestEmulator;
let graph: ResourceGraphClient;
const sites: string[] = [];

beforeAll(async () => {
  t = await startTestEmulator();
  graph = new ResourceGraphClient(t.credential, t.clientOptions);
  await createResourceGroup(t, "rg-graph-a");
  await createResourceGroup(t, "rg-graph-b");
  const web = new WebSiteManagementClient(t.credential, t.subscriptionId, t.clientOptions);
  for (let i = 0; i < 5; i++) sites.push((await web.webApps.createOrUpdate(i < 3 ? "rg-graph-a" : "rg-graph-b", `graph-app-${i}`, { location: "westeurope", kind: "app" })).id!);
  const storage = new StorageManagementClient(t.credential, t.subscriptionId, t.clientOptions);
  await storage.storageAccounts.create("rg-graph-a", "graphstore", { location: "westeurope", kind: "StorageV2", sku: { name: "Standard_LRS" } });
});
afterAll(async () => { await t?.close(); });

describe("Microsoft.ResourceGraph resources", () => {
  it("filters by id list and type, and projects dotted paths", async () => {
    const res = await graph.resources({
      subscriptions: [t.subscriptionId],
      query: `Resources | where id in~ ('${sites[0].toUpperCase()}', '${sites[4]}') | project id, name, type, properties.outboundIpAddresses`,
    });
    expect(res.totalRecords).toBe(2);
    expect(res.count).toBe(2);
    expect(res.resultTruncated).toBe("false");
    expect(res.skipToken).toBeUndefined();
    const data = res.data as Record<string, string>[];
    expect(data.map((r) => r.id)).toEqual([sites[0], sites[4]]);
    expect(data[0].type).toBe("microsoft.web/sites");
    expect(data[0].properties_outboundIpAddresses).toMatch(/^\d+\.\d+\.\d+\.\d+,/);
    const storage = await graph.resources({ query: "Resources | where type =~ 'Microsoft.Storage/storageAccounts' and name == 'graphstore'" });
    expect((storage.data as { resourceGroup: string; subscriptionId: string }[])[0]).toMatchObject({ resourceGroup: "rg-graph-a", subscriptionId: t.subscriptionId });
  });

  it("pages with $top and $skipToken until no token is returned", async () => {
    const seen: string[] = [];
    let skipToken: string | undefined;
    let pages = 0;
    do {
      const res = await graph.resources({ query: "Resources | where type =~ 'microsoft.web/sites' | project name", options: { top: 2, skipToken } });
      expect(res.totalRecords).toBe(5);
      seen.push(...(res.data as { name: string }[]).map((r) => r.name));
      skipToken = res.skipToken;
      pages++;
    } while (skipToken && pages < 10);
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual(["graph-app-0", "graph-app-1", "graph-app-2", "graph-app-3", "graph-app-4"]);
    const skipped = await graph.resources({ query: "Resources | where type =~ 'microsoft.web/sites' | project name | limit 4", options: { skip: 3 } });
    expect(skipped.count).toBe(1);
    const table = await graph.resources({ query: "Resources | where name == 'graph-app-1' | project name", options: { resultFormat: "table" } });
    expect(table.data).toEqual({ columns: [{ name: "name", type: "string" }], rows: [["graph-app-1"]] });
  });

  it("honours the subscriptions filter and the caller's read permissions", async () => {
    const other = await graph.resources({ subscriptions: ["00000000-0000-0000-0000-000000000000"], query: "Resources" });
    expect(other.totalRecords).toBe(0);
    const p = t.emulator.principals.addServicePrincipal("graph-limited");
    const limited = new ResourceGraphClient(t.credentialFor(p.clientId!, p.clientSecret!), t.clientOptions);
    expect((await limited.resources({ query: "Resources" })).totalRecords).toBe(0);
    t.emulator.assignRole(p.objectId, "Reader", `/subscriptions/${t.subscriptionId}/resourceGroups/rg-graph-b`);
    const visible = await limited.resources({ query: "Resources | project name" });
    expect((visible.data as { name: string }[]).map((r) => r.name).sort()).toEqual(["graph-app-3", "graph-app-4"]);
  });

  it("answers 400 BadRequest/InvalidQuery for queries outside the subset", async () => {
    await expectRestError(graph.resources({ query: "Resources | summarize count() by type" }), 400, "BadRequest");
    const err = await graph.resources({ query: "Resources | where name = 'x'" }).catch((e: { details?: { error?: { details?: { code: string }[] } } }) => e);
    expect(JSON.stringify(err)).toContain("InvalidQuery");
    await expectRestError(graph.resources({ query: "Resources", options: { top: 5000 } }), 400, "BadRequest");
  });
});
