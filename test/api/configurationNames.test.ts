// GET /providers/Microsoft.ServiceLinker/configurationNames through the real router (JWT auth, api-version stage):
// ConfigurationNameResult in the EX:ConfigurationNamesList.json shape, $filter, $skipToken paging, ARM errors.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeTarget, TARGET_KINDS } from "../../src/catalogue/index.js";
import { SUPPORTED_API_VERSIONS } from "../../src/api/wire/apiVersion.js";
import { BASE, createHarness, type Harness } from "./harness.js";

let h: Harness;
beforeAll(async () => { h = await createHarness("apicn"); });
afterAll(async () => { await h.close(); });

const PATH = "/providers/Microsoft.ServiceLinker/configurationNames";
interface Item { properties: { targetService: string; clientType: string; authType: string; secretType?: string; names: { value: string; description: string; required: boolean }[] } }
interface Page { value: Item[]; nextLink: string | null }
type ErrorBody = { error: { code: string; message: string; target?: string } };

async function page(query: string): Promise<Page> {
  const res = await h.call("GET", `${PATH}${query}`);
  expect(res.status).toBe(200);
  return res.body as Page;
}

/** Follows nextLink verbatim (as SDKs do: no api-version added) and returns every item and the pages' sizes. */
async function allPages(query: string): Promise<{ items: Item[]; sizes: number[]; links: string[] }> {
  const items: Item[] = [];
  const sizes: number[] = [];
  const links: string[] = [];
  let body = await page(query);
  for (let i = 0; i < 100; i++) {
    items.push(...body.value);
    sizes.push(body.value.length);
    if (body.nextLink === null) return { items, sizes, links };
    links.push(body.nextLink);
    expect(body.nextLink.startsWith(`${BASE}${PATH}?`)).toBe(true);
    const res = await h.call("GET", body.nextLink.slice(BASE.length), { apiVersion: null });
    expect(res.status).toBe(200);
    body = res.body as Page;
  }
  throw new Error("more than 100 pages");
}

describe("configurationNames", () => {
  it("answers every target kind, with each item's names, across pages", async () => {
    const { items, sizes } = await allPages("?$top=40");
    expect(sizes.slice(0, -1).every((n) => n === 40)).toBe(true);
    const keys = items.map((i) => `${i.properties.targetService}|${i.properties.clientType}|${i.properties.authType}`);
    expect(new Set(keys).size).toBe(keys.length);
    const services = new Set(items.map((i) => i.properties.targetService));
    for (const kind of TARGET_KINDS) expect(services, kind).toContain(describeTarget(kind)!.armType.toUpperCase());
    for (const item of items) {
      expect(item.properties.names.length).toBeGreaterThan(0);
      for (const n of item.properties.names) expect(n).toEqual({ value: expect.any(String), description: expect.any(String), required: expect.any(Boolean) });
    }
  });

  it("pages concatenate to the unpaged list, and the default page size applies without $top", async () => {
    const whole = await page("?$top=1000");
    expect(whole.nextLink).toBeNull();
    const paged = await allPages("?$top=97");
    expect(paged.items).toEqual(whole.value);
    const first = await page("");
    expect(first.value).toEqual(whole.value.slice(0, 100));
    expect(new URL(first.nextLink!).searchParams.get("$skipToken")).toBeTruthy();
  });

  it("filters by targetService, clientType and authType (the service's own example filter)", async () => {
    const filter = "targetService eq 'microsoft.storage/storageaccounts/blobservices' and clientType eq 'dotnet' and authType eq 'systemAssignedIdentity'";
    const body = await page(`?$filter=${encodeURIComponent(filter)}`);
    expect(body).toEqual({
      value: [{
        properties: {
          targetService: "MICROSOFT.STORAGE/STORAGEACCOUNTS/BLOBSERVICES", clientType: "dotnet", authType: "systemAssignedIdentity",
          names: [{ value: "AZURE_STORAGEBLOB_RESOURCEENDPOINT", description: expect.any(String), required: true }],
        },
      }],
      nextLink: null,
    });
  });

  it("a secret cell carries secretType rawValue; nextLink keeps the $filter", async () => {
    const filter = "TargetService eq 'MICROSOFT.STORAGE/STORAGEACCOUNTS/QUEUESERVICES' and AuthType eq 'secret'";
    const { items, links } = await allPages(`?$top=2&$filter=${encodeURIComponent(filter)}`);
    expect(links.length).toBeGreaterThan(0);
    expect(items.length).toBe(describeTarget("storage-queue")!.clientTypes.length);
    for (const item of items) {
      expect(item.properties).toMatchObject({ targetService: "MICROSOFT.STORAGE/STORAGEACCOUNTS/QUEUESERVICES", authType: "secret", secretType: "rawValue" });
    }
    expect(items.find((i) => i.properties.clientType === "python")!.properties.names.map((n) => n.value)).toEqual(["AZURE_STORAGEQUEUE_CONNECTIONSTRING"]);
  });

  it("answers every supported api-version", async () => {
    for (const apiVersion of SUPPORTED_API_VERSIONS) {
      const res = await h.call("GET", `${PATH}?$top=1`, { apiVersion });
      expect(res.status, apiVersion).toBe(200);
    }
  });

  it.each([
    ["an unknown field", "Foo eq 'x'", "$filter"],
    ["an operator it cannot apply", "clientType ne 'dotnet'", "$filter"],
    ["a clause that is not a comparison", "targetService", "$filter"],
  ])("a $filter with %s is a 400 naming $filter", async (_what, filter, target) => {
    const res = await h.call("GET", `${PATH}?$filter=${encodeURIComponent(filter)}`);
    expect(res.status).toBe(400);
    expect((res.body as ErrorBody).error).toMatchObject({ code: "BadRequest", target });
    expect((res.body as ErrorBody).error.message).toContain("$filter");
  });

  it("refuses a forged $skipToken, a bad $top, a missing api-version, an unsupported one, and other methods", async () => {
    const expectError = async (res: Awaited<ReturnType<Harness["call"]>>, status: number, code: string, target?: string) => {
      expect(res.status).toBe(status);
      expect((res.body as ErrorBody).error.code).toBe(code);
      if (target) expect((res.body as ErrorBody).error.target).toBe(target);
    };
    await expectError(await h.call("GET", `${PATH}?$skipToken=not-a-token`), 400, "BadRequest", "$skipToken");
    await expectError(await h.call("GET", `${PATH}?$skipToken=${Buffer.from("cn1:-5").toString("base64url")}`), 400, "BadRequest", "$skipToken");
    await expectError(await h.call("GET", `${PATH}?$top=0`), 400, "BadRequest", "$top");
    await expectError(await h.call("GET", PATH, { apiVersion: null }), 400, "MissingApiVersionParameter");
    await expectError(await h.call("GET", PATH, { apiVersion: "2021-01-01" }), 400, "InvalidApiVersionParameter");
    await expectError(await h.call("POST", PATH), 405, "MethodNotAllowed");
    await expectError(await h.call("GET", PATH, { token: null }), 401, "AuthenticationFailed");
  });
});
