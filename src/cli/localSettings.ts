// local.settings.json: read it, apply setting changes to its `Values` keeping every other value, key order and section,
// write it back as JSON with the file's indentation (2 spaces by default) and line endings. Names compare as the
// Functions host reads them: case-insensitively, `:` the same as `__`.
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";

export const LOCAL_SETTINGS_FILE = "local.settings.json";

export interface LocalSettingsFile {
  path: string;
  exists: boolean;
  /** The whole document (IsEncrypted, Values, Host, ConnectionStrings, …). */
  document: Record<string, unknown>;
  /** `Values` entries whose value is a string, in file order. */
  values: Record<string, string>;
  indent: string;
  eol: "\n" | "\r\n";
}

export interface SettingChange {
  name: string;
  action: "add" | "update" | "remove";
  /** The new value (add / update). */
  value?: string;
  /** Whether the old value is shown: false for a removed connection string (it may hold a key). */
  previous?: string;
  reason: string;
}

export class LocalSettingsError extends Error {}

export async function readLocalSettings(projectDir: string): Promise<LocalSettingsFile> {
  const file = path.join(projectDir, LOCAL_SETTINGS_FILE);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return { path: file, exists: false, document: {}, values: {}, indent: "  ", eol: "\n" };
    throw e;
  }
  return parseLocalSettings(file, text);
}

export function parseLocalSettings(file: string, text: string): LocalSettingsFile {
  let document: unknown;
  try {
    document = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (e) {
    throw new LocalSettingsError(`${file} is not valid JSON (${(e as Error).message}); fix it first, nothing was changed`);
  }
  if (typeof document !== "object" || document === null || Array.isArray(document)) {
    throw new LocalSettingsError(`${file} is not a JSON object; nothing was changed`);
  }
  const doc = document as Record<string, unknown>;
  if (doc["IsEncrypted"] === true) {
    throw new LocalSettingsError(`${file} is encrypted (IsEncrypted: true); decrypt it with 'func settings decrypt' first, nothing was changed`);
  }
  const rawValues = doc["Values"];
  if (rawValues !== undefined && (typeof rawValues !== "object" || rawValues === null || Array.isArray(rawValues))) {
    throw new LocalSettingsError(`${file}: 'Values' is not an object; nothing was changed`);
  }
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries((rawValues ?? {}) as Record<string, unknown>)) if (typeof v === "string") values[k] = v;
  const indentMatch = /\n([ \t]+)"/.exec(text);
  return { path: file, exists: true, document: doc, values, indent: indentMatch?.[1] ?? "  ", eol: text.includes("\r\n") ? "\r\n" : "\n" };
}

/** The comparison key of a setting name as the host reads it. */
export function settingKey(name: string): string {
  return name.replace(/:/g, "__").toLowerCase();
}

/** The entry of `values` the host reads for `name` (whatever its spelling), or undefined. */
export function findSetting(values: Record<string, string>, name: string): { key: string; value: string } | undefined {
  const wanted = settingKey(name);
  for (const [key, value] of Object.entries(values)) if (settingKey(key) === wanted) return { key, value };
  return undefined;
}

/** The changes that make `values` hold `wanted` (name → value); names already right are left alone. */
export function changesFor(values: Record<string, string>, wanted: { name: string; value: string; reason: string }[]): SettingChange[] {
  const out: SettingChange[] = [];
  for (const w of wanted) {
    const existing = findSetting(values, w.name);
    if (!existing) out.push({ name: w.name, action: "add", value: w.value, reason: w.reason });
    else if (existing.value !== w.value) out.push({ name: existing.key, action: "update", value: w.value, previous: existing.value, reason: w.reason });
  }
  return out;
}

/** `Values` after the changes: updated keys keep their place and spelling, new ones go last, removed ones go. */
export function applySettingChanges(document: Record<string, unknown>, changes: SettingChange[]): Record<string, unknown> {
  const current = { ...((document["Values"] ?? {}) as Record<string, unknown>) };
  const keyOf = (name: string) => Object.keys(current).find((k) => settingKey(k) === settingKey(name));
  for (const c of changes) {
    const key = keyOf(c.name);
    if (c.action === "remove") {
      if (key !== undefined) delete current[key];
    } else {
      current[key ?? c.name] = c.value ?? "";
    }
  }
  return current;
}

/** The file's text after the changes; a new file is `{ "IsEncrypted": false, "Values": {…} }`. */
export function renderLocalSettings(file: LocalSettingsFile, changes: SettingChange[]): string {
  const values = applySettingChanges(file.document, changes);
  let document: Record<string, unknown>;
  if (!file.exists) {
    document = { IsEncrypted: false, Values: values };
  } else if ("Values" in file.document) {
    document = Object.fromEntries(Object.entries(file.document).map(([k, v]) => [k, k === "Values" ? values : v]));
  } else {
    // Values goes right after IsEncrypted (first when there is none).
    document = {};
    if ("IsEncrypted" in file.document) document["IsEncrypted"] = file.document["IsEncrypted"];
    document["Values"] = values;
    for (const [k, v] of Object.entries(file.document)) if (k !== "IsEncrypted") document[k] = v;
  }
  const json = JSON.stringify(document, null, file.indent);
  return (file.eol === "\r\n" ? json.replace(/\n/g, "\r\n") : json) + file.eol;
}

export async function writeLocalSettings(file: LocalSettingsFile, changes: SettingChange[]): Promise<void> {
  await writeFile(file.path, renderLocalSettings(file, changes), "utf8");
}
