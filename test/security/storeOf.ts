// linkwright's own record of a linker, read from its tables on the test's Azurite (audit fields).
import { createTableStore } from "../../src/store/tableStore.js";
import type { StoredLinker } from "../../src/model/connection.js";
import type { SecuritySandbox } from "./support.js";

export async function linkerRecord(s: SecuritySandbox, sourceId: string, name: string): Promise<StoredLinker | undefined> {
  const store = await createTableStore({ connectionString: s.lw.azurite.connectionString, tablePrefix: "", allowInsecureConnection: true });
  return store.linkers.get(sourceId, name);
}
