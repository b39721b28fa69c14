// Resolves binding expressions in binding options (queueName, blob path, table keys): `%AppSetting%`,
// `{rand-guid}`, `{DateTime}`, and `{name}` from the trigger's binding data (case-insensitive).
import { randomUUID } from "node:crypto";

export function resolveBindingExpression(template: string, bindingData: Record<string, unknown>, now: Date): string {
  const withSettings = template.replace(/%([^%]+)%/g, (_m, name: string) => {
    const value = process.env[name];
    if (value === undefined) throw new Error(`App setting "${name}" used in binding expression "${template}" is not defined`);
    return value;
  });
  return withSettings.replace(/\{([^{}]+)\}/g, (_m, expr: string) => {
    const key = expr.trim();
    const lower = key.toLowerCase();
    if (lower === "rand-guid") return randomUUID();
    if (lower === "datetime") return now.toISOString().replace(/\.\d{3}Z$/, "Z");
    const value = lookup(bindingData, key);
    if (value === undefined || value === null) {
      throw new Error(`No value for named parameter "${key}" in binding expression "${template}"`);
    }
    return typeof value === "object" ? JSON.stringify(value) : String(value);
  });
}

function lookup(data: Record<string, unknown>, dottedKey: string): unknown {
  let current: unknown = data;
  for (const part of dottedKey.split(".")) {
    if (current === null || typeof current !== "object") return undefined;
    const entry = Object.entries(current as Record<string, unknown>).find(([k]) => k.toLowerCase() === part.toLowerCase());
    current = entry?.[1];
  }
  return current;
}
