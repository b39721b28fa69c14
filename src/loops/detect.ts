/**
 * Cycle detection on the trigger graph. Every strongly connected component with a cycle is reported once, with one
 * representative (shortest) cycle:
 * - "certain" findings come from the components of the certain-edge subgraph (bindings prove every hop);
 * - a component of the full graph that is not exactly a certain component is reported once more as "possible",
 *   with a cycle through one of its possible edges (SDK-level writer, unresolved setting, unknown source).
 * The allow-list is applied by running detection without the allow-listed functions / connections: what is found
 * then is active; what the full graph adds is reported as suppressed, naming the entries that silenced it.
 */
import { createHash } from "node:crypto";
import type { AllowListEntry, CycleStep, LoopFinding, Severity } from "./model.js";
import type { GraphEdge, GraphNode, TriggerGraph } from "./graph.js";
import { isCyclic, shortestPath, stronglyConnected, type EdgeFilter } from "./scc.js";
import { explainCycle, fixesFor } from "./describe.js";

function nodeKey(node: GraphNode): string {
  return `${node.appKey}/${node.function.toLowerCase()}`;
}

function findingId(severity: Severity, members: GraphNode[]): string {
  const text = `${severity}|${members.map(nodeKey).sort().join("|")}`;
  return `loop-${createHash("sha256").update(text).digest("hex").slice(0, 16)}`;
}

function byKey(graph: TriggerGraph): (a: number, b: number) => number {
  return (a, b) => {
    const ka = nodeKey(graph.nodes[a]!);
    const kb = nodeKey(graph.nodes[b]!);
    return ka < kb ? -1 : ka > kb ? 1 : a - b;
  };
}

function buildFinding(graph: TriggerGraph, severity: Severity, members: number[], cycle: GraphEdge[]): LoopFinding {
  const steps: CycleStep[] = cycle.map((edge, i) => {
    const node = graph.nodes[edge.from]!;
    const incoming = cycle[(i - 1 + cycle.length) % cycle.length]!;
    const w = edge.writer;
    return {
      appId: node.appId,
      function: node.function,
      trigger: incoming.trigger.ref,
      output: {
        ...w.ref,
        via: w.via,
        ...(w.binding !== undefined ? { binding: w.binding } : {}),
        ...(w.linkerId !== undefined ? { linkerId: w.linkerId } : {}),
      },
    };
  });
  const memberNodes = members.map((m) => graph.nodes[m]!);
  const resources = [...new Set(steps.flatMap((s) => [s.trigger.key, s.output.key]))];
  const uncertainty = [...new Set(cycle.flatMap((e) => e.reasons))];
  return {
    id: findingId(severity, memberNodes),
    severity,
    cycle: steps,
    members: memberNodes.map((n) => ({ appId: n.appId, function: n.function })),
    resources,
    explanation: explainCycle(steps),
    fix: fixesFor(cycle, steps),
    ...(uncertainty.length > 0 ? { uncertainty } : {}),
  };
}

/** Findings of the graph restricted to `keep`. */
export function detectCycles(graph: TriggerGraph, keep: EdgeFilter): LoopFinding[] {
  const { out } = graph;
  const order = byKey(graph);
  const findings: LoopFinding[] = [];
  const certainKeep: EdgeFilter = (e) => e.severity === "certain" && keep(e);
  const certainOf = new Map<number, number[]>();

  for (const component of stronglyConnected(out, certainKeep)) {
    if (!isCyclic(component, out, certainKeep)) continue;
    const members = [...component].sort(order);
    for (const m of members) certainOf.set(m, members);
    const start = members[0]!;
    const cycle = shortestPath(out, start, start, new Set(members), certainKeep);
    if (cycle) findings.push(buildFinding(graph, "certain", members, cycle));
  }

  for (const component of stronglyConnected(out, keep)) {
    if (!isCyclic(component, out, keep)) continue;
    const first = certainOf.get(component[0]!);
    if (first && first.length === component.length) continue; // the same loop, already certain
    const members = [...component].sort(order);
    const memberSet = new Set(members);
    // A possible edge inside the component, preferring one that leaves a certain component.
    let chosen: GraphEdge | undefined;
    for (const m of members) {
      for (const edge of out[m]!) {
        if (edge.severity !== "possible" || !keep(edge) || !memberSet.has(edge.to)) continue;
        const crossing = certainOf.get(edge.from) !== certainOf.get(edge.to) || !certainOf.has(edge.from);
        if (!chosen || (crossing && !(certainOf.get(chosen.from) !== certainOf.get(chosen.to) || !certainOf.has(chosen.from)))) {
          chosen = edge;
        }
      }
    }
    if (!chosen) continue;
    const back = chosen.to === chosen.from ? [] : shortestPath(out, chosen.to, chosen.from, memberSet, keep);
    if (!back) continue;
    findings.push(buildFinding(graph, "possible", members, [chosen, ...back]));
  }
  return findings;
}

function matchesFunction(entry: AllowListEntry, node: GraphNode): boolean {
  return (
    "function" in entry &&
    entry.appId.toLowerCase() === node.appKey &&
    entry.function.toLowerCase() === node.function.toLowerCase()
  );
}

export function detectWithAllowList(
  graph: TriggerGraph,
  allowList: AllowListEntry[],
): { findings: LoopFinding[]; suppressed: LoopFinding[] } {
  const all = detectCycles(graph, () => true);
  if (allowList.length === 0) return { findings: sortFindings(all), suppressed: [] };

  const allowedNode = new Uint8Array(graph.nodes.length);
  for (const node of graph.nodes) {
    if (allowList.some((e) => matchesFunction(e, node))) allowedNode[node.index] = 1;
  }
  const allowedLinkers = new Set(
    allowList.flatMap((e) => ("linkerId" in e ? [e.linkerId.toLowerCase()] : [])),
  );
  const viaAllowedLinker = (e: GraphEdge) =>
    e.writer.linkerId !== undefined && allowedLinkers.has(e.writer.linkerId.toLowerCase());
  const keep: EdgeFilter = (e) => !allowedNode[e.from] && !allowedNode[e.to] && !viaAllowedLinker(e);

  const active = detectCycles(graph, keep);
  const activeIds = new Set(active.map((f) => f.id));
  const suppressed: LoopFinding[] = [];
  const nodeByKey = new Map(graph.nodes.map((n) => [nodeKey(n), n]));
  for (const finding of all) {
    if (activeIds.has(finding.id)) continue;
    const members = finding.members
      .map((m) => nodeByKey.get(`${m.appId.toLowerCase()}/${m.function.toLowerCase()}`))
      .filter((n): n is GraphNode => n !== undefined);
    const memberSet = new Set(members.map((n) => n.index));
    const allowedBy = allowList.filter((entry) =>
      "linkerId" in entry
        ? members.some((n) =>
            graph.out[n.index]!.some(
              (e) => memberSet.has(e.to) && e.writer.linkerId?.toLowerCase() === entry.linkerId.toLowerCase(),
            ),
          )
        : members.some((n) => matchesFunction(entry, n)),
    );
    suppressed.push({ ...finding, allowedBy });
  }
  return { findings: sortFindings(active), suppressed: sortFindings(suppressed) };
}

function sortFindings(findings: LoopFinding[]): LoopFinding[] {
  return [...findings].sort((a, b) =>
    a.severity !== b.severity ? (a.severity === "certain" ? -1 : 1) : a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
  );
}
