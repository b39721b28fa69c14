// npm run package: the deployable app, in .package/ and zipped to linkwright.zip (both git-ignored).
//
//   functions/index.js  one ES module, bundled by esbuild for Node 20, that registers every src/functions/*.ts in the
//                   worker's order (package.json "main" names it): one module to compile and link instead of one per
//                   function file and the chunks they would share
//   chunks/*.js     what src imports dynamically (the database drivers), loaded when first imported
//   sdk/*.cjs       each package src require()s rather than imports (the Azure SDKs of src/azure/clients.ts), bundled
//                   on its own and loaded on first use, so an SDK costs a cold start nothing until a request needs it
//   host.json, package.json (no dependencies: everything is bundled; `@azure/functions-core` is the worker's own)
//
// azure.yaml deploys .package (azd runs `npm run package`, then zips that folder); linkwright.zip is the same content
// for `az functionapp deployment source config-zip` or the Elastic Premium package blob (infra/README.md).
// test/infra/package.test.ts builds it into a temporary folder and loads every entry file with nothing installed.
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { zipSync } from "fflate";
import * as esbuild from "esbuild";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export interface PackageOptions {
  /** The repository (src/, host.json, package.json); default: this one. */
  root?: string;
  /** Folder to (re)create; default <root>/.package. */
  outDir?: string;
  /** Zip of outDir to write; undefined = none. */
  zipFile?: string;
  /** The function files the entry module registers (default: <root>/src/functions/*.ts). */
  entryPoints?: string[];
}

export interface PackageResult {
  outDir: string;
  /** Entry modules, relative to outDir (what package.json "main" names). */
  entries: string[];
  /** The function files the entry registers, in order. */
  functionFiles: string[];
  /** Packages bundled into sdk/ and loaded on first use. */
  lazyPackages: string[];
  files: { path: string; bytes: number }[];
  bytes: number;
  zipFile?: string;
  zipBytes?: number;
}

/** Gives every chunk the `require` of an ES module at its own path: bundled CommonJS code calls it for Node's
 *  built-ins, `@azure/functions` for the worker's `@azure/functions-core`, src/azure/clients.ts for ../sdk/*.cjs. */
const REQUIRE_BANNER = 'import { createRequire as __linkwrightCreateRequire } from "node:module"; const require = __linkwrightCreateRequire(import.meta.url);';

/** Provided by the Functions worker at run time, never installed. */
const WORKER_PROVIDED = ["@azure/functions-core"];

const sdkFile = (pkg: string) => `${pkg.replace(/^@/, "").replace(/\//g, "-")}.cjs`;

/** A bare package name (not a relative path, not a Node built-in). */
const isPackage = (specifier: string) => !specifier.startsWith(".") && !specifier.startsWith("/") && !specifier.startsWith("node:");

export async function buildPackage(options: PackageOptions = {}): Promise<PackageResult> {
  const root = options.root ?? ROOT;
  const outDir = path.resolve(options.outDir ?? path.join(root, ".package"));
  const srcDir = path.join(root, "src") + path.sep;
  const entryPoints = options.entryPoints ?? readdirSync(path.join(root, "src/functions")).filter((f) => f.endsWith(".ts")).sort().map((f) => path.join(root, "src/functions", f));
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });

  const common: esbuild.BuildOptions = {
    absWorkingDir: root,
    bundle: true,
    platform: "node",
    target: "node20",
    // Names stay readable in stack traces; whitespace and syntax are what make the bundle small.
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: "eof",
    logLevel: "warning",
  };

  // A package src require()s is loaded on first use: the require stays a require, of ../sdk/<package>.cjs (entry
  // files and chunks are both one folder deep), and the package is bundled there on its own below.
  const lazyPackages = new Set<string>();
  const lazySdks: esbuild.Plugin = {
    name: "lazy-sdks",
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.kind !== "require-call" || !args.importer.startsWith(srcDir) || !isPackage(args.path)) return undefined;
        lazyPackages.add(args.path);
        return { path: `../sdk/${sdkFile(args.path)}`, external: true };
      });
    },
  };

  // One entry module importing every function file, sorted as the worker sorts a "main" glob.
  const functionFiles = [...entryPoints].sort();
  const main = await esbuild.build({
    ...common,
    stdin: { contents: functionFiles.map((f) => `import ${JSON.stringify(f)};`).join("\n"), resolveDir: root, sourcefile: "functions/index.ts", loader: "ts" },
    outdir: outDir,
    entryNames: "functions/index",
    chunkNames: "chunks/[name]-[hash]",
    format: "esm",
    splitting: true,
    external: WORKER_PROVIDED,
    banner: { js: REQUIRE_BANNER },
    plugins: [lazySdks],
    metafile: true,
  });
  await Promise.all([...lazyPackages].map((pkg) => esbuild.build({
    ...common,
    stdin: { contents: `module.exports = require(${JSON.stringify(pkg)});`, resolveDir: root, sourcefile: `${pkg}.cjs` },
    format: "cjs",
    outfile: path.join(outDir, "sdk", sdkFile(pkg)),
  })));

  const entries = Object.entries(main.metafile.outputs)
    .filter(([, o]) => o.entryPoint)
    .map(([file]) => path.relative(outDir, path.resolve(root, file)).split(path.sep).join("/"))
    .filter((file) => file.startsWith("functions/")) // not the chunks src imports dynamically
    .sort();
  writeFileSync(path.join(outDir, "host.json"), readFileSync(path.join(root, "host.json")));
  const own = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { name: string; version: string; description?: string; license?: string };
  const manifest = {
    name: own.name,
    version: own.version,
    ...(own.description ? { description: own.description } : {}),
    ...(own.license ? { license: own.license } : {}),
    private: true,
    type: "module",
    main: "functions/index.js",
    engines: { node: ">=20" },
  };
  writeFileSync(path.join(outDir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);

  const files = listFiles(outDir).map((p) => ({ path: p, bytes: statSync(path.join(outDir, p)).size }));
  const result: PackageResult = {
    outDir, entries, functionFiles: functionFiles.map((f) => path.relative(root, f).split(path.sep).join("/")), lazyPackages: [...lazyPackages].sort(),
    files, bytes: files.reduce((n, f) => n + f.bytes, 0),
  };
  if (options.zipFile) {
    const zipFile = path.resolve(options.zipFile);
    writeFileSync(zipFile, zip(outDir, files.map((f) => f.path)));
    result.zipFile = zipFile;
    result.zipBytes = statSync(zipFile).size;
  }
  return result;
}

