// Linkers in Azure Tables: PartitionKey = encoded source id, RowKey = encoded linker name.
// JSON-valued fields are stored as strings; original casing is kept in `id`, `sourceId`, `name`.
import { onePage } from "./pages.js";
import type { TableClient, TableEntityResult } from "@azure/data-tables";
import { encodeKey } from "./keys.js";
import { isConflictOrPrecondition, isNotFound } from "./tableErrors.js";
import { ConcurrencyConflictError, type LinkerRepository } from "./types.js";
import { type StoredLinker } from "../model/connection.js";

interface LinkerEntity {
  partitionKey: string;
  rowKey: string;
  id: string;
  sourceId: string;
  name: string;
  properties: string;
  provisioningState: string;
  systemData: string;
  secretPaths: string;
  secretReference?: string;
  lastOperationId?: string;
  lastError?: string;
  state?: string;
  authorization?: string;
}

function toEntity(linker: StoredLinker): LinkerEntity {
  const entity: LinkerEntity = {
    partitionKey: encodeKey(linker.sourceId),
    rowKey: encodeKey(linker.name),
    id: linker.id,
    sourceId: linker.sourceId,
    name: linker.name,
    properties: JSON.stringify(linker.properties),
    provisioningState: linker.provisioningState,
    systemData: JSON.stringify(linker.systemData),
    secretPaths: JSON.stringify(linker.secretPaths),
  };
  if (linker.secretReference !== undefined) entity.secretReference = linker.secretReference;
  if (linker.lastOperationId !== undefined) entity.lastOperationId = linker.lastOperationId;
  if (linker.lastError !== undefined) entity.lastError = JSON.stringify(linker.lastError);
  if (linker.state !== undefined) entity.state = JSON.stringify(linker.state);
  if (linker.authorization !== undefined) entity.authorization = JSON.stringify(linker.authorization);
  return entity;
}

function fromEntity(entity: TableEntityResult<LinkerEntity>): StoredLinker {
  const linker: StoredLinker = {
    id: entity.id,
    sourceId: entity.sourceId,
    name: entity.name,
    properties: JSON.parse(entity.properties),
    provisioningState: entity.provisioningState,
    systemData: JSON.parse(entity.systemData),
    secretPaths: JSON.parse(entity.secretPaths ?? "[]"),
  };
  if (entity.secretReference) linker.secretReference = entity.secretReference;
  if (entity.lastOperationId) linker.lastOperationId = entity.lastOperationId;
  if (entity.lastError) linker.lastError = JSON.parse(entity.lastError);
  if (entity.state) linker.state = JSON.parse(entity.state);
  if (entity.authorization) linker.authorization = JSON.parse(entity.authorization);
  if (entity.etag) linker.etag = entity.etag;
  return linker;
}

export function createLinkerTable(client: TableClient): LinkerRepository {
  const repo: LinkerRepository = {
    async get(sourceId, name) {
      try {
        return fromEntity(await client.getEntity<LinkerEntity>(encodeKey(sourceId), encodeKey(name)));
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },

    async list(sourceId, options) {
      return onePage<LinkerEntity, ReturnType<typeof fromEntity>>(client, `PartitionKey eq '${encodeKey(sourceId)}'`, options, (e) => fromEntity(e));
    },

    async listAll(options) {
      return onePage<LinkerEntity, ReturnType<typeof fromEntity>>(client, undefined, options, (e) => fromEntity(e));
    },

    async save(linker, { expectedEtag }) {
      const entity = toEntity(linker);
      try {
        const response = expectedEtag === null
          ? await client.createEntity(entity)
          : await client.updateEntity(entity, "Replace", { etag: expectedEtag });
        const saved: StoredLinker = { ...linker };
        if (response.etag) saved.etag = response.etag;
        return saved;
      } catch (error) {
        if (isConflictOrPrecondition(error) || (expectedEtag !== null && isNotFound(error))) {
          throw new ConcurrencyConflictError(`linker '${linker.id}' changed concurrently`);
        }
        throw error;
      }
    },

    async delete(sourceId, name, options) {
      try {
        await client.deleteEntity(encodeKey(sourceId), encodeKey(name), options?.expectedEtag ? { etag: options.expectedEtag } : {});
        return true;
      } catch (error) {
        if (isNotFound(error)) return false;
        if (isConflictOrPrecondition(error)) throw new ConcurrencyConflictError(`linker '${name}' changed concurrently`);
        throw error;
      }
    },

    async update(sourceId, name, mutate, maxAttempts = 5) {
      for (let attempt = 1; attempt <= maxAttempts; attempt++) {
        const current = await repo.get(sourceId, name);
        if (!current) return undefined;
        const next = mutate(current);
        if (!next) return current;
        try {
          return await repo.save(next, { expectedEtag: current.etag ?? "*" });
        } catch (error) {
          if (!(error instanceof ConcurrencyConflictError) || attempt === maxAttempts) throw error;
        }
      }
      throw new Error("unreachable");
    },
  };
  return repo;
}
