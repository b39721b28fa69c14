import { beforeAll, describe, expect, inject, it } from "vitest";
import { createTableStore } from "../../src/store/tableStore.js";
import { ConcurrencyConflictError, type ConnectionStore } from "../../src/store/types.js";
import { type StoredLinker } from "../../src/model/connection.js";

const PREFIX = "storetest";
const SOURCE = "/subscriptions/sub1/resourceGroups/RG/providers/Microsoft.Web/sites/App#1";
let store: ConnectionStore;

function linker(name: string, overrides: Partial<StoredLinker> = {}): StoredLinker {
  return {
    id: `${SOURCE}/providers/Microsoft.ServiceLinker/linkers/${name}`,
    sourceId: SOURCE,
    name,
    properties: { targetService: { type: "AzureResource", id: "/subscriptions/sub1/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv" }, authInfo: { authType: "systemAssignedIdentity" } },
    provisioningState: "Accepted",
    systemData: { createdBy: "me" },
    secretPaths: [],
    ...overrides,
  };
}

beforeAll(async () => {
  const { connectionString } = inject("azurite");
  store = await createTableStore({ connectionString, tablePrefix: PREFIX, allowInsecureConnection: true });
});

describe("table store (Azurite)", () => {
  it("saves, reads back case-insensitively and keeps the original casing", async () => {
    const saved = await store.linkers.save(linker("Conn1", { state: { warnings: ["x"] } }), { expectedEtag: null });
    expect(saved.etag).toBeTruthy();
    const read = await store.linkers.get(SOURCE.toUpperCase(), "conn1");
    expect(read?.id).toBe(saved.id);
    expect(read?.name).toBe("Conn1");
    expect(read?.state).toEqual({ warnings: ["x"] });
    expect(read?.etag).toBe(saved.etag);
  });

  it("enforces ETags: create-only and replace-if-unchanged", async () => {
    const first = await store.linkers.save(linker("Etag"), { expectedEtag: null });
    await expect(store.linkers.save(linker("Etag"), { expectedEtag: null })).rejects.toBeInstanceOf(ConcurrencyConflictError);
    const second = await store.linkers.save({ ...first, provisioningState: "Succeeded" }, { expectedEtag: first.etag! });
    await expect(store.linkers.save({ ...first, provisioningState: "Failed" }, { expectedEtag: first.etag! })).rejects.toBeInstanceOf(ConcurrencyConflictError);
    expect((await store.linkers.get(SOURCE, "Etag"))?.provisioningState).toBe("Succeeded");
    await expect(store.linkers.delete(SOURCE, "Etag", { expectedEtag: first.etag! })).rejects.toBeInstanceOf(ConcurrencyConflictError);
    expect(await store.linkers.delete(SOURCE, "Etag", { expectedEtag: second.etag! })).toBe(true);
    expect(await store.linkers.delete(SOURCE, "Etag")).toBe(false);
  });

  it("update() retries on concurrent writers and loses no change", async () => {
    await store.linkers.save(linker("Counter", { state: { warnings: [] } }), { expectedEtag: null });
    await Promise.all(Array.from({ length: 5 }, () =>
      store.linkers.update(SOURCE, "Counter", (l) => ({ ...l, state: { warnings: [...(l.state?.warnings ?? []), "x"] } }), 20)));
    expect((await store.linkers.get(SOURCE, "Counter"))?.state).toEqual({ warnings: ["x", "x", "x", "x", "x"] });
  });

  it("pages the linkers of one source with continuation tokens", async () => {
    const source = "/subscriptions/sub1/resourceGroups/rg/providers/Microsoft.Web/sites/paged";
    for (let i = 0; i < 5; i++) await store.linkers.save({ ...linker(`p${i}`), sourceId: source, id: `${source}/providers/Microsoft.ServiceLinker/linkers/p${i}` }, { expectedEtag: null });
    const names: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await store.linkers.list(source, { pageSize: 2, ...(token ? { continuationToken: token } : {}) });
      names.push(...page.items.map((l) => l.name));
      token = page.continuationToken;
      pages++;
    } while (token && pages < 10);
    expect(names.sort()).toEqual(["p0", "p1", "p2", "p3", "p4"]);
    expect(pages).toBe(3);
  });

  it("records operations and merges updates", async () => {
    await store.operations.create({ id: "op-1", kind: "createOrUpdate", resourceId: "/x", subscriptionId: "sub1", location: "global", status: "InProgress", startTime: "2026-01-01T00:00:00.000Z" });
    const done = await store.operations.update("op-1", { status: "Succeeded", endTime: "2026-01-01T00:00:05.000Z" });
    expect(done.status).toBe("Succeeded");
    expect(await store.operations.get("op-1")).toMatchObject({ kind: "createOrUpdate", status: "Succeeded", endTime: "2026-01-01T00:00:05.000Z" });
    expect(await store.operations.get("missing")).toBeUndefined();
  });

  it("indexes dependencies both ways, case-insensitively, and replaces by kind", async () => {
    const a = `${SOURCE}/providers/Microsoft.ServiceLinker/linkers/A`;
    const b = `${SOURCE}/providers/Microsoft.ServiceLinker/linkers/B`;
    const target = "/subscriptions/sub1/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/sa/blobServices/default";
    const ra = "/subscriptions/sub1/providers/Microsoft.Authorization/roleAssignments/0000";
    await store.dependencies.replace(a, ["source", "target"], [{ kind: "source", resourceId: SOURCE }, { kind: "target", resourceId: target }]);
    await store.dependencies.add(a, { kind: "roleAssignment", resourceId: ra });
    await store.dependencies.add(b, { kind: "target", resourceId: target });
    await store.dependencies.add(b, { kind: "principal", resourceId: "oid-123" });
    expect((await store.dependencies.linkersDependingOn(target.toUpperCase())).map((x) => x.linkerId).sort()).toEqual([a, b]);
    expect(await store.dependencies.linkersDependingOn(ra, "roleAssignment")).toEqual([{ linkerId: a, kind: "roleAssignment" }]);
    expect(await store.dependencies.linkersDependingOn("oid-123")).toEqual([{ linkerId: b, kind: "principal" }]);
    const other = "/subscriptions/sub1/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv2";
    await store.dependencies.replace(a, ["source", "target"], [{ kind: "source", resourceId: SOURCE }, { kind: "target", resourceId: other }]);
    expect((await store.dependencies.linkersDependingOn(target)).map((x) => x.linkerId)).toEqual([b]);
    expect((await store.dependencies.dependenciesOf(a)).map((d) => d.kind).sort()).toEqual(["roleAssignment", "source", "target"]);
    await store.dependencies.removeAll(a);
    expect(await store.dependencies.dependenciesOf(a)).toEqual([]);
    expect(await store.dependencies.linkersDependingOn(ra)).toEqual([]);
  });
});
