/**
 * Adapters from what ARM returns to the analysis input. Accepts both the `@azure/arm-appservice` 19.x
 * FunctionEnvelope (properties flattened: `{ name: "app/fn", config, isDisabled }`) and the raw wire shape
 * (`{ name: "app/fn", properties: { name, config: { bindings }, isDisabled } }`).
 */
import type { ArmBinding, FunctionDefinition } from "./model.js";

export interface FunctionEnvelopeLike {
  id?: string;
  name?: string;
  config?: Record<string, unknown>;
  isDisabled?: boolean;
  properties?: { name?: string; config?: Record<string, unknown>; isDisabled?: boolean };
}

function functionName(envelope: FunctionEnvelopeLike): string {
  const own = envelope.properties?.name;
  if (own) return own;
  const fromName = envelope.name?.split("/").pop();
  if (fromName) return fromName;
  const fromId = envelope.id ? /\/functions\/([^/]+)$/i.exec(envelope.id)?.[1] : undefined;
  if (fromId) return fromId;
  throw new Error("function envelope has neither properties.name, name nor id");
}

function bindingsOf(config: Record<string, unknown> | undefined, name: string): ArmBinding[] {
  if (config === undefined || config === null) return [];
  const bindings = config["bindings"];
  if (bindings === undefined) return [];
  if (!Array.isArray(bindings) || bindings.some((b) => typeof b !== "object" || b === null)) {
    throw new Error(`function ${name}: config.bindings is not an array of objects`);
  }
  return bindings as ArmBinding[];
}

/** `webApps.listFunctions` results → analysis function definitions. */
export function functionsFromEnvelopes(envelopes: FunctionEnvelopeLike[]): FunctionDefinition[] {
  return envelopes.map((envelope) => {
    const name = functionName(envelope);
    const config = envelope.properties?.config ?? envelope.config;
    const isDisabled = envelope.properties?.isDisabled ?? envelope.isDisabled;
    return { name, bindings: bindingsOf(config, name), ...(isDisabled ? { isDisabled: true } : {}) };
  });
}
