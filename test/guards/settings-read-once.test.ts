// App settings are read in one module (src/config/settings.ts), once per worker by the composition root
// (src/app/runtime.ts): nothing else in src/ touches process.env or indexes an env bag, so a setting has one reader,
// one default and one validation — and the README's table and infra/ are checked against that module (test/infra).
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SETTINGS_MODULE = "src/config/settings.ts";
/** The developer's CLI (src/cli, `npx linkwright`) is its own program run on a laptop, not the app: it reads its own
 *  environment (AZURE_SUBSCRIPTION_ID, LINKWRIGHT_ACCESS_TOKEN) through the CliIo it is handed. */
const CLI = "src/cli/";

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? tsFiles(path) : path.endsWith(".ts") ? [path] : [];
  });
}

/** Lines reading settings: process.env (any form), or an `env[…]` / `env.NAME` lookup. Comments are not code. */
function settingReads(text: string): string[] {
  return text.split("\n")
    .map((line) => line.replace(/\/\/.*$/, "").replace(/\/\*.*?\*\//g, ""))
    .filter((line) => !/^\s*\*/.test(line))
    .filter((line) => /\bprocess\s*\.\s*env\b|\bprocess\s*\[\s*["']env["']\s*\]|\benv\s*\[|\benv\.[A-Z][A-Za-z0-9_]*\b/.test(line));
}

describe("app settings", () => {
  it("are read only in src/config/settings.ts (the CLI in src/cli/ is a separate program)", () => {
    const elsewhere = tsFiles(join(ROOT, "src"))
      .filter((f) => relative(ROOT, f) !== SETTINGS_MODULE && !relative(ROOT, f).startsWith(CLI))
      .flatMap((f) => settingReads(readFileSync(f, "utf8")).map((line) => `${relative(ROOT, f)}: ${line.trim()}`));
    expect(elsewhere).toEqual([]);
  });

  it("the scan finds reads where they are (it cannot pass by seeing nothing)", () => {
    expect(settingReads(readFileSync(join(ROOT, SETTINGS_MODULE), "utf8")).length).toBeGreaterThan(20);
    expect(settingReads('const x = process.env.FOO;\nconst y = env["BAR"];\n// process.env in a comment\nconst z = process["env"];')).toHaveLength(3);
  });
});
