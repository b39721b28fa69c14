// CI check that the README holds on a fresh clone: `npm start` (sandbox/start.ts, after the build) comes up, and the
// demo (sandbox/demo.ts) creates, validates and deletes a connection through it. Prints the start-up time.
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";

const START_TIMEOUT_MS = 60_000;

async function main(): Promise<void> {
  const t0 = Date.now();
  const child = spawn(process.execPath, ["--import", "tsx", path.resolve("sandbox/start.ts")], { stdio: ["ignore", "pipe", "ignore"] });
  const stop = () => new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`npm start did not come up within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
      // The host's log lines stay quiet unless start-up fails; the summary block is shown.
      let out = "";
      let up = false;
      child.stdout!.on("data", (d: Buffer) => {
        if (up) return;
        out += d.toString();
        const at = out.indexOf("linkwright sandbox up");
        if (at >= 0) { up = true; clearTimeout(timer); console.log(out.slice(at).split("Ctrl-C")[0]!.trimEnd()); resolve(); }
      });
      child.once("exit", (code) => {
        if (up) return;
        clearTimeout(timer);
        console.error(out.split("\n").slice(-40).join("\n"));
        reject(new Error(`sandbox/start.ts exited with ${code}`));
      });
    });
    console.log(`sandbox_start_seconds: ${((Date.now() - t0) / 1000).toFixed(1)}`);
    // The demo is a client process of its own: it must trust the sandbox CA from its start.
    const { caCertFile } = JSON.parse(readFileSync(path.resolve(".sandbox/sandbox.json"), "utf8")) as { caCertFile: string };
    for (const as of ["admin", "team"]) {
      const demo = spawnSync(process.execPath, ["--import", "tsx", path.resolve("sandbox/demo.ts"), "--as", as], {
        stdio: "inherit", env: { ...process.env, NODE_EXTRA_CA_CERTS: caCertFile }, timeout: 120_000,
      });
      if (demo.status !== 0) throw new Error(`the demo as ${as} exited with ${demo.status}`);
    }
    console.log("smoke: npm start + demo (as admin, and as team: a success and a 403) OK");
  } finally {
    await stop();
  }
}

main().then(() => process.exit(0), (e: unknown) => { console.error(`smoke failed: ${(e as Error).message}`); process.exit(1); });
