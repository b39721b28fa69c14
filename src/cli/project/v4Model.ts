// Bindings of the v4 Node.js programming model, read from the source text: `app.storageBlob("name", {…})`,
// `app.generic("name", { trigger: trigger.x({…}) })`, `input.*` / `output.*` / `trigger.*` declarations (inline or
// held in a variable and listed in `extraInputs` / `extraOutputs` / `return`), with the values of their `connection`
// and entity properties (string literals, templates, `const` constants, constant objects, spreads).
import { defaultConnection, readsConnection } from "../bindingKinds.js";
import type { BindingConnection, ScanWarning, SourceLocation } from "../model.js";
import { Declarations, Evaluator, lastEntry, parseSource, type ObjectEntry, type ParsedSource } from "./expressions.js";
import { lineAt, matchingClose, splitTopLevel } from "./sourceText.js";

/** `app.<method>` → the trigger type it registers. */
const APP_TRIGGERS: Record<string, string> = {
  storageBlob: "blobTrigger",
  storageQueue: "queueTrigger",
  serviceBusQueue: "serviceBusTrigger",
  serviceBusTopic: "serviceBusTrigger",
  eventHub: "eventHubTrigger",
  cosmosDB: "cosmosDBTrigger",
  eventGrid: "eventGridTrigger",
  sql: "sqlTrigger",
  mySql: "mysqlTrigger",
  webPubSub: "webPubSubTrigger",
  timer: "timerTrigger",
  http: "httpTrigger",
  get: "httpTrigger",
  put: "httpTrigger",
  post: "httpTrigger",
  patch: "httpTrigger",
  deleteRequest: "httpTrigger",
  warmup: "warmupTrigger",
  mcpTool: "mcpToolTrigger",
  mcpResource: "mcpResourceTrigger",
  mcpPrompt: "mcpPromptTrigger",
  generic: "",
};

const INPUTS: Record<string, string> = {
  storageBlob: "blob",
  table: "table",
  cosmosDB: "cosmosDB",
  sql: "sql",
  mySql: "mysql",
  webPubSubConnection: "webPubSubConnection",
  webPubSubContext: "webPubSubContext",
  generic: "",
};

const OUTPUTS: Record<string, string> = {
  http: "http",
  storageBlob: "blob",
  table: "table",
  storageQueue: "queue",
  serviceBusQueue: "serviceBus",
  serviceBusTopic: "serviceBus",
  eventHub: "eventHub",
  eventGrid: "eventGrid",
  cosmosDB: "cosmosDB",
  sql: "sql",
  mySql: "mysql",
  webPubSub: "webPubSub",
  generic: "",
};

const TRIGGERS: Record<string, string> = { ...APP_TRIGGERS };

/** Options of a registration that are not the trigger's own properties. */
const REGISTRATION_ONLY = new Set(["handler", "extraInputs", "extraOutputs", "return", "trigger"]);

/** Binding properties that say what a binding reads or writes (kept for the loop check and for Cosmos databases). */
const LOCATORS = [
  "path", "blobPath", "queueName", "topicName", "subscriptionName", "eventHubName", "databaseName", "containerName",
  "collectionName", "tableName", "source",
];

interface Call {
  source: ParsedSource;
  namespace: "app" | "input" | "output" | "trigger";
  method: string;
  /** Index of the namespace identifier. */
  at: number;
  open: number;
  close: number;
}

interface BindingDeclaration {
  call: Call;
  type: string;
  direction: "in" | "out" | "inout";
  entries: ObjectEntry[];
  /** The variable the declaration is assigned to, when it is. */
  variable?: string;
}

interface Registration {
  call: Call;
  functionName: string;
  /** The trigger's properties (the options minus handler / extra* / return / trigger); undefined for `generic`. */
  triggerType?: string;
  entries: ObjectEntry[];
}

export interface V4Scan {
  bindings: BindingConnection[];
  warnings: ScanWarning[];
  /** A source imports durable-functions. */
  usesDurable: boolean;
  /** Sources that use the v4 model (import @azure/functions). */
  modelSources: number;
}

