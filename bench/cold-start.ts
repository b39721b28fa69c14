// What a cold start costs linkwright, measured on the deployable package (npm run package, infra/package.ts):
//   cold_import_*   fresh `node` processes loading the entry module as the Functions worker does (its core module
//                   stood in for), the package against an empty @azure/functions + durable-functions app packaged the
//                   same way, interleaved, median of BENCH_RUNS; their ratio (goal ≤ 1.5) comes from the same run.
//   first_request_* the sandbox's Functions host (sandbox/host) started in a fresh process on the package, against
//                   the seeded emulator and its own Azurite: process start → host ready, then the first
//                   ServiceLinker API request (a linker list: token validation, ARM permission check, table query)
//                   and a second one; the same for the unbundled tsc output (dist/, built here) for comparison.
//   package_*       size of the folder and of the zip.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { buildPackage, loadPackage } from "../infra/package.js";
import { startAzurite } from "../sandbox/azurite.js";
import { linkwrightAppSettings } from "../sandbox/app-settings.js";
import { spawnDevHost } from "../sandbox/host/spawn.js";
import { repoRoot, startBlobCreateBench } from "./support/blobCreate.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const HOST_RUNS = Number(process.env.BENCH_HOST_RUNS ?? 3);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;

async function main(): Promise<void> {
  const work = mkdtempSync(path.join(tmpdir(), "linkwright-cold-start-"));
  try {
    const app = await buildPackage({ outDir: path.join(work, "app"), zipFile: path.join(work, "linkwright.zip") });
    const empty = await buildPackage({ outDir: path.join(work, "empty"), entryPoints: [path.join(repoRoot, "bench/fixtures/empty-app/functions.ts")] });

    // Cold import, interleaved so that load on the machine falls on both sides alike.
    const appMs: number[] = [];
    const emptyMs: number[] = [];
    const libsMs: number[] = [];
    const require = createRequire(import.meta.url);
    const libraries = [require.resolve("@azure/functions"), require.resolve("durable-functions")];
    loadPackage(app.outDir); // warms the file cache
    for (let i = 0; i < RUNS; i++) {
      appMs.push(loadPackage(app.outDir).importMs);
      emptyMs.push(loadPackage(empty.outDir).importMs);
      libsMs.push(loadPackage(repoRoot, { files: libraries }).importMs);
    }
    const a = median(appMs);
    const e = median(emptyMs);
    console.log(`cold_import_package_median: ${a.toFixed(0)} ms (${app.functionFiles.length} function files in ${app.entries.join(", ")}; ${RUNS} runs)`);
    console.log(`cold_import_empty_app_median: ${e.toFixed(0)} ms (@azure/functions + durable-functions, packaged the same way)`);
    console.log(`cold_import_vs_empty_app: ${(a / e).toFixed(2)} x (goal <= 1.5)`);
    console.log(`cold_import_libraries_from_node_modules_median: ${median(libsMs).toFixed(0)} ms (the two libraries unbundled)`);

    // First request through the dev host, on the package and on the tsc output.
    const build = spawnSync(process.execPath, [path.join(repoRoot, "node_modules/typescript/bin/tsc"), "-p", path.join(repoRoot, "tsconfig.json")], { stdio: "inherit" });
    if (build.status !== 0) throw new Error("tsc failed");
    const bench = await startBlobCreateBench();
    try {
      const token = bench.token;
      for (const [label, appDir, entry] of [["package", app.outDir, undefined], ["unbundled", repoRoot, "dist/src/functions/*.js"]] as const) {
        const storage = await startAzurite();
        const settings = linkwrightAppSettings({ arm: bench.arm, storageConnectionString: storage.connectionString, sealKey: "bench-seal-key-0123456789abcdef0123456789" });
        const ready: number[] = [];
        const first: number[] = [];
        const second: number[] = [];
        try {
          for (let i = 0; i < HOST_RUNS; i++) {
            const started = performance.now();
            const host = await spawnDevHost({ appDir, ...(entry ? { entry } : {}), stdio: ["ignore", "ignore", "inherit", "ipc"], cwd: repoRoot, env: settings });
            try {
              const baseUrl = host.baseUrl;
              ready.push(performance.now() - started);
              const url = `${baseUrl}${bench.webApp}/providers/Microsoft.ServiceLinker/linkers?api-version=2024-04-01`;
              for (const into of [first, second]) {
                const t = performance.now();
                const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
                await res.arrayBuffer();
                if (res.status !== 200) throw new Error(`${label}: GET linkers answered ${res.status}`);
                into.push(performance.now() - t);
              }
            } finally {
              await host.stop();
            }
          }
        } finally {
          await storage.stop();
        }
        console.log(`first_request_${label}_start_to_ready_median: ${median(ready).toFixed(0)} ms (the dev host's own start included; ${HOST_RUNS} runs)`);
        console.log(`first_request_${label}_median: ${median(first).toFixed(0)} ms (then ${median(second).toFixed(0)} ms for the second)`);
      }
    } finally {
      await bench.close();
    }

    const sdkBytes = app.files.filter((f) => f.path.startsWith("sdk/")).reduce((n, f) => n + f.bytes, 0);
    console.log(`package_size: ${kib(app.bytes)} (${app.files.length} files; ${kib(sdkBytes)} of it SDKs loaded on first use)`);
    console.log(`package_zip_size: ${kib(app.zipBytes!)}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (e: unknown) => { console.error(e); process.exit(1); });
