/**
 * Reading `properties.config.bindings` entries: case-insensitive field access and the trigger/output kinds that can
 * take part in a loop.
 */
import type { ArmBinding, ResourceKind } from "./model.js";

/** A binding field by name, whatever the producer's casing (`queueName`, `QueueName`, `queuename`). */
export function field(binding: ArmBinding, name: string): string | undefined {
  const direct = binding[name];
  if (typeof direct === "string") return direct;
  const lower = name.toLowerCase();
  for (const key in binding) {
    const value = binding[key];
    if (typeof value === "string" && key.toLowerCase() === lower) return value;
  }
  return undefined;
}

export type TriggerKind = ResourceKind | "eventGrid";

const TRIGGERS: Record<string, TriggerKind> = {
  blobtrigger: "blob",
  queuetrigger: "queue",
  servicebustrigger: "serviceBus",
  eventhubtrigger: "eventHub",
  cosmosdbtrigger: "cosmos",
  eventgridtrigger: "eventGrid",
};

const OUTPUTS: Record<string, ResourceKind> = {
  blob: "blob",
  queue: "queue",
  servicebus: "serviceBus",
  eventhub: "eventHub",
  cosmosdb: "cosmos",
};

export function triggerKind(binding: ArmBinding): TriggerKind | undefined {
  return TRIGGERS[(field(binding, "type") ?? "").toLowerCase()];
}

/** The kind of an output binding (`direction` out or inout), or undefined for inputs and other bindings. */
export function outputKind(binding: ArmBinding): ResourceKind | undefined {
  const direction = (field(binding, "direction") ?? "").toLowerCase();
  if (direction !== "out" && direction !== "inout") return undefined;
  return OUTPUTS[(field(binding, "type") ?? "").toLowerCase()];
}

export function bindingLabel(binding: ArmBinding): string {
  return `${field(binding, "type") ?? "?"}:${field(binding, "name") ?? "?"}`;
}

/** Triggers that no write can raise (HTTP, timer, Durable orchestration/activity/entity, warm-up, MCP tools). */
const NOT_EVENT_DRIVEN = new Set([
  "httptrigger", "timertrigger", "orchestrationtrigger", "activitytrigger", "entitytrigger", "warmuptrigger", "mcptooltrigger",
]);

/**
 * The type of a trigger this analysis does not model although writes could raise it (e.g. `sqlTrigger`,
 * `kafkaTrigger`, `rabbitMQTrigger`), so callers can say loops into those functions are not checked.
 */
export function unanalyzedTriggerType(binding: ArmBinding): string | undefined {
  const type = field(binding, "type");
  if (!type || !/trigger$/i.test(type)) return undefined;
  const lower = type.toLowerCase();
  if (TRIGGERS[lower] || NOT_EVENT_DRIVEN.has(lower)) return undefined;
  return type;
}
