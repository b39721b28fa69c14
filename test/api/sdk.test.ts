// The real @azure/arm-servicelinker 2.1.0 client against the router behind a loopback HTTPS server.
import { ServiceLinkerManagementClient } from "@azure/arm-servicelinker";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { route } from "../../src/api/router.js";
import { ensureCertificates } from "../../sandbox/arm/core/certs.js";
import { BLOB, createHarness, WEBAPP, type Harness, type StartCall } from "./harness.js";
import type { ConnectionStore } from "../../src/store/types.js";

let h: Harness;
let server: Server;
let client: ServiceLinkerManagementClient;
const requests: string[] = [];

/** Plays the orchestration worker: completes each started operation shortly after it starts. */
function worker(call: StartCall, store: ConnectionStore): void {
  setTimeout(() => {
    void (async () => {
      const now = new Date().toISOString();
      const { sourceId, linkerName, operationId } = call.input;
      if (call.kind === "createOrUpdate") {
        await store.linkers.update(sourceId, linkerName, (l) => ({ ...l, provisioningState: "Succeeded" }));
        await store.operations.update(operationId, { status: "Succeeded", endTime: now });
      } else if (call.kind === "delete") {
        await store.linkers.delete(sourceId, linkerName);
        await store.dependencies.removeAll(call.input.linkerId);
        await store.operations.update(operationId, { status: "Succeeded", endTime: now });
      } else {
        await store.operations.update(operationId, {
          status: "Succeeded", endTime: now,
          result: { linkerName, isConnectionAvailable: true, sourceId, targetId: BLOB, authType: "systemAssignedIdentity", reportStartTimeUtc: now, reportEndTimeUtc: now, validationDetail: [{ name: "TargetExistence", description: "The target existence is validated", result: "success" }] },
        });
      }
    })();
  }, 20);
}

beforeAll(async () => {
  h = await createHarness("apisdk", { onStart: worker });
  const certs = await ensureCertificates(mkdtempSync(path.join(tmpdir(), "lw-api-certs-")));
  server = createServer({ cert: certs.cert, key: certs.key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        const port = (server.address() as AddressInfo).port;
        requests.push(`${req.method} ${req.url}`);
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers[k] = v;
        const body = Buffer.concat(chunks).toString("utf8");
        const response = await route({ method: req.method!, url: `https://127.0.0.1:${port}${req.url}`, headers, ...(body ? { body } : {}) }, h.deps);
        res.writeHead(response.status, response.headers);
        res.end(response.body === undefined ? undefined : JSON.stringify(response.body));
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const credential = { getToken: async () => ({ token: await h.issuer.token(), expiresOnTimestamp: Date.now() + 3_600_000 }) };
  client = new ServiceLinkerManagementClient(credential, {
    endpoint: `https://127.0.0.1:${port}`,
    credentialScopes: "https://management.azure.com/.default",
    tlsOptions: { ca: certs.ca },
  } as ConstructorParameters<typeof ServiceLinkerManagementClient>[1]);
});

afterAll(async () => {
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  await h?.close();
});

describe("@azure/arm-servicelinker 2.1.0 against the API", () => {
  const resourceUri = WEBAPP.slice(1);

  it("creates, gets, lists, validates, lists configurations and deletes", async () => {
    const created = await client.linker.beginCreateOrUpdateAndWait(resourceUri, "sdkconn", {
      targetService: { type: "AzureResource", id: BLOB },
      authInfo: { authType: "systemAssignedIdentity" },
      clientType: "dotnet",
    }, { updateIntervalInMs: 10 });
    expect(created.provisioningState).toBe("Succeeded");
    expect(created.id).toBe(`${WEBAPP}/providers/Microsoft.ServiceLinker/linkers/sdkconn`);
    expect(requests.some((r) => r.startsWith("GET /subscriptions/") && r.includes("/operationStatuses/"))).toBe(true);

    const got = await client.linker.get(resourceUri, "sdkconn");
    expect(got.targetService).toEqual({ type: "AzureResource", id: BLOB });

    const listed = [];
    for await (const l of client.linker.list(resourceUri)) listed.push(l.name);
    expect(listed).toEqual(["sdkconn"]);

    const validation = await client.linker.beginValidateAndWait(resourceUri, "sdkconn", { updateIntervalInMs: 10 });
    expect(validation).toMatchObject({ status: "Succeeded", linkerName: "sdkconn", isConnectionAvailable: true });
    expect(validation.validationDetail?.[0]?.result).toBe("success");

    await h.store.linkers.update(WEBAPP, "sdkconn", (l) => ({ ...l, state: { configurations: [{ name: "AZURE_STORAGEBLOB_RESOURCEENDPOINT", value: "https://sa1.blob.core.windows.net/", isSecret: false, description: "d" }] } }));
    const configs = await client.linker.listConfigurations(resourceUri, "sdkconn");
    expect(configs.configurations).toEqual([{ name: "AZURE_STORAGEBLOB_RESOURCEENDPOINT", value: "https://sa1.blob.core.windows.net/" }]);

    await client.linker.beginDeleteAndWait(resourceUri, "sdkconn", { updateIntervalInMs: 10 });
    await expect(client.linker.get(resourceUri, "sdkconn")).rejects.toMatchObject({ statusCode: 404, code: "ResourceNotFound" });
  });

  it("pages through list with the SDK (a leading slash in resourceUri yields // and still works)", async () => {
    const source = WEBAPP.replace("app1", "sdkpaged");
    for (const name of ["p1", "p2", "p3"]) {
      await client.linker.beginCreateOrUpdateAndWait(source, name, { targetService: { type: "AzureResource", id: BLOB }, authInfo: { authType: "systemAssignedIdentity" }, clientType: "dotnet" }, { updateIntervalInMs: 10 });
    }
    expect(requests.some((r) => r.startsWith("PUT //subscriptions/"))).toBe(true);
    h.deps.pageSize = 2; // server-side page size: the SDK follows the absolute nextLink verbatim
    try {
      const pages = [];
      for await (const page of client.linker.list(source).byPage()) pages.push(page.map((l) => l.name));
      expect(pages.map((p) => p.length)).toEqual([2, 1]);
      expect(pages.flat().sort()).toEqual(["p1", "p2", "p3"]);
      expect(requests.some((r) => r.includes("%24skipToken=") || r.includes("$skipToken="))).toBe(true);
    } finally {
      h.deps.pageSize = 100;
    }
  });

  it("surfaces ARM errors as RestError with the envelope's code", async () => {
    await expect(client.linker.beginCreateOrUpdateAndWait(resourceUri, "badconn", {
      targetService: { type: "AzureResource", id: BLOB },
      authInfo: { authType: "systemAssignedIdentity" },
      clientType: "cobol" as "dotnet",
    })).rejects.toMatchObject({ statusCode: 400, code: "InvalidRequestContent" });
  });

  it("lists the provider operations", async () => {
    const names = [];
    for await (const op of client.operations.list()) names.push(op.name);
    expect(names).toContain("Microsoft.ServiceLinker/linkers/write");
  });
});
