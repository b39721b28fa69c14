// Health history per connection in Azure Tables (PartitionKey = encoded linker id, RowKey = inverted time, so a
// partition lists newest first), and the linker's last health (`linker.state.health`) in the connection store.
// Rows hold check names, results and messages — never secret values (the checks never put them there).
import { encodeKey } from "../store/keys.js";
import { splitLinkerId } from "../store/linkerId.js";
import type { TableStoreOptions } from "../store/tableClients.js";
import { tableClientOf } from "../azure/ownStorage.js";
import type { LinkerRepository } from "../store/types.js";
import type { StoredLinker } from "../model/connection.js";
import type { Attribution, CheckResult, ConnectionHealth } from "./types.js";
import type { HealthStatus, LinkerHealth } from "../model/connection.js";

export interface HealthRecord {
  linkerId: string;
  checkedAt: string;
  status: HealthStatus;
  failingChecks: string[];
  validationDetail: CheckResult[];
  attribution: Attribution[];
}

export interface HealthHistory {
  record(entry: HealthRecord): Promise<void>;
  /** Newest first. */
  list(linkerId: string, options?: { top?: number }): Promise<HealthRecord[]>;
  /** Removes a connection's history (on delete). */
  removeAll(linkerId: string): Promise<void>;
}

interface HealthEntity {
  partitionKey: string;
  rowKey: string;
  linkerId: string;
  checkedAt: string;
  status: string;
  failingChecks: string;
  validationDetail: string;
  attribution: string;
}

const MAX_TIME = 9_999_999_999_999;

/** Newest-first row key: inverted milliseconds, then a tiebreaker. */
export function historyRowKey(checkedAt: string, tiebreak = Math.random().toString(36).slice(2, 8)): string {
  const ms = Date.parse(checkedAt);
  if (Number.isNaN(ms)) throw new Error(`invalid checkedAt '${checkedAt}'`);
  return `${String(MAX_TIME - ms).padStart(13, "0")}-${tiebreak}`;
}

export function healthTableName(prefix: string): string {
  if (!/^[A-Za-z][A-Za-z0-9]{0,40}$|^$/.test(prefix)) throw new Error(`invalid table prefix '${prefix}' (letters and digits, starting with a letter)`);
  return `${prefix}linkerhealth`;
}

/** Creates the table if needed. Same options as the connection store (src/store/tableClients.ts). */
export async function createHealthHistory(options: TableStoreOptions): Promise<HealthHistory> {
  const client = tableClientOf(options, healthTableName(options.tablePrefix));
  await client.createTable();
  return {
    async record(entry) {
      const entity: HealthEntity = {
        partitionKey: encodeKey(entry.linkerId),
        rowKey: historyRowKey(entry.checkedAt),
        linkerId: entry.linkerId,
        checkedAt: entry.checkedAt,
        status: entry.status,
        failingChecks: JSON.stringify(entry.failingChecks),
        validationDetail: JSON.stringify(entry.validationDetail),
        attribution: JSON.stringify(entry.attribution),
      };
      await client.createEntity(entity);
    },
    async list(linkerId, { top = 50 } = {}) {
      const out: HealthRecord[] = [];
      const pages = client.listEntities<HealthEntity>({ queryOptions: { filter: `PartitionKey eq '${encodeKey(linkerId)}'` } })
        .byPage({ maxPageSize: Math.min(top, 1000) });
      for await (const page of pages) {
        for (const e of page) {
          out.push({
            linkerId: e.linkerId, checkedAt: e.checkedAt, status: e.status as HealthStatus,
            failingChecks: JSON.parse(e.failingChecks), validationDetail: JSON.parse(e.validationDetail), attribution: JSON.parse(e.attribution),
          });
          if (out.length >= top) return out;
        }
      }
      return out;
    },
    async removeAll(linkerId) {
      for await (const e of client.listEntities<HealthEntity>({ queryOptions: { filter: `PartitionKey eq '${encodeKey(linkerId)}'`, select: ["PartitionKey", "RowKey"] } })) {
        await client.deleteEntity(e.partitionKey, e.rowKey);
      }
    },
  };
}

export function toHealthRecord(health: ConnectionHealth): HealthRecord {
  return {
    linkerId: health.linkerId, checkedAt: health.result.reportEndTimeUtc, status: health.status,
    failingChecks: health.failingChecks, validationDetail: health.result.validationDetail, attribution: health.attribution,
  };
}

export function linkerHealthOf(linker: StoredLinker): LinkerHealth | undefined {
  const h = linker.state?.health;
  return h && typeof h.status === "string" ? h : undefined;
}

/**
 * Writes `state.health` when the check was conclusive (Unknown leaves the last health in place).
 * Returns the previous and the new health, or undefined when the linker no longer exists.
 */
export async function recordLinkerHealth(linkers: LinkerRepository, health: ConnectionHealth)
  : Promise<{ previous?: LinkerHealth; current: LinkerHealth; linker: StoredLinker } | undefined> {
  const parts = splitLinkerId(health.linkerId);
  if (!parts) throw new Error(`not a linker id: ${health.linkerId}`);
  const current: LinkerHealth = { status: health.status, checkedAt: health.result.reportEndTimeUtc, failingChecks: health.failingChecks };
  let previous: LinkerHealth | undefined;
  let seen = false;
  const updated = await linkers.update(parts.sourceId, parts.name, (l) => {
    seen = true;
    previous = linkerHealthOf(l);
    if (health.status === "Unknown") return undefined;
    return { ...l, state: { ...(l.state ?? {}), health: current } };
  });
  if (!seen || !updated) return undefined;
  return { previous, current: health.status === "Unknown" ? previous ?? current : current, linker: updated };
}
