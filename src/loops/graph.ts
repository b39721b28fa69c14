/**
 * The trigger graph: one node per function, an edge A → B when something A writes (an output binding, or — as
 * "possible" — a linkwright connection of A's app) can raise an event that triggers B.
 * Matching: same resource kind, same account (an unresolved account matches any), same entity, and for blobs the
 * `container/path` globs intersect. Service Bus: a write to topic T reaches every subscription trigger on T (the
 * entity key is the topic). Triggers are indexed by kind → account → entity so that the build stays near-linear.
 */
import type { FunctionAppInput, Severity } from "./model.js";
import { globsIntersect } from "./pattern.js";
import { ANY, type ResolvedTrigger, type ResolvedWriter } from "./refs.js";
import { resolveApp } from "./resolve.js";

export interface GraphNode {
  index: number;
  appId: string;
  /** Lower-cased appId, for comparisons. */
  appKey: string;
  function: string;
  triggers: ResolvedTrigger[];
  writers: ResolvedWriter[];
}

export interface GraphEdge {
  from: number;
  to: number;
  writer: ResolvedWriter;
  trigger: ResolvedTrigger;
  severity: Severity;
  reasons: string[];
}

export interface TriggerGraph {
  nodes: GraphNode[];
  /** Outgoing edges per node; at most one edge per ordered pair (a certain one when there is any). */
  out: GraphEdge[][];
  edgeCount: number;
  apps: number;
}

interface IndexedTrigger {
  node: GraphNode;
  trigger: ResolvedTrigger;
}

type TriggerIndex = Map<string, Map<string, Map<string, IndexedTrigger[]>>>;

function addToIndex(index: TriggerIndex, entry: IndexedTrigger): void {
  const { kind, account, entity } = entry.trigger.ref;
  let byAccount = index.get(kind);
  if (!byAccount) index.set(kind, (byAccount = new Map()));
  let byEntity = byAccount.get(account);
  if (!byEntity) byAccount.set(account, (byEntity = new Map()));
  let list = byEntity.get(entity);
  if (!list) byEntity.set(entity, (list = []));
  list.push(entry);
}

function* candidates(index: TriggerIndex, writer: ResolvedWriter): Generator<IndexedTrigger> {
  const byAccount = index.get(writer.ref.kind);
  if (!byAccount) return;
  const accounts =
    writer.ref.account === ANY ? [...byAccount.values()] : [byAccount.get(writer.ref.account), byAccount.get(ANY)];
  for (const byEntity of accounts) {
    if (!byEntity) continue;
    if (writer.ref.entity === ANY) {
      for (const list of byEntity.values()) yield* list;
    } else {
      const exact = byEntity.get(writer.ref.entity);
      if (exact) yield* exact;
      if (writer.ref.entity !== ANY) {
        const wild = byEntity.get(ANY);
        if (wild) yield* wild;
      }
    }
  }
}

function edgeReasons(writer: ResolvedWriter, trigger: ResolvedTrigger): string[] {
  const reasons = [...writer.uncertain, ...trigger.uncertain];
  if (writer.via === "binding" && writer.ref.entity === ANY) {
    reasons.push(`the ${writer.ref.kind} entity written by ${writer.binding ?? "an output"} is computed at run time`);
  }
  return [...new Set(reasons)];
}

export function buildGraph(apps: FunctionAppInput[]): TriggerGraph {
  const nodes: GraphNode[] = [];
  const index: TriggerIndex = new Map();
  const appWriters: ResolvedWriter[][] = [];
  const nodeApp: number[] = [];
  apps.forEach((app, appIndex) => {
    const resolved = resolveApp(app);
    appWriters.push(resolved.connectionWriters);
    for (const fn of resolved.functions) {
      const node: GraphNode = {
        index: nodes.length,
        appId: fn.appId,
        appKey: fn.appId.toLowerCase(),
        function: fn.function,
        triggers: fn.triggers,
        writers: fn.writers,
      };
      nodes.push(node);
      nodeApp.push(appIndex);
      for (const trigger of fn.triggers) addToIndex(index, { node, trigger });
    }
  });

  const out: GraphEdge[][] = nodes.map(() => []);
  let edgeCount = 0;
  for (const node of nodes) {
    const best = new Map<number, GraphEdge>();
    const writers = [...node.writers, ...appWriters[nodeApp[node.index]!]!];
    for (const writer of writers) {
      for (const { node: target, trigger } of candidates(index, writer)) {
        if (trigger.sameAppOnly && target.appKey !== node.appKey) continue;
        if (!globsIntersect(writer.glob, trigger.glob)) continue;
        const reasons = edgeReasons(writer, trigger);
        const severity: Severity = reasons.length === 0 ? "certain" : "possible";
        const existing = best.get(target.index);
        if (!existing || (existing.severity === "possible" && severity === "certain")) {
          best.set(target.index, { from: node.index, to: target.index, writer, trigger, severity, reasons });
        }
      }
    }
    for (const edge of best.values()) out[node.index]!.push(edge);
    edgeCount += best.size;
  }
  return { nodes, out, edgeCount, apps: apps.length };
}