/**
 * What the Functions worker does with a package at startup, in a fresh `node`: puts `@azure/functions-core` in place
 * (here a stand-in that records registrations, as the worker's Proxy on Module.prototype.require does) and imports
 * every entry file. Answers how long the imports took and which functions they registered. `files` (absolute) default
 * to the package's functions/*.js (its one entry); `outDir` is also the working directory (`nodeArgs` such as `--import tsx` resolve
 * from it).
 */
export function loadPackage(outDir: string, options: { files?: string[]; nodeArgs?: string[] } = {}): { importMs: number; functions: string[] } {
  const files = options.files ?? readdirSync(path.join(outDir, "functions")).filter((f) => f.endsWith(".js")).sort().map((f) => path.join(outDir, "functions", f));
  const args = [...(options.nodeArgs ?? []), "--input-type=module", "-e", LOAD_SCRIPT, ...files.map((f) => pathToFileURL(f).href)];
  const result = spawnSync(process.execPath, args, { cwd: outDir, encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } });
  if (result.status !== 0) throw new Error(`loading ${outDir} failed (exit ${result.status}):\n${result.stderr}`);
  const last = result.stdout.trim().split("\n").at(-1) ?? "";
  return JSON.parse(last) as { importMs: number; functions: string[] };
}

const LOAD_SCRIPT = `
import Module from "node:module";
const functions = [];
const disposable = { dispose() {} };
class Disposable { static from() { return new Disposable(); } dispose() {} }
const core = {
  version: "4.0.0", hostVersion: "4.0.0", Disposable,
  registerFunction: (metadata) => { functions.push(metadata.name); return disposable; },
  registerHook: () => disposable, setProgrammingModel() {}, getProgrammingModel() { return {}; }, log() {},
};
const load = Module.prototype.require;
Module.prototype.require = function (id) { return id === "@azure/functions-core" ? core : load.apply(this, arguments); };
const started = performance.now();
for (const file of process.argv.slice(1)) await import(file);
const importMs = performance.now() - started;
console.log(JSON.stringify({ importMs, functions: functions.sort() }));
`;

function listFiles(dir: string, prefix = ""): string[] {
  return readdirSync(path.join(dir, prefix), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFiles(dir, `${prefix}${e.name}/`) : [`${prefix}${e.name}`]))
    .sort();
}

/** A plain zip (deflate, forward slashes, a fixed timestamp so the same input gives the same bytes), by fflate. */
function zip(dir: string, names: string[]): Buffer {
  const mtime = new Date(1980, 0, 1);
  return Buffer.from(zipSync(Object.fromEntries(names.map((name) => [name, [readFileSync(path.join(dir, name)), { level: 9, mtime }]]))));
}

const kb = (n: number) => `${(n / 1024).toFixed(0)} KiB`;

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const args = process.argv.slice(2);
  const flag = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const outDir = flag("--out") ?? path.join(ROOT, ".package");
  const zipFile = args.includes("--no-zip") ? undefined : (flag("--zip") ?? path.join(ROOT, "linkwright.zip"));
  const started = performance.now();
  const result = await buildPackage({ outDir, ...(zipFile ? { zipFile } : {}) });
  console.log(`${path.relative(process.cwd(), result.outDir) || "."}: ${result.entries.join(", ")} (${result.functionFiles.length} function files), ${result.files.length} files, ${kb(result.bytes)}` +
    (result.zipFile ? `; ${path.relative(process.cwd(), result.zipFile)}: ${kb(result.zipBytes!)}` : "") + ` (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  console.log(`loaded on first use (sdk/): ${result.lazyPackages.join(", ") || "none"}`);
  // The package must load as the worker loads it: every entry file, nothing installed beside it.
  const loaded = loadPackage(result.outDir);
  console.log(`loads: ${loaded.functions.length} functions registered in ${loaded.importMs.toFixed(0)} ms`);
}
