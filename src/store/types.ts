// Persistence contracts for connections (linkers), their operations and the dependency index.
import type { StepJournal } from "./stepJournal.js";
import type { SystemData } from "../model/linker.js";
import type { StoredLinker, StoredOperation } from "../model/connection.js";

export interface LinkerPage {
  items: StoredLinker[];
  continuationToken?: string;
}

/** Thrown when an ETag precondition fails (stale read, or create of an existing row). */
export class ConcurrencyConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConcurrencyConflictError";
  }
}

export interface LinkerRepository {
  get(sourceId: string, name: string): Promise<StoredLinker | undefined>;
  list(sourceId: string, options: { pageSize: number; continuationToken?: string }): Promise<LinkerPage>;
  /** Every linker of every source (cross-partition), paged; for fleet-wide work such as health revalidation. */
  listAll(options: { pageSize: number; continuationToken?: string }): Promise<LinkerPage>;
  /**
   * Writes the linker. `expectedEtag: null` = create only (fails if present);
   * a string = replace only if unchanged. Throws ConcurrencyConflictError otherwise.
   */
  save(linker: StoredLinker, options: { expectedEtag: string | null }): Promise<StoredLinker>;
  /** Deletes; `expectedEtag` guards against concurrent change. Returns false when absent. */
  delete(sourceId: string, name: string, options?: { expectedEtag?: string }): Promise<boolean>;
  /** Read-modify-write with ETag retry (bounded); `mutate` returns undefined to leave the row unchanged. */
  update(sourceId: string, name: string, mutate: (current: StoredLinker) => StoredLinker | undefined, maxAttempts?: number): Promise<StoredLinker | undefined>;
}

export interface OperationRepository {
  create(operation: StoredOperation): Promise<StoredOperation>;
  get(id: string): Promise<StoredOperation | undefined>;
  /** Merges `changes` into the stored operation (ETag-guarded, retried). */
  update(id: string, changes: Partial<Omit<StoredOperation, "id" | "etag">>): Promise<StoredOperation>;
}

/** What a connection depends on; later work (Event Grid) finds connections by any of these. */
export type DependencyKind =
  | "source"
  | "target"
  | "roleAssignment"
  | "firewallRule"
  | "keyVaultSecret"
  | "userIdentity"
  | "principal"
  | "other";

export interface Dependency {
  kind: DependencyKind;
  /** ARM resource id, or for kind "principal" the principal's object id. */
  resourceId: string;
}

export interface DependencyIndex {
  /** Replaces all dependencies of `kinds` for the linker with `dependencies` (other kinds untouched). */
  replace(linkerId: string, kinds: readonly DependencyKind[], dependencies: readonly Dependency[]): Promise<void>;
  add(linkerId: string, dependency: Dependency): Promise<void>;
  remove(linkerId: string, dependency: Dependency): Promise<void>;
  /** Every dependency recorded for the linker. */
  dependenciesOf(linkerId: string): Promise<Dependency[]>;
  /** Linker ids (original casing) that depend on `resourceId` (case-insensitive), optionally of one kind. */
  linkersDependingOn(resourceId: string, kind?: DependencyKind): Promise<{ linkerId: string; kind: DependencyKind }[]>;
  /** Removes every row of the linker (on delete). */
  removeAll(linkerId: string): Promise<void>;
}

/** A persisted dry run (Microsoft.ServiceLinker/dryruns): the request (secret-free) and what it computed. */
export interface StoredDryrun {
  /** Dryrun id with the casing of the PUT. */
  id: string;
  sourceId: string;
  name: string;
  /** DryrunParameters as the wire shows them: `{actionName, ...LinkerProperties}` with secrets removed. */
  parameters: Record<string, unknown>;
  prerequisiteResults: Record<string, unknown>[];
  operationPreviews: Record<string, unknown>[];
  provisioningState: string;
  systemData: SystemData;
  etag?: string;
}

export interface DryrunPage {
  items: StoredDryrun[];
  continuationToken?: string;
}

export interface DryrunRepository {
  get(sourceId: string, name: string): Promise<StoredDryrun | undefined>;
  list(sourceId: string, options: { pageSize: number; continuationToken?: string }): Promise<DryrunPage>;
  /** Creates or replaces (a dry run is recomputed on every PUT; last writer wins). */
  save(dryrun: StoredDryrun): Promise<StoredDryrun>;
  /** Returns false when absent. */
  delete(sourceId: string, name: string): Promise<boolean>;
}

export interface ConnectionStore {
  linkers: LinkerRepository;
  operations: OperationRepository;
  dependencies: DependencyIndex;
  dryruns: DryrunRepository;
  /** Steps' priors written ahead of their writes, per operation (./stepJournal.ts). */
  journal: StepJournal;
}
