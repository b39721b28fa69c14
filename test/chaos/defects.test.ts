// Defects the chaos fuzz (test/chaos/fuzz.ts) found, one describe each, as plain examples: each failed before its fix.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import type { ApiResponse } from "../../src/api/types.js";
import { createApiUnderTest, type ApiUnderTest } from "./api.js";
import { armEnvelopeProblem, linkProblem } from "./oracle.js";
import { BASE_URL, SOURCES, SUB } from "./requests.js";

let api: ApiUnderTest;
let token: string;
beforeAll(async () => {
  api = await createApiUnderTest({ connectionString: inject("azurite").connectionString, tablePrefix: "chaosdefects" });
  token = await api.issuer.token();
});
afterAll(async () => {
  await api.dispose();
  await api.issuer.close();
});

const SITE = SOURCES[0]!;
const BLOB = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/sa1/blobServices/default`;
const linker = (source: string, name: string) => `${source}/providers/Microsoft.ServiceLinker/linkers/${name}`;
const blobLinker = (target = BLOB) => ({ properties: { targetService: { type: "AzureResource", id: target }, authInfo: { authType: "systemAssignedIdentity" }, clientType: "dotnet" } });

async function call(method: string, path: string, options: { body?: unknown; rawBody?: string; headers?: Record<string, string> } = {}): Promise<ApiResponse> {
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const url = `${BASE_URL}${path.split("/").map((s) => encodeURIComponent(s)).join("/")}?api-version=2024-04-01`;
  return api.call({ method, url, headers: { authorization: `Bearer ${token}`, ...options.headers }, ...(body !== undefined ? { body } : {}) });
}

/** The request is refused with `status` in the ARM envelope, and neither a row nor the seam changed. */
async function refusedUnchanged(method: string, path: string, status: number, options: Parameters<typeof call>[2] = {}): Promise<{ code: string; message: string; target?: string }> {
  const rows = await api.snapshot();
  const seam = api.seam.length;
  const reported = api.reported.length;
  const res = await call(method, path, options);
  expect(api.reported.slice(reported)).toEqual([]);
  expect(res.status).toBe(status);
  expect(armEnvelopeProblem(res)).toBeUndefined();
  expect(await api.snapshot()).toBe(rows);
  expect(api.seam.length).toBe(seam);
  return (res.body as { error: { code: string; message: string; target?: string } }).error;
}

describe("a Referer that is not an http(s) URL", () => {
  it("leaves the LRO links on the request's own origin (was 'null/subscriptions/…')", async () => {
    for (const referer of ["javascript:alert(1)", "data:text/plain,x", "file:///etc/passwd", "mailto:a@b.c"]) {
      const res = await call("PUT", linker(SITE, "referer"), { body: blobLinker(), headers: { referer } });
      expect(res.status).toBe(201);
      expect(linkProblem(res)).toBeUndefined();
      expect(res.headers["Azure-AsyncOperation"]).toMatch(new RegExp(`^${BASE_URL}/subscriptions/`));
    }
    const proxied = await call("PUT", linker(SITE, "referer"), { body: blobLinker(), headers: { referer: "https://management.example/original?x=1" } });
    expect(proxied.headers["Azure-AsyncOperation"]).toMatch(/^https:\/\/management\.example\/subscriptions\//);
  });
});

describe("ids and names too long for a table key (Azure Tables keys hold 1 KiB; src/store/keys.ts)", () => {
  const rg = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Web/sites`;
  it("a linker or dry-run name: 400 InvalidResourceName, whatever the method (was a 500 RangeError)", async () => {
    const name = "€".repeat(200); // 200 characters (within ARM's 260), 1,800 once encoded for a key
    for (const method of ["GET", "PUT", "PATCH", "DELETE"]) {
      const e = await refusedUnchanged(method, linker(SITE, name), 400, { body: blobLinker() });
      expect(e).toMatchObject({ code: "InvalidResourceName", target: "linkerName" });
    }
    await refusedUnchanged("POST", `${linker(SITE, name)}/validateLinker`, 400);
    expect(await refusedUnchanged("DELETE", `${SITE}/providers/Microsoft.ServiceLinker/dryruns/${name}`, 400)).toMatchObject({ target: "dryrunName" });
  });

  it("a source id: 400 naming resourceUri", async () => {
    const source = `${rg}/${"é".repeat(150)}`;
    for (const [method, path] of [["PUT", linker(source, "blob")], ["GET", `${source}/providers/Microsoft.ServiceLinker/linkers`], ["GET", `${source}/providers/Microsoft.ServiceLinker/dryruns`]] as const) {
      expect(await refusedUnchanged(method, path, 400, { body: blobLinker() })).toMatchObject({ code: "BadRequest", target: "resourceUri" });
    }
  });

  it("a linker id longer than a key though its source and name fit: refused before anything is written (was accepted, then a 500 with the operation left InProgress)", async () => {
    const source = `${rg}/${"a".repeat(700)}`;
    await refusedUnchanged("PUT", linker(source, "b".repeat(250)), 400, { body: blobLinker() });
  });

  it("an operation id: 404, as for any id linkwright never issued", async () => {
    await refusedUnchanged("GET", `/subscriptions/${SUB}/providers/Microsoft.ServiceLinker/locations/westus/operationStatuses/${"x".repeat(2000)}`, 404);
    await refusedUnchanged("GET", `/subscriptions/${SUB}/providers/Microsoft.ServiceLinker/locations/westus/operationResults/${"x".repeat(2000)}`, 404);
  });
});

