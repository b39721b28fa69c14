// The dryruns operations (PUT/GET/list/DELETE {resourceUri}/providers/Microsoft.ServiceLinker/dryruns) at the API
// layer, called directly with the harness's real dependencies (Tables on Azurite, real catalogue hooks, real sealer).
// The dry-run computation itself is src/connections/dryRun.ts (test/connections/dryrun.test.ts runs it against the
// ARM emulator); here the `dryRun` hook records what the API hands it and answers a fixed preview.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDryrun } from "../../src/api/operations/createDryrun.js";
import { deleteDryrun } from "../../src/api/operations/deleteDryrun.js";
import { getDryrun } from "../../src/api/operations/getDryrun.js";
import { listDryruns } from "../../src/api/operations/listDryruns.js";
import type { ApiDeps, ApiResponse, Operation, OperationRequest } from "../../src/api/types.js";
import type { ApiVersion } from "../../src/api/wire/apiVersion.js";
import { ApiError } from "../../src/api/wire/errors.js";
import { errorResponse } from "../../src/api/wire/response.js";
import { dryrunTableName } from "../../src/store/tableStore.js";
import { TableClient } from "@azure/data-tables";
import { inject } from "vitest";
import { API, BASE, BLOB, FILES, WEBAPP, createHarness, type Harness } from "./harness.js";

const PREFIX = "dryrunapi";
let h: Harness;
type HookCall = Parameters<NonNullable<ApiDeps["dryRun"]>>[0];
const hookCalls: HookCall[] = [];
let deps: ApiDeps;

const PREVIEW = { name: "configuration", operationType: "configConnection", description: "Set AZURE_STORAGEBLOB_RESOURCEENDPOINT.", action: "Microsoft.Web/sites/config/write", scope: WEBAPP };

beforeAll(async () => {
  h = await createHarness(PREFIX);
  deps = {
    ...h.deps,
    dryRun: async (x) => {
      hookCalls.push(x);
      return { prerequisiteResults: [], operationPreviews: [{ ...PREVIEW, operationType: "configConnection" }], required: [] };
    },
  };
}, 30_000);
afterAll(async () => { await h?.close(); });

const dryrunsPath = (source = WEBAPP) => `${source}/providers/Microsoft.ServiceLinker/dryruns`;

/** Calls one operation as the router would after its common stages; ApiErrors become their ARM envelope. */
async function call(op: Operation, o: { method: string; source?: string; name?: string; body?: unknown; query?: Record<string, string>; deps?: ApiDeps }): Promise<ApiResponse> {
  const source = o.source ?? WEBAPP;
  const path = o.name === undefined ? dryrunsPath(source) : `${dryrunsPath(source)}/${o.name}`;
  const req: OperationRequest = {
    method: o.method, path, query: new URLSearchParams({ "api-version": API, ...(o.query ?? {}) }), headers: {},
    apiVersion: API as ApiVersion, caller: { objectId: "11111111-1111-1111-1111-111111111111", tenantId: "22222222-2222-2222-2222-222222222222", principalType: "User" },
    baseUrl: BASE, params: { sourceId: source, ...(o.name !== undefined ? { dryrunName: o.name } : {}) },
    access: { via: "armToken", decide: async (required) => ({ allowed: true, missing: [], checked: required }), require: async (required) => ({ allowed: true, missing: [], checked: required }), prefetch: () => undefined },
    ...(o.body !== undefined ? { body: typeof o.body === "string" ? o.body : JSON.stringify(o.body) } : {}),
  };
  try {
    return await op(req, o.deps ?? deps);
  } catch (e) {
    if (e instanceof ApiError) return errorResponse(e);
    throw e;
  }
}

const createBody = (parameters: Record<string, unknown>) => ({ properties: { parameters } });
const blobParameters = (extra: Record<string, unknown> = {}) => ({
  actionName: "createOrUpdate", targetService: { type: "AzureResource", id: BLOB }, authInfo: { authType: "systemAssignedIdentity" }, clientType: "dotnet", ...extra,
});
const body = (r: ApiResponse) => r.body as Record<string, any>;

