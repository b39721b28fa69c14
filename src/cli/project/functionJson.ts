// Bindings of the function.json programming models (JavaScript v3, Python v1, PowerShell, Java and C# script, custom
// handlers): `<project>/<FunctionName>/function.json`, `bindings[]` with `type`, `direction` and `connection`.
import { defaultConnection, readsConnection } from "../bindingKinds.js";
import type { BindingConnection, ScanWarning } from "../model.js";

const LOCATORS = [
  "path", "blobPath", "queueName", "topicName", "subscriptionName", "eventHubName", "databaseName", "containerName",
  "collectionName", "tableName", "source",
];

/** The bindings of one function.json (`path` relative to the project; the function is its folder's name). */
export function scanFunctionJson(path: string, text: string): { bindings: BindingConnection[]; warnings: ScanWarning[] } {
  const functionName = path.split("/").slice(-2, -1)[0] ?? path;
  const at = (line: number) => ({ file: path, line, origin: "function.json" as const });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (e) {
    return { bindings: [], warnings: [{ at: at(1), message: `not valid JSON: ${(e as Error).message}` }] };
  }
  const list = (parsed as { bindings?: unknown })?.bindings;
  if (!Array.isArray(list)) return { bindings: [], warnings: [{ at: at(1), message: "no 'bindings' array" }] };
  const bindings: BindingConnection[] = [];
  list.forEach((raw, index) => {
    if (typeof raw !== "object" || raw === null) return;
    const b = caseInsensitive(raw as Record<string, unknown>);
    const type = b("type");
    if (!type) return;
    const declared = b("connection") ?? b("connectionStringSetting");
    if (!readsConnection(type, declared !== undefined)) return;
    const properties: Record<string, string> = {};
    for (const key of LOCATORS) {
      const v = b(key);
      if (v !== undefined) properties[key] = v;
    }
    const direction = (b("direction") ?? "in").toLowerCase();
    const name = b("name");
    bindings.push({
      function: functionName,
      bindingType: type,
      direction: direction === "out" || direction === "inout" ? direction : "in",
      ...(name ? { bindingName: name } : {}),
      connection: declared?.trim() || defaultConnection(type),
      declaredConnection: declared !== undefined,
      properties,
      at: at(lineOfBinding(text, index)),
    });
  });
  return { bindings, warnings: [] };
}

/** String fields by name, whatever the producer's casing (`queueName`, `QueueName`). */
function caseInsensitive(o: Record<string, unknown>): (name: string) => string | undefined {
  return (name) => {
    const lower = name.toLowerCase();
    for (const [k, v] of Object.entries(o)) if (k.toLowerCase() === lower && typeof v === "string") return v;
    return undefined;
  };
}

/** Line of the index-th object in the bindings array (best effort: the index-th `"type"` key). */
function lineOfBinding(text: string, index: number): number {
  const matches = [...text.matchAll(/"type"\s*:/gi)];
  const m = matches[index];
  return m ? text.slice(0, m.index).split("\n").length : 1;
}
