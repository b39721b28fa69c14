// Minimal glob expansion for `package.json#main` (the worker accepts globs there, e.g. `dist/src/functions/*.js`):
// `*` and `?` within a segment, `**` for any depth, `{a,b}` alternatives. Relative to a base directory.
import { readdirSync, statSync } from "node:fs";
import path from "node:path";

function escapeRegex(s: string): string {
  return s.replace(/[.+^$()|[\]\\]/g, "\\$&");
}

/** Compiles one path segment pattern to a RegExp. */
export function segmentToRegex(segment: string): RegExp {
  let out = "";
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === "*") out += "[^/]*";
    else if (c === "?") out += "[^/]";
    else if (c === "{") {
      const close = segment.indexOf("}", i);
      if (close < 0) throw new Error(`Unclosed "{" in glob segment "${segment}"`);
      out += "(?:" + segment.slice(i + 1, close).split(",").map(escapeRegex).join("|") + ")";
      i = close;
    } else out += escapeRegex(c);
  }
  return new RegExp(`^${out}$`);
}

export function hasMagic(pattern: string): boolean {
  return /[*?{]/.test(pattern);
}

/** Expands `pattern` (posix separators) under `baseDir`; returns absolute file paths, sorted. */
export function expandGlob(baseDir: string, pattern: string): string[] {
  const segments = pattern.split("/").filter((s) => s !== "" && s !== ".");
  const results = new Set<string>();
  const walk = (dir: string, index: number): void => {
    if (index === segments.length) {
      if (isFile(dir)) results.add(dir);
      return;
    }
    const seg = segments[index]!;
    if (seg === "**") {
      walk(dir, index + 1);
      for (const entry of listDir(dir)) if (isDir(path.join(dir, entry))) walk(path.join(dir, entry), index);
      return;
    }
    if (seg === "..") return walk(path.dirname(dir), index + 1);
    if (!hasMagic(seg)) return walk(path.join(dir, seg), index + 1);
    const re = segmentToRegex(seg);
    for (const entry of listDir(dir)) if (re.test(entry)) walk(path.join(dir, entry), index + 1);
  };
  walk(path.resolve(baseDir), 0);
  return [...results].sort();
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}