describe("PUT dryruns", () => {
  it("answers 200 Succeeded with the computed previews, persists it, and GET returns the same resource", async () => {
    hookCalls.length = 0;
    const put = await call(createDryrun, { method: "PUT", name: "dr1", body: createBody(blobParameters()) });
    expect(put.status).toBe(200);
    expect(put.headers["Azure-AsyncOperation"] ?? put.headers["azure-asyncoperation"]).toBeUndefined();
    const resource = body(put);
    expect(resource).toMatchObject({
      id: `${WEBAPP}/providers/Microsoft.ServiceLinker/dryruns/dr1`, name: "dr1", type: "Microsoft.ServiceLinker/dryruns",
      properties: {
        provisioningState: "Succeeded", prerequisiteResults: [], operationPreviews: [PREVIEW],
        parameters: { actionName: "createOrUpdate", targetService: { type: "AzureResource", id: BLOB }, authInfo: { authType: "systemAssignedIdentity" } },
      },
    });
    expect(resource.systemData.createdBy).toBe("11111111-1111-1111-1111-111111111111");
    expect(hookCalls).toHaveLength(1);
    expect(hookCalls[0]).toMatchObject({ sourceId: WEBAPP, linkerName: "dr1", properties: { targetService: { id: BLOB } }, ownedNames: [] });
    expect(hookCalls[0]!.properties).not.toHaveProperty("actionName");

    const got = await call(getDryrun, { method: "GET", name: "dr1" });
    expect(got.status).toBe(200);
    expect(got.body).toEqual(put.body);
    // The name is case-insensitive, as ARM resource names are.
    expect((await call(getDryrun, { method: "GET", name: "DR1" })).status).toBe(200);
  });

  it("never stores or returns a secret; the hook gets it sealed", async () => {
    hookCalls.length = 0;
    const secret = "p@ssw0rd-dryrun-7c41";
    const parameters = blobParameters({ targetService: { type: "AzureResource", id: FILES }, authInfo: { authType: "secret", name: "u", secretInfo: { secretType: "rawValue", value: secret } } });
    const put = await call(createDryrun, { method: "PUT", name: "drsecret", body: createBody(parameters) });
    expect(put.status).toBe(200);
    expect(JSON.stringify(put.body)).not.toContain(secret);
    expect(JSON.stringify(hookCalls[0]!.properties)).not.toContain(secret);
    expect(JSON.parse(h.deps.sealer.unseal(hookCalls[0]!.sealedSecrets!))).toEqual({ "authInfo.secretInfo.value": secret });
    const { connectionString } = inject("azurite");
    const table = TableClient.fromConnectionString(connectionString, dryrunTableName(PREFIX), { allowInsecureConnection: true });
    const rows: unknown[] = [];
    for await (const row of table.listEntities()) rows.push(row);
    expect(rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(rows)).not.toContain(secret);
  });

  it("an unsupported combination is a basicError of a successful dry run; nothing is computed", async () => {
    hookCalls.length = 0;
    const put = await call(createDryrun, { method: "PUT", name: "drfile", body: createBody(blobParameters({ targetService: { type: "AzureResource", id: FILES } })) });
    expect(put.status).toBe(200);
    const props = body(put).properties;
    expect(props.provisioningState).toBe("Succeeded");
    expect(props.operationPreviews).toEqual([]);
    expect(props.prerequisiteResults).toEqual([{ type: "basicError", code: "InvalidConnection", message: expect.stringContaining("secret") }]);
    expect(hookCalls).toHaveLength(0);
  });

  it("a PUT again recomputes and replaces the stored result (keeping createdAt)", async () => {
    const first = body(await call(createDryrun, { method: "PUT", name: "drre", body: createBody(blobParameters()) }));
    const second = body(await call(createDryrun, { method: "PUT", name: "drre", body: createBody(blobParameters({ targetService: { type: "AzureResource", id: FILES } })) }));
    expect(second.properties.prerequisiteResults[0].type).toBe("basicError");
    expect(second.systemData.createdAt).toBe(first.systemData.createdAt);
    expect(body(await call(getDryrun, { method: "GET", name: "drre" })).properties.prerequisiteResults).toEqual(second.properties.prerequisiteResults);
  });

  const rejected = async (o: { name?: string; body?: unknown; source?: string }, code: string, target: string) => {
    const r = await call(createDryrun, { method: "PUT", name: o.name ?? "bad", body: o.body, ...(o.source ? { source: o.source } : {}) });
    expect(r.status).toBe(400);
    expect(body(r).error).toMatchObject({ code, target });
    return body(r).error as { message: string };
  };

  it("refuses bad bodies with 400 naming the field", async () => {
    const unsupported = await rejected({ body: createBody(blobParameters({ actionName: "delete" })) }, "InvalidRequestContent", "properties.parameters.actionName");
    expect(unsupported.message).toContain("'createOrUpdate'");
    const missingAction = await rejected({ body: createBody({ targetService: { type: "AzureResource", id: BLOB } }) }, "InvalidRequestContent", "properties.parameters.actionName");
    expect(missingAction.message).toContain("'createOrUpdate'");
    await rejected({ body: { properties: {} } }, "InvalidRequestContent", "properties.parameters");
    await rejected({ body: { name: "x" } }, "InvalidRequestContent", "properties");
    const noTarget = await rejected({ body: createBody({ actionName: "createOrUpdate", authInfo: { authType: "systemAssignedIdentity" } }) }, "InvalidRequestContent", "properties.parameters.targetService");
    expect(noTarget.message).toContain("'properties.parameters.targetService'");
    await rejected({ body: createBody(blobParameters({ clientType: "cobol" })) }, "InvalidRequestContent", "properties.parameters.clientType");
    await rejected({ name: "a:b", body: createBody(blobParameters()) }, "InvalidResourceName", "dryrunName");
    await rejected({ source: "/not/a/resource", body: createBody(blobParameters()) }, "BadRequest", "resourceUri");
    const malformed = await call(createDryrun, { method: "PUT", name: "bad", body: "{not json" });
    expect(malformed.status).toBe(400);
    expect(body(malformed).error.code).toBe("InvalidRequestContent");
    expect((await call(getDryrun, { method: "GET", name: "bad" })).status).toBe(404);
  });

  it("answers 501 when the deployment has no dry-run computation", async () => {
    const { dryRun: _omit, ...without } = deps;
    const r = await call(createDryrun, { method: "PUT", name: "drnone", body: createBody(blobParameters()), deps: without });
    expect(r.status).toBe(501);
    expect(body(r).error.code).toBe("NotImplemented");
  });
});

