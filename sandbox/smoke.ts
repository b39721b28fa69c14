// CI check that the README holds on a fresh clone, through `npm start` itself (sandbox/start.ts after the build), not
// through the test harnesses: it starts the sandbox, runs every README feature against it (sandbox/smoke/checks.ts:
// the demo as admin and as team, a secretStore connection, an App Configuration destination, a database user, a
// resource change announced on connection-health, the loop-scan timer's finding, a dry run), then stops it and
// starts it again twice — after Ctrl-C and after a SIGKILL — and checks each comes up clean and works.
// One line per feature with its timing, then `N passed, N failed`; exit code 1 on any failure.
// It starts from a fresh state, as on a fresh clone, in .sandbox/smoke (wiped first; start.ts's SANDBOX_STATE_DIR),
// so a developer's own .sandbox is neither read nor changed, and nothing left there by earlier work sways the result.
//
//   npm run smoke                   the whole thing (needs ports 4433, 7071, 10000-10002 free)
//   npm run smoke -- --state .sandbox   the same, over an existing state directory (kept, not wiped)
//   npm run smoke -- --attach       the feature checks against an already running `npm start`
//                                   (reads <SANDBOX_STATE_DIR or .sandbox>/sandbox.json; starts and stops nothing)
//   npm run smoke -- --no-restart   skip the two restarts
//   npm run smoke -- --verbose      also print the demo's own lines
import { fork, spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, type WriteStream } from "node:fs";
import net from "node:net";
import path from "node:path";
import type { CheckResult, Phase } from "./smoke/checks.js";

const START_TIMEOUT_MS = 60_000;
const argv = process.argv.slice(2);
const ATTACH = argv.includes("--attach");
const STATE_ARG = argv.includes("--state") ? argv[argv.indexOf("--state") + 1] : undefined;
/** The state directory: with --attach the running npm start's (SANDBOX_STATE_DIR or .sandbox); otherwise --state, or a
 *  fresh .sandbox/smoke (start.ts is given it as SANDBOX_STATE_DIR). Holds sandbox.json and the smoke's copy of the log. */
const STATE_DIR = path.resolve(ATTACH ? (process.env["SANDBOX_STATE_DIR"] || ".sandbox") : (STATE_ARG ?? ".sandbox/smoke"));
const FRESH_STATE = !ATTACH && STATE_ARG === undefined;
const SANDBOX_FILE = path.join(STATE_DIR, "sandbox.json");
const HOST_LOG = path.join(STATE_DIR, "smoke-start.log");
/** The ports `npm start` uses when they are free (sandbox/start.ts): ARM, Functions, Azurite blob/queue/table. */
const CANONICAL = { arm: 4433, functions: 7071, blob: 10000, queue: 10001, table: 10002 } as const;

const results: CheckResult[] = [];
/** This smoke's suffix for the names of what it creates, the same in every phase. */
const RUN = Date.now().toString(36);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
function record(r: CheckResult): void {
  results.push(r);
  console.log(`smoke: ${r.name} … ${r.ok ? "ok" : "FAILED"} (${seconds(r.ms)})${r.detail ? `: ${r.detail}` : ""}`);
}

// --- processes ----------------------------------------------------------------------------------------------------

/** Linux: every process whose parent chain leads to `root` (read from /proc), so a killed start.ts's children can be
 *  found and, at the end, stopped by their ids. Elsewhere: none known. */
function descendants(root: number): number[] {
  if (!existsSync("/proc/self/stat")) return [];
  const parent = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parent.set(Number(entry), ppid);
    } catch { /* gone */ }
  }
  const out: number[] = [];
  const walk = (pid: number) => { for (const [child, ppid] of parent) if (ppid === pid) { out.push(child); walk(child); } };
  walk(root);
  return out;
}
/** Running (not exited, not a zombie waiting for its parent). */
const alive = (pid: number) => {
  try { process.kill(pid, 0); } catch { return false; }
  try { return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8")); } catch { return true; }
};
const commandOf = (pid: number) => {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean).map((a) => path.basename(a));
    return args.length ? args.slice(0, 4).join(" ") : readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch { return "?"; }
};

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}
async function busyPorts(): Promise<number[]> {
  const busy: number[] = [];
  for (const p of Object.values(CANONICAL)) if (!(await portIsFree(p))) busy.push(p);
  return busy;
}

