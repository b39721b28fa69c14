/**
 * Loop findings in Azure Tables (the app's storage, same options as the connection store):
 * - `{prefix}loopfindings`: the findings already posted to the queue (PartitionKey "reported", RowKey = finding id),
 *   so a run posts only new ones; a row is claimed by insert, so two concurrent scans cannot both post.
 * - `{prefix}loophealth`: one record per function app (PartitionKey = encoded app id, RowKey "loops") with the app's
 *   current findings, which `GET …/loopFindings` serves.
 */

import { encodeKey } from "../store/keys.js";
import type { TableStoreOptions } from "../store/tableClients.js";
import { tableClientOf } from "../azure/ownStorage.js";
import type { LoopFinding } from "./model.js";

export type LoopHealthStatus = "Healthy" | "Unhealthy";

export interface LoopHealthRecord {
  appId: string;
  checkedAt: string;
  /** Unhealthy when the app takes part in at least one active finding. */
  status: LoopHealthStatus;
  findings: LoopFinding[];
  /** Findings the allow-list silenced (ids only). */
  suppressedIds: string[];
  /** Total findings; more than `findings.length` only when the record had to be truncated. */
  findingCount: number;
  truncated: boolean;
}

export interface ReportedFinding {
  id: string;
  appIds: string[];
  reportedAt: string;
}

export interface LoopFindingsStore {
  /** Marks the finding as reported; false when it already was (by this run or a concurrent one). */
  claim(finding: LoopFinding, at: string): Promise<boolean>;
  /** Forgets a reported finding (it was resolved, or posting it failed). */
  release(id: string): Promise<void>;
  reported(): Promise<ReportedFinding[]>;
  getHealth(appId: string): Promise<LoopHealthRecord | undefined>;
  putHealth(record: LoopHealthRecord): Promise<void>;
  deleteHealth(appId: string): Promise<void>;
}

export function loopTableNames(prefix: string): { reported: string; health: string } {
  if (!/^[A-Za-z][A-Za-z0-9]{0,40}$|^$/.test(prefix)) throw new Error(`invalid table prefix '${prefix}' (letters and digits, starting with a letter)`);
  return { reported: `${prefix}loopfindings`, health: `${prefix}loophealth` };
}

const REPORTED = "reported";
const HEALTH_ROW = "loops";
/** Table string properties hold 64 KiB (32K UTF-16 units); entities 1 MiB. */
const CHUNK = 30_000;
const MAX_CHUNKS = 28;

function isStatus(error: unknown, status: number): boolean {
  return error instanceof Error && error.name === "RestError" && (error as { statusCode?: number }).statusCode === status;
}

/** Serialises findings into chunk properties, dropping trailing findings if they do not fit. */
export function chunkFindings(findings: LoopFinding[]): { chunks: string[]; kept: number } {
  for (let kept = findings.length; kept >= 0; kept--) {
    const text = JSON.stringify(findings.slice(0, kept));
    if (text.length <= CHUNK * MAX_CHUNKS) {
      const chunks: string[] = [];
      for (let i = 0; i < text.length; i += CHUNK) chunks.push(text.slice(i, i + CHUNK));
      return { chunks: chunks.length > 0 ? chunks : ["[]"], kept };
    }
  }
  throw new Error("unreachable: an empty list always fits");
}

export async function createLoopFindingsStore(options: TableStoreOptions): Promise<LoopFindingsStore> {
  const names = loopTableNames(options.tablePrefix);
  const make = (name: string) => tableClientOf(options, name);
  const reported = make(names.reported);
  const health = make(names.health);
  await Promise.all([reported.createTable(), health.createTable()]);
  return {
    async claim(finding, at) {
      try {
        await reported.createEntity({
          partitionKey: REPORTED, rowKey: finding.id, severity: finding.severity, reportedAt: at,
          appIds: JSON.stringify([...new Set(finding.members.map((m) => m.appId))]),
        });
        return true;
      } catch (error) {
        if (isStatus(error, 409)) return false;
        throw error;
      }
    },
    async release(id) {
      try {
        await reported.deleteEntity(REPORTED, id);
      } catch (error) {
        if (!isStatus(error, 404)) throw error;
      }
    },
    async reported() {
      const out: ReportedFinding[] = [];
      const rows = reported.listEntities<{ rowKey: string; appIds: string; reportedAt: string }>({ queryOptions: { filter: `PartitionKey eq '${REPORTED}'` } });
      for await (const row of rows) out.push({ id: row.rowKey, appIds: JSON.parse(row.appIds) as string[], reportedAt: row.reportedAt });
      return out;
    },
    async getHealth(appId) {
      let row: Record<string, unknown>;
      try {
        row = await health.getEntity(encodeKey(appId), HEALTH_ROW);
      } catch (error) {
        if (isStatus(error, 404)) return undefined;
        throw error;
      }
      const count = Number(row["chunks"]);
      let text = "";
      for (let i = 0; i < count; i++) text += String(row[`findings${i}`] ?? "");
      return {
        appId: String(row["appId"]),
        checkedAt: String(row["checkedAt"]),
        status: row["status"] as LoopHealthStatus,
        findings: JSON.parse(text) as LoopFinding[],
        suppressedIds: JSON.parse(String(row["suppressedIds"])) as string[],
        findingCount: Number(row["findingCount"]),
        truncated: row["truncated"] === true,
      };
    },
    async putHealth(record) {
      const { chunks, kept } = chunkFindings(record.findings);
      const entity: Record<string, unknown> = {
        partitionKey: encodeKey(record.appId), rowKey: HEALTH_ROW,
        appId: record.appId, checkedAt: record.checkedAt, status: record.status,
        suppressedIds: JSON.stringify(record.suppressedIds), findingCount: record.findingCount,
        truncated: record.truncated || kept < record.findings.length, chunks: chunks.length,
      };
      chunks.forEach((chunk, i) => { entity[`findings${i}`] = chunk; });
      await health.upsertEntity(entity as { partitionKey: string; rowKey: string }, "Replace");
    },
    async deleteHealth(appId) {
      try {
        await health.deleteEntity(encodeKey(appId), HEALTH_ROW);
      } catch (error) {
        if (!isStatus(error, 404)) throw error;
      }
    },
  };
}
