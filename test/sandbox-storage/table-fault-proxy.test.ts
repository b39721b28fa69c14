// The table fault proxy in front of Azurite (sandbox/storage-faults.ts): requests pass through unchanged (Shared Key
// still verifies), a status fault answers the Table service's error before Azurite sees the request, a lost answer
// lets Azurite apply the write and drops the client's socket.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it, inject } from "vitest";
import { TableClient } from "@azure/data-tables";
import { startTableFaultProxy, type TableFaultProxy } from "../../sandbox/storage-faults.js";
import { ensureCertificates } from "../../sandbox/arm/core/certs.js";
import { DEV_ACCOUNT, DEV_KEY } from "../../sandbox/azurite.js";

let proxy: TableFaultProxy;
let table: TableClient;
let direct: TableClient;
const name = `proxied${Date.now()}`;

beforeAll(async () => {
  const certs = await ensureCertificates(inject("armCerts").certDir);
  proxy = await startTableFaultProxy({
    tableEndpoint: inject("azurite").tableEndpoint, accountName: DEV_ACCOUNT, accountKey: DEV_KEY,
    tls: { key: readFileSync(certs.keyFile, "utf8"), cert: readFileSync(certs.certFile, "utf8"), ca: certs.ca },
  });
  table = TableClient.fromConnectionString(proxy.connectionString, name, { retryOptions: { maxRetries: 2, retryDelayInMs: 10 } });
  direct = TableClient.fromConnectionString(inject("azurite").connectionString, name);
  await table.createTable();
});
afterAll(async () => { await proxy?.close(); });

describe("table fault proxy", () => {
  it("passes requests through, faults the matching ones before or after Azurite applied them", async () => {
    await table.upsertEntity({ partitionKey: "p", rowKey: "a", v: 1 });
    expect((await direct.getEntity("p", "a")).v).toBe(1);

    const refused = proxy.addFault({ method: "PATCH", path: `^/${DEV_ACCOUNT}/${name}\\(`, status: 400, code: "InvalidInput", times: 1 });
    await expect(table.upsertEntity({ partitionKey: "p", rowKey: "a", v: 2 })).rejects.toMatchObject({ statusCode: 400 });
    expect((await direct.getEntity("p", "a")).v).toBe(1);
    expect(proxy.rules().find((r) => r.id === refused.id)?.hits).toBe(1);

    proxy.addFault({ method: "PATCH", path: `^/${DEV_ACCOUNT}/${name}\\(`, status: 503, retryAfter: 0, times: 2 });
    await table.upsertEntity({ partitionKey: "p", rowKey: "a", v: 3 });
    expect((await direct.getEntity("p", "a")).v).toBe(3);

    // A rule with a body matches only requests whose body does.
    proxy.addFault({ method: "PATCH", path: `^/${DEV_ACCOUNT}/${name}\\(`, body: '"v":5', status: 400, times: -1 });
    await table.upsertEntity({ partitionKey: "p", rowKey: "a", v: 4 });
    await expect(table.upsertEntity({ partitionKey: "p", rowKey: "a", v: 5 })).rejects.toMatchObject({ statusCode: 400 });
    expect((await direct.getEntity("p", "a")).v).toBe(4);
    proxy.clearRules();

    // Lost: Azurite inserted it; the retried insert finds it there.
    proxy.addFault({ method: "POST", path: `^/${DEV_ACCOUNT}/${name}$`, mode: "lost" });
    await expect(table.createEntity({ partitionKey: "p", rowKey: "b", v: 1 })).rejects.toMatchObject({ statusCode: 409 });
    expect((await direct.getEntity("p", "b")).v).toBe(1);
    proxy.clearRules();
  });
});
