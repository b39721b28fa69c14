// Operations (async operation status records): PartitionKey = operation id, RowKey = "".
import type { TableClient, TableEntityResult } from "@azure/data-tables";
import { encodeKey } from "./keys.js";
import { isConflictOrPrecondition, isNotFound } from "./tableErrors.js";
import type { OperationRepository } from "./types.js";
import type { StoredOperation } from "../model/connection.js";

interface OperationEntity {
  partitionKey: string;
  rowKey: string;
  document: string;
  resourceId: string;
  status: string;
}

const toEntity = (op: StoredOperation): OperationEntity => {
  const { etag: _etag, ...document } = op;
  return { partitionKey: encodeKey(op.id), rowKey: "", document: JSON.stringify(document), resourceId: op.resourceId, status: op.status };
};
const fromEntity = (entity: TableEntityResult<OperationEntity>): StoredOperation => {
  const op = JSON.parse(entity.document) as StoredOperation;
  if (entity.etag) op.etag = entity.etag;
  return op;
};

export function createOperationTable(client: TableClient): OperationRepository {
  const repo: OperationRepository = {
    async create(operation) {
      const response = await client.createEntity(toEntity(operation));
      return response.etag ? { ...operation, etag: response.etag } : { ...operation };
    },
    async get(id) {
      try {
        return fromEntity(await client.getEntity<OperationEntity>(encodeKey(id), ""));
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
    async update(id, changes) {
      for (let attempt = 1; attempt <= 5; attempt++) {
        const current = await repo.get(id);
        if (!current) throw new Error(`operation '${id}' not found`);
        const next: StoredOperation = { ...current, ...changes, id };
        try {
          const response = await client.updateEntity(toEntity(next), "Replace", { etag: current.etag ?? "*" });
          return response.etag ? { ...next, etag: response.etag } : next;
        } catch (error) {
          if (!isConflictOrPrecondition(error) || attempt === 5) throw error;
        }
      }
      throw new Error("unreachable");
    },
  };
  return repo;
}
