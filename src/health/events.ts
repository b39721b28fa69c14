// Event Grid reactions: resource events → the connections depending on the resource (dependency index), debounced
// into one revalidation of the union, then the optional auto-heal decision per drifted connection.
// The trigger (Event Grid or storage queue) and the orchestration start are the caller's: both are injected.
import { normalizeResourceId } from "../azure/resourceId.js";
import { splitLinkerId } from "../store/linkerId.js";
import type { ConnectionStore } from "../store/types.js";
import type { StoredLinker } from "../model/connection.js";
import { createDebouncer, type Debouncer } from "./debounce.js";
import { targetIdOf } from "./evaluate.js";
import { deletedResources, lookupIds, parseResourceEvents, type ResourceEvent } from "./eventMapping.js";
import { existenceId } from "./snapshot.js";
import { CheckNames, type ConnectionHealth } from "./types.js";

export { parseResourceEvents, lookupIds, RESOURCE_EVENT_TYPES, type ResourceEvent } from "./eventMapping.js";

/** Linker ids depending on any resource the events touch (de-duplicated, original casing). */
export async function affectedLinkers(events: readonly ResourceEvent[], store: Pick<ConnectionStore, "dependencies">): Promise<string[]> {
  const ids = new Set(events.flatMap((e) => lookupIds(e.resourceId)));
  const found = new Map<string, string>();
  for (const id of ids) {
    for (const hit of await store.dependencies.linkersDependingOn(id)) found.set(hit.linkerId.toLowerCase(), hit.linkerId);
  }
  return [...found.values()];
}

export interface AutoHealPolicy {
  /** Applies to connections without `state.autoHeal` (default false). */
  defaultEnabled?: boolean;
}

export type AutoHealDecision = { heal: true } | { heal: false; reason: string };

const UNHEALABLE = new Set<string>([CheckNames.sourceExistence, CheckNames.targetExistence]);

/** Pure: re-run the create orchestration for a drifted connection — never when its source or target is gone. */
export function decideAutoHeal(linker: StoredLinker, health: ConnectionHealth, deleted: ReadonlySet<string>, policy: AutoHealPolicy = {}): AutoHealDecision {
  const enabled = linker.state?.autoHeal ?? Boolean(policy.defaultEnabled);
  if (!enabled) return { heal: false, reason: "auto-heal is off for this connection" };
  // Only what a caller's accepted, successful change configured is re-applied: a connection whose last change failed
  // (or is still running) holds properties nobody saw succeed.
  if (linker.provisioningState !== "Succeeded") return { heal: false, reason: `its last change did not succeed (provisioningState ${linker.provisioningState})` };
  if (health.status !== "Unhealthy") return { heal: false, reason: `the connection is ${health.status}` };
  const ends = [linker.sourceId, targetIdOf(linker)].filter((x): x is string => Boolean(x));
  const deliberate = ends.find((id) => deleted.has(normalizeResourceId(id)) || deleted.has(existenceId(id)));
  if (deliberate) return { heal: false, reason: `${deliberate} was deleted` };
  const fatal = health.failingChecks.find((c) => UNHEALABLE.has(c));
  if (fatal) return { heal: false, reason: `${fatal} failed: the source or target is gone` };
  return { heal: true };
}

export interface EventReactionDeps {
  store: Pick<ConnectionStore, "dependencies" | "linkers">;
  /** Revalidates these linkers and records the results (e.g. revalidateConnections + recordHealth). */
  revalidate(linkers: StoredLinker[]): Promise<ConnectionHealth[]>;
  /** Starts the create orchestration again for a drifted connection (the lead wires durable). */
  startHeal?(linker: StoredLinker, health: ConnectionHealth): Promise<void>;
  autoHeal?: AutoHealPolicy;
}

export interface EventReaction {
  linkerIds: string[];
  results: ConnectionHealth[];
  healed: string[];
  notHealed: { linkerId: string; reason: string }[];
}

/** One batch of events: look up, revalidate once, decide auto-heal. */
export async function reactToEvents(events: readonly ResourceEvent[], deps: EventReactionDeps): Promise<EventReaction> {
  const linkerIds = await affectedLinkers(events, deps.store);
  const linkers = (await Promise.all(linkerIds.map(async (id) => {
    const parts = splitLinkerId(id);
    return parts ? deps.store.linkers.get(parts.sourceId, parts.name) : undefined;
  }))).filter((l): l is StoredLinker => Boolean(l));
  const reaction: EventReaction = { linkerIds: linkers.map((l) => l.id), results: [], healed: [], notHealed: [] };
  if (!linkers.length) return reaction;
  reaction.results = await deps.revalidate(linkers);
  const deleted = deletedResources(events);
  for (const health of reaction.results) {
    const linker = linkers.find((l) => l.id === health.linkerId);
    if (!linker || health.status !== "Unhealthy") continue;
    const decision = decideAutoHeal(linker, health, deleted, deps.autoHeal);
    if (decision.heal && deps.startHeal) {
      await deps.startHeal(linker, health);
      reaction.healed.push(linker.id);
    } else if (!decision.heal) {
      reaction.notHealed.push({ linkerId: linker.id, reason: decision.reason });
    }
  }
  return reaction;
}

export interface EventReactorOptions extends EventReactionDeps {
  /** Burst window (default 500 ms). */
  windowMs?: number;
  maxWaitMs?: number;
  onReaction?(reaction: EventReaction): void;
  onError?(error: unknown): void;
}

/** A long-lived reactor: `accept(body)` parses and collects events; each burst gets one reaction. */
export function createEventReactor(options: EventReactorOptions): { accept(body: unknown): number; flush(): Promise<void>; debouncer: Debouncer<ResourceEvent> } {
  const debouncer = createDebouncer<ResourceEvent>({
    windowMs: options.windowMs ?? 500,
    maxWaitMs: options.maxWaitMs,
    key: (e) => e.id || `${e.kind}|${e.resourceId}|${e.eventTime}`,
    onError: options.onError,
    async flush(events) {
      const reaction = await reactToEvents(events, options);
      options.onReaction?.(reaction);
    },
  });
  return {
    accept(body) {
      const events = parseResourceEvents(body);
      debouncer.add(events);
      return events.length;
    },
    flush: () => debouncer.flushNow(),
    debouncer,
  };
}
