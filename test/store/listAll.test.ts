// LinkerRepository.listAll: every linker of every source, across partitions, paged with a continuation token.
import { beforeAll, describe, expect, inject, it } from "vitest";
import { createTableStore } from "../../src/store/tableStore.js";
import type { ConnectionStore } from "../../src/store/types.js";
import type { StoredLinker } from "../../src/model/connection.js";

const PREFIX = "storelistall";
let store: ConnectionStore;

function linker(sourceId: string, name: string): StoredLinker {
  return {
    id: `${sourceId}/providers/Microsoft.ServiceLinker/linkers/${name}`,
    sourceId, name,
    properties: { targetService: { type: "AzureResource", id: "/subscriptions/sub1/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv" }, authInfo: { authType: "systemAssignedIdentity" } },
    provisioningState: "Succeeded",
    systemData: { createdBy: "me" },
    secretPaths: [],
  };
}

beforeAll(async () => {
  const { connectionString } = inject("azurite");
  store = await createTableStore({ connectionString, tablePrefix: PREFIX, allowInsecureConnection: true });
});

describe("listAll (Azurite)", () => {
  it("is empty on an empty table", async () => {
    const empty = await createTableStore({ connectionString: inject("azurite").connectionString, tablePrefix: `${PREFIX}empty`, allowInsecureConnection: true });
    expect(await empty.linkers.listAll({ pageSize: 10 })).toEqual({ items: [] });
  });

  it("lists the linkers of all sources, page by page, each exactly once", async () => {
    const sources = [1, 2, 3].map((i) => `/subscriptions/sub${i}/resourceGroups/rg/providers/Microsoft.Web/sites/App${i}`);
    const expected: string[] = [];
    for (const s of sources) {
      for (const n of ["a", "B", "c"]) {
        const saved = await store.linkers.save(linker(s, n), { expectedEtag: null });
        expected.push(saved.id);
      }
    }
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await store.linkers.listAll({ pageSize: 4, ...(token ? { continuationToken: token } : {}) });
      expect(page.items.length).toBeLessThanOrEqual(4);
      for (const l of page.items) {
        seen.push(l.id);
        expect(l.etag).toBeTruthy();
        expect(l.properties.authInfo).toEqual({ authType: "systemAssignedIdentity" });
      }
      token = page.continuationToken;
      pages++;
    } while (token && pages < 20);
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual(expected.sort());
  });
});
