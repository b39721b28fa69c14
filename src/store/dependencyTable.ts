// Dependency index, two rows per (linker, dependency) so both directions are one partition scan:
//   PartitionKey "d|" + enc(dependency), RowKey enc(linker) + "|" + kind   -> who depends on X
//   PartitionKey "l|" + enc(linker),     RowKey kind + "|" + enc(dependency) -> what X depends on
// "|" is a legal key character and never produced by encodeKey.
import type { TableClient } from "@azure/data-tables";
import { encodeKey } from "./keys.js";
import { isNotFound } from "./tableErrors.js";
import type { Dependency, DependencyIndex, DependencyKind } from "./types.js";

interface DependencyEntity {
  partitionKey: string;
  rowKey: string;
  linkerId: string;
  resourceId: string;
  kind: string;
}

const byDependency = (linkerId: string, d: Dependency): DependencyEntity => ({
  partitionKey: `d|${encodeKey(d.resourceId)}`, rowKey: `${encodeKey(linkerId)}|${d.kind}`, linkerId, resourceId: d.resourceId, kind: d.kind,
});
const byLinker = (linkerId: string, d: Dependency): DependencyEntity => ({
  partitionKey: `l|${encodeKey(linkerId)}`, rowKey: `${d.kind}|${encodeKey(d.resourceId)}`, linkerId, resourceId: d.resourceId, kind: d.kind,
});

async function deleteIfPresent(client: TableClient, pk: string, rk: string): Promise<void> {
  try {
    await client.deleteEntity(pk, rk);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

async function listPartition(client: TableClient, partitionKey: string): Promise<DependencyEntity[]> {
  const rows: DependencyEntity[] = [];
  for await (const row of client.listEntities<DependencyEntity>({ queryOptions: { filter: `PartitionKey eq '${partitionKey}'` } })) {
    rows.push(row);
  }
  return rows;
}

export function createDependencyTable(client: TableClient): DependencyIndex {
  const index: DependencyIndex = {
    async add(linkerId, dependency) {
      // The reverse row first: a crash in between leaves a findable dependency, never a dangling one.
      await client.upsertEntity(byDependency(linkerId, dependency), "Replace");
      await client.upsertEntity(byLinker(linkerId, dependency), "Replace");
    },
    async remove(linkerId, dependency) {
      const a = byLinker(linkerId, dependency);
      const b = byDependency(linkerId, dependency);
      await deleteIfPresent(client, a.partitionKey, a.rowKey);
      await deleteIfPresent(client, b.partitionKey, b.rowKey);
    },
    async dependenciesOf(linkerId) {
      const rows = await listPartition(client, `l|${encodeKey(linkerId)}`);
      return rows.map((r) => ({ kind: r.kind as DependencyKind, resourceId: r.resourceId }));
    },
    async linkersDependingOn(resourceId, kind) {
      const rows = await listPartition(client, `d|${encodeKey(resourceId)}`);
      return rows
        .filter((r) => kind === undefined || r.kind === kind)
        .map((r) => ({ linkerId: r.linkerId, kind: r.kind as DependencyKind }));
    },
    async replace(linkerId, kinds, dependencies) {
      const wanted = new Set(dependencies.map((d) => byLinker(linkerId, d).rowKey));
      const existing = (await index.dependenciesOf(linkerId)).filter((d) => kinds.includes(d.kind));
      for (const d of existing) if (!wanted.has(byLinker(linkerId, d).rowKey)) await index.remove(linkerId, d);
      for (const d of dependencies) await index.add(linkerId, d);
    },
    async removeAll(linkerId) {
      for (const d of await index.dependenciesOf(linkerId)) await index.remove(linkerId, d);
    },
  };
  return index;
}
