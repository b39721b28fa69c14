// Reads the app's host.json and local.settings.json, and applies settings to process.env the way Core Tools does
// (local.settings.json `Values` never overwrite variables that are already set).
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

export interface HostJson {
  version?: string;
  extensions?: {
    http?: { routePrefix?: string };
    queues?: {
      messageEncoding?: string;
      maxDequeueCount?: number;
      visibilityTimeout?: string;
      batchSize?: number;
      maxPollingInterval?: string | number;
      newBatchThreshold?: number;
    };
    durableTask?: { hubName?: string; storageProvider?: { connectionStringName?: string } };
    [name: string]: unknown;
  };
  [key: string]: unknown;
}

export interface LocalSettings {
  IsEncrypted?: boolean;
  Values?: Record<string, string>;
  Host?: { LocalHttpPort?: number; CORS?: string };
}

function readJson<T>(file: string): T | undefined {
  if (!existsSync(file)) return undefined;
  // host.json and local.settings.json tolerate a BOM; comments are not supported.
  const text = readFileSync(file, "utf8").replace(/^\uFEFF/, "");
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new Error(`${file} is not valid JSON: ${(err as Error).message}`);
  }
}

export function readHostJson(appDir: string): HostJson {
  const hostJson = readJson<HostJson>(path.join(appDir, "host.json"));
  if (!hostJson) throw new Error(`host.json not found in ${appDir}`);
  if (hostJson.version !== "2.0") throw new Error(`host.json version must be "2.0" (found ${JSON.stringify(hostJson.version)})`);
  return hostJson;
}

export function readLocalSettings(appDir: string): LocalSettings {
  const settings = readJson<LocalSettings>(path.join(appDir, "local.settings.json")) ?? {};
  if (settings.IsEncrypted) throw new Error("Encrypted local.settings.json is not supported by the sandbox host");
  return settings;
}

/** Tracks the variables the host set so `restore()` can put process.env back as it was. */
export class EnvScope {
  private readonly previous = new Map<string, string | undefined>();

  /** Sets a variable (overwrites). */
  set(name: string, value: string): void {
    if (!this.previous.has(name)) this.previous.set(name, process.env[name]);
    process.env[name] = value;
  }

  /** Sets a variable only when it is not already defined. */
  setDefault(name: string, value: string): void {
    if (process.env[name] === undefined) this.set(name, value);
  }

  restore(): void {
    for (const [name, value] of this.previous) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    this.previous.clear();
  }
}

/** Resolves `%Name%` app-setting references (used in timer schedules and binding options). */
export function resolveSettingReference(value: string): string {
  const m = /^%([^%]+)%$/.exec(value.trim());
  if (!m) return value;
  const resolved = process.env[m[1]!];
  if (resolved === undefined) throw new Error(`App setting "${m[1]}" referenced as "${value}" is not defined`);
  return resolved;
}

/** Parses a .NET TimeSpan (`hh:mm:ss`, `d.hh:mm:ss`, optional `.fff`) into milliseconds. */
export function parseTimeSpan(value: string): number {
  const m = /^(?:(\d+)\.)?(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,7}))?$/.exec(value.trim());
  if (!m) throw new Error(`"${value}" is not a TimeSpan (expected hh:mm:ss or d.hh:mm:ss)`);
  const [, d, h, mi, s, frac] = m;
  const hours = Number(h);
  const minutes = Number(mi);
  const seconds = Number(s);
  if (hours > 23 || minutes > 59 || seconds > 59) throw new Error(`"${value}" is not a valid TimeSpan`);
  const fraction = frac ? Number(`0.${frac}`) : 0;
  return ((Number(d ?? 0) * 24 + hours) * 3600 + minutes * 60 + seconds + fraction) * 1000;
}
