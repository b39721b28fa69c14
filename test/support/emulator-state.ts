// Comparing the emulator's resources before and after an operation that should leave no trace.
import type { ArmEmulator } from "../../sandbox/arm/index.js";

// What any write changes in Azure too: modification stamps, and a Container App's revision bookkeeping
// (every template change makes a new revision).
const MODIFICATION_METADATA = new Set(["systemData", "lastModifiedTimeUtc", "latestRevisionName", "latestReadyRevisionName", "latestRevisionFqdn"]);

/** Key order carries no meaning in ARM JSON; an identity of type None equals no identity; an empty settings set equals none. */
function normalise(v: unknown): unknown {
  if (!v || typeof v !== "object" || Array.isArray(v)) return v;
  const o = v as Record<string, unknown>;
  const keep = (k: string) => !(k === "identity" && (o[k] as { type?: string } | null)?.type === "None")
    && !(k === "appSettings" && o[k] && typeof o[k] === "object" && Object.keys(o[k] as object).length === 0);
  return Object.fromEntries(Object.keys(o).filter(keep).sort().map((k) => [k, o[k]]));
}

/** The emulator's resources as comparable JSON. */
export function comparableState(emulator: ArmEmulator): string {
  return JSON.stringify(emulator.control.snapshot().store, (k, v) => (MODIFICATION_METADATA.has(k) ? undefined : normalise(v)));
}

/** Resources whose comparable JSON differs between two comparableState() results, with the first difference. */
export function stateDiff(before: string, after: string): string[] {
  const index = (s: string) => new Map((JSON.parse(s).resources as { id: string }[]).map((r) => [r.id, JSON.stringify(r)]));
  const a = index(before), b = index(after);
  const out: string[] = [];
  for (const [id, v] of a) {
    const w = b.get(id);
    if (w === v) continue;
    let i = 0;
    while (w && i < v.length && v[i] === w[i]) i++;
    out.push(`changed or removed: ${id}\n  before …${v.slice(Math.max(0, i - 120), i + 200)}\n  after  …${w?.slice(Math.max(0, i - 120), i + 200)}`);
  }
  for (const id of b.keys()) if (!a.has(id)) out.push(`added: ${id} ${b.get(id)}`);
  return out;
}
