import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BLOB, blobLinker, createHarness, FILES, linkerPath, SUB, WEBAPP, type Harness } from "./harness.js";

let h: Harness;
beforeAll(async () => { h = await createHarness("apibad"); });
afterAll(async () => { await h.close(); });

type ErrorBody = { error: { code: string; message: string; target?: string; details?: { target: string }[] } };

/** PUT must fail with `status`/`code`, name `target`, and change nothing. */
async function rejected(options: { body?: unknown; rawBody?: string; apiVersion?: string | null; token?: string | null; path?: string; method?: string }, status: number, code: string, target?: string): Promise<ErrorBody["error"]> {
  const callsBefore = h.calls.length;
  const rowsBefore = await h.dumpTables();
  const res = await h.call(options.method ?? "PUT", options.path ?? linkerPath("bad"), options);
  expect(res.status).toBe(status);
  expect(res.headers["Content-Type"]).toContain("application/json");
  const error = (res.body as ErrorBody).error;
  expect(error.code).toBe(code);
  expect(typeof error.message).toBe("string");
  if (target !== undefined) expect(error.target).toBe(target);
  expect(h.calls.length).toBe(callsBefore);
  expect(await h.dumpTables()).toBe(rowsBefore);
  return error;
}

describe("bad input answers the ARM envelope and changes nothing", () => {
  it("malformed JSON (without echoing the body, which may hold a secret)", async () => {
    const e = await rejected({ rawBody: "{\"properties\": {\"authInfo\": {\"secret\": hunter2-secret" }, 400, "InvalidRequestContent");
    expect(e.message).not.toContain("hunter2");
  });

  it("missing properties / targetService / authInfo", async () => {
    await rejected({ body: {} }, 400, "InvalidRequestContent", "properties");
    const e = await rejected({ body: { properties: { clientType: "dotnet" } } }, 400, "InvalidRequestContent", "properties.targetService");
    expect(e.details?.map((d) => d.target)).toContain("properties.authInfo");
  });

  it("unknown authType names the field and the supported values", async () => {
    const e = await rejected({ body: blobLinker({ authInfo: { authType: "magic" } }) }, 400, "InvalidRequestContent", "properties.authInfo.authType");
    expect(e.message).toContain("'magic'");
    expect(e.message).toContain("systemAssignedIdentity");
    expect(e.message).toContain("servicePrincipalSecret");
  });

  it("unknown clientType names the field and the supported values", async () => {
    const e = await rejected({ body: blobLinker({ clientType: "cobol" }) }, 400, "InvalidRequestContent", "properties.clientType");
    expect(e.message).toContain("nodejs");
  });

  it("a target id that is not an ARM id", async () => {
    await rejected({ body: blobLinker({ targetService: { type: "AzureResource", id: "not-an-id" } }) }, 400, "LinkedInvalidPropertyId", "properties.targetService.id");
  });

  it("a target id matching no target pattern", async () => {
    const id = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/sa1`;
    const e = await rejected({ body: blobLinker({ targetService: { type: "AzureResource", id } }) }, 400, "BadRequest", "properties.targetService");
    expect(e.message).toContain("storage-blob");
  });

  it("storage-file with a managed identity is an unsupported combination", async () => {
    const e = await rejected({ body: blobLinker({ targetService: { type: "AzureResource", id: FILES } }) }, 400, "BadRequest", "properties.authInfo.authType");
    expect(e.message).toContain("secret");
  });

  it("servicePrincipalSecret without its secret on create", async () => {
    await rejected({ body: blobLinker({ authInfo: { authType: "servicePrincipalSecret", clientId: "c", principalId: "p" } }) }, 400, "InvalidRequestContent", "properties.authInfo.secret");
  });

  it("an unsupported source", async () => {
    const aks = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/k`;
    await rejected({ path: linkerPath("bad", aks), body: blobLinker() }, 400, "BadRequest", "resourceUri");
  });

  it("an invalid linker name", async () => {
    await rejected({ path: `${WEBAPP}/providers/Microsoft.ServiceLinker/linkers/a%3Ab`, body: blobLinker() }, 400, "InvalidResourceName");
  });

  it("missing api-version", async () => {
    const e = await rejected({ body: blobLinker(), apiVersion: null }, 400, "MissingApiVersionParameter");
    expect(e.message).toContain("api-version");
  });

  it("unsupported api-version lists the supported ones", async () => {
    const e = await rejected({ body: blobLinker(), apiVersion: "2021-11-01-preview" }, 400, "InvalidApiVersionParameter");
    for (const v of ["2022-05-01", "2022-11-01-preview", "2024-04-01", "2024-07-01-preview"]) expect(e.message).toContain(v);
  });

  it("no token / a bad token -> 401 with WWW-Authenticate", async () => {
    await rejected({ body: blobLinker(), token: null }, 401, "AuthenticationFailed");
    await rejected({ body: blobLinker(), token: "abc.def.ghi" }, 401, "InvalidAuthenticationToken");
    const res = await h.call("GET", linkerPath("x"), { token: null });
    expect(res.headers["WWW-Authenticate"]).toContain("Bearer");
  });

  it("unknown paths and methods", async () => {
    await rejected({ method: "GET", path: `${WEBAPP}/providers/Microsoft.ServiceLinker/widgets` }, 404, "InvalidResourceType");
    await rejected({ method: "GET", path: `/subscriptions/${SUB}/providers/Microsoft.Web/sites` }, 404, "InvalidResourceType");
    await rejected({ method: "POST", path: linkerPath("bad") }, 405, "MethodNotAllowed");
    await rejected({ method: "GET", path: `${WEBAPP}/providers/Microsoft.ServiceLinker/daprConfigurations` }, 501, "NotImplemented");
  });

  it("a valid body still works afterwards (the checks above are not vacuous)", async () => {
    const res = await h.call("PUT", linkerPath("good"), { body: blobLinker({ targetService: { type: "AzureResource", id: BLOB } }) });
    expect(res.status).toBe(201);
  });
});
