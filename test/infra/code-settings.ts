// Which app settings the code reads, found in the source text the way it reads them:
//   env["NAME"]  env.NAME  required(env, "NAME")  positiveInt(env, "NAME", …)  const X_SETTING = "NAME"
// and which of them are required (required(env, "NAME") or an "App setting NAME is required" error).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

const READ_PATTERNS: RegExp[] = [
  /\benv\[\s*"([^"]+)"\s*\]/g,
  /\benv\.([A-Za-z_]\w*)/g,
  /\brequired\(\s*env\s*,\s*"([^"]+)"\s*\)/g,
  /\bpositiveInt\(\s*env\s*,\s*"([^"]+)"/g,
  /\b[A-Z][A-Z0-9_]*_SETTING\s*=\s*"([^"]+)"/g,
];

const REQUIRED_PATTERNS: RegExp[] = [
  /\brequired\(\s*env\s*,\s*"([^"]+)"\s*\)/g,
  /App setting ([A-Za-z_]\w*) is required/g,
];

/** A setting name as opposed to a property of some other `env` value (env.push, env.names…). */
function isSettingName(name: string): boolean {
  return /^AzureWebJobs\w*$/.test(name) || /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/.test(name);
}

function collect(source: string, patterns: RegExp[]): Set<string> {
  const names = new Set<string>();
  for (const pattern of patterns) {
    for (const m of source.matchAll(pattern)) if (isSettingName(m[1]!)) names.add(m[1]!);
  }
  return names;
}

export function settingsReadBy(source: string): Set<string> {
  return collect(source, READ_PATTERNS);
}

export function settingsRequiredBy(source: string): Set<string> {
  return collect(source, REQUIRED_PATTERNS);
}

export function typeScriptFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...typeScriptFiles(path));
    else if (entry.endsWith(".ts")) out.push(path);
  }
  return out.sort();
}

export interface CodeSettings {
  /** name → files reading it */
  read: Map<string, string[]>;
  required: Map<string, string[]>;
}

export function codeSettings(files: string[]): CodeSettings {
  const read = new Map<string, string[]>();
  const required = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    for (const name of settingsReadBy(text)) read.set(name, [...(read.get(name) ?? []), file]);
    for (const name of settingsRequiredBy(text)) required.set(name, [...(required.get(name) ?? []), file]);
  }
  return { read, required };
}

export interface SettingsGap {
  /** Read by the code, neither deployed nor explicitly left out. */
  unaccounted: string[];
  /** Required by the code but not deployed. */
  requiredMissing: string[];
  /** Deployed but read neither by the code nor by the Functions platform. */
  unknown: string[];
  /** Listed as deliberately left out but deployed anyway, or no longer read by the code. */
  staleExemptions: string[];
}

export function settingsGap(input: { read: Iterable<string>; required: Iterable<string>; deployed: Iterable<string>; leftOut: Iterable<string>; platform: Iterable<string> }): SettingsGap {
  const read = new Set(input.read);
  const deployed = new Set(input.deployed);
  const leftOut = new Set(input.leftOut);
  const platform = new Set(input.platform);
  return {
    unaccounted: [...read].filter((n) => !deployed.has(n) && !leftOut.has(n)).sort(),
    requiredMissing: [...input.required].filter((n) => !deployed.has(n)).sort(),
    unknown: [...deployed].filter((n) => !read.has(n) && !platform.has(n)).sort(),
    staleExemptions: [...leftOut].filter((n) => deployed.has(n) || !read.has(n)).sort(),
  };
}
