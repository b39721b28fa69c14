// Runs the CLI as a user does (`tsx src/cli/main.ts …`) in a child process, asynchronously (a test may answer its
// requests from this process), and copies the sample project to a temp folder to run it on.
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, renameSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const SAMPLE_DIR = path.join(REPO_ROOT, "test/fixtures/functions-sample");

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `tsx src/cli/main.ts <args>`; the environment is `env` over a copy of this process's without Azure sign-in variables. */
export function runCli(args: string[], env: Record<string, string | undefined> = {}, timeoutMs = 60_000): Promise<CliResult> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(AZURE_|LINKWRIGHT_|MSI_|IDENTITY_)/i.test(k)));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(REPO_ROOT, "src/cli/main.ts"), ...args], {
      cwd: REPO_ROOT,
      env: { ...inherited, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => { stdout += c.toString("utf8"); });
    child.stderr.on("data", (c: Buffer) => { stderr += c.toString("utf8"); });
    const timer = setTimeout(() => child.kill("SIGTERM"), timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A copy of test/fixtures/functions-sample with its local.settings.sample.json as local.settings.json. */
export function copySample(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "lw-cli-sample-"));
  cpSync(SAMPLE_DIR, dir, { recursive: true });
  renameSync(path.join(dir, "local.settings.sample.json"), path.join(dir, "local.settings.json"));
  return dir;
}
