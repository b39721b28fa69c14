// npm run package (infra/package.ts) against src/functions. The package is built into a folder outside the repository,
// so nothing installed can stand in for what the bundle lacks; its entry module then loads in a fresh `node` the way
// the Functions worker loads it, and registers exactly the functions src/functions registers. The package declares
// no dependencies, names its entry module in "main", ships the repository's host.json, keeps the Azure SDKs out of
// what loads at startup (sdk/, loaded on first use), and its zip holds the same files.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPackage, loadPackage, type PackageResult } from "../../infra/package.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SRC_FUNCTIONS = readdirSync(path.join(ROOT, "src/functions")).filter((f) => f.endsWith(".ts")).sort();

describe("npm run package", () => {
  let work: string;
  let pkg: PackageResult;

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), "linkwright-package-"));
    pkg = await buildPackage({ outDir: path.join(work, "app"), zipFile: path.join(work, "linkwright.zip") });
  }, 120_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("has one entry module registering every src/functions file, named by package.json main, and no dependencies", () => {
    expect(pkg.entries).toEqual(["functions/index.js"]);
    expect(pkg.functionFiles).toEqual(SRC_FUNCTIONS.map((f) => `src/functions/${f}`));
    const manifest = JSON.parse(readFileSync(path.join(pkg.outDir, "package.json"), "utf8")) as Record<string, unknown>;
    expect(manifest).toMatchObject({ name: "linkwright", type: "module", main: "functions/index.js" });
    expect(Object.keys(manifest).filter((k) => /dependencies/i.test(k))).toEqual([]);
    expect(readFileSync(path.join(pkg.outDir, "host.json"), "utf8")).toBe(readFileSync(path.join(ROOT, "host.json"), "utf8"));
    expect(pkg.files.map((f) => f.path).filter((f) => /(^|\/)node_modules\//.test(f))).toEqual([]);
  });

  it("loads with nothing installed and registers exactly what src/functions registers", () => {
    const bundled = loadPackage(pkg.outDir);
    const source = loadPackage(ROOT, { files: SRC_FUNCTIONS.map((f) => path.join(ROOT, "src/functions", f)), nodeArgs: ["--import", "tsx"] });
    expect(source.functions.length).toBeGreaterThan(10);
    expect(bundled.functions).toEqual(source.functions);
    expect(bundled.functions).toEqual(expect.arrayContaining(["serviceLinkerApi", "linkerCreateOrUpdate", "healthRevalidateTimer", "loopScanTimer"]));
  }, 120_000);

  it("outside a Functions host the registrations are no-ops: the entry module imports cleanly and says so", () => {
    const files = pkg.entries.map((e) => pathToFileURL(path.join(pkg.outDir, e)).href);
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", "for (const f of process.argv.slice(1)) await import(f);", ...files], {
      cwd: pkg.outDir, encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" },
    });
    expect(run.status, run.stderr).toBe(0);
    expect(`${run.stdout}${run.stderr}`).toMatch(/Skipping call to register function "serviceLinkerApi" because the "@azure\/functions" package is in test mode/);
  }, 60_000);

  it("keeps the Azure SDKs out of what loads at startup: each is its own sdk/*.cjs, loaded on first use", () => {
    const own = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    const armSdks = Object.keys(own.dependencies).filter((d) => d.startsWith("@azure/arm-"));
    expect(armSdks.length).toBeGreaterThan(5);
    for (const sdk of [...armSdks.filter((d) => readFileSync(path.join(ROOT, "src/azure/clients.ts"), "utf8").includes(`"${d}"`)), "@azure/keyvault-secrets"]) {
      expect(pkg.lazyPackages, sdk).toContain(sdk);
    }
    // The ARM SDKs announce themselves in their User-Agent (azsdk-js-arm-<name>): no startup file carries one.
    const startup = pkg.files.map((f) => f.path).filter((f) => !f.startsWith("sdk/") && f.endsWith(".js"));
    for (const file of startup) expect(readFileSync(path.join(pkg.outDir, file), "utf8"), file).not.toMatch(/azsdk-js-arm-/);
    // Each sdk file loads on its own (plain CommonJS, nothing installed) and exports its clients.
    const check = pkg.lazyPackages.map((p) => `sdk/${p.replace(/^@/, "").replace(/\//g, "-")}.cjs`);
    const run = spawnSync(process.execPath, ["-e", "for (const f of process.argv.slice(1)) { const m = require(require('path').resolve(f)); if (!Object.values(m).some((v) => typeof v === 'function')) throw new Error(f + ' exports no function'); }", ...check], {
      cwd: pkg.outDir, encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" },
    });
    expect(run.status, run.stderr).toBe(0);
  }, 60_000);

  it("zips the same files", () => {
    const zip = readFileSync(pkg.zipFile!);
    expect(zip.readUInt32LE(0)).toBe(0x04034b50);
    const end = zip.length - 22;
    expect(zip.readUInt32LE(end)).toBe(0x06054b50);
    const count = zip.readUInt16LE(end + 10);
    let at = zip.readUInt32LE(end + 16);
    const names: string[] = [];
    for (let i = 0; i < count; i++) {
      expect(zip.readUInt32LE(at)).toBe(0x02014b50);
      const nameLength = zip.readUInt16LE(at + 28);
      names.push(zip.toString("utf8", at + 46, at + 46 + nameLength));
      at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    }
    expect(names).toEqual(pkg.files.map((f) => f.path));
    expect(pkg.zipBytes).toBeLessThan(pkg.bytes);
  });
});
