// What an `npm start` started, written to <state>/pids.json, so the next start can stop what an interrupted run
// (SIGKILL, a closed terminal) left behind — Azurite on the sandbox's ports, a function host still running timers —
// instead of silently moving to other ports. A process is stopped only when its command line is the one recorded.
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

export interface RecordedProcess { role: string; pid: number; marker: string }

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
  } catch {
    return "";
  }
}

const file = (root: string) => path.join(root, "pids.json");

/** Records this run's processes (the start process itself first). */
export function recordProcesses(root: string, processes: RecordedProcess[]): void {
  writeFileSync(file(root), JSON.stringify(processes, null, 2), { mode: 0o600 });
}

export function forgetProcesses(root: string): void {
  rmSync(file(root), { force: true });
}

/** Stops what an interrupted run left; throws when that run is still going (two sandboxes on one state). */
export async function stopLeftovers(root: string, log: (line: string) => void): Promise<void> {
  if (!existsSync(file(root))) return;
  let recorded: RecordedProcess[] = [];
  try {
    recorded = JSON.parse(readFileSync(file(root), "utf8")) as RecordedProcess[];
  } catch {
    forgetProcesses(root);
    return;
  }
  const running = recorded.filter((p) => p.pid !== process.pid && alive(p.pid) && commandLine(p.pid).includes(p.marker));
  const owner = running.find((p) => p.role === "start");
  if (owner) throw new Error(`a sandbox is already running on ${root} (npm start, pid ${owner.pid}); stop it first (Ctrl-C in its terminal).`);
  for (const p of running) {
    log(`stopping the ${p.role} an interrupted run left (pid ${p.pid})`);
    process.kill(p.pid, "SIGTERM");
  }
  const deadline = Date.now() + 5_000;
  while (running.some((p) => alive(p.pid)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  for (const p of running) if (alive(p.pid)) process.kill(p.pid, "SIGKILL");
  forgetProcesses(root);
}
