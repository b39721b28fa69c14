// Resource-id templates: `{placeholder}` segments become case-insensitive named groups.
import type { TargetFacts } from "./types.js";

const cache = new Map<string, RegExp>();

function compile(template: string): RegExp {
  let re = cache.get(template);
  if (!re) {
    const body = template
      .split(/(\{[a-zA-Z]+\})/)
      .map((part) => {
        const m = /^\{([a-zA-Z]+)\}$/.exec(part);
        if (m) return `(?<${m[1]}>[^/]+)`;
        return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      })
      .join("");
    re = new RegExp(`^${body}/?$`, "i");
    cache.set(template, re);
  }
  return re;
}

/** The placeholders of `template` parsed from `id`, or undefined when the id does not match. */
export function matchTemplate(template: string, id: string): Record<string, string> | undefined {
  const m = compile(template).exec(id);
  if (!m) return undefined;
  return { ...(m.groups ?? {}) };
}

/** Fills `{placeholder}` segments from `parts`; throws when a placeholder has no value. */
export function fillTemplate(template: string, parts: Record<string, string | undefined>): string {
  return template.replace(/\{([a-zA-Z]+)\}/g, (_, name: string) => {
    const v = parts[name];
    if (v === undefined) throw new Error(`template ${template}: no value for {${name}}`);
    return v;
  });
}

/** The standard prefix of every ARM template in the catalogue. */
export const RG = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers";

/** Facts that come from the id alone. */
export function factsFromParts(parts: Record<string, string>): TargetFacts {
  const f: TargetFacts = {};
  if (parts.subscriptionId) f.subscriptionId = parts.subscriptionId;
  if (parts.resourceGroup) f.resourceGroup = parts.resourceGroup;
  if (parts.resourceName) f.resourceName = parts.resourceName;
  if (parts.databaseName) f.databaseName = parts.databaseName;
  if (parts.graphName) f.graphName = parts.graphName;
  return f;
}
