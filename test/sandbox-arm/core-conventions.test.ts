// ARM conventions at the wire: api-version, envelope codes, path normalisation, headers, auth errors.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ResourceManagementClient } from "@azure/arm-resources";
import { RestError } from "@azure/core-rest-pipeline";
import { startTestEmulator, type TestEmulator } from "./support/emulator.js";
import { rawRequest } from "./support/raw.js";

let t: TestEmulator;
let token: string;
const api = "api-version=2025-04-01";
beforeAll(async () => {
  t = await startTestEmulator({ pageSize: 2 });
  token = await t.emulator.tokenFor("admin");
  await new ResourceManagementClient(t.credential, t.subscriptionId, t.clientOptions).resourceGroups.createOrUpdate("conv", { location: "westus" });
});
afterAll(async () => { await t?.close(); });

describe("ARM conventions", () => {
  it("requires api-version with MissingApiVersionParameter, and rejects malformed ones", async () => {
    const r = await rawRequest(t.endpoint, "GET", `/subscriptions/${t.subscriptionId}/resourcegroups/conv`, { token });
    expect(r.status).toBe(400);
    expect(r.json().error.code).toBe("MissingApiVersionParameter");
    expect(r.headers["content-type"]).toMatch(/application\/json/);
    const bad = await rawRequest(t.endpoint, "GET", `/subscriptions/${t.subscriptionId}/resourcegroups/conv?api-version=latest`, { token });
    expect(bad.json().error.code).toBe("InvalidApiVersionParameter");
  });

  it("accepts any dated api-version (incl. -preview), collapses // and matches case-insensitively, echoing canonical casing", async () => {
    const r = await rawRequest(t.endpoint, "GET", `//SUBSCRIPTIONS/${t.subscriptionId}//ResourceGroups/CONV/?api-version=2099-01-01-preview`, { token });
    expect(r.status).toBe(200);
    expect(r.json().id).toBe(`/subscriptions/${t.subscriptionId}/resourceGroups/conv`);
    expect(r.headers["x-ms-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.headers["x-ms-correlation-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("echoes a client's correlation id", async () => {
    const r = await rawRequest(t.endpoint, "GET", `/subscriptions/${t.subscriptionId}/resourcegroups/conv?${api}`,
      { token, headers: { "x-ms-correlation-request-id": "corr-123" } });
    expect(r.headers["x-ms-correlation-request-id"]).toBe("corr-123");
  });

  it("rejects malformed JSON with InvalidRequestContent", async () => {
    const r = await rawRequest(t.endpoint, "PUT", `/subscriptions/${t.subscriptionId}/resourcegroups/x?${api}`, { token, body: "{not json" });
    expect(r.status).toBe(400);
    expect(r.json().error.code).toBe("InvalidRequestContent");
  });

  it("rejects oversized bodies with 413 and keeps serving", async () => {
    const r = await rawRequest(t.endpoint, "PUT", `/subscriptions/${t.subscriptionId}/resourcegroups/x?${api}`,
      { token, body: `{"a":"${"x".repeat(5 * 1024 * 1024)}"}` }).catch((e: Error) => e);
    if (!(r instanceof Error)) expect(r.status).toBe(413);
    const ok = await rawRequest(t.endpoint, "GET", `/subscriptions/${t.subscriptionId}/resourcegroups/conv?${api}`, { token });
    expect(ok.status).toBe(200);
  });

  it("answers unknown namespaces with NoRegisteredProviderFound and unknown types with InvalidResourceType", async () => {
    const rg = `/subscriptions/${t.subscriptionId}/resourceGroups/conv`;
    const ns = await rawRequest(t.endpoint, "GET", `${rg}/providers/Contoso.Nothing/widgets/w1?${api}`, { token });
    expect(ns.status).toBe(400);
    expect(ns.json().error.code).toBe("NoRegisteredProviderFound");
    const type = await rawRequest(t.endpoint, "GET", `${rg}/providers/Microsoft.Authorization/widgets/w1?${api}`, { token });
    expect(type.status).toBe(400);
    expect(type.json().error.code).toBe("InvalidResourceType");
  });

  it("answers missing parents with ResourceGroupNotFound / SubscriptionNotFound (gateway)", async () => {
    const client = new ResourceManagementClient(t.credential, t.subscriptionId, t.clientOptions);
    const err = await client.resources.listByResourceGroup("nope").next().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RestError);
    expect((err as RestError).code).toBe("ResourceGroupNotFound");
    expect((err as RestError).statusCode).toBe(404);
    const rg = await client.resourceGroups.get("nope").catch((e: unknown) => e);
    expect((rg as RestError).code).toBe("ResourceGroupNotFound");
    const sub = await rawRequest(t.endpoint, "GET", `/subscriptions/00000000-0000-0000-0000-000000000001/resourcegroups/x/resources?${api}`, { token });
    // The admin has no role there: ARM answers AuthorizationFailed ("or the scope is invalid").
    expect(sub.status).toBe(403);
  });

  it("returns ResourceNotFound in ARM's wording for a missing resource via getById-style HEAD/GET", async () => {
    const client = new ResourceManagementClient(t.credential, t.subscriptionId, t.clientOptions);
    const exists = await client.resourceGroups.checkExistence("conv");
    expect(exists.body).toBe(true);
    const missing = await client.resourceGroups.checkExistence("absent");
    expect(missing.body).toBe(false);
  });

  it("rejects calls without a token (401 + WWW-Authenticate) and with a forged token", async () => {
    const none = await rawRequest(t.endpoint, "GET", `/subscriptions/${t.subscriptionId}/resourcegroups?${api}`);
    expect(none.status).toBe(401);
    expect(none.json().error.code).toBe("AuthenticationFailed");
    expect(String(none.headers["www-authenticate"])).toMatch(/^Bearer authorization_uri="https:\/\/127\.0\.0\.1:\d+\//);
    const parts = token.split(".");
    const forged = [parts[0], Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(parts[1], "base64url").toString()), oid: "00000000-0000-0000-0000-000000000000" })).toString("base64url"), parts[2]].join(".");
    const bad = await rawRequest(t.endpoint, "GET", `/subscriptions/${t.subscriptionId}/resourcegroups?${api}`, { token: forged });
    expect(bad.status).toBe(401);
    expect(bad.json().error.code).toBe("InvalidAuthenticationToken");
    const wrongAud = await t.emulator.tokenFor("admin", "https://vault.azure.net");
    const aud = await rawRequest(t.endpoint, "GET", `/subscriptions/${t.subscriptionId}/resourcegroups?${api}`, { token: wrongAud });
    expect(aud.status).toBe(401);
    expect(aud.json().error.code).toBe("InvalidAuthenticationTokenAudience");
  });

  it("never crashes on odd input: bad percent-encoding, unknown methods, garbage paths", async () => {
    const a = await rawRequest(t.endpoint, "GET", `/subscriptions/${t.subscriptionId}/resourcegroups/%E0%A4%A?${api}`, { token });
    expect(a.status).toBeGreaterThanOrEqual(400);
    expect(a.json().error.code).toBeTypeOf("string");
    const b = await rawRequest(t.endpoint, "OPTIONS", `/subscriptions?${api}`, { token });
    expect(b.json().error.code).toBe("MethodNotAllowed");
    const c = await rawRequest(t.endpoint, "GET", `/what/ever?${api}`, { token });
    expect(c.status).toBe(404);
    expect(c.json().error.code).toBe("NotFound");
    const d = await rawRequest(t.endpoint, "GET", `/subscriptions/${t.subscriptionId}/resourcegroups?${api}`, { token });
    expect(d.status).toBe(200);
  });

  it("pages with an absolute nextLink carrying api-version", async () => {
    const client = new ResourceManagementClient(t.credential, t.subscriptionId, t.clientOptions);
    for (let i = 0; i < 3; i++) await client.resourceGroups.createOrUpdate(`page-${i}`, { location: "westus" });
    const first = await rawRequest(t.endpoint, "GET", `/subscriptions/${t.subscriptionId}/resourcegroups?${api}`, { token });
    expect(first.json().value).toHaveLength(2);
    const next = new URL(first.json().nextLink);
    expect(next.origin).toBe(t.endpoint);
    expect(next.searchParams.get("api-version")).toBe("2025-04-01");
    expect(next.searchParams.get("$skipToken")).toBe("2");
    const names: string[] = [];
    for await (const g of client.resourceGroups.list()) names.push(g.name!);
    expect(names).toEqual(expect.arrayContaining(["conv", "page-0", "page-1", "page-2"]));
  });

  it("answers garbage bodies on every core route with a 4xx envelope, never a 5xx or a dropped connection", async () => {
    const sub = `/subscriptions/${t.subscriptionId}`;
    const paths = [
      `${sub}/resourcegroups/fuzz`,
      `${sub}/providers/Microsoft.Authorization/roleAssignments/6f0b0b1e-0000-4000-8000-000000000001`,
      `${sub}/resourceGroups/conv/providers/Microsoft.Authorization/roleAssignments/not-a-guid`,
      `${sub}/providers/Microsoft.Insights/eventtypes/management/values`,
      `${sub}/providers/Microsoft.Authorization/roleAssignments`,
    ];
    const bodies = ["null", "[]", "42", "\"text\"", "{}", '{"properties":null}', '{"properties":{"roleDefinitionId":7,"principalId":[]}}',
      '{"location":{"nested":true},"tags":"x"}', '{"location":"westus","tags":["x"]}', '{"tags":{"a":1}}'];
    for (const path of paths) {
      for (const method of ["PUT", "PATCH", "GET", "DELETE"]) {
        for (const body of method === "GET" || method === "DELETE" ? [undefined] : bodies) {
          const r = await rawRequest(t.endpoint, method, `${path}?${api}&$filter=${encodeURIComponent("weird '' eq")}`, { token, body });
          expect(r.status, `${method} ${path} ${body}`).toBeLessThan(500);
          if (r.status >= 400) expect(r.json().error.code, `${method} ${path} ${body}`).toMatch(/^[A-Z][A-Za-z]+$/);
        }
      }
    }
    expect(t.emulator.control.apiVersions()["Microsoft.Resources"]).toEqual(expect.arrayContaining(["2025-04-01", "2099-01-01-preview"]));
  });
});
