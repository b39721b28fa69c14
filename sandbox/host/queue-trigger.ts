// Storage queue triggers on Azurite, following the WebJobs queue listener: poll with exponential backoff up to
// maxPollingInterval (and at once when this host writes to the queue), receive up to batchSize messages, decode per
// host.json messageEncoding, pass dequeueCount & co. as trigger metadata, delete on success; on failure make the message
// visible again after visibilityTimeout, or move it to `<queue>-poison` once dequeueCount reaches maxDequeueCount.
import type { QueueClient, DequeuedMessageItem } from "@azure/storage-queue";
import { parseTimeSpan, resolveSettingReference, type HostJson } from "./app-settings.js";
import type { CoreRegistry } from "./core-module.js";
import type { Registration, RpcTypedData } from "./core-types.js";
import { bindingType, triggerOf } from "./catalog.js";
import type { FunctionRuntime } from "./function-runtime.js";
import type { HostLogger } from "./logger.js";
import type { StorageClients } from "./storage-connection.js";

export interface QueueSettings {
  batchSize: number;
  maxDequeueCount: number;
  visibilityTimeoutMs: number;
  maxPollingIntervalMs: number;
  messageEncoding: "base64" | "none";
}

/** Azure's defaults, except maxPollingInterval: 2 s here (Azure: 1 min) unless host.json sets it. */
export function queueSettings(hostJson: HostJson): QueueSettings {
  const q = hostJson.extensions?.queues ?? {};
  const interval = q.maxPollingInterval;
  return {
    batchSize: Math.min(32, Math.max(1, q.batchSize ?? 16)),
    maxDequeueCount: q.maxDequeueCount ?? 5,
    visibilityTimeoutMs: q.visibilityTimeout ? parseTimeSpan(q.visibilityTimeout) : 0,
    maxPollingIntervalMs: interval === undefined ? 2000 : typeof interval === "number" ? interval : parseTimeSpan(interval),
    messageEncoding: q.messageEncoding?.toLowerCase() === "none" ? "none" : "base64",
  };
}

export interface QueueListeners {
  /** Wakes the listeners of `queueName` (a local output binding just wrote to it). */
  notify(queueName: string): void;
  stop(): Promise<void>;
}

export function decodeQueueMessage(text: string, encoding: "base64" | "none"): string {
  if (encoding === "none") return text;
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) {
    throw new Error("Message decoding has failed! Check MessageEncoding settings (the message is not valid base64).");
  }
  return Buffer.from(text, "base64").toString("utf8");
}

function triggerMetadata(m: DequeuedMessageItem, body: string): Record<string, RpcTypedData> {
  const json = (v: unknown): RpcTypedData => ({ json: JSON.stringify(v) });
  return {
    QueueTrigger: { string: body },
    DequeueCount: json(m.dequeueCount),
    Id: { string: m.messageId },
    InsertionTime: json(m.insertedOn.toISOString()),
    ExpirationTime: json(m.expiresOn.toISOString()),
    NextVisibleTime: json(m.nextVisibleOn.toISOString()),
    PopReceipt: { string: m.popReceipt },
  };
}

const PROCESSING_VISIBILITY_SECONDS = 600;
const MIN_POLL_MS = 100;

