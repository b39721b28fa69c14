// Read-only views over the captured registrations: trigger binding, input/output bindings, trigger types.
import type { RpcBindingInfo, Registration } from "./core-types.js";

export interface NamedBinding {
  name: string;
  binding: RpcBindingInfo;
}

export function bindingType(binding: RpcBindingInfo): string {
  return String(binding.type ?? "").toLowerCase();
}

export function isTriggerType(type: string | undefined): boolean {
  return !!type && type.toLowerCase().endsWith("trigger");
}

export function triggerOf(reg: Registration): NamedBinding {
  for (const [name, binding] of Object.entries(reg.metadata.bindings)) {
    if (isTriggerType(binding.type)) return { name, binding };
  }
  throw new Error(`Function "${reg.metadata.name}" has no trigger binding`);
}

export function inputBindings(reg: Registration): NamedBinding[] {
  return Object.entries(reg.metadata.bindings)
    .filter(([, b]) => b.direction === "in" && !isTriggerType(b.type))
    .map(([name, binding]) => ({ name, binding }));
}

export function outputBindings(reg: Registration): NamedBinding[] {
  return Object.entries(reg.metadata.bindings)
    .filter(([, b]) => b.direction === "out")
    .map(([name, binding]) => ({ name, binding }));
}

export const DURABLE_TRIGGER_TYPES = ["orchestrationtrigger", "activitytrigger", "entitytrigger"];
export const DURABLE_CLIENT_TYPES = ["durableclient", "orchestrationclient"];

export function usesDurable(regs: Iterable<Registration>): boolean {
  for (const reg of regs) {
    for (const b of Object.values(reg.metadata.bindings)) {
      const t = bindingType(b);
      if (DURABLE_TRIGGER_TYPES.includes(t) || DURABLE_CLIENT_TYPES.includes(t)) return true;
    }
  }
  return false;
}
