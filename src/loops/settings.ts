/**
 * App-setting lookups the Functions host does when it resolves a binding's `connection` and `%Setting%` expressions.
 * Rules (targets.md §7, functions-reference.md "Common properties for identity-based connections"):
 * - `connection` names one setting holding a connection string, or a prefix `<P>` of `<P>__<property>` settings;
 *   an exact setting wins over the prefix form.
 * - `:` is accepted in place of `__` (App Configuration / local.settings.json spelling).
 * - Names from `listConnectionStrings` are visible too (as `ConnectionStrings:<name>`), and win over an app setting
 *   of the same name (WebJobs `GetConnectionStringOrSetting` checks the ConnectionStrings section first).
 * - Setting names are matched exactly first, then case-insensitively (Windows plans treat them case-insensitively).
 */
import type { FunctionAppInput } from "./model.js";

export interface AppSettingsView {
  get(name: string): string | undefined;
  /** `<prefix>__<property>` (or `<prefix>:<property>`), property compared case-insensitively. */
  property(prefix: string, property: string): string | undefined;
  /** Whether any `<prefix>__…` setting exists. */
  hasPrefix(prefix: string): boolean;
}

export function settingsView(app: Pick<FunctionAppInput, "appSettings" | "connectionStrings">): AppSettingsView {
  const exact = new Map<string, string>();
  const folded = new Map<string, string>();
  const put = (name: string, value: string) => {
    if (!exact.has(name)) exact.set(name, value);
    const lower = name.toLowerCase();
    if (!folded.has(lower)) folded.set(lower, value);
  };
  // Connection strings first: the host's GetConnectionStringOrSetting reads the ConnectionStrings section before
  // the root settings.
  for (const [name, entry] of Object.entries(app.connectionStrings ?? {})) {
    const value = typeof entry === "string" ? entry : entry?.value;
    if (typeof value === "string") put(name, value);
  }
  for (const [name, value] of Object.entries(app.appSettings ?? {})) {
    if (typeof value === "string") put(name, value);
  }
  // Prefix properties: "<prefix lower>" → Map<"property lower", value>.
  const byPrefix = new Map<string, Map<string, string>>();
  for (const [name, value] of folded) {
    const m = /^(.+)(?:__|:)((?:(?!__)[^:])+)$/.exec(name);
    if (!m) continue;
    const prefix = m[1]!;
    const prop = m[2]!;
    let props = byPrefix.get(prefix);
    if (!props) byPrefix.set(prefix, (props = new Map()));
    if (!props.has(prop)) props.set(prop, value);
  }
  return {
    get: (name) => exact.get(name) ?? folded.get(name.toLowerCase()),
    property: (prefix, property) => byPrefix.get(prefix.toLowerCase())?.get(property.toLowerCase()),
    hasPrefix: (prefix) => byPrefix.has(prefix.toLowerCase()),
  };
}

/** `Key=Value;Key=Value` → map with lower-cased keys (values keep their case; `=` inside values is kept). */
export function parseConnectionString(value: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of value.split(";")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const key = part.slice(0, eq).trim().toLowerCase();
    if (!out.has(key)) out.set(key, part.slice(eq + 1).trim());
  }
  return out;
}

/** Values the analysis cannot see through: Key Vault and App Configuration references. */
export function isIndirectReference(value: string): boolean {
  return /^@Microsoft\.(KeyVault|AppConfiguration)\s*\(/i.test(value.trim());
}
