// Event Grid system-topic events for ARM writes: delivered to an Azurite queue (base64 JSON, one event per
// message) and to a webhook after the SubscriptionValidation handshake, in the EventGrid schema.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { inject } from "vitest";
import { QueueClient } from "@azure/storage-queue";
import { ResourceManagementClient } from "@azure/arm-resources";
import { startTestEmulator, type TestEmulator } from "./support/emulator.js";
import { rawRequest } from "./support/raw.js";
import type { Provider } from "../../sandbox/arm/core/contract.js";
import { subscriberMatches, type EventGridEvent } from "../../sandbox/arm/core/event-grid.js";

let t: TestEmulator;
let client: ResourceManagementClient;
// A stand-in provider with a POST action, to see ResourceActionSuccess for the resource the action targets.
const widgets: Provider = {
  namespace: "Contoso.Widgets",
  routes: [{
    method: "POST", template: "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Contoso.Widgets/widgets/{name}/listKeys",
    action: "Contoso.Widgets/widgets/listKeys/action", handle: () => ({ status: 200, body: { keys: [] } }),
  }],
};

beforeAll(async () => {
  t = await startTestEmulator({ withAzurite: true, providers: [widgets] });
  client = new ResourceManagementClient(t.credential, t.subscriptionId, t.clientOptions);
});
afterAll(async () => { await t?.close(); });

async function drain(queue: QueueClient): Promise<any[]> {
  const out: any[] = [];
  for (let i = 0; i < 5; i++) {
    const r = await queue.receiveMessages({ numberOfMessages: 32 });
    if (r.receivedMessageItems.length === 0) break;
    for (const m of r.receivedMessageItems) out.push(JSON.parse(Buffer.from(m.messageText, "base64").toString("utf8")));
  }
  return out;
}

