// Watches a storage queue for messages that arrive after a point in time, without consuming anyone else's: messages
// are received with a short visibility timeout (they reappear for their real consumer), remembered by id, and only
// the ones the caller claims are deleted. Messages are base64 JSON (as linkwright writes `connection-health`).
import type { QueueClient } from "@azure/storage-queue";

export interface WatchedMessage {
  id: string;
  insertedOn: Date;
  /** When this watcher first saw it (Date.now()). */
  seenAt: number;
  body: Record<string, any> | undefined;
  text: string;
}

export interface QueueWatch {
  /** Receives whatever is visible; returns the messages inserted since `since` that were not seen before. */
  poll(): Promise<WatchedMessage[]>;
  /** Waits until `match` holds for a new message (polling every `intervalMs`), or the deadline. */
  waitFor(match: (m: WatchedMessage) => boolean, timeoutMs: number, intervalMs?: number): Promise<WatchedMessage | undefined>;
  /** Every new message seen so far. */
  seen(): WatchedMessage[];
  /** Deletes messages this watcher saw (e.g. the ones about connections the smoke made). */
  consume(messages: WatchedMessage[]): Promise<void>;
}

function decode(text: string): Record<string, any> | undefined {
  for (const candidate of [() => Buffer.from(text, "base64").toString("utf8"), () => text]) {
    try {
      const v = JSON.parse(candidate()) as unknown;
      if (v && typeof v === "object") return v as Record<string, any>;
    } catch { /* next */ }
  }
  return undefined;
}

export async function watchQueue(queue: QueueClient, since: Date, visibilitySeconds = 5): Promise<QueueWatch> {
  await queue.createIfNotExists();
  // Azurite stamps insertion times to the second: anything from the second before `since` counts as new.
  const from = Math.floor(since.getTime() / 1000) * 1000 - 1000;
  const known = new Map<string, { message: WatchedMessage | undefined; popReceipt: string }>();
  const fresh: WatchedMessage[] = [];
  const poll = async () => {
    const out: WatchedMessage[] = [];
    for (let round = 0; round < 50; round++) {
      const got = await queue.receiveMessages({ numberOfMessages: 32, visibilityTimeout: visibilitySeconds });
      if (got.receivedMessageItems.length === 0) break;
      for (const item of got.receivedMessageItems) {
        const prior = known.get(item.messageId);
        if (prior) { prior.popReceipt = item.popReceipt; continue; }
        const isNew = item.insertedOn.getTime() >= from;
        const message = isNew ? { id: item.messageId, insertedOn: item.insertedOn, seenAt: Date.now(), body: decode(item.messageText), text: item.messageText } : undefined;
        known.set(item.messageId, { message, popReceipt: item.popReceipt });
        if (message) { out.push(message); fresh.push(message); }
      }
      if (got.receivedMessageItems.length < 32) break;
    }
    return out;
  };
  return {
    poll,
    async waitFor(match, timeoutMs, intervalMs = 25) {
      const deadline = Date.now() + timeoutMs;
      const hit = fresh.find(match);
      if (hit) return hit;
      for (;;) {
        const found = (await poll()).find(match);
        if (found) return found;
        if (Date.now() >= deadline) return undefined;
        await new Promise((r) => setTimeout(r, intervalMs));
      }
    },
    seen: () => [...fresh],
    async consume(messages) {
      for (const m of messages) {
        const k = known.get(m.id);
        if (!k) continue;
        await queue.deleteMessage(m.id, k.popReceipt).catch(() => undefined);
        known.delete(m.id);
      }
    },
  };
}