interface Sandbox {
  child: ChildProcess;
  banner: string;
  stop(): Promise<number>;
}

/** `npm start` after the build: sandbox/start.ts as its own process, its output kept in .sandbox/smoke-start.log. */
async function startSandbox(log: WriteStream, label: string): Promise<Sandbox> {
  log.write(`\n===== ${label} ${new Date().toISOString()} =====\n`);
  const child = spawn(process.execPath, ["--import", "tsx", path.resolve("sandbox/start.ts")], {
    stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, SANDBOX_STATE_DIR: STATE_DIR },
  });
  child.stderr!.on("data", (d: Buffer) => log.write(d));
  const banner = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not come up within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
    let out = "";
    let up = false;
    child.stdout!.on("data", (d: Buffer) => {
      log.write(d);
      if (up) return;
      out += d.toString();
      const at = out.indexOf("linkwright sandbox up");
      if (at >= 0 && out.includes("Ctrl-C", at)) { up = true; clearTimeout(timer); resolve(out.slice(at).split("Ctrl-C")[0]!.trimEnd()); }
    });
    child.once("exit", (code) => {
      if (up) return;
      clearTimeout(timer);
      reject(new Error(`sandbox/start.ts exited with ${code}:\n${out.split("\n").slice(-20).join("\n")}\n(see ${HOST_LOG})`));
    });
  });
  return {
    child, banner,
    stop: () => new Promise<number>((resolve) => {
      const t0 = Date.now();
      if (child.exitCode !== null || child.signalCode !== null) return resolve(0);
      const force = setTimeout(() => child.kill("SIGKILL"), 20_000);
      child.once("exit", () => { clearTimeout(force); resolve(Date.now() - t0); });
      child.kill("SIGTERM");
    }),
  };
}

/** The ports the sandbox actually uses, from .sandbox/sandbox.json, against the canonical ones. */
function portsOf(): { ok: boolean; text: string } {
  const s = JSON.parse(readFileSync(SANDBOX_FILE, "utf8")) as { armEndpoint: string; functionsEndpoint: string; storageConnectionString: string };
  const port = (u: string | undefined) => Number(new URL(u ?? "http://x:0").port);
  const cs = Object.fromEntries(s.storageConnectionString.split(";").filter(Boolean).map((kv) => [kv.split("=")[0], kv.slice(kv.indexOf("=") + 1)]));
  const actual = { arm: port(s.armEndpoint), functions: port(s.functionsEndpoint), blob: port(cs["BlobEndpoint"]), queue: port(cs["QueueEndpoint"]), table: port(cs["TableEndpoint"]) };
  const wrong = (Object.keys(CANONICAL) as (keyof typeof CANONICAL)[]).filter((k) => actual[k] !== CANONICAL[k]);
  return {
    ok: wrong.length === 0,
    text: wrong.length === 0 ? "ARM :4433, Functions :7071, Azurite :10000-10002"
      : `not on its usual ports: ${wrong.map((k) => `${k} :${actual[k]} instead of :${CANONICAL[k]}`).join(", ")}`,
  };
}

