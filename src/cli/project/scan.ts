// A Functions project folder → every binding connection it reads: v4-model sources (`src/**`, or the whole folder
// when there is no src/), `<Function>/function.json` files, and host.json (host storage, Durable Functions provider).
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import type { ProjectLanguage, ProjectScan } from "../model.js";
import { scanFunctionJson } from "./functionJson.js";
import { scanHostJson } from "./hostJson.js";
import { scanV4Sources } from "./v4Model.js";

const SOURCE_FILE = /\.(?:[cm]?[jt]s)$/i;
const SKIPPED_DIRS = new Set(["node_modules", "dist", "out", "build", "bin", "obj", "coverage", "__pycache__", "__blobstorage__", "__queuestorage__", "__azurite__"]);
const MAX_FILE_BYTES = 1_000_000;
const MAX_FILES = 5_000;

const WORKER_RUNTIME_CLIENT: Record<string, ProjectLanguage> = {
  node: "nodejs", dotnet: "dotnet", "dotnet-isolated": "dotnet", python: "python", java: "java", powershell: "none", custom: "none",
};

/** `workerRuntime` is local.settings.json's FUNCTIONS_WORKER_RUNTIME, when known. */
export async function scanProject(projectDir: string, options: { workerRuntime?: string } = {}): Promise<ProjectScan> {
  const root = path.resolve(projectDir);
  const rel = (p: string) => path.relative(root, p).split(path.sep).join("/");
  const srcDir = path.join(root, "src");
  const sourceRoot = (await isDirectory(srcDir)) ? srcDir : root;
  const sourceFiles = (await walk(sourceRoot, (name) => SOURCE_FILE.test(name) && !/\.d\.[cm]?ts$/i.test(name))).sort();
  const sources = await Promise.all(sourceFiles.map(async (f) => ({ path: rel(f), text: await readSmall(f) })));
  const v4 = scanV4Sources(sources.filter((s): s is { path: string; text: string } => s.text !== undefined));

  const functionJsonFiles: string[] = [];
  for (const entry of await safeReaddir(root)) {
    if (!entry.isDirectory() || entry.name.startsWith(".") || SKIPPED_DIRS.has(entry.name)) continue;
    const candidate = path.join(root, entry.name, "function.json");
    if (await isFile(candidate)) functionJsonFiles.push(candidate);
  }
  const fromJson = await Promise.all(functionJsonFiles.map(async (f) => scanFunctionJson(rel(f), (await readSmall(f)) ?? "")));

  const hostText = await readSmall(path.join(root, "host.json"));
  const host = scanHostJson(hostText, v4.usesDurable);

  return {
    projectDir: root,
    bindings: [...v4.bindings, ...fromJson.flatMap((r) => r.bindings), ...host.bindings],
    warnings: [...v4.warnings, ...fromJson.flatMap((r) => r.warnings), ...host.warnings],
    clientType: await projectLanguage(root, options.workerRuntime),
    filesRead: sources.length + functionJsonFiles.length + (hostText === undefined ? 0 : 1),
  };
}

async function projectLanguage(root: string, workerRuntime: string | undefined): Promise<ProjectLanguage> {
  const fromSetting = workerRuntime ? WORKER_RUNTIME_CLIENT[workerRuntime.toLowerCase()] : undefined;
  if (fromSetting) return fromSetting;
  const names = (await safeReaddir(root)).map((e) => e.name.toLowerCase());
  if (names.includes("package.json")) return "nodejs";
  if (names.some((n) => n.endsWith(".csproj") || n.endsWith(".fsproj"))) return "dotnet";
  if (names.includes("requirements.txt") || names.includes("function_app.py") || names.includes("pyproject.toml")) return "python";
  if (names.includes("pom.xml") || names.includes("build.gradle") || names.includes("build.gradle.kts")) return "java";
  return "none";
}

async function walk(dir: string, wanted: (name: string) => boolean, out: string[] = []): Promise<string[]> {
  for (const entry of await safeReaddir(dir)) {
    if (out.length >= MAX_FILES) break;
    if (entry.name.startsWith(".")) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) await walk(full, wanted, out);
    } else if (entry.isFile() && wanted(entry.name)) {
      out.push(full);
    }
  }
  return out;
}

async function safeReaddir(dir: string) {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

async function readSmall(file: string): Promise<string | undefined> {
  try {
    if ((await stat(file)).size > MAX_FILE_BYTES) return undefined;
    return await readFile(file, "utf8");
  } catch {
    return undefined;
  }
}

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}
