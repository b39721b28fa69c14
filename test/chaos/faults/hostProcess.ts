// The real function app in the dev host as its own process (sandbox/host/main.ts), so it can be killed with SIGKILL
// mid-step and started again on the same port, the same Azurite state and the same settings (kill-and-resume).
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";

export interface HostProcess {
  baseUrl: string;
  pid(): number | undefined;
  /** SIGKILL: no appTerminate hook, no durable stop, nothing flushed. Resolves once the process is gone. */
  kill(): Promise<void>;
  /** Starts the host again (same port, settings, storage); resolves when it listens. */
  restart(): Promise<void>;
  /** Its stdout and stderr lines, every run. */
  logs(): string[];
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

export async function startHostProcess(options: { appDir: string; entry: string; env: Record<string, string> }): Promise<HostProcess> {
  const port = await freePort();
  const lines: string[] = [];
  let child: ChildProcess | undefined;
  const main = path.join(options.appDir, "sandbox/host/main.ts");

  async function start(): Promise<void> {
    // node itself with tsx as a loader (not the tsx wrapper, which would outlive a SIGKILL of its child).
    const c = spawn(process.execPath, ["--import", "tsx", main, "--app-dir", options.appDir, "--entry", options.entry, "--port", String(port)], {
      cwd: options.appDir, env: { ...process.env, ...options.env }, stdio: ["ignore", "pipe", "pipe"],
    });
    child = c;
    const collect = (d: Buffer) => { for (const l of d.toString().split("\n")) if (l) lines.push(l); };
    c.stderr!.on("data", collect);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the host did not start in 60 s: ${lines.slice(-5).join(" | ")}`)), 60_000);
      c.stdout!.on("data", (d: Buffer) => {
        collect(d);
        if (d.toString().includes("Functions host ready")) { clearTimeout(timer); resolve(); }
      });
      c.once("exit", (code, signal) => { clearTimeout(timer); reject(new Error(`the host exited (${code ?? signal}) before it was ready: ${lines.slice(-5).join(" | ")}`)); });
    });
  }

  async function kill(signal: NodeJS.Signals): Promise<void> {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => c.once("exit", () => resolve()));
    c.kill(signal);
    await gone;
  }

  await start();
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    pid: () => child?.pid,
    kill: () => kill("SIGKILL"),
    restart: start,
    logs: () => lines,
    async stop() {
      await Promise.race([kill("SIGTERM"), new Promise((r) => setTimeout(r, 10_000))]);
      await kill("SIGKILL");
    },
  };
}
