// In-memory resource store keyed by lower-cased id; snapshot/restore for the test control surface
// and optional JSON persistence for `npm start`.
import type { ResourceStore, StoredResource } from "./contract.js";
import { isAtOrBelow, normalisePath, parentOf } from "./ids.js";
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from "node:fs";
import path from "node:path";

export interface StoreSnapshot {
  resources: StoredResource[];
}

export class MemoryResourceStore implements ResourceStore {
  private readonly items = new Map<string, StoredResource>();
  private persistTimer: NodeJS.Timeout | undefined;

  /** `persistFile`: when set, the store loads from and (debounced) saves to this JSON file. */
  constructor(private readonly persistFile?: string) {
    if (persistFile && existsSync(persistFile)) {
      const snap = JSON.parse(readFileSync(persistFile, "utf8")) as StoreSnapshot;
      this.restore(snap);
    }
  }

  get(id: string): StoredResource | undefined {
    const r = this.items.get(key(id));
    return r ? structuredClone(r) : undefined;
  }

  put(resource: StoredResource): StoredResource {
    const copy = structuredClone({ ...resource, id: normalisePath(resource.id) });
    this.items.set(key(copy.id), copy);
    this.changed();
    return structuredClone(copy);
  }

  delete(id: string): boolean {
    const ok = this.items.delete(key(id));
    if (ok) this.changed();
    return ok;
  }

  children(parentId: string, type?: string): StoredResource[] {
    const p = key(parentId);
    return this.filter((r) => key(parentOf(r.id) ?? "") === p && matchesType(r, type));
  }

  list(scope: string, type?: string): StoredResource[] {
    return this.filter((r) => isAtOrBelow(r.id, scope) && matchesType(r, type));
  }

  /** Live, uncopied resources of one type, for hot read-only paths (RBAC checks). Callers must not mutate them. */
  peekOfType(type: string): readonly Readonly<StoredResource>[] {
    const t = type.toLowerCase();
    const out: StoredResource[] = [];
    for (const r of this.items.values()) if (r.type.toLowerCase() === t) out.push(r);
    return out;
  }

  all(): StoredResource[] {
    return this.filter(() => true);
  }

  snapshot(): StoreSnapshot {
    return { resources: this.all() };
  }

  restore(snapshot: StoreSnapshot): void {
    this.items.clear();
    for (const r of snapshot.resources) this.items.set(key(r.id), structuredClone(r));
    this.changed();
  }

  clear(): void {
    this.items.clear();
    this.changed();
  }

  /** Writes pending changes now (persistent stores only). */
  flush(): void {
    if (this.persistTimer) clearTimeout(this.persistTimer);
    this.persistTimer = undefined;
    if (!this.persistFile) return;
    mkdirSync(path.dirname(this.persistFile), { recursive: true });
    const tmp = `${this.persistFile}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.snapshot()));
    renameSync(tmp, this.persistFile);
  }

  private changed(): void {
    if (!this.persistFile || this.persistTimer) return;
    this.persistTimer = setTimeout(() => this.flush(), 200);
    this.persistTimer.unref();
  }

  private filter(pred: (r: StoredResource) => boolean): StoredResource[] {
    const out: StoredResource[] = [];
    for (const r of this.items.values()) if (pred(r)) out.push(structuredClone(r));
    return out.sort((a, b) => a.id.localeCompare(b.id));
  }
}

function key(id: string): string {
  return normalisePath(id).toLowerCase();
}

function matchesType(r: StoredResource, type?: string): boolean {
  return type === undefined || r.type.toLowerCase() === type.toLowerCase();
}
