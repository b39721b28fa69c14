/**
 * Loop notifications: one JSON message per NEW finding on the storage queue `connection-health` (in the app's
 * storage), base64-encoded as the Functions queue trigger expects by default. Same queue and encoding as the
 * connection-health changes (src/health/changes.ts); messages are told apart by `kind: "loopDetected"`.
 */
import { queueClientOf, type StorageConnection } from "../azure/ownStorage.js";
import type { LoopFinding } from "./model.js";

export const LOOP_QUEUE = "connection-health";

export interface LoopDetectedMessage {
  kind: "loopDetected";
  findingId: string;
  severity: LoopFinding["severity"];
  detectedAt: string;
  /** Every function in the cycle's component. */
  functions: { appId: string; function: string }[];
  /** Resource keys in the cycle, e.g. `blob://acct/images`. */
  resources: string[];
  /** One representative cycle: per step the function, what triggers it and what it writes. */
  cycle: { appId: string; function: string; trigger: string; writes: string; via: "binding" | "connection"; linkerId?: string }[];
  explanation: string;
  fix: string[];
  uncertainty?: string[];
}

export function loopMessage(finding: LoopFinding, detectedAt: string): LoopDetectedMessage {
  return {
    kind: "loopDetected",
    findingId: finding.id,
    severity: finding.severity,
    detectedAt,
    functions: finding.members,
    resources: finding.resources,
    cycle: finding.cycle.map((s) => ({
      appId: s.appId, function: s.function, trigger: s.trigger.pattern, writes: s.output.pattern, via: s.output.via,
      ...(s.output.linkerId !== undefined ? { linkerId: s.output.linkerId } : {}),
    })),
    explanation: finding.explanation,
    fix: finding.fix,
    ...(finding.uncertainty ? { uncertainty: finding.uncertainty } : {}),
  };
}

export interface LoopPublisher {
  publish(message: LoopDetectedMessage): Promise<void>;
}

/** The function app's storage (AzureWebJobsStorage) and the queue (default connection-health). */
export type LoopQueueOptions = StorageConnection & { queueName?: string };

export async function createLoopPublisher(options: LoopQueueOptions): Promise<LoopPublisher> {
  const client = queueClientOf(options, options.queueName ?? LOOP_QUEUE);
  await client.createIfNotExists();
  return {
    async publish(message) {
      await client.sendMessage(Buffer.from(JSON.stringify(message), "utf8").toString("base64"));
    },
  };
}
