// The layering of src/ (issue #13; src/README.md): arrows point down only.
//  - src/api/ is the front door: nothing below it imports it (only the composition root, src/app/, builds it).
//  - No two folders of src/ import each other, directly or through others (type-only imports count: a type is a
//    dependency too).
//  - src/model/ is the bottom: it imports nothing outside itself.
//  - src/ and sandbox/ never import each other.
// Pure: reads the files, resolves relative import specifiers.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SRC = join(ROOT, "src");

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? tsFiles(path) : path.endsWith(".ts") ? [path] : [];
  });
}

/** Every relative import (static, type-only, re-export and `import("…")` type expressions) of a file, resolved. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specs = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^import\s+)["'](\.{1,2}\/[^"']+)["']/gm)].map((m) => m[1]!);
  return specs.map((s) => resolve(dirname(file), s));
}

/** The top folder of src/ a path is in ("api", "model", …), or undefined outside src/. */
function folderOf(path: string): string | undefined {
  const rel = relative(SRC, path);
  if (rel.startsWith("..")) return undefined;
  const parts = rel.split(/[\\/]/);
  return parts.length > 1 ? parts[0] : "(root)";
}

const files = tsFiles(SRC);
const edges = files.flatMap((file) => importsOf(file).map((target) => ({ file: relative(ROOT, file), from: folderOf(file)!, target })));

describe("layering of src/", () => {
  it("nothing below the front door imports src/api/ (only the composition root src/app/ builds it)", () => {
    const upward = edges.filter((e) => folderOf(e.target) === "api" && e.from !== "api" && e.from !== "app");
    expect(upward.map((e) => `${e.file} → ${relative(ROOT, e.target)}`)).toEqual([]);
  });

  it("src/model/ imports nothing outside itself", () => {
    const out = edges.filter((e) => e.from === "model" && folderOf(e.target) !== "model");
    expect(out.map((e) => `${e.file} → ${relative(ROOT, e.target)}`)).toEqual([]);
  });

  it("no import cycle between folders of src/", () => {
    const graph = new Map<string, Map<string, string>>();
    for (const e of edges) {
      const to = folderOf(e.target);
      if (!to || to === e.from) continue;
      if (!graph.has(e.from)) graph.set(e.from, new Map());
      if (!graph.get(e.from)!.has(to)) graph.get(e.from)!.set(to, e.file);
    }
    // For each edge a → b, a path b →…→ a closes a cycle: report the edge with an example file on each hop.
    const cycles: string[] = [];
    const pathBetween = (from: string, to: string): string[] | undefined => {
      const seen = new Set([from]);
      const queue: string[][] = [[from]];
      while (queue.length) {
        const path = queue.shift()!;
        for (const next of graph.get(path.at(-1)!)?.keys() ?? []) {
          if (next === to) return [...path, next];
          if (!seen.has(next)) { seen.add(next); queue.push([...path, next]); }
        }
      }
      return undefined;
    };
    for (const [a, outs] of graph) {
      for (const [b, file] of outs) {
        const back = pathBetween(b, a);
        if (back) cycles.push(`${a} → ${b} (${file}), back: ${back.join(" → ")}`);
      }
    }
    expect(cycles).toEqual([]);
  });

  it("src/ and sandbox/ never import each other", () => {
    const intoSandbox = edges.filter((e) => relative(ROOT, e.target).startsWith("sandbox"));
    const intoSrc = tsFiles(join(ROOT, "sandbox")).flatMap((f) => importsOf(f).filter((t) => folderOf(t) !== undefined).map((t) => `${relative(ROOT, f)} → ${relative(ROOT, t)}`));
    expect([...intoSandbox.map((e) => e.file), ...intoSrc]).toEqual([]);
  });
});
