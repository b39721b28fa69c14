// Runs every bench script in this folder (or the ones named on the command line) one after another,
// each in its own process, and prints their figures. `npm run bench [-- loops durable-sequence]`.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ensureCertificates } from "../sandbox/arm/core/certs.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const scripts = readdirSync(here)
  .filter((f) => f.endsWith(".ts") && f !== "run.ts")
  .filter((f) => wanted.length === 0 || wanted.includes(f.replace(/\.ts$/, "")))
  .sort();

// Benches that talk to the ARM emulator need its CA trusted from process start.
const certs = await ensureCertificates(path.resolve(here, "../.sandbox/certs"));
const env = { ...process.env, NODE_EXTRA_CA_CERTS: certs.caCertFile };

let failed = 0;
for (const script of scripts) {
  console.log(`\n## ${script}`);
  const result = spawnSync(process.execPath, ["--import", "tsx", path.join(here, script)], { stdio: "inherit", env });
  if (result.status !== 0) {
    failed++;
    console.log(`(${script} exited with ${result.status})`);
  }
}
process.exit(failed ? 1 : 0);
