// One page of a table query, as the repositories' list operations return it (the Tables continuation token is the
// API's $skipToken).
import type { TableClient, TableEntityResult } from "@azure/data-tables";
import type { StoredLinker } from "../model/connection.js";
import type { LinkerRepository } from "./types.js";

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

/** Every linker of one source (or, without a source, of the whole store), a page at a time — the one iterator for
 *  "all connections of …" (the saga's reference counts, the loop scan's writers, the health timer). */
export async function* linkerPages(linkers: LinkerRepository, sourceId: string | undefined,
  options: { pageSize?: number; /** fail past this many pages (a runaway source) */ maxPages?: number } = {}): AsyncGenerator<StoredLinker[]> {
  const pageSize = options.pageSize ?? 100;
  let continuationToken: string | undefined;
  let pages = 0;
  do {
    if (options.maxPages !== undefined && pages++ >= options.maxPages) throw new Error(`more than ${options.maxPages} pages of linkers on ${sourceId ?? "the store"}`);
    const query = { pageSize, ...(continuationToken ? { continuationToken } : {}) };
    const page = sourceId === undefined ? await linkers.listAll(query) : await linkers.list(sourceId, query);
    yield page.items;
    continuationToken = page.continuationToken;
  } while (continuationToken);
}

/** Every linker of one source. */
export async function linkersOf(linkers: LinkerRepository, sourceId: string, options: { maxPages?: number } = {}): Promise<StoredLinker[]> {
  const all: StoredLinker[] = [];
  for await (const page of linkerPages(linkers, sourceId, options)) all.push(...page);
  return all;
}
