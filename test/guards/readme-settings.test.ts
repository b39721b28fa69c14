// The README's settings table against the one settings module (src/config/settings.ts): every setting the module
// reads is in the table, and the table names nothing the module does not read (a renamed or dropped setting).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { settingsReadBy } from "../infra/code-settings.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), "utf8");

/** The settings the module reads (App Service's own WEBSITE_* are provided by the platform, not set by anyone). */
const code = [...settingsReadBy(read("src/config/settings.ts"))].filter((n) => !n.startsWith("WEBSITE_")).sort();

/** Every `NAME` in backticks in the README's "App settings" table. */
function tableSettings(): string[] {
  const readme = read("README.md");
  const start = readme.indexOf("## App settings");
  const end = readme.indexOf("\n## ", start + 1);
  const table = readme.slice(start, end).split("\n").filter((l) => l.startsWith("| `"));
  return [...new Set(table.flatMap((row) => [...row.split("|")[1]!.matchAll(/`([A-Za-z_][A-Za-z0-9_]*)`/g)].map((m) => m[1]!)))].sort();
}

describe("README settings table", () => {
  it("names every setting src/config/settings.ts reads, and nothing else", () => {
    expect(code.length).toBeGreaterThan(25);
    const documented = tableSettings();
    expect(code.filter((n) => !documented.includes(n)), "read but not in the README").toEqual([]);
    expect(documented.filter((n) => !code.includes(n)), "in the README but not read").toEqual([]);
  });
});
