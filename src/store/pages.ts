// One page of a table query, as the repositories' list operations return it (the Tables continuation token is the
// API's $skipToken).
import type { TableClient, TableEntityResult } from "@azure/data-tables";

export async function onePage<E extends object, T>(
  client: TableClient, filter: string | undefined, options: { pageSize: number; continuationToken?: string }, map: (entity: TableEntityResult<E>) => T,
): Promise<{ items: T[]; continuationToken?: string }> {
  const pages = client
    .listEntities<E>(filter ? { queryOptions: { filter } } : {})
    .byPage({ maxPageSize: options.pageSize, ...(options.continuationToken ? { continuationToken: options.continuationToken } : {}) });
  const next = await pages.next();
  if (next.done) return { items: [] };
  return { items: next.value.map(map), ...(next.value.continuationToken ? { continuationToken: next.value.continuationToken } : {}) };
}
