// Activity log through @azure/arm-monitor 8 (activityLogs.list with the real $filter forms and $select).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MonitorClient } from "@azure/arm-monitor";
import { ResourceManagementClient } from "@azure/arm-resources";
import { startTestEmulator, type TestEmulator } from "./support/emulator.js";

let t: TestEmulator;
let monitor: MonitorClient;
let resources: ResourceManagementClient;
const start = new Date(Date.now() - 60_000).toISOString();
beforeAll(async () => {
  t = await startTestEmulator();
  monitor = new MonitorClient(t.credential, t.subscriptionId, t.clientOptions);
  resources = new ResourceManagementClient(t.credential, t.subscriptionId, t.clientOptions);
  await resources.resourceGroups.createOrUpdate("log-a", { location: "westus" });
  await resources.resourceGroups.createOrUpdate("log-b", { location: "westus" });
  await resources.resourceGroups.update("log-a", { tags: { v: "2" } });
  await resources.resourceGroups.get("log-a"); // reads are not logged
  const reader = new ResourceManagementClient(t.readerCredential, t.subscriptionId, t.clientOptions);
  await reader.resourceGroups.delete("log-b").catch(() => undefined); // denied by RBAC: logged as Failed
});
afterAll(async () => { await t?.close(); });

async function list(filter: string, select?: string) {
  const out = [];
  for await (const e of monitor.activityLogs.list(filter, select ? { select } : {})) out.push(e);
  return out;
}

describe("activity log", () => {
  const window = () => `eventTimestamp ge '${start}' and eventTimestamp le '${new Date(Date.now() + 60_000).toISOString()}'`;

  it("records each accepted write as BeginRequest/Started then EndRequest/Succeeded, and a refused one as Failed", async () => {
    const all = await list(window()); // newest first
    // 3 accepted writes × (Begin + End), plus the reader's delete refused by RBAC (End only).
    expect(all.map((e) => `${e.eventName?.value}/${e.status?.value}`)).toEqual([
      "EndRequest/Failed",
      "EndRequest/Succeeded", "BeginRequest/Started",
      "EndRequest/Succeeded", "BeginRequest/Started",
      "EndRequest/Succeeded", "BeginRequest/Started",
    ]);
    expect(all[0]).toMatchObject({
      caller: t.emulator.credentials.reader.clientId, subStatus: { value: "Forbidden" },
      operationName: { value: "Microsoft.Resources/subscriptions/resourceGroups/delete" }, level: "Error",
    });
    const latest = all[1];
    expect(latest).toMatchObject({
      caller: t.emulator.credentials.admin.clientId,
      operationName: { value: "Microsoft.Resources/subscriptions/resourceGroups/write", localizedValue: "Create or Update Resource Group" },
      status: { value: "Succeeded" },
      subStatus: { value: "OK" },
      resourceId: `/subscriptions/${t.subscriptionId}/resourceGroups/log-a`,
      resourceGroupName: "log-a",
      subscriptionId: t.subscriptionId,
      category: { value: "Administrative" },
      httpRequest: { method: "PATCH" },
    });
    expect(latest.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(all[2].correlationId).toBe(latest.correlationId);
    expect(latest.eventTimestamp).toBeInstanceOf(Date);
  });

  it("filters by resourceUri, resourceGroupName, resourceProvider, correlationId and status; honours $select", async () => {
    const byUri = await list(`${window()} and resourceUri eq '/subscriptions/${t.subscriptionId}/resourceGroups/log-b'`);
    expect(byUri.map((e) => `${e.httpRequest?.method}/${e.status?.value}`)).toEqual(["DELETE/Failed", "PUT/Succeeded", "PUT/Started"]);
    const byGroup = await list(`${window()} and resourceGroupName eq 'log-a'`);
    expect(byGroup).toHaveLength(4);
    const byProvider = await list(`${window()} and resourceProvider eq 'Microsoft.Resources'`);
    expect(byProvider).toHaveLength(7);
    const byCorrelation = await list(`${window()} and correlationId eq '${byUri[1].correlationId}'`);
    expect(byCorrelation).toHaveLength(2);
    const failed = await list(`${window()} and status eq 'Failed'`);
    expect(failed).toHaveLength(1);
    const selected = await list(window(), "operationName,status");
    // The SDK's deserializer lists every EventData key; only the selected ones carry values.
    expect(Object.entries(selected[0]).filter(([, v]) => v !== undefined).map(([k]) => k).sort()).toEqual(["operationName", "status"]);
  });

  it("requires an eventTimestamp lower bound", async () => {
    await expect(list(`resourceGroupName eq 'log-a'`)).rejects.toMatchObject({ statusCode: 400 });
  });
});
