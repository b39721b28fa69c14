/**
 * Trigger/output loop detection across Function Apps (issue 7). Pure: the caller lists the apps (ARM functions
 * list with `config.bindings`, app settings, connection strings, linkwright connections) and gets the findings.
 */
import type { AnalyzeOptions, FunctionAppInput, LoopAnalysis } from "./model.js";
import { buildGraph } from "./graph.js";
import { detectWithAllowList } from "./detect.js";
import { unanalyzedTriggerType } from "./bindings.js";

export type * from "./model.js";
export { globsIntersect, compilePattern } from "./pattern.js";
export { functionsFromEnvelopes, type FunctionEnvelopeLike } from "./fromArm.js";

export function analyzeLoops(apps: FunctionAppInput[], options: AnalyzeOptions = {}): LoopAnalysis {
  const graph = buildGraph(apps);
  const { findings, suppressed } = detectWithAllowList(graph, options.allowList ?? []);
  return {
    findings,
    suppressed,
    stats: {
      apps: graph.apps,
      functions: apps.reduce((n, app) => n + app.functions.length, 0),
      edges: graph.edgeCount,
      unanalyzedTriggers: countUnanalyzedTriggers(apps),
    },
  };
}

function countUnanalyzedTriggers(apps: FunctionAppInput[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const app of apps) {
    for (const fn of app.functions) {
      if (fn.isDisabled) continue;
      for (const binding of fn.bindings ?? []) {
        const type = unanalyzedTriggerType(binding);
        if (type) counts[type] = (counts[type] ?? 0) + 1;
      }
    }
  }
  return counts;
}