/** Scans project sources (`path` relative to the project) for v4-model bindings that read a connection. */
export function scanV4Sources(files: { path: string; text: string }[]): V4Scan {
  const sources = files.map((f) => parseSource(f.path, f.text));
  const evaluator = new Evaluator(new Declarations(sources));
  const modelSources = sources.filter((s) => /["']@azure\/functions["']/.test(s.text) || /["']durable-functions["']/.test(s.text));
  const warnings: ScanWarning[] = [];
  const calls = modelSources.flatMap(findCalls);

  const registrations: Registration[] = [];
  const declarations: BindingDeclaration[] = [];
  for (const call of calls) {
    const args = splitTopLevel(call.source.masked, call.open + 1, call.close, ",");
    if (call.namespace === "app") {
      if (!(call.method in APP_TRIGGERS) || args.length < 2) continue;
      const name = evaluator.string(call.source, args[0]![0], args[0]![1]);
      const functionName = "value" in name ? name.value : `<${name.unreadable}>`;
      if ("unreadable" in name) warnings.push({ at: locate(call), message: `function name ${name.unreadable} could not be read; the function is shown as ${functionName}` });
      const entries = evaluator.object(call.source, args[1]![0], args[1]![1]);
      if (!entries) {
        warnings.push({ at: locate(call), message: `the options of function ${functionName} could not be read (not an object literal or constant)` });
        continue;
      }
      const triggerType = APP_TRIGGERS[call.method] || undefined;
      registrations.push({ call, functionName, entries, ...(triggerType ? { triggerType } : {}) });
    } else {
      const table = call.namespace === "input" ? INPUTS : call.namespace === "output" ? OUTPUTS : TRIGGERS;
      if (!(call.method in table) || args.length < 1) continue;
      const entries = evaluator.object(call.source, args[0]![0], args[0]![1]) ?? [];
      const type = table[call.method] || readEntry(evaluator, entries, "type") || "";
      if (!type) {
        warnings.push({ at: locate(call), message: `${call.namespace}.${call.method}(…) has no readable 'type'` });
        continue;
      }
      const declaredDirection = readEntry(evaluator, entries, "direction");
      const direction = call.namespace === "output" ? "out" : declaredDirection === "out" || declaredDirection === "inout" ? declaredDirection : "in";
      const variable = assignedVariable(call);
      declarations.push({ call, type, direction, entries, ...(variable ? { variable } : {}) });
    }
  }

  const bindings: BindingConnection[] = [];
  const add = (functionName: string, type: string, direction: BindingConnection["direction"], entries: ObjectEntry[], call: Call, bindingName?: string) => {
    const binding = toBindingConnection(evaluator, functionName, type, direction, entries, locate(call), bindingName);
    if (binding) bindings.push(binding);
  };

  for (const r of registrations) {
    if (r.triggerType) add(r.functionName, r.triggerType, "in", r.entries.filter((e) => !REGISTRATION_ONLY.has(e.key)), r.call);
  }
  for (const d of declarations) {
    const owners = ownersOf(d, registrations);
    if (owners.length === 0) {
      if (readsConnection(d.type, !!lastEntry(d.entries, "connection"))) {
        warnings.push({ at: locate(d.call), message: `${d.call.namespace}.${d.call.method}(…) is not attached to any registration the scan found; its connection is listed under function '?'` });
      }
      add("?", d.type, d.direction, d.entries, d.call, d.variable);
    }
    for (const owner of owners) add(owner.functionName, d.type, d.direction, d.entries, d.call, d.variable);
  }
  bindings.sort((a, b) => a.at.file.localeCompare(b.at.file) || a.at.line - b.at.line);
  return {
    bindings,
    warnings,
    usesDurable: sources.some((s) => /["']durable-functions["']/.test(s.text)),
    modelSources: modelSources.length,
  };
}

function findCalls(source: ParsedSource): Call[] {
  const out: Call[] = [];
  const re = /\b(app|input|output|trigger)\s*\.\s*([A-Za-z]+)\s*\(/g;
  for (const m of source.masked.matchAll(re)) {
    // `x.app.storageBlob(` (a namespace import) counts; `myapp.get(` does not (the \b is before "app").
    const open = m.index + m[0].length - 1;
    const close = matchingClose(source.masked, open);
    if (close < 0) continue;
    out.push({ source, namespace: m[1] as Call["namespace"], method: m[2]!, at: m.index, open, close });
  }
  return out;
}

/** `const x = output.storageQueue(…)` → "x". */
function assignedVariable(call: Call): string | undefined {
  const before = call.source.masked.slice(Math.max(0, call.at - 300), call.at);
  const m = /(?:\b(?:const|let|var)\s+|^|[;{}\n]\s*)([A-Za-z_$][\w$]*)\s*(?::[^=;]+)?=\s*$/.exec(before);
  return m?.[1];
}

/** The registrations a binding declaration belongs to: the one it is written inside, else those naming its variable. */
function ownersOf(d: BindingDeclaration, registrations: Registration[]): Registration[] {
  const inside = registrations.find((r) => r.call.source === d.call.source && d.call.at > r.call.open && d.call.at < r.call.close);
  if (inside) return [inside];
  if (!d.variable) return [];
  const word = new RegExp(`(?<![\\w$.])${d.variable.replace(/\$/g, "\\$")}(?![\\w$])`);
  return registrations.filter((r) => word.test(r.call.source.masked.slice(r.call.open + 1, r.call.close)));
}

function readEntry(evaluator: Evaluator, entries: ObjectEntry[], key: string): string | undefined {
  const e = lastEntry(entries, key);
  if (!e) return undefined;
  const v = evaluator.string(e.source, e.start, e.end);
  return "value" in v ? v.value : undefined;
}

function toBindingConnection(
  evaluator: Evaluator,
  functionName: string,
  type: string,
  direction: BindingConnection["direction"],
  entries: ObjectEntry[],
  at: SourceLocation,
  bindingName?: string,
): BindingConnection | undefined {
  const connectionEntry = lastEntry(entries, "connection") ?? lastEntry(entries, "connectionStringSetting");
  if (!readsConnection(type, !!connectionEntry)) return undefined;
  const properties: Record<string, string> = {};
  for (const key of LOCATORS) {
    const v = readEntry(evaluator, entries, key);
    if (v !== undefined) properties[key] = v;
  }
  const declaredName = readEntry(evaluator, entries, "name");
  const name = bindingName ?? declaredName;
  let connection = defaultConnection(type);
  let unreadable: string | undefined;
  if (connectionEntry) {
    const v = evaluator.string(connectionEntry.source, connectionEntry.start, connectionEntry.end);
    if ("value" in v) connection = v.value.trim() || defaultConnection(type);
    else {
      unreadable = v.unreadable;
      connection = "";
    }
  }
  return {
    function: functionName,
    bindingType: type,
    direction,
    ...(name ? { bindingName: name } : {}),
    connection,
    declaredConnection: !!connectionEntry,
    ...(unreadable ? { unreadableConnection: unreadable } : {}),
    properties,
    at,
  };
}

function locate(call: Call): SourceLocation {
  return { file: call.source.path, line: lineAt(call.source.text, call.at), origin: "v4" };
}
