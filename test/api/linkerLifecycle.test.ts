import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API, BASE, BLOB, blobLinker, createHarness, linkerPath, operationIdOf, SUB, WEBAPP, type Harness } from "./harness.js";

let h: Harness;
beforeAll(async () => { h = await createHarness("apilife"); });
afterAll(async () => { await h.close(); });

const body = (r: { body?: unknown }) => r.body as Record<string, any>;

describe("linker lifecycle through the router", () => {
  it("PUT answers 201 Accepted with Azure-AsyncOperation + Retry-After and starts the orchestration", async () => {
    const res = await h.call("PUT", linkerPath("blob1"), { body: blobLinker(), headers: { "x-ms-client-request-id": "cid-1" } });
    expect(res.status).toBe(201);
    expect(body(res)).toMatchObject({
      id: `${WEBAPP}/providers/Microsoft.ServiceLinker/linkers/blob1`,
      name: "blob1",
      type: "Microsoft.ServiceLinker/linkers",
      properties: { provisioningState: "Accepted", targetService: { type: "AzureResource", id: BLOB }, authInfo: { authType: "systemAssignedIdentity" }, clientType: "dotnet" },
    });
    expect(body(res).systemData.createdByType).toBe("User");
    const aao = res.headers["Azure-AsyncOperation"]!;
    expect(aao).toMatch(new RegExp(`^${BASE}/subscriptions/${SUB}/providers/Microsoft.ServiceLinker/locations/westus/operationStatuses/[0-9a-f-]{36}\\?api-version=${API}$`));
    expect(res.headers["Retry-After"]).toBe("1");
    expect(res.headers["Location"]).toBeUndefined();
    expect(res.headers["ETag"]).toBeTruthy();
    expect(res.headers["x-ms-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers["x-ms-client-request-id"]).toBe("cid-1");

    const call = h.calls.at(-1)!;
    expect(call.kind).toBe("createOrUpdate");
    expect(call.input).toMatchObject({ operationId: operationIdOf(aao), linkerId: body(res).id, sourceId: WEBAPP, linkerName: "blob1", apiVersion: API, keptSecretPaths: [] });
    expect(call.input.caller.objectId).toBeTruthy();

    const status = await h.call("GET", new URL(aao).pathname);
    expect(status.status).toBe(200);
    expect(body(status)).toMatchObject({ name: operationIdOf(aao), resourceId: body(res).id, status: "InProgress", endTime: null });
    expect(body(status).id).toBe(new URL(aao).pathname);
    // While running it says when to ask again (a poller without it waits its own default: the az CLI's is 30 s).
    expect(status.headers["retry-after-ms"]).toBe("250");

    const deps = await h.store.dependencies.linkersDependingOn(BLOB, "target");
    expect(deps.map((d) => d.linkerId)).toEqual([body(res).id]);
  });

  it("GET returns the linker; paths with // and other casing resolve to the same resource", async () => {
    const res = await h.call("GET", linkerPath("blob1"));
    expect(res.status).toBe(200);
    expect(body(res).properties.provisioningState).toBe("Accepted");
    const odd = `/${WEBAPP.toUpperCase()}//PROVIDERS/microsoft.servicelinker/LINKERS/BLOB1`;
    const same = await h.call("GET", odd);
    expect(same.status).toBe(200);
    expect(body(same).id).toBe(body(res).id);
  });

  it("GET of a missing linker is 404 ResourceNotFound in the ARM envelope", async () => {
    const res = await h.call("GET", linkerPath("nope"));
    expect(res.status).toBe(404);
    expect(body(res).error.code).toBe("ResourceNotFound");
  });

  it("PATCH merges into the stored properties and answers 201 with the async header", async () => {
    const res = await h.call("PATCH", linkerPath("blob1"), { body: { properties: { clientType: "python", configurationInfo: { customizedKeys: { AZURE_STORAGEBLOB_RESOURCEENDPOINT: "MY_BLOB" } } } } });
    expect(res.status).toBe(201);
    expect(res.headers["Azure-AsyncOperation"]).toBeTruthy();
    expect(body(res).properties).toMatchObject({ clientType: "python", authInfo: { authType: "systemAssignedIdentity" }, targetService: { id: BLOB } });
    const again = await h.call("PATCH", linkerPath("blob1"), { body: { properties: { configurationInfo: { additionalConfigurations: { EXTRA: "1" } } } } });
    expect(body(again).properties.configurationInfo).toEqual({ customizedKeys: { AZURE_STORAGEBLOB_RESOURCEENDPOINT: "MY_BLOB" }, additionalConfigurations: { EXTRA: "1" } });
    const removed = await h.call("PATCH", linkerPath("blob1"), { body: { properties: { configurationInfo: { customizedKeys: null } } } });
    expect(body(removed).properties.configurationInfo).toEqual({ additionalConfigurations: { EXTRA: "1" } });
    const last = h.calls.at(-1)!;
    expect(last.kind === "createOrUpdate" && last.input.previousProperties?.configurationInfo).toEqual({ customizedKeys: { AZURE_STORAGEBLOB_RESOURCEENDPOINT: "MY_BLOB" }, additionalConfigurations: { EXTRA: "1" } });
  });

  it("PATCH of a missing linker is 404 and starts nothing", async () => {
    const before = h.calls.length;
    const res = await h.call("PATCH", linkerPath("ghost"), { body: { properties: { clientType: "python" } } });
    expect(res.status).toBe(404);
    expect(h.calls.length).toBe(before);
  });

  it("honours If-Match / If-None-Match", async () => {
    const current = await h.call("GET", linkerPath("blob1"));
    const stale = await h.call("PUT", linkerPath("blob1"), { body: blobLinker(), headers: { "if-match": "W/\"stale\"" } });
    expect(stale.status).toBe(412);
    expect(body(stale).error.code).toBe("PreconditionFailed");
    const exists = await h.call("PUT", linkerPath("blob1"), { body: blobLinker(), headers: { "if-none-match": "*" } });
    expect(exists.status).toBe(412);
    const ok = await h.call("PUT", linkerPath("blob1"), { body: blobLinker(), headers: { "if-match": current.headers["ETag"]! } });
    expect(ok.status).toBe(201);
  });

  it("lists with paging: absolute nextLink carrying api-version and $skipToken", async () => {
    const source = WEBAPP.replace("app1", "app2");
    for (const name of ["a", "b", "c", "d", "e"]) expect((await h.call("PUT", linkerPath(name, source), { body: blobLinker() })).status).toBe(201);
    const names: string[] = [];
    let page = await h.call("GET", `${source}/providers/Microsoft.ServiceLinker/linkers?$top=2`);
    let pages = 1;
    names.push(...body(page).value.map((l: { name: string }) => l.name));
    while (body(page).nextLink && pages < 10) {
      const link = new URL(body(page).nextLink);
      expect(link.origin).toBe(BASE);
      expect(link.searchParams.get("api-version")).toBe(API);
      expect(link.searchParams.get("$skipToken")).toBeTruthy();
      page = await h.call("GET", `${link.pathname}${link.search}`, { apiVersion: null });
      names.push(...body(page).value.map((l: { name: string }) => l.name));
      pages++;
    }
    expect(names.sort()).toEqual(["a", "b", "c", "d", "e"]);
    expect(pages).toBe(3);
    const empty = await h.call("GET", `${WEBAPP.replace("app1", "none")}/providers/Microsoft.ServiceLinker/linkers`);
    expect(body(empty)).toEqual({ value: [] });
  });

  it("uses the Referer origin (ARM forwarding) for absolute links", async () => {
    const res = await h.call("PUT", linkerPath("viaArm"), { body: blobLinker(), headers: { referer: `https://127.0.0.1:4433${linkerPath("viaArm")}?api-version=${API}` } });
    expect(res.headers["Azure-AsyncOperation"]).toMatch(/^https:\/\/127\.0\.0\.1:4433\/subscriptions\//);
  });

  it("validateLinker answers 202 with both headers; the result arrives through the status and Location", async () => {
    const res = await h.call("POST", `${linkerPath("blob1")}/validateLinker`);
    expect(res.status).toBe(202);
    expect(res.body).toBeUndefined();
    const aao = res.headers["Azure-AsyncOperation"]!;
    const location = res.headers["Location"]!;
    expect(location).toContain("/operationResults/");
    expect(operationIdOf(location)).toBe(operationIdOf(aao));
    const call = h.calls.at(-1)!;
    expect(call.kind).toBe("validate");
    expect(call.input.operationId).toBe(operationIdOf(aao));

    const running = await h.call("GET", `${new URL(location).pathname}`);
    expect(running.status).toBe(202);
    expect(running.headers["Location"]).toBe(location);

    const result = { linkerName: "blob1", isConnectionAvailable: true, validationDetail: [{ name: "TargetExistence", result: "success" }] };
    await h.store.operations.update(operationIdOf(aao), { status: "Succeeded", endTime: new Date().toISOString(), result });
    const status = await h.call("GET", new URL(aao).pathname);
    expect(body(status)).toMatchObject({ status: "Succeeded", properties: result });
    const final = await h.call("GET", new URL(location).pathname);
    expect(final.status).toBe(200);
    expect(body(final)).toEqual({ properties: result, resourceId: call.input.linkerId, status: "Succeeded" });
  });

  it("DELETE answers 202 with both headers, then 204 once the linker is gone", async () => {
    const res = await h.call("DELETE", linkerPath("viaArm"));
    expect(res.status).toBe(202);
    expect(res.headers["Azure-AsyncOperation"]).toContain("/operationStatuses/");
    expect(res.headers["Location"]).toContain("/operationResults/");
    expect(res.headers["Retry-After"]).toBe("1");
    const call = h.calls.at(-1)!;
    expect(call.kind).toBe("delete");
    expect((await h.call("GET", linkerPath("viaArm"))).body).toMatchObject({ properties: { provisioningState: "Deleting" } });

    const repeat = await h.call("DELETE", linkerPath("viaArm"));
    expect(repeat.status).toBe(202);
    expect(repeat.headers["Azure-AsyncOperation"]).toBe(res.headers["Azure-AsyncOperation"]);
    const put = await h.call("PUT", linkerPath("viaArm"), { body: blobLinker() });
    expect(put.status).toBe(409);
    expect(body(put).error.code).toBe("AnotherOperationInProgress");

    // play the worker: the orchestration removes the linker and completes the operation
    await h.store.linkers.delete(WEBAPP, "viaArm");
    await h.store.operations.update(call.input.operationId, { status: "Succeeded", endTime: new Date().toISOString() });
    expect((await h.call("GET", new URL(res.headers["Location"]!).pathname)).status).toBe(204);
    expect((await h.call("DELETE", linkerPath("viaArm"))).status).toBe(204);
  });

  it("a failed orchestration start marks the operation and the linker Failed and answers 500", async () => {
    h.failNextStart();
    const res = await h.call("PUT", linkerPath("broken"), { body: blobLinker() });
    expect(res.status).toBe(500);
    expect(body(res).error.code).toBe("InternalServerError");
    const linker = await h.store.linkers.get(WEBAPP, "broken");
    expect(linker?.provisioningState).toBe("Failed");
    const op = await h.store.operations.get(linker!.lastOperationId!);
    expect(op?.status).toBe("Failed");
  });

  it("operation status of an unknown id or another subscription is 404", async () => {
    const unknown = await h.call("GET", `/subscriptions/${SUB}/providers/Microsoft.ServiceLinker/locations/westus/operationStatuses/00000000-0000-0000-0000-000000000000`);
    expect(unknown.status).toBe(404);
    const put = await h.call("PUT", linkerPath("opsub"), { body: blobLinker() });
    const path = new URL(put.headers["Azure-AsyncOperation"]!).pathname.replace(SUB, "ffffffff-0000-0000-0000-000000000000");
    expect((await h.call("GET", path)).status).toBe(404);
  });

  it("lists the provider operations", async () => {
    const res = await h.call("GET", "/providers/Microsoft.ServiceLinker/operations");
    expect(res.status).toBe(200);
    const names = body(res).value.map((o: { name: string }) => o.name);
    expect(names).toEqual(expect.arrayContaining(["Microsoft.ServiceLinker/linkers/write", "Microsoft.ServiceLinker/linkers/validateLinker/action", "Microsoft.ServiceLinker/linkers/listConfigurations/action"]));
    expect(body(res).value[0]).toMatchObject({ isDataAction: false, display: { provider: "Microsoft.ServiceLinker" } });
  });
});
