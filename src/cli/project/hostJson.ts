// Connections the host itself reads: its storage (`AzureWebJobsStorage`, always), and the Durable Functions storage
// provider named in host.json `extensions.durableTask.storageProvider` (when the app uses Durable Functions).
import { HOST_STORAGE_CONNECTION } from "../bindingKinds.js";
import type { BindingConnection, ScanWarning } from "../model.js";

type Json = Record<string, unknown>;

/** Provider type (lower-cased) → the connections it reads: [setting names that may name it, binding type, default]. */
const DURABLE_PROVIDERS: Record<string, { keys: string[]; bindingType: string; fallback: string }[]> = {
  azurestorage: [{ keys: ["connectionName", "connectionStringName"], bindingType: "durableTaskStorage", fallback: HOST_STORAGE_CONNECTION }],
  netherite: [
    { keys: ["StorageConnectionName"], bindingType: "durableTaskStorage", fallback: HOST_STORAGE_CONNECTION },
    { keys: ["EventHubsConnectionName"], bindingType: "durableTaskEventHubs", fallback: "EventHubsConnection" },
  ],
  mssql: [{ keys: ["connectionStringName"], bindingType: "durableTaskSql", fallback: "SQLDB_Connection" }],
  azuremanaged: [{ keys: ["connectionStringName"], bindingType: "durableTaskScheduler", fallback: "DURABLE_TASK_SCHEDULER_CONNECTION_STRING" }],
};

/**
 * `text` is host.json (undefined when the project has none); `usesDurable` says whether the code uses Durable
 * Functions even without a durableTask section.
 */
export function scanHostJson(text: string | undefined, usesDurable: boolean): { bindings: BindingConnection[]; warnings: ScanWarning[] } {
  const at = (line: number) => ({ file: "host.json", line, origin: "host.json" as const });
  const host = (connection: string, bindingType: string, line: number, declared: boolean): BindingConnection => ({
    function: "(host)", bindingType, direction: "inout", connection, declaredConnection: declared, properties: {}, at: at(line),
  });
  const bindings = [host(HOST_STORAGE_CONNECTION, "hostStorage", 1, false)];
  const warnings: ScanWarning[] = [];
  let parsed: Json = {};
  if (text !== undefined) {
    try {
      parsed = JSON.parse(text.replace(/^\uFEFF/, "")) as Json;
    } catch (e) {
      warnings.push({ at: at(1), message: `host.json is not valid JSON (${(e as Error).message}); its extension settings were not read` });
    }
  }
  const durable = get(get(parsed, "extensions"), "durableTask");
  if (!durable && !usesDurable) return { bindings, warnings };
  const provider = get(durable, "storageProvider");
  const type = (str(get(provider, "type")) ?? "AzureStorage").toLowerCase();
  const reads = DURABLE_PROVIDERS[type];
  if (!reads) {
    warnings.push({ at: at(lineOf(text, "storageProvider")), message: `unknown Durable Functions storage provider '${type}'` });
    return { bindings, warnings };
  }
  for (const r of reads) {
    let named: string | undefined;
    let key: string | undefined;
    for (const k of r.keys) {
      named = str(get(provider, k));
      if (named) { key = k; break; }
    }
    // Durable Functions 1.x spelled it directly under durableTask.
    if (!named && type === "azurestorage") {
      named = str(get(durable, "azureStorageConnectionStringName"));
      if (named) key = "azureStorageConnectionStringName";
    }
    bindings.push(host(named?.trim() || r.fallback, r.bindingType, key ? lineOf(text, key) : lineOf(text, "durableTask"), !!named));
  }
  return { bindings, warnings };
}

function get(o: unknown, key: string): Json | string | undefined {
  if (typeof o !== "object" || o === null) return undefined;
  const lower = key.toLowerCase();
  for (const [k, v] of Object.entries(o as Json)) if (k.toLowerCase() === lower) return v as Json | string;
  return undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

function lineOf(text: string | undefined, key: string): number {
  if (!text) return 1;
  const i = text.toLowerCase().indexOf(`"${key.toLowerCase()}"`);
  return i < 0 ? 1 : text.slice(0, i).split("\n").length;
}
