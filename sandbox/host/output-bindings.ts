// Writes a function's output bindings (the `outputData` the library returns) to storage:
// queue (messages, base64 per host.json), blob (one blob per output) and table (entity or array of entities).
import type { RpcParameterBinding, RpcTypedData, Registration } from "./core-types.js";
import { bindingType, outputBindings } from "./catalog.js";
import { resolveBindingExpression } from "./binding-expressions.js";
import type { StorageClients } from "./storage-connection.js";

export interface OutputWriterOptions {
  clients: StorageClients;
  /** `extensions.queues.messageEncoding`: "base64" (default) or "none". */
  queueMessageEncoding: "base64" | "none";
  /** Called after messages land on a queue, so a local listener can poll at once (Azure's SharedQueueWatcher). */
  onQueueWrite?: (queueName: string) => void;
  now: () => Date;
}

/** Output types this host writes itself; http is returned to the HTTP front door; durable outputs do not exist. */
const HANDLED_ELSEWHERE = new Set(["http"]);
const SUPPORTED = new Set(["queue", "blob", "table"]);

/** Decodes RpcTypedData into a JS value for a storage write (strings stay raw strings). */
export function rpcDataToValue(data: RpcTypedData | null | undefined): unknown {
  if (!data) return undefined;
  if (data.string !== undefined && data.string !== null) return data.string;
  if (data.json !== undefined && data.json !== null) return JSON.parse(data.json);
  if (data.bytes) return Buffer.from(data.bytes);
  if (data.int !== undefined && data.int !== null) return data.int;
  if (data.double !== undefined && data.double !== null) return data.double;
  return undefined;
}

export function unsupportedOutputTypes(reg: Registration): string[] {
  return outputBindings(reg)
    .map((b) => bindingType(b.binding))
    .filter((t) => !HANDLED_ELSEWHERE.has(t) && !SUPPORTED.has(t));
}

export function encodeQueueMessage(text: string, encoding: "base64" | "none"): string {
  return encoding === "base64" ? Buffer.from(text, "utf8").toString("base64") : text;
}

function messageText(value: unknown): string {
  if (typeof value === "string") return value;
  if (Buffer.isBuffer(value)) return value.toString("utf8");
  return JSON.stringify(value);
}

export function createOutputWriter(options: OutputWriterOptions) {
  const { clients } = options;

  async function writeQueue(binding: Record<string, unknown>, value: unknown, bindingData: Record<string, unknown>): Promise<void> {
    const queueName = resolveBindingExpression(String(binding["queueName"] ?? ""), bindingData, options.now()).toLowerCase();
    if (!queueName) throw new Error("Queue output binding has no queueName");
    const queue = clients.queueService(binding["connection"]).getQueueClient(queueName);
    await queue.createIfNotExists();
    const messages = Array.isArray(value) ? value : [value];
    for (const message of messages) {
      await queue.sendMessage(encodeQueueMessage(messageText(message), options.queueMessageEncoding));
    }
    options.onQueueWrite?.(queueName);
  }

  async function writeBlob(binding: Record<string, unknown>, value: unknown, bindingData: Record<string, unknown>): Promise<void> {
    const fullPath = resolveBindingExpression(String(binding["path"] ?? ""), bindingData, options.now());
    const slash = fullPath.indexOf("/");
    if (slash <= 0 || slash === fullPath.length - 1) throw new Error(`Blob output path "${fullPath}" must be "container/blob"`);
    const container = clients.blobService(binding["connection"]).getContainerClient(fullPath.slice(0, slash));
    await container.createIfNotExists();
    const body = Buffer.isBuffer(value) ? value : Buffer.from(typeof value === "string" ? value : JSON.stringify(value), "utf8");
    await container.getBlockBlobClient(fullPath.slice(slash + 1)).upload(body, body.length);
  }

  async function writeTable(binding: Record<string, unknown>, value: unknown, bindingData: Record<string, unknown>): Promise<void> {
    const tableName = resolveBindingExpression(String(binding["tableName"] ?? ""), bindingData, options.now());
    const table = clients.table(binding["connection"], tableName);
    await table.createTable();
    const entities = Array.isArray(value) ? value : [value];
    for (const raw of entities) {
      if (!raw || typeof raw !== "object") throw new Error(`Table output "${tableName}" needs an object entity`);
      const entity = { ...(raw as Record<string, unknown>) };
      const pk = entity["PartitionKey"] ?? entity["partitionKey"] ?? optional(binding["partitionKey"], bindingData, options.now());
      const rk = entity["RowKey"] ?? entity["rowKey"] ?? optional(binding["rowKey"], bindingData, options.now());
      delete entity["PartitionKey"];
      delete entity["partitionKey"];
      delete entity["RowKey"];
      delete entity["rowKey"];
      if (pk === undefined || rk === undefined) throw new Error(`Table output "${tableName}": entity needs PartitionKey and RowKey`);
      await table.createEntity({ ...entity, partitionKey: String(pk), rowKey: String(rk) });
    }
  }

  /** Writes every non-http output in `outputData`; throws on an output type the host cannot write. */
  return async function writeOutputs(reg: Registration, outputData: RpcParameterBinding[], bindingData: Record<string, unknown>): Promise<void> {
    for (const { name, data } of outputData) {
      const binding = reg.metadata.bindings[name];
      if (!binding) throw new Error(`Function "${reg.metadata.name}" returned output "${name}" that it did not declare`);
      const type = bindingType(binding);
      if (HANDLED_ELSEWHERE.has(type)) continue;
      const value = rpcDataToValue(data);
      if (value === undefined || value === null) continue;
      if (type === "queue") await writeQueue(binding, value, bindingData);
      else if (type === "blob") await writeBlob(binding, value, bindingData);
      else if (type === "table") await writeTable(binding, value, bindingData);
      else throw new Error(`Output binding type "${binding.type}" (function "${reg.metadata.name}") is not supported by the sandbox host`);
    }
  };
}

function optional(template: unknown, bindingData: Record<string, unknown>, now: Date): string | undefined {
  return typeof template === "string" && template !== "" ? resolveBindingExpression(template, bindingData, now) : undefined;
}

export type OutputWriter = ReturnType<typeof createOutputWriter>;
