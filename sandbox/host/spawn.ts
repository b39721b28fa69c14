// The dev host as its own process (./main.ts, forked with tsx), ready once it says so over IPC — how npm start, the
// benches and kill-and-resume run the function app as a real worker would run: its own process, its own environment.
import { fork, type ChildProcess, type StdioOptions } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const MAIN = path.join(path.dirname(fileURLToPath(import.meta.url)), "main.ts");

export interface SpawnDevHostOptions {
  appDir: string;
  /** Overrides package.json main (a glob relative to appDir). */
  entry?: string;
  /** 0 (default) picks a free port; the ready message names it. */
  port?: number;
  /** Added to this process's environment. */
  env?: Record<string, string>;
  /** Default: stdout and stderr inherited. */
  stdio?: StdioOptions;
  cwd?: string;
  /** Default 30 s. */
  readyTimeoutMs?: number;
}

export interface SpawnedDevHost {
  baseUrl: string;
  port: number;
  child: ChildProcess;
  /** SIGTERM (the host stops cleanly); resolves once the process is gone. */
  stop(): Promise<void>;
  /** SIGKILL: nothing flushed, no hook run; resolves once the process is gone. */
  kill(): Promise<void>;
}

export async function spawnDevHost(options: SpawnDevHostOptions): Promise<SpawnedDevHost> {
  const child = fork(MAIN, ["--app-dir", options.appDir, ...(options.entry ? ["--entry", options.entry] : []), "--port", String(options.port ?? 0)], {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, ...options.env },
    stdio: options.stdio ?? ["ignore", "inherit", "inherit", "ipc"],
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  const timeoutMs = options.readyTimeoutMs ?? 30_000;
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => { child.kill("SIGKILL"); reject(new Error(`the Functions host did not start within ${timeoutMs / 1000} s`)); }, timeoutMs);
    child.on("message", (m: { type?: string; baseUrl?: string }) => {
      if (m?.type === "ready" && m.baseUrl) { clearTimeout(timer); resolve(m.baseUrl); }
    });
    child.once("exit", (code, signal) => { clearTimeout(timer); reject(new Error(`the Functions host exited with ${code ?? signal} before it was ready`)); });
  });
  const ended = (signal: NodeJS.Signals) => new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill(signal);
  });
  return { baseUrl, port: Number(new URL(baseUrl).port), child, stop: () => ended("SIGTERM"), kill: () => ended("SIGKILL") };
}
