// Kill test: a child process runs an orchestration and is killed with SIGKILL mid-run; a new runtime in this
// process resumes the instance from its persisted history, and no activity whose completion was recorded runs again.
import { afterEach, expect, it } from "vitest";
import { inject } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createDurableRuntime, type DurableRuntime } from "../../sandbox/host/durable/index.js";
import { createTestBridge } from "./support/bridge.js";
import { STEPS, killApp } from "./support/kill-app.js";
import { uniqueHub } from "./support/runtime.js";

let child: ChildProcess | undefined;
let runtime: DurableRuntime | undefined;
afterEach(async () => {
  if (child && child.exitCode === null) child.kill("SIGKILL");
  await runtime?.stop();
});

function executions(logFile: string): number[] {
  if (!existsSync(logFile)) return [];
  return readFileSync(logFile, "utf8").split("\n").filter((l) => l !== "").map(Number);
}

it("resumes an instance after the process running it is killed with SIGKILL", async () => {
  const { connectionString } = inject("azurite");
  const hubName = uniqueHub("kill");
  const logFile = path.join(mkdtempSync(path.join(tmpdir(), "dt-kill-")), "steps.log");
  const instanceId = "killed-1";
  // node itself (not the tsx wrapper, which would leave its node child running after the SIGKILL).
  child = spawn(process.execPath, ["--import", "tsx", path.resolve("test/sandbox-host-durable/support/kill-child.ts")], {
    env: { ...process.env, DT_CONN: connectionString, DT_HUB: hubName, DT_LOG: logFile, DT_INSTANCE: instanceId },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const deadline = Date.now() + 20_000;
  while (executions(logFile).length < 4) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`child did not make progress: ${stderr}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  child.kill("SIGKILL");
  await new Promise<void>((resolve) => (child!.exitCode !== null || child!.signalCode !== null ? resolve() : child!.once("exit", () => resolve())));
  const beforeRestart = executions(logFile);
  expect(beforeRestart.length).toBeLessThan(STEPS);

  runtime = await createDurableRuntime({
    hubName,
    storageConnectionString: connectionString,
    bridge: createTestBridge(killApp(logFile)),
    hostBaseUrl: "http://127.0.0.1:7071",
    log: () => undefined,
    maxPollIntervalMs: 200,
  } as Parameters<typeof createDurableRuntime>[0]);
  // What the killed process had recorded: completions in the persisted history.
  const persisted = (await runtime.readInstance(instanceId))!;
  const recorded = persisted.history.filter((e) => e.EventType === 5).map((e) => e.TaskScheduledId!);
  expect(recorded.length).toBeGreaterThan(0);
  await runtime.start();
  const row = await runtime.waitForStatus(instanceId, ["Completed", "Failed"], 20_000);
  expect(row.status).toBe("Completed");
  expect(JSON.parse(row.output!)).toEqual([...Array(STEPS).keys()].map((i) => i * 2));
  const all = executions(logFile);
  for (const step of recorded) expect(all.filter((s) => s === step)).toHaveLength(1);
  // Every step ran; only one that was in flight at the kill may have run twice.
  expect(new Set(all).size).toBe(STEPS);
  expect(all.length - STEPS).toBeLessThanOrEqual(1);
}, 40_000);

it("stop() mid-run and start() again resumes the instance from storage", async () => {
  const { connectionString } = inject("azurite");
  const logFile = path.join(mkdtempSync(path.join(tmpdir(), "dt-restart-")), "steps.log");
  runtime = await createDurableRuntime({
    hubName: uniqueHub("restart"),
    storageConnectionString: connectionString,
    bridge: createTestBridge(killApp(logFile)),
    hostBaseUrl: "http://127.0.0.1:7071",
    log: () => undefined,
  });
  await runtime.start();
  const id = await runtime.startNew("TenSteps");
  const deadline = Date.now() + 10_000;
  while (executions(logFile).length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  await runtime.stop();
  const stoppedAt = (await runtime.readInstance(id))!;
  expect(stoppedAt.row.status).toBe("Running");
  await runtime.start();
  const row = await runtime.waitForStatus(id, ["Completed", "Failed"], 20_000);
  expect(JSON.parse(row.output!)).toEqual([...Array(STEPS).keys()].map((i) => i * 2));
  expect(executions(logFile).sort((a, b) => a - b)).toEqual([...Array(STEPS).keys()]);
}, 30_000);
