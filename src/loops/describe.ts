/**
 * Human text for findings: what each resource is, why the cycle loops, and concrete ways to break it.
 */
import type { CycleStep, ResourceRef } from "./model.js";
import { ANY } from "./refs.js";
import type { GraphEdge } from "./graph.js";

function accountText(ref: ResourceRef, noun: string): string {
  return ref.account === ANY ? `an unresolved ${noun}` : `${noun} ${ref.account}`;
}

export function describeResource(ref: ResourceRef): string {
  switch (ref.kind) {
    case "blob":
      return `blobs ${ref.pattern} in ${accountText(ref, "storage account")}`;
    case "queue":
      return `queue ${ref.pattern} in ${accountText(ref, "storage account")}`;
    case "serviceBus":
      return `Service Bus ${ref.pattern.includes("/subscriptions/") ? "topic subscription" : "entity"} ${ref.pattern} in ${accountText(ref, "namespace")}`;
    case "eventHub":
      return `event hub ${ref.pattern} in ${accountText(ref, "namespace")}`;
    case "cosmos":
      return `Cosmos DB container ${ref.pattern} in ${accountText(ref, "account")}`;
  }
}

function who(step: CycleStep): string {
  return `${step.function} (${step.appId.split("/").pop() ?? step.appId})`;
}

export function explainCycle(steps: CycleStep[]): string {
  if (steps.length === 1) {
    const s = steps[0]!;
    const through = s.output.via === "connection" ? ` through linkwright connection ${s.output.linkerId}` : "";
    return (
      `${who(s)} is triggered by ${describeResource(s.trigger)} and can write ${describeResource(s.output)}${through}, ` +
      `which its own trigger watches: every run raises a new event that runs it again.`
    );
  }
  const hops = steps.map((s, i) => {
    const next = steps[(i + 1) % steps.length]!;
    const through = s.output.via === "connection" ? ` (via linkwright connection ${s.output.linkerId})` : "";
    return `${who(s)} writes ${describeResource(s.output)}${through}, which triggers ${who(next)}`;
  });
  return `${hops.join("; ")}. The ${steps.length} functions re-trigger each other without end.`;
}

/** Literal text of a blob glob before its first wildcard, without the container. */
function literalPathPrefix(glob: string): string {
  const slash = glob.indexOf("/");
  const path = slash < 0 ? "" : glob.slice(slash + 1);
  const star = path.indexOf("\u0000");
  return star < 0 ? path : path.slice(0, star);
}

function blobFixes(edge: GraphEdge): string[] {
  const container = edge.trigger.ref.entity !== ANY ? edge.trigger.ref.entity : edge.writer.ref.entity;
  const c = container === ANY ? "<container>" : container;
  const triggerPrefix = literalPathPrefix(edge.trigger.glob);
  const fixes = [`Write the output to a separate container (e.g. ${c}-out) that the trigger does not watch.`];
  if (triggerPrefix === "") {
    fixes.push(
      `Or give the trigger a path prefix the output does not match: trigger on ${c}/in/{name} and write to ${c}/out/{name}.`,
    );
  } else {
    fixes.push(
      `Or write to a path that does not start with ${c}/${triggerPrefix} (the trigger's prefix), e.g. ${c}/out/{name}.`,
    );
  }
  fixes.push(
    `Or use a blob trigger with source EventGrid and an Event Grid subscription filtered with subjectBeginsWith ` +
      `/blobServices/default/containers/${c}/blobs/in/ so writes elsewhere in the container raise no event.`,
  );
  return fixes;
}

function edgeFixes(edge: GraphEdge, fromStep: CycleStep): string[] {
  const w = edge.writer.ref;
  const t = edge.trigger;
  if (edge.writer.via === "connection") {
    return [
      `Linkwright connection ${edge.writer.linkerId} gives ${fromStep.function}'s app an SDK client for ${describeResource(w)}: ` +
        `make sure the code never writes where ${describeResource(t.ref)} is watched, or scope the connection to another ` +
        `${w.kind === "blob" ? "container" : "entity"}; if the recursion is intentional, allow-list { linkerId: "${edge.writer.linkerId}" }.`,
    ];
  }
  if (t.sameAppOnly) {
    return [
      `Record the Event Grid subscription of the trigger (source and subject filter) so it can be checked, and filter it ` +
        `with subjectBeginsWith to a prefix ${fromStep.function} does not write.`,
    ];
  }
  switch (w.kind) {
    case "blob":
      return blobFixes(edge);
    case "queue":
      return [
        `Write to a different queue (e.g. ${w.entity === ANY ? "<queue>" : w.entity}-out) consumed by another function.`,
        `If re-queueing is intentional (continuation/retry), carry a hop count in the message, stop at a bound, and allow-list the function.`,
      ];
    case "serviceBus": {
      const sub = /\/subscriptions\/(.+)$/.exec(t.ref.pattern)?.[1];
      const fixes = [`Send to a different ${sub ? "topic" : "queue"} than ${w.entity}.`];
      if (sub) {
        fixes.push(
          `Or give subscription ${sub} a SQL/correlation filter that excludes this function's messages ` +
            `(set an application property such as origin=${fromStep.function} when sending and filter "origin IS NULL").`,
        );
      }
      return fixes;
    }
    case "eventHub":
      return [`Send to a different event hub than ${w.entity}; an Event Hubs trigger cannot filter out its own events.`];
    case "cosmos":
      return [
        `Write to a different container than ${w.pattern}; the change feed cannot be filtered server-side.`,
        `Or mark documents the function writes (e.g. a processedBy field) and return early for them, then allow-list the function.`,
      ];
  }
}

export function fixesFor(edges: GraphEdge[], steps: CycleStep[]): string[] {
  const fixes: string[] = [];
  edges.forEach((edge, i) => {
    const step = steps[i]!;
    const prefix = edges.length > 1 ? `Break the hop ${step.function} → ${steps[(i + 1) % steps.length]!.function}: ` : "";
    for (const fix of edgeFixes(edge, step)) fixes.push(prefix + fix);
  });
  fixes.push(`If the recursion is intentional and bounded, add { appId, function } of one of these functions to the loop allow-list.`);
  return [...new Set(fixes)];
}
