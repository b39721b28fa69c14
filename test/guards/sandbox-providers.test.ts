// Provider layering of the ARM emulator (issue #13): a provider depends on the provider kit (sandbox/arm/providers/kit/)
// and the core, never on another provider; the kit depends on the core only. A provider is a folder under providers/
// or a top-level file there (authorization.ts, msi.ts, forwarding.ts, …); the registry (providers/index.ts) may import
// every provider.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const PROVIDERS = fileURLToPath(new URL("../../sandbox/arm/providers", import.meta.url));
const REGISTRY = path.join(PROVIDERS, "index.ts");
const KIT = "kit";

/** Every .ts file below `dir`. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return sources(full);
    return entry.endsWith(".ts") ? [full] : [];
  });
}

/** Relative module specifiers a file imports or re-exports: static, side-effect and dynamic imports. */
function relativeImports(source: string): string[] {
  const found = [
    ...source.matchAll(/\bfrom\s*["']([^"']+)["']/g),
    ...source.matchAll(/\bimport\s*["']([^"']+)["']/g),
    ...source.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g),
  ].map((m) => m[1]!);
  return found.filter((s) => s.startsWith("."));
}

/** The provider a path under providers/ belongs to: its first folder, or a top-level file's name; undefined outside. */
function providerOf(file: string): string | undefined {
  const rel = path.relative(PROVIDERS, file);
  if (rel.startsWith("..") || path.isAbsolute(rel)) return undefined;
  const first = rel.split(path.sep)[0]!;
  return first.replace(/\.(ts|js)$/, "");
}

/** `from → to` for every import from one provider (or the kit) into another provider. */
function crossProviderImports(): string[] {
  const out: string[] = [];
  for (const file of sources(PROVIDERS)) {
    if (file === REGISTRY) continue;
    const from = providerOf(file)!;
    for (const spec of relativeImports(readFileSync(file, "utf8"))) {
      const to = providerOf(path.resolve(path.dirname(file), spec));
      if (to === undefined || to === from || to === KIT) continue;
      out.push(`${path.relative(PROVIDERS, file)} → ${spec}`);
    }
  }
  return out;
}

describe("sandbox ARM providers", () => {
  it("import the kit and the core, never another provider", () => {
    expect(crossProviderImports()).toEqual([]);
  });

  it("keep the shared toolkit in providers/kit/", () => {
    expect(statSync(path.join(PROVIDERS, KIT)).isDirectory()).toBe(true);
    expect(sources(path.join(PROVIDERS, KIT)).length).toBeGreaterThan(0);
  });

  it("see every import form, so the guard cannot be dodged by a re-export or a dynamic import", () => {
    const text = [
      `import { a } from "../web/x.js";`, `import {\n  b,\n} from "./y.js";`, `export { c } from "../sql/z.js";`,
      `export * from "../kit/k.js";`, `import "../side.js";`, `await import("../dyn.js");`, `import { d } from "node:fs";`,
    ].join("\n");
    expect(relativeImports(text).sort()).toEqual(["../dyn.js", "../kit/k.js", "../side.js", "../sql/z.js", "../web/x.js", "./y.js"]);
  });
});
