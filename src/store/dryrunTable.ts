// Dry runs in Azure Tables: PartitionKey = encoded source id, RowKey = encoded dry-run name.
// JSON-valued fields are stored as strings; original casing is kept in `id`, `sourceId`, `name`.
import { onePage } from "./pages.js";
import type { TableClient, TableEntityResult } from "@azure/data-tables";
import { encodeKey } from "./keys.js";
import { isNotFound } from "./tableErrors.js";
import type { DryrunRepository, StoredDryrun } from "./types.js";

interface DryrunEntity {
  partitionKey: string;
  rowKey: string;
  id: string;
  sourceId: string;
  name: string;
  parameters: string;
  prerequisiteResults: string;
  operationPreviews: string;
  provisioningState: string;
  systemData: string;
}

function toEntity(d: StoredDryrun): DryrunEntity {
  return {
    partitionKey: encodeKey(d.sourceId),
    rowKey: encodeKey(d.name),
    id: d.id,
    sourceId: d.sourceId,
    name: d.name,
    parameters: JSON.stringify(d.parameters),
    prerequisiteResults: JSON.stringify(d.prerequisiteResults),
    operationPreviews: JSON.stringify(d.operationPreviews),
    provisioningState: d.provisioningState,
    systemData: JSON.stringify(d.systemData),
  };
}

function fromEntity(e: TableEntityResult<DryrunEntity>): StoredDryrun {
  return {
    id: e.id,
    sourceId: e.sourceId,
    name: e.name,
    parameters: JSON.parse(e.parameters),
    prerequisiteResults: JSON.parse(e.prerequisiteResults),
    operationPreviews: JSON.parse(e.operationPreviews),
    provisioningState: e.provisioningState,
    systemData: JSON.parse(e.systemData),
    ...(e.etag ? { etag: e.etag } : {}),
  };
}

export function createDryrunTable(client: TableClient): DryrunRepository {
  return {
    async get(sourceId, name) {
      try {
        return fromEntity(await client.getEntity<DryrunEntity>(encodeKey(sourceId), encodeKey(name)));
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },

    async list(sourceId, options) {
      return onePage<DryrunEntity, ReturnType<typeof fromEntity>>(client, `PartitionKey eq '${encodeKey(sourceId)}'`, options, (e) => fromEntity(e));
    },

    async save(dryrun) {
      const response = await client.upsertEntity(toEntity(dryrun), "Replace");
      return { ...dryrun, ...(response.etag ? { etag: response.etag } : {}) };
    },

    async delete(sourceId, name) {
      try {
        await client.deleteEntity(encodeKey(sourceId), encodeKey(name));
        return true;
      } catch (error) {
        if (isNotFound(error)) return false;
        throw error;
      }
    },
  };
}
