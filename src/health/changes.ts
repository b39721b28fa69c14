// Health-change notifications: a JSON message on the storage queue `connection-health` (base64, as the Functions
// queue trigger expects by default) only when a connection's health changes.
import { queueClientOf, type StorageConnection } from "../azure/ownStorage.js";
import type { Attribution } from "./types.js";
import type { LinkerHealth } from "../model/connection.js";

export const HEALTH_QUEUE = "connection-health";

export interface HealthChangeMessage {
  /** Tells these apart from other messages on the same queue (loop findings: "loopDetected"). */
  kind: "healthChanged";
  linkerId: string;
  previous: LinkerHealth | null;
  current: LinkerHealth;
  failingChecks: string[];
  attribution: Attribution[];
}

/** Pure: a change is a different status or a different set of failing checks. Unknown never counts; a connection
 *  never checked before counts as Healthy (a new connection was just verified by its create), so a fleet's first
 *  run reports only the broken ones. */
export function healthChanged(previous: LinkerHealth | undefined, current: LinkerHealth): boolean {
  if (current.status === "Unknown") return false;
  if (!previous || previous.status === "Unknown") return current.status !== "Healthy";
  if (previous.status !== current.status) return true;
  const a = [...previous.failingChecks].sort().join("|");
  const b = [...current.failingChecks].sort().join("|");
  return a !== b;
}

export function encodeQueueMessage(message: unknown): string {
  return Buffer.from(JSON.stringify(message), "utf8").toString("base64");
}

export interface HealthChangePublisher {
  /** Sends the message when the health changed; returns whether it did. */
  publishIfChanged(linkerId: string, previous: LinkerHealth | undefined, current: LinkerHealth, attribution: Attribution[]): Promise<boolean>;
}

/** The function app's storage (AzureWebJobsStorage) and the queue (default connection-health). */
export type HealthQueueOptions = StorageConnection & { queueName?: string };

export async function createHealthChangePublisher(options: HealthQueueOptions): Promise<HealthChangePublisher> {
  const client = queueClientOf(options, options.queueName ?? HEALTH_QUEUE);
  await client.createIfNotExists();
  return {
    async publishIfChanged(linkerId, previous, current, attribution) {
      if (!healthChanged(previous, current)) return false;
      const message: HealthChangeMessage = {
        kind: "healthChanged", linkerId, previous: previous ?? null, current, failingChecks: current.failingChecks, attribution,
      };
      await client.sendMessage(encodeQueueMessage(message));
      return true;
    },
  };
}
