// Shared setup for the sandbox host tests: the sample app under test/fixtures/sample-app, loaded from TS sources.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";

export const sampleAppDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/sample-app");

/**
 * The repo ignores `local.settings.json` (as Functions projects do), so the fixtures commit
 * `local.settings.sample.json` and the tests put the real file in place. The write is atomic (rename) because
 * several test processes may do it at once.
 */
export function prepareLocalSettings(appDir: string): void {
  const sample = readFileSync(path.join(appDir, "local.settings.sample.json"), "utf8");
  const target = path.join(appDir, "local.settings.json");
  if (existsSync(target) && readFileSync(target, "utf8") === sample) return;
  const temp = `${target}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  writeFileSync(temp, sample);
  renameSync(temp, target);
}

prepareLocalSettings(sampleAppDir);
prepareLocalSettings(path.join(sampleAppDir, "cjs-app"));

/** Every function but the durable ones (those need the durable engine). */
export const NON_DURABLE_ENTRY = "src/functions/{http,hooks,triggers}.ts";
export const ALL_ENTRY = "src/functions/*.ts";

/** Queue/table/container names unique to one test file (several files share one Azurite). */
export function uniqueNames(prefix: string) {
  const id = `${prefix}${randomBytes(3).toString("hex")}`.toLowerCase();
  return {
    IN_QUEUE: `${id}-in`,
    OUT_QUEUE: `${id}-out`,
    ORDERS_QUEUE: `${id}-orders`,
    TIMER_OUT_QUEUE: `${id}-timer`,
    GRID_OUT_QUEUE: `${id}-grid`,
    ORDERS_CONTAINER: `${id}-orders`,
    ORDERS_TABLE: `${id.replace(/[^a-z0-9]/g, "")}orders`,
    /** host.json names the durable hub "%SAMPLE_TASK_HUB%": one hub per test file, so engines never share work. */
    SAMPLE_TASK_HUB: `hub${id.replace(/[^a-z0-9]/g, "")}`,
  };
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