describe("resource ids in the body too long for a table key", () => {
  it("a target id: 400 LinkedInvalidPropertyId before anything is written (was accepted, then a 500 from the dependency index with the operation left InProgress)", async () => {
    const target = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/${"a".repeat(400)}/blobServices/default`;
    const e = await refusedUnchanged("PUT", linker(SITE, "longtarget"), 400, { body: blobLinker(target) });
    expect(e).toMatchObject({ code: "LinkedInvalidPropertyId", target: "properties.targetService.id" });
    expect(e.message.length).toBeLessThan(600);
    expect((await call("PUT", linker(SITE, "longtarget"), { body: blobLinker() })).status).toBe(201);
    await refusedUnchanged("PATCH", linker(SITE, "longtarget"), 400, { body: { properties: { targetService: { type: "AzureResource", id: target } } } });
  });
});

describe("deeply nested JSON bodies", () => {
  it("are 400 InvalidRequestContent on every route with a body (was a 500: stack overflow formatting or copying them)", async () => {
    const deep = (n: number) => "[".repeat(n) + "]".repeat(n);
    const put = JSON.stringify(blobLinker()).replace("\"dotnet\"", deep(10_000));
    await refusedUnchanged("PUT", linker(SITE, "deep"), 400, { rawBody: put });
    await refusedUnchanged("PUT", `${SITE}/providers/Microsoft.ServiceLinker/dryruns/deep`, 400,
      { rawBody: JSON.stringify({ properties: { parameters: { actionName: "createOrUpdate", ...blobLinker().properties } } }).replace("\"dotnet\"", deep(10_000)) });
    expect((await call("PUT", linker(SITE, "deep"), { body: blobLinker() })).status).toBe(201);
    await refusedUnchanged("PATCH", linker(SITE, "deep"), 400, { rawBody: `{"properties":{"scope":${deep(10_000)}}}` });
    await refusedUnchanged("POST", `${linker(SITE, "deep")}/generateConfigurations`, 400, { rawBody: `{"customizedKeys":${"{\"a\":".repeat(10_000)}1${"}".repeat(10_000)}}` });
    await refusedUnchanged("POST", `/subscriptions/${SUB}/providers/Microsoft.ServiceLinker/detectLoops`, 400, { rawBody: `{"appIds":${deep(10_000)}}` });
    // The schema's own depth (a few levels) is far from the limit.
    expect((await call("PUT", linker(SITE, "deep"), { body: blobLinker() })).status).toBe(201);
  });
});

describe("a dry run whose parameters no table row can hold", () => {
  it("is 400 before it is computed, as a linker PUT of the same size is (was computed, then a 500 PropertyValueTooLarge)", async () => {
    const properties = { ...blobLinker().properties, scope: "s".repeat(40_000) };
    const e = await refusedUnchanged("PUT", `${SITE}/providers/Microsoft.ServiceLinker/dryruns/big`, 400,
      { body: { properties: { parameters: { actionName: "createOrUpdate", ...properties } } } });
    expect(e).toMatchObject({ code: "InvalidRequestContent", target: "properties.parameters" });
    await refusedUnchanged("PUT", linker(SITE, "big"), 400, { body: { properties } });
  });
});

describe("the operation links of a source whose subscription segment is unusual", () => {
  it("are valid header values a client can follow (a %0E in the subscription went raw into Azure-AsyncOperation: the host could not send it)", async () => {
    const { headerProblem } = await import("./oracle.js");
    for (const sub of [`${SUB}\u000e`, `${SUB} x`, `${SUB}é`]) {
      const source = `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.Web/sites/app1`;
      const res = await call("PUT", linker(source, "odd"), { body: blobLinker() });
      expect(res.status).toBe(201);
      expect(headerProblem(res)).toBeUndefined();
      const status = await api.call({ method: "GET", url: res.headers["Azure-AsyncOperation"]!, headers: { authorization: `Bearer ${token}` } });
      expect(status.status).toBe(200);
      expect((status.body as { status: string }).status).toBe("InProgress");
    }
  });
});