describe("Event Grid", () => {
  it("delivers ResourceWriteSuccess / ResourceDeleteSuccess to a storage queue in the real schema", async () => {
    const queueName = `eg-${randomUUID().slice(0, 8)}`;
    await t.emulator.control.subscribeEvents({ kind: "queue", queueName });
    await client.resourceGroups.createOrUpdate("eg-rg", { location: "westus" });
    await client.resourceGroups.delete("eg-rg");
    await t.emulator.control.flushEvents();
    const events = await drain(new QueueClient(inject("azurite").connectionString, queueName));
    expect(events.map((e) => e.eventType)).toEqual(["Microsoft.Resources.ResourceWriteSuccess", "Microsoft.Resources.ResourceDeleteSuccess"]);
    const write = events[0];
    const rgId = `/subscriptions/${t.subscriptionId}/resourceGroups/eg-rg`;
    expect(write).toMatchObject({
      topic: `/subscriptions/${t.subscriptionId}`, subject: rgId, dataVersion: "2", metadataVersion: "1",
      data: {
        resourceUri: rgId, operationName: "Microsoft.Resources/subscriptions/resourceGroups/write", status: "Succeeded",
        subscriptionId: t.subscriptionId, tenantId: t.tenantId, resourceProvider: "Microsoft.Resources", resourceGroup: "eg-rg",
        authorization: {
          scope: rgId, action: "Microsoft.Resources/subscriptions/resourceGroups/write",
          evidence: { role: "Owner", principalId: t.emulator.credentials.admin.objectId, roleAssignmentScope: `/subscriptions/${t.subscriptionId}` },
        },
        claims: { appid: t.emulator.credentials.admin.clientId, "http://schemas.microsoft.com/identity/claims/objectidentifier": t.emulator.credentials.admin.objectId },
        httpRequest: { method: "PUT" },
      },
    });
    expect(write.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(write.eventTime)).not.toBeNaN();
    expect(write.data.httpRequest.url).toBe(`${t.endpoint}/subscriptions/${t.subscriptionId}/resourcegroups/eg-rg?api-version=2025-04-01`);
    expect(events[1].data.httpRequest.method).toBe("DELETE");
    t.emulator.control.unsubscribeEvents(t.emulator.control.eventSubscriptions()[0].name);
  });

  it("validates a webhook with SubscriptionValidation before delivering notifications; reads emit nothing", async () => {
    const received: { type: string; body: any[] }[] = [];
    const server = http.createServer((req, res) => {
      let text = "";
      req.on("data", (c) => { text += c; });
      req.on("end", () => {
        const body = JSON.parse(text);
        const type = String(req.headers["aeg-event-type"]);
        received.push({ type, body });
        if (type === "SubscriptionValidation") {
          res.writeHead(200, { "content-type": "application/json" });
          res.end(JSON.stringify({ validationResponse: body[0].data.validationCode }));
        } else { res.writeHead(200); res.end(); }
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    try {
      const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      const sub = await t.emulator.control.subscribeEvents({ kind: "webhook", endpoint, name: "hook1", subjectBeginsWith: `/subscriptions/${t.subscriptionId}/resourceGroups/hook-` });
      expect(sub.validated).toBe(true);
      expect(received[0].type).toBe("SubscriptionValidation");
      expect(received[0].body[0].eventType).toBe("Microsoft.EventGrid.SubscriptionValidationEvent");
      await client.resourceGroups.createOrUpdate("hook-rg", { location: "westus" });
      await client.resourceGroups.get("hook-rg");
      await client.resourceGroups.createOrUpdate("other-rg", { location: "westus" });
      await t.emulator.control.flushEvents();
      const notes = received.filter((r) => r.type === "Notification");
      expect(notes).toHaveLength(1);
      expect(notes[0].body).toHaveLength(1);
      expect(notes[0].body[0]).toMatchObject({ eventType: "Microsoft.Resources.ResourceWriteSuccess", subject: `/subscriptions/${t.subscriptionId}/resourceGroups/hook-rg` });
    } finally {
      t.emulator.control.unsubscribeEvents("hook1");
      server.close();
    }
  });

  it("refuses a webhook that fails the handshake", async () => {
    const server = http.createServer((_req, res) => { res.writeHead(202); res.end(); });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    try {
      await expect(t.emulator.control.subscribeEvents({ kind: "webhook", endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` }))
        .rejects.toThrow(/SubscriptionValidation/);
    } finally { server.close(); }
  });

  it("emits ResourceActionSuccess for POST actions, naming the resource (not the action segment)", async () => {
    await client.resourceGroups.createOrUpdate("act-rg", { location: "westus" });
    const id = `/subscriptions/${t.subscriptionId}/resourceGroups/act-rg/providers/Contoso.Widgets/widgets/w1`;
    const before = t.emulator.control.events().length;
    const r = await rawRequest(t.endpoint, "POST", `${id}/listKeys?api-version=2024-01-01`, { token: await t.emulator.tokenFor("admin") });
    expect(r.status).toBe(200);
    const [event] = t.emulator.control.events().slice(before);
    expect(event).toMatchObject({ eventType: "Microsoft.Resources.ResourceActionSuccess", subject: id,
      data: { operationName: "Contoso.Widgets/widgets/listKeys/action", httpRequest: { method: "POST" } } });
  });

  it("delivers CloudEvents 1.0 batches after the OPTIONS abuse-protection handshake", async () => {
    const seen: { method: string; type?: string; body?: any }[] = [];
    const server = http.createServer((req, res) => {
      let text = "";
      req.on("data", (c) => { text += c; });
      req.on("end", () => {
        seen.push({ method: req.method!, type: req.headers["content-type"], body: text ? JSON.parse(text) : undefined });
        if (req.method === "OPTIONS") { res.writeHead(200, { "WebHook-Allowed-Origin": "eventgrid.azure.net" }); res.end(); return; }
        res.writeHead(200); res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    try {
      await t.emulator.control.subscribeEvents({ kind: "webhook", name: "ce", schema: "CloudEventSchemaV1_0",
        endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}/ce`, includedEventTypes: ["Microsoft.Resources.ResourceWriteSuccess"] });
      await client.resourceGroups.createOrUpdate("ce-rg", { location: "westus" });
      await client.resourceGroups.delete("ce-rg");
      await t.emulator.control.flushEvents();
      expect(seen.map((s) => s.method)).toEqual(["OPTIONS", "POST"]);
      expect(seen[1].type).toMatch(/^application\/cloudevents-batch\+json/);
      expect(seen[1].body[0]).toMatchObject({ specversion: "1.0", type: "Microsoft.Resources.ResourceWriteSuccess",
        source: `/subscriptions/${t.subscriptionId}`, subject: `/subscriptions/${t.subscriptionId}/resourceGroups/ce-rg` });
      expect(seen[1].body[0].data.operationName).toBe("Microsoft.Resources/subscriptions/resourceGroups/write");
    } finally {
      t.emulator.control.unsubscribeEvents("ce");
      server.close();
    }
  });
  it("applies string advanced filters as Event Grid does: any value of a filter, every filter, without regard to case", async () => {
    const queueName = `eg-af-${randomUUID().slice(0, 8)}`;
    await t.emulator.control.subscribeEvents({ kind: "queue", queueName, name: "af", advancedFilters: [
      { operatorType: "StringContains", key: "Subject", values: ["/RESOURCEGROUPS/af-keep", "/resourceGroups/af-also"] },
      { operatorType: "StringNotEndsWith", key: "data.operationName", values: ["/DELETE"] },
    ] });
    try {
      for (const rg of ["af-keep-1", "af-drop", "af-also-1"]) await client.resourceGroups.createOrUpdate(rg, { location: "westus" });
      await client.resourceGroups.delete("af-keep-1");
      await t.emulator.control.flushEvents();
      const events = await drain(new QueueClient(inject("azurite").connectionString, queueName));
      expect(events.map((e) => `${e.eventType.replace("Microsoft.Resources.", "")} ${e.subject.split("/").pop()}`))
        .toEqual(["ResourceWriteSuccess af-keep-1", "ResourceWriteSuccess af-also-1"]);
      expect(t.emulator.control.eventSubscriptions().find((x) => x.name === "af")).toMatchObject({ delivered: 2, failed: 0 });
    } finally {
      t.emulator.control.unsubscribeEvents("af");
    }
  });

  it("a key the event lacks fails the positive operators and passes the Not ones", () => {
    const event = { id: "1", topic: "/subscriptions/s", subject: "/subscriptions/s/resourceGroups/rg", eventType: "Microsoft.Resources.ResourceWriteSuccess",
      eventTime: "", dataVersion: "2", metadataVersion: "1", data: { operationName: "x/write", nested: { n: 5 } } } satisfies EventGridEvent;
    const match = (operatorType: string, key: string, values: string[]) => subscriberMatches({ advancedFilters: [{ operatorType, key, values }] }, event);
    expect(match("StringIn", "data.missing", ["a"])).toBe(false);
    expect(match("StringNotIn", "data.missing", ["a"])).toBe(true);
    expect(match("StringIn", "data.nested.n", ["5"])).toBe(true);
    expect(match("StringBeginsWith", "eventtype", ["microsoft.resources."])).toBe(true);
    expect(match("StringNotContains", "data.operationName", ["WRITE"])).toBe(false);
    expect(match("StringIn", "data.nested", ["x"])).toBe(false);
  });

  it("refuses an advanced filter it does not implement, in process and over the control surface, rather than ignore it", async () => {
    await expect(t.emulator.control.subscribeEvents({ kind: "queue", queueName: "eg-refused", advancedFilters: [{ operatorType: "NumberIn", key: "data.n", values: ["1"] }] }))
      .rejects.toThrow(/operatorType 'NumberIn' is not implemented by the sandbox's Event Grid/);
    await expect(t.emulator.control.subscribeEvents({ kind: "queue", queueName: "eg-refused", advancedFilters: [{ operatorType: "StringIn", key: "source", values: ["a"] }] }))
      .rejects.toThrow(/key 'source' is not one of/);
    await expect(t.emulator.control.subscribeEvents({ kind: "queue", queueName: "eg-refused",
      advancedFilters: [{ operatorType: "StringIn", key: "subject", values: Array.from({ length: 26 }, (_, i) => `v${i}`) }] }))
      .rejects.toThrow(/at most 25/);
    const r = await rawRequest(t.endpoint, "POST", "/_sandbox/eventSubscriptions", { body: JSON.stringify({
      kind: "queue", queueName: "eg-refused", advancedFilters: [{ operatorType: "IsNullOrUndefined", key: "data.x" }] }) });
    expect(r.status).toBe(400);
    expect(r.json().error.message).toMatch(/IsNullOrUndefined' is not implemented/);
    expect(t.emulator.control.eventSubscriptions().filter((x) => x.kind === "queue" && x.queueName === "eg-refused")).toEqual([]);
  });
});
