// Loads a Functions app the way the worker's startApp does: seam first, then each file of `package.json#main`
// (a glob is allowed; ESM via import(), CJS via require), then appStart hooks, then lock registrations.
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { installCoreModule, type CoreRegistry } from "./core-module.js";
import { expandGlob, hasMagic } from "./glob.js";
import type { HostLogger } from "./logger.js";

export interface LoadAppOptions {
  appDir: string;
  /** Overrides `package.json#main` (e.g. `src/functions/*.ts` when vitest loads TS sources). */
  entry?: string;
  /** Replace duplicate registrations instead of throwing (tests that re-import the app). */
  replaceRegistrations?: boolean;
  logger: HostLogger;
}

export interface LoadedApp {
  registry: CoreRegistry;
  files: string[];
  appHookData: Record<string, unknown>;
}

interface PackageJson {
  main?: string;
  type?: string;
}

export function readPackageJson(appDir: string): PackageJson {
  const file = path.join(appDir, "package.json");
  if (!existsSync(file)) throw new Error(`package.json not found in ${appDir}`);
  return JSON.parse(readFileSync(file, "utf8")) as PackageJson;
}

/** The files the entry (or `main`) names, in load order; errors read like the worker's (startApp.ts). */
export function resolveEntryFiles(appDir: string, entry: string | undefined): string[] {
  const main = entry ?? readPackageJson(appDir).main;
  if (!main) throw new Error(`package.json in ${appDir} has no "main": a v4 app names its entry point file(s) there`);
  const pattern = main.replace(/\\/g, "/");
  const files = expandGlob(appDir, pattern);
  if (files.length === 0) {
    const reason = hasMagic(pattern) ? "Found zero files matching the supplied pattern" : "File does not exist";
    throw new Error(`Worker was unable to load entry point "${pattern}": ${reason}`);
  }
  return files;
}

function isCommonJs(file: string, packageType: string | undefined): boolean {
  if (file.endsWith(".cjs") || file.endsWith(".cts")) return true;
  if (file.endsWith(".mjs") || file.endsWith(".mts") || file.endsWith(".ts")) return false;
  return packageType !== "module";
}

export async function loadApp(options: LoadAppOptions): Promise<LoadedApp> {
  const registry = installCoreModule();
  registry.beginLoad(options.replaceRegistrations ?? false);
  registry.systemLog = (level, category, message) =>
    options.logger.log(level === "error" ? "error" : level === "warning" ? "warning" : "debug", message, { category });

  const files = resolveEntryFiles(options.appDir, options.entry);
  const pkg = readPackageJson(options.appDir);
  const requireFromApp = createRequire(path.join(options.appDir, "package.json"));
  await assertLibraryNotInTestMode(registry, requireFromApp, files.some((f) => !isCommonJs(f, pkg.type)));
  for (const file of files) {
    const relative = path.relative(options.appDir, file);
    options.logger.log("debug", `Loading entry point file "${relative}"`);
    try {
      if (isCommonJs(file, pkg.type)) requireFromApp(file);
      else await import(pathToFileURL(file).href);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new Error(`Worker was unable to load entry point "${relative}": ${message}`, { cause: err });
    }
  }

  if (!registry.programmingModel) {
    throw new Error(
      `No function registrations reached the host after loading ${files.length} file(s). ` +
        `Either the app registers nothing, or "@azure/functions" was loaded before the host installed "@azure/functions-core" ` +
        `(the library then stays in test mode for the whole process).`,
    );
  }

  const appHookData: Record<string, unknown> = {};
  for (const hook of [...registry.hooks.appStart]) {
    await hook({ hookData: appHookData, appHookData, functionAppDirectory: options.appDir });
  }
  await registry.programmingModel.getCapabilities({});
  registry.locked = true;
  return { registry, files, appHookData };
}

/**
 * The library resolves `@azure/functions-core` once and caches a miss for good. Probe the app's copy before loading:
 * register a no-op appStart hook through it and check that the hook reached this registry.
 */
async function assertLibraryNotInTestMode(registry: CoreRegistry, requireFromApp: NodeJS.Require, esm: boolean): Promise<void> {
  let resolved: string;
  try {
    resolved = requireFromApp.resolve("@azure/functions");
  } catch {
    return; // The app does not depend on @azure/functions directly; the load below will tell.
  }
  type AppApi = { hook?: { appStart?: (cb: () => void) => { dispose(): unknown } } };
  type Library = { app?: AppApi; default?: { app?: AppApi } };
  // Reach the instance the app will get (import for ESM apps; under vitest the CJS exports may sit on `default`).
  const library = (esm ? await import(pathToFileURL(resolved).href) : requireFromApp(resolved)) as Library;
  const appStart = library.app?.hook?.appStart ?? library.default?.app?.hook?.appStart;
  if (typeof appStart !== "function") return;
  const reached = registry.probeHook(() => appStart(() => {}));
  if (!reached) {
    throw new Error(
      `"@azure/functions" (${resolved}) is already in test mode: something registered a function or hook ` +
        `before the host installed "@azure/functions-core". Start the host before anything calls app.* in this process.`,
    );
  }
}
