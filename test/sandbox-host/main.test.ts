// sandbox/host/main.ts as a child process (tsx), and its argument parsing.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { parseMainArgs } from "../../sandbox/host/main-args.js";
import { ALL_ENTRY, sampleAppDir, uniqueNames, waitFor } from "./sample-app.js";

const repoRoot = path.resolve(sampleAppDir, "../../..");
let child: ChildProcess | undefined;
afterAll(() => {
  if (child && child.exitCode === null) child.kill("SIGKILL");
});

describe("main args", () => {
  it("takes flags first, then FUNCTIONS_* settings, then defaults", () => {
    expect(parseMainArgs(["--app-dir", "/app", "--port", "0", "--entry", "x/*.js"], {})).toEqual({ appDir: "/app", port: 0, entry: "x/*.js" });
    expect(parseMainArgs([], { FUNCTIONS_APP_DIR: "/env-app", FUNCTIONS_HTTP_PORT: "7072", FUNCTIONS_HOST_ID: "h1" })).toEqual({ appDir: "/env-app", port: 7072, hostId: "h1" });
    expect(parseMainArgs(["/positional"], {}).port).toBe(7071);
    expect(parseMainArgs(["/positional"], {}, 7075).port).toBe(7075);
    expect(parseMainArgs(["/positional"], { FUNCTIONS_HTTP_PORT: "7072" }, 7075).port).toBe(7072);
    expect(() => parseMainArgs(["--port", "70000"], {})).toThrow(/Invalid port/);
  });
});

describe("main process", () => {
  it("starts the host (durable engine included), serves the app and stops on SIGTERM", async () => {
    const tsx = path.join(repoRoot, "node_modules/.bin/tsx");
    child = spawn(tsx, ["sandbox/host/main.ts", "--app-dir", sampleAppDir, "--entry", ALL_ENTRY, "--port", "0"], {
      cwd: repoRoot,
      env: { ...process.env, AzureWebJobsStorage: inject("azurite").connectionString, ...uniqueNames("m") },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
    const baseUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ready line within 20 s:\n${output}`)), 20_000);
      child!.stdout!.on("data", (d: Buffer) => {
        output += d.toString();
        const m = /Functions host ready: (http:\/\/\S+)\r?\n/.exec(output); // whole line: stdout may arrive mid-URL
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      child!.once("exit", (code) => reject(new Error(`exited with ${code}:\n${output}`)));
    });
    expect(await (await fetch(`${baseUrl}/hello/child`)).text()).toBe("Hello, child");
    // Outside vitest the durable engine is found by the host's run-time import too.
    const started = await fetch(`${baseUrl}/orchestrators/helloSequence`, { method: "POST", body: JSON.stringify({ cities: ["Oslo"] }) });
    expect(started.status).toBe(202);
    const { id } = (await started.json()) as { id: string };
    const status = await waitFor("the orchestration in the child", async () => {
      const s = (await (await fetch(`${baseUrl}/status/${id}`)).json()) as { runtimeStatus: string; output: unknown };
      return s.runtimeStatus === "Completed" || s.runtimeStatus === "Failed" ? s : undefined;
    }, 15_000);
    expect(status).toEqual({ runtimeStatus: "Completed", output: { greetings: ["Hello Oslo"], count: 1 } });
    const exit = new Promise<number | null>((resolve) => child!.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exit).toBe(0);
  }, 45_000);
});
