// Microsoft.ServiceLinker forwarded to a provider service as ARM routes it: linker calls are RBAC-checked by the
// emulator; the subscription-level operation status/result polls are only authenticated (the provider judges them).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { startTestEmulator, type TestEmulator } from "./support/emulator.js";
import { rawRequest } from "./support/raw.js";
import { serviceLinkerForwarding, type ForwardTarget } from "../../sandbox/arm/providers/forwarding.js";

let t: TestEmulator;
let upstream: http.Server;
const seen: { path: string; authorization?: string }[] = [];
const clientIps: (string | undefined)[] = [];
const target: ForwardTarget = {};

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    seen.push({ path: req.url ?? "", authorization: req.headers.authorization });
    clientIps.push(req.headers["x-ms-client-ip-address"] as string | undefined);
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ status: "Succeeded" }));
  });
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  target.url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  t = await startTestEmulator({ providers: [serviceLinkerForwarding(target)] });
});
afterAll(async () => {
  await t?.close();
  await new Promise<void>((resolve) => upstream?.close(() => resolve()));
});

describe("Microsoft.ServiceLinker forwarding", () => {
  it("forwards operationStatuses / operationResults polls of any authenticated caller without an RBAC check", async () => {
    const stranger = t.emulator.principals.addServicePrincipal("stranger"); // no role anywhere
    const token = await t.emulator.tokenFor(stranger.objectId);
    for (const kind of ["operationStatuses", "operationResults"]) {
      const path = `/subscriptions/${t.subscriptionId}/providers/Microsoft.ServiceLinker/locations/westus/${kind}/op-1?api-version=2024-04-01`;
      seen.length = 0;
      const r = await rawRequest(t.endpoint, "GET", path, { token });
      expect(r.status, kind).toBe(200);
      expect(r.json()).toEqual({ status: "Succeeded" });
      expect(seen).toEqual([{ path, authorization: `Bearer ${token}` }]);

      seen.length = 0;
      const anonymous = await rawRequest(t.endpoint, "GET", path);
      expect(anonymous.status, kind).toBe(401);
      expect(anonymous.json().error.code).toBe("AuthenticationFailed");
      expect(seen).toEqual([]);
    }
  });

  it("still RBAC-checks linker calls (a caller without a role gets 403 and nothing is forwarded)", async () => {
    const stranger = t.emulator.principals.addServicePrincipal("stranger-2");
    const token = await t.emulator.tokenFor(stranger.objectId);
    seen.length = 0;
    const r = await rawRequest(t.endpoint, "GET",
      `/subscriptions/${t.subscriptionId}/resourceGroups/rg/providers/Microsoft.Web/sites/app/providers/Microsoft.ServiceLinker/linkers/l1?api-version=2024-04-01`, { token });
    expect(r.status).toBe(403);
    expect(r.json().error.code).toBe("AuthorizationFailed");
    expect(seen).toEqual([]);
  });

  it("forwards linkwright's extension routes (health history, loop findings, detectLoops) with the caller's token, RBAC-checked", async () => {
    const token = await t.emulator.tokenFor(t.emulator.credentials.admin.objectId);
    const site = `/subscriptions/${t.subscriptionId}/resourceGroups/rg/providers/Microsoft.Web/sites/app`;
    t.emulator.store.put({ id: `/subscriptions/${t.subscriptionId}/resourceGroups/rg`, name: "rg", type: "Microsoft.Resources/resourceGroups", location: "westeurope", properties: {} });
    for (const [method, path] of [
      ["GET", `${site}/providers/Microsoft.ServiceLinker/linkers/l1/healthHistory?api-version=2024-04-01`],
      ["GET", `${site}/providers/Microsoft.ServiceLinker/loopFindings?api-version=2024-04-01`],
      ["POST", `/subscriptions/${t.subscriptionId}/providers/Microsoft.ServiceLinker/detectLoops?api-version=2024-04-01`],
    ] as const) {
      seen.length = 0;
      const r = await rawRequest(t.endpoint, method, path, { token, ...(method === "POST" ? { body: "{}" } : {}) });
      expect(r.status, path).toBe(200);
      expect(seen).toEqual([{ path, authorization: `Bearer ${token}` }]);
    }
    const stranger = await t.emulator.tokenFor(t.emulator.principals.addServicePrincipal("stranger-3").objectId);
    seen.length = 0;
    const refused = await rawRequest(t.endpoint, "POST", `/subscriptions/${t.subscriptionId}/providers/Microsoft.ServiceLinker/detectLoops?api-version=2024-04-01`, { token: stranger, body: "{}" });
    expect(refused.status).toBe(403);
    expect(seen).toEqual([]);
  });

  it("forwards connectors and location dry runs (RBAC at the resource group), telling the provider the client's address from the socket", async () => {
    const token = await t.emulator.tokenFor(t.emulator.credentials.admin.objectId);
    const rg = `/subscriptions/${t.subscriptionId}/resourceGroups/rg-local`;
    t.emulator.store.put({ id: rg, name: "rg-local", type: "Microsoft.Resources/resourceGroups", location: "westeurope", properties: {} });
    // az spells the segment `resourcegroups`.
    const base = `/subscriptions/${t.subscriptionId}/resourcegroups/rg-local/providers/Microsoft.ServiceLinker/locations/westeurope`;
    const calls = [
      ["GET", `${base}/connectors`], ["PUT", `${base}/connectors/c1`], ["PATCH", `${base}/connectors/c1`], ["GET", `${base}/connectors/c1`],
      ["POST", `${base}/connectors/c1/validate`], ["POST", `${base}/connectors/c1/generateConfigurations`], ["DELETE", `${base}/connectors/c1`],
      ["GET", `${base}/dryruns`], ["PUT", `${base}/dryruns/d1`], ["GET", `${base}/dryruns/d1`], ["DELETE", `${base}/dryruns/d1`],
    ] as const;
    for (const [method, p] of calls) {
      const path = `${p}?api-version=2022-11-01-preview`;
      seen.length = 0;
      clientIps.length = 0;
      // A client-sent x-ms-client-ip-address is not relayed: ARM says what the socket shows.
      const r = await rawRequest(t.endpoint, method, path, { token, headers: { "x-ms-client-ip-address": "203.0.113.9" }, ...(method === "PUT" || method === "PATCH" ? { body: "{}" } : {}) });
      expect(r.status, `${method} ${p}: ${r.text}`).toBe(200);
      expect(seen).toEqual([{ path, authorization: `Bearer ${token}` }]);
      expect(clientIps).toEqual(["127.0.0.1"]);
    }
    const stranger = await t.emulator.tokenFor(t.emulator.principals.addServicePrincipal("stranger-4").objectId);
    seen.length = 0;
    const refused = await rawRequest(t.endpoint, "PUT", `${base}/connectors/c2?api-version=2024-04-01`, { token: stranger, body: "{}" });
    expect(refused.status).toBe(403);
    expect(refused.json().error.message).toContain("Microsoft.ServiceLinker/locations/connectors/write");
    expect(seen).toEqual([]);
  });
});
