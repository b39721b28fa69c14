// The real function app in the dev host as its own process (sandbox/host/spawn.ts), so it can be killed with SIGKILL
// mid-step and started again on the same port, the same Azurite state and the same settings (kill-and-resume).
import { spawnDevHost, type SpawnedDevHost } from "../../../sandbox/host/spawn.js";

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

export async function startHostProcess(options: { appDir: string; entry: string; env: Record<string, string> }): Promise<HostProcess> {
  const lines: string[] = [];
  const start = async (port: number) => {
    const host = await spawnDevHost({ ...options, cwd: options.appDir, port, stdio: ["ignore", "pipe", "pipe", "ipc"], readyTimeoutMs: 60_000 });
    const collect = (d: Buffer) => { for (const l of d.toString().split("\n")) if (l) lines.push(l); };
    host.child.stdout!.on("data", collect);
    host.child.stderr!.on("data", collect);
    return host;
  };
  // The first start picks a free port; every restart takes the same one (the emulator forwards to it).
  let host: SpawnedDevHost = await start(0);
  const port = host.port;
  return {
    baseUrl: host.baseUrl,
    pid: () => host.child.pid,
    kill: () => host.kill(),
    async restart() { host = await start(port); },
    logs: () => lines,
    async stop() {
      await Promise.race([host.stop(), new Promise((r) => setTimeout(r, 10_000))]);
      await host.kill();
    },
  };
}
