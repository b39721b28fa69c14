/**
 * Strongly connected components (Tarjan, iterative so deep graphs cannot overflow the stack) and a shortest
 * representative cycle inside a component (BFS).
 */
import type { GraphEdge } from "./graph.js";

export type EdgeFilter = (edge: GraphEdge) => boolean;

/** Components in reverse topological order; every node appears in exactly one. */
export function stronglyConnected(out: GraphEdge[][], keep: EdgeFilter): number[][] {
  const n = out.length;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const components: number[][] = [];
  const edgeCursor = new Int32Array(n);
  let counter = 0;
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    const call: number[] = [root];
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (call.length > 0) {
      const v = call[call.length - 1]!;
      const edges = out[v]!;
      if (edgeCursor[v]! < edges.length) {
        const edge = edges[edgeCursor[v]!++]!;
        if (!keep(edge)) continue;
        const w = edge.to;
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          call.push(w);
        } else if (onStack[w]) {
          low[v] = Math.min(low[v]!, index[w]!);
        }
        continue;
      }
      call.pop();
      if (call.length > 0) {
        const parent = call[call.length - 1]!;
        low[parent] = Math.min(low[parent]!, low[v]!);
      }
      if (low[v] === index[v]) {
        const component: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = 0;
          component.push(w);
        } while (w !== v);
        components.push(component);
      }
    }
  }
  return components;
}

/** True when the component holds a cycle: more than one node, or one node with a kept self-edge. */
export function isCyclic(component: number[], out: GraphEdge[][], keep: EdgeFilter): boolean {
  if (component.length > 1) return true;
  const v = component[0]!;
  return out[v]!.some((e) => e.to === v && keep(e));
}

/**
 * Shortest path of edges from `from` to `to` using only kept edges between members; undefined if none.
 * With from === to it returns the shortest cycle through that node (a self-edge when there is one).
 */
export function shortestPath(
  out: GraphEdge[][],
  from: number,
  to: number,
  members: Set<number>,
  keep: EdgeFilter,
): GraphEdge[] | undefined {
  const via = new Map<number, GraphEdge>();
  const queue: number[] = [from];
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head]!;
    for (const edge of out[v]!) {
      if (!keep(edge) || !members.has(edge.to)) continue;
      if (edge.to === to) {
        const path: GraphEdge[] = [edge];
        let cur = v;
        while (cur !== from) {
          const back = via.get(cur)!;
          path.unshift(back);
          cur = back.from;
        }
        return path;
      }
      if (edge.to !== from && !via.has(edge.to)) {
        via.set(edge.to, edge);
        queue.push(edge.to);
      }
    }
  }
  return undefined;
}