/** sandbox/smoke/checks.ts in its own process: it must trust the sandbox CA from its start. */
function runChecks(phase: Phase, options: { verbose: boolean; hostLog?: string }): Promise<CheckResult[]> {
  const { caCertFile } = JSON.parse(readFileSync(SANDBOX_FILE, "utf8")) as { caCertFile: string };
  const got: CheckResult[] = [];
  return new Promise((resolve) => {
    const child = fork(path.resolve("sandbox/smoke/checks.ts"), ["--phase", phase, ...(options.verbose ? ["--verbose"] : [])], {
      execArgv: ["--import", "tsx"],
      env: { ...process.env, NODE_EXTRA_CA_CERTS: caCertFile, SMOKE_SANDBOX_FILE: SANDBOX_FILE, SMOKE_RUN: RUN, ...(options.hostLog ? { SMOKE_HOST_LOG: options.hostLog } : {}) },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 150_000);
    child.on("message", (m: { type?: string; result?: CheckResult }) => { if (m?.type === "result" && m.result) got.push(m.result); });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      if (code !== 0 && got.every((r) => r.ok)) {
        got.push({ name: `checks (${phase})`, ok: false, ms: 0, detail: `sandbox/smoke/checks.ts exited with ${code ?? signal}` });
        console.log(`smoke: checks (${phase}) … FAILED: sandbox/smoke/checks.ts exited with ${code ?? signal}`);
      }
      resolve(got);
    });
  });
}

async function timed(name: string, body: () => Promise<{ ok: boolean; detail: string }>): Promise<boolean> {
  const t0 = Date.now();
  try {
    const { ok, detail } = await body();
    record({ name, ok, ms: Date.now() - t0, detail });
    return ok;
  } catch (e) {
    record({ name, ok: false, ms: Date.now() - t0, detail: (e as Error).message });
    return false;
  }
}

// --- the smoke ----------------------------------------------------------------------------------------------------

async function attach(verbose: boolean): Promise<void> {
  const attached = await timed("attach to the running npm start", async () => {
    if (!existsSync(SANDBOX_FILE)) return { ok: false, detail: `${SANDBOX_FILE} does not exist: run npm start first` };
    const s = JSON.parse(readFileSync(SANDBOX_FILE, "utf8")) as { armEndpoint: string; functionsEndpoint: string };
    const up = await fetch(new URL("/admin/host/status", s.functionsEndpoint), { signal: AbortSignal.timeout(5000) }).then((r) => r.status, () => 0);
    if (up !== 200) return { ok: false, detail: `the function app at ${s.functionsEndpoint} does not answer (is npm start running?)` };
    return { ok: true, detail: `ARM ${s.armEndpoint}, Functions ${s.functionsEndpoint}; ${portsOf().text}` };
  });
  if (attached) results.push(...(await runChecks("main", { verbose })));
}