describe("GET / list / DELETE dryruns", () => {
  const source = `${WEBAPP.replace("app1", "app-list")}`;

  it("lists in pages with an absolute nextLink, deletes with 200 then 204, and GET is 404 afterwards", async () => {
    for (const n of ["l1", "l2", "l3"]) expect((await call(createDryrun, { method: "PUT", source, name: n, body: createBody(blobParameters()) })).status).toBe(200);
    const first = body(await call(listDryruns, { method: "GET", source, query: { $top: "2" } }));
    expect(first.value).toHaveLength(2);
    expect(first.nextLink).toMatch(new RegExp(`^${BASE}/.*dryruns\\?.*api-version=${API}`));
    const skipToken = new URL(first.nextLink).searchParams.get("$skipToken")!;
    const second = body(await call(listDryruns, { method: "GET", source, query: { $top: "2", $skipToken: skipToken } }));
    expect([...first.value, ...second.value].map((d: { name: string }) => d.name).sort()).toEqual(["l1", "l2", "l3"]);
    expect(second.nextLink).toBeUndefined();
    expect(second.value[0].type).toBe("Microsoft.ServiceLinker/dryruns");

    expect((await call(deleteDryrun, { method: "DELETE", source, name: "l2" })).status).toBe(200);
    expect((await call(deleteDryrun, { method: "DELETE", source, name: "l2" })).status).toBe(204);
    const missing = await call(getDryrun, { method: "GET", source, name: "l2" });
    expect(missing.status).toBe(404);
    expect(body(missing).error).toMatchObject({ code: "ResourceNotFound", message: expect.stringContaining("Microsoft.ServiceLinker/dryruns/l2") });
    const after = body(await call(listDryruns, { method: "GET", source }));
    expect(after.value.map((d: { name: string }) => d.name).sort()).toEqual(["l1", "l3"]);
  });

  it("an empty source lists nothing", async () => {
    const empty = `${WEBAPP.replace("app1", "app-empty")}`;
    expect(body(await call(listDryruns, { method: "GET", source: empty }))).toEqual({ value: [] });
  });
});