export function startQueueListeners(options: {
  registry: CoreRegistry;
  runtime: FunctionRuntime;
  clients: StorageClients;
  hostJson: HostJson;
  logger: HostLogger;
}): QueueListeners {
  const settings = queueSettings(options.hostJson);
  const listeners: { queueName: string; wake: () => void; done: Promise<void> }[] = [];
  let stopped = false;

  const regs = [...options.registry.functions.values()].filter((r) => bindingType(triggerOf(r).binding) === "queuetrigger");
  for (const reg of regs) {
    const binding = triggerOf(reg).binding;
    const queueName = resolveSettingReference(String(binding["queueName"] ?? "")).toLowerCase();
    if (!queueName) throw new Error(`Queue trigger "${reg.metadata.name}" has no queueName`);
    const service = options.clients.queueService(binding["connection"]);
    const queue = service.getQueueClient(queueName);
    const poison = service.getQueueClient(`${queueName}-poison`);
    let wake: () => void = () => {};
    let pending = false;
    const listener = {
      queueName,
      wake: () => {
        pending = true;
        wake();
      },
      done: Promise.resolve(),
    };
    listener.done = (async () => {
      let delay = MIN_POLL_MS;
      let ensured = false;
      while (!stopped) {
        let processed = 0;
        try {
          if (!ensured) {
            await queue.createIfNotExists();
            ensured = true;
          }
          processed = await pollOnce(reg, queue, poison, settings, options);
        } catch (err) {
          options.logger.log("error", `Queue listener for "${queueName}" failed to poll: ${err instanceof Error ? err.message : String(err)}`);
        }
        if (stopped) break;
        delay = processed > 0 ? 0 : Math.min(settings.maxPollingIntervalMs, delay === 0 ? MIN_POLL_MS : delay * 2);
        if (pending) {
          pending = false;
          delay = 0;
        }
        if (delay > 0) {
          await new Promise<void>((resolve) => {
            const t = setTimeout(resolve, delay);
            wake = () => {
              clearTimeout(t);
              pending = false;
              delay = MIN_POLL_MS;
              resolve();
            };
          });
          wake = () => {};
        }
      }
    })();
    listeners.push(listener);
    options.logger.log("information", `Queue trigger "${reg.metadata.name}" listening on "${queueName}"`);
  }

  return {
    notify(queueName) {
      for (const l of listeners) if (l.queueName === queueName.toLowerCase()) l.wake();
    },
    async stop() {
      stopped = true;
      for (const l of listeners) l.wake();
      await Promise.allSettled(listeners.map((l) => l.done));
    },
  };
}

async function pollOnce(
  reg: Registration,
  queue: QueueClient,
  poison: QueueClient,
  settings: QueueSettings,
  options: { runtime: FunctionRuntime; logger: HostLogger },
): Promise<number> {
  const received = await queue.receiveMessages({ numberOfMessages: settings.batchSize, visibilityTimeout: PROCESSING_VISIBILITY_SECONDS });
  const messages = received.receivedMessageItems;
  await Promise.all(messages.map((m) => processMessage(reg, m, queue, poison, settings, options)));
  return messages.length;
}

async function moveToPoison(m: DequeuedMessageItem, queue: QueueClient, poison: QueueClient, logger: HostLogger, fn: string): Promise<void> {
  await poison.createIfNotExists();
  await poison.sendMessage(m.messageText);
  await queue.deleteMessage(m.messageId, m.popReceipt);
  logger.log("warning", `Message has reached MaxDequeueCount of ${m.dequeueCount}. Moving message to queue '${poison.name}'.`, { functionName: fn });
}

async function processMessage(
  reg: Registration,
  m: DequeuedMessageItem,
  queue: QueueClient,
  poison: QueueClient,
  settings: QueueSettings,
  options: { runtime: FunctionRuntime; logger: HostLogger },
): Promise<void> {
  const name = reg.metadata.name;
  if (m.dequeueCount > settings.maxDequeueCount) {
    await moveToPoison(m, queue, poison, options.logger, name);
    return;
  }
  try {
    const body = decodeQueueMessage(m.messageText, settings.messageEncoding);
    await options.runtime.invoke(name, { string: body }, { triggerMetadata: triggerMetadata(m, body), bindingData: { queueTrigger: body, id: m.messageId, dequeueCount: m.dequeueCount } });
    await queue.deleteMessage(m.messageId, m.popReceipt);
  } catch (err) {
    options.logger.log("error", `Queue function "${name}" failed for message ${m.messageId} (dequeueCount ${m.dequeueCount}): ${err instanceof Error ? err.message : String(err)}`, {
      functionName: name,
    });
    if (m.dequeueCount >= settings.maxDequeueCount) await moveToPoison(m, queue, poison, options.logger, name);
    else await queue.updateMessage(m.messageId, m.popReceipt, undefined, Math.round(settings.visibilityTimeoutMs / 1000));
  }
}