async function full(verbose: boolean, restarts: boolean): Promise<void> {
  if (FRESH_STATE) rmSync(STATE_DIR, { recursive: true, force: true });
  mkdirSync(STATE_DIR, { recursive: true });
  const log = createWriteStream(HOST_LOG, { flags: "w" });
  const cleanup: (() => Promise<unknown>)[] = [];
  try {
    let sandbox: Sandbox | undefined;
    const started = await timed("npm start", async () => {
      const busy = await busyPorts();
      sandbox = await startSandbox(log, "npm start");
      cleanup.push(() => sandbox!.stop());
      const ports = portsOf();
      if (verbose) console.log(sandbox.banner.split("\n").map((l) => `    ${l}`).join("\n"));
      return { ok: ports.ok, detail: `${sandbox.banner.split("\n")[0]}; ${ports.text}${busy.length ? ` (busy before start: ${busy.map((p) => `:${p}`).join(", ")})` : ""}` };
    });
    if (!started || !sandbox) return;
    results.push(...(await runChecks("main", { verbose, hostLog: HOST_LOG })));
    if (!restarts) return;

    // 1. Ctrl-C, then npm start again: everything it started is gone, the ports are free, state persists.
    results.push(...(await runChecks("before-restart", { verbose })));
    const first: Sandbox = sandbox;
    const restarted = await timed("npm start again after Ctrl-C", async () => {
      const children = descendants(first.child.pid!);
      const stopMs = await first.stop();
      cleanup.length = 0;
      await new Promise((r) => setTimeout(r, 300));
      const left = children.filter(alive);
      const busy = await busyPorts();
      const problems: string[] = [];
      if (left.length) problems.push(`still running after stop: ${left.map((p) => `${p} (${commandOf(p)})`).join(", ")}`);
      if (busy.length) problems.push(`ports still busy after stop: ${busy.map((p) => `:${p}`).join(", ")}`);
      const t0 = Date.now();
      sandbox = await startSandbox(log, "npm start again (after SIGTERM)");
      cleanup.push(() => sandbox!.stop());
      const ports = portsOf();
      if (!ports.ok) problems.push(ports.text);
      return { ok: problems.length === 0, detail: `stopped in ${seconds(stopMs)}, up again in ${seconds(Date.now() - t0)}; ${problems.length ? problems.join("; ") : ports.text}` };
    });
    if (!restarted) return;
    results.push(...(await runChecks("after-restart", { verbose, hostLog: HOST_LOG })));

    // 2. An interrupted run: SIGKILL start.ts (no chance to stop its children), then npm start again.
    const second: Sandbox = sandbox;
    let orphans: number[] = [];
    const recovered = await timed("npm start after an interrupted run (SIGKILL)", async () => {
      const children = descendants(second.child.pid!);
      second.child.kill("SIGKILL");
      await new Promise<void>((r) => (second.child.exitCode !== null || second.child.signalCode !== null ? r() : second.child.once("exit", () => r())));
      cleanup.length = 0;
      await new Promise((r) => setTimeout(r, 1000));
      orphans = children.filter(alive);
      cleanup.push(async () => { for (const pid of orphans) { try { process.kill(pid, "SIGKILL"); } catch { /* gone */ } } });
      const problems: string[] = [];
      // The function host goes with its parent; what cannot know its parent went (Azurite) the next start stops
      // (sandbox/leftovers.ts): nothing of the killed run may outlive that start.
      const orphanNames = orphans.map((p) => `${p} (${commandOf(p)})`);
      const t0 = Date.now();
      sandbox = await startSandbox(log, "npm start after SIGKILL");
      cleanup.unshift(() => sandbox!.stop());
      const survivors = orphans.filter(alive);
      if (survivors.length) problems.push(`still running after the next start: ${survivors.map((p) => `${p} (${commandOf(p)})`).join(", ")}`);
      const ports = portsOf();
      if (!ports.ok) problems.push(`the new sandbox is ${ports.text}`);
      const stopped = orphanNames.length ? `; the next start stopped what the killed run left (${orphanNames.join(", ")})` : "";
      return { ok: problems.length === 0, detail: `up again in ${seconds(Date.now() - t0)}${stopped}; ${problems.length ? problems.join("; ") : ports.text}` };
    });
    void recovered;
    results.push(...(await runChecks("after-interrupt", { verbose, hostLog: HOST_LOG })));
  } finally {
    for (const step of cleanup) await step().catch(() => undefined);
    log.end();
  }
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const verbose = argv.includes("--verbose");
  if (ATTACH) await attach(verbose);
  else await full(verbose, !argv.includes("--no-restart"));
  const failed = results.filter((r) => !r.ok).length;
  console.log(`smoke took ${seconds(Date.now() - t0)}${ATTACH ? "" : `; state ${path.relative(".", STATE_DIR) || STATE_DIR}${FRESH_STATE ? " (fresh)" : ""}, npm start's output in ${path.relative(".", HOST_LOG) || HOST_LOG}`}`);
  console.log(`${results.length - failed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((e: unknown) => { console.error(`smoke failed: ${(e as Error).stack ?? String(e)}`); console.log(`${results.filter((r) => r.ok).length} passed, ${results.filter((r) => !r.ok).length + 1} failed`); process.exit(1); });
