// What caller authorization costs a create: the same create (storage-blob, system identity, seeded web app with its
// identity off, the official SDK through the ARM endpoint) with 100 ms injected per ARM call, on two hosts of the same
// stack in one run — the real app, and a baseline whose authorizer grants everything without asking ARM
// (bench/fixtures/apiWithoutAuthorization.ts). Prints the latency ratio (goal ≤ 1.2×) and the permission calls per
// create: ARM's permissions API per distinct scope (goal ≤ 1 each), the subscription's deny assignments, and both
// again for a repeat within the cache time (goal 0).
import path from "node:path";
import { startAzurite } from "../sandbox/azurite.js";
import { linkwrightAppSettings } from "../sandbox/app-settings.js";
import { spawnDevHost } from "../sandbox/host/spawn.js";
import { repoRoot, startBlobCreateBench, timedBlobCreate } from "./support/blobCreate.js";

const LATENCY_MS = Number(process.env.BENCH_ARM_LATENCY_MS ?? 100);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

async function main(): Promise<void> {
  const bench = await startBlobCreateBench();
  const { arm, forward } = bench;
  // Each app in its own dev-host process (as npm start runs it) with its own Azurite (its own task hub and tables).
  type Host = { baseUrl: string; stop(): Promise<void> };
  const hostWith = async (entry: string): Promise<Host> => {
    const storage = await startAzurite();
    const { baseUrl, stop } = await spawnDevHost({
      appDir: repoRoot, entry, stdio: ["ignore", "ignore", "inherit", "ipc"],
      env: linkwrightAppSettings({ arm, storageConnectionString: storage.connectionString, sealKey: "bench-seal-key-0123456789abcdef0123456789" }),
    });
    return {
      baseUrl,
      stop: async () => {
        await stop();
        await storage.stop();
      },
    };
  };
  const authorizationCalls = () => {
    const byOp = arm.control.calls().byOperation.filter((c) => c.provider === "Microsoft.Authorization");
    const count = (re: RegExp) => byOp.filter((c) => re.test(`${c.type}/${c.operation}`)).reduce((n, c) => n + c.count, 0);
    return { permissions: count(/permissions/i), denyAssignments: count(/denyAssignments/i) };
  };

  let coldCalls = { permissions: 0, denyAssignments: 0 };
  const once = async (host: Host, name: string): Promise<{ ms: number; permissions: number; denyAssignments: number }> => {
    forward.url = host.baseUrl;
    const { ms, measured: calls } = await timedBlobCreate(bench, name, authorizationCalls);
    if (name.endsWith("-warm") && name.startsWith("authz")) coldCalls = calls;
    return { ms, ...calls };
  };
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

  const LATENCY = { path: "^/subscriptions/(?!.*Microsoft\\.ServiceLinker)", ms: LATENCY_MS };
  const authzHost = await hostWith("src/functions/{serviceLinkerApi,connectionOrchestrations}.ts");
  const baseHost = await hostWith("bench/fixtures/*.ts");
  // A warm-up create each without injected latency (process start-up, JIT); the real app's counts its permission
  // calls on a cold cache. Then RUNS creates each with latency, interleaved so drift hits both alike; names differ per
  // run, so every create plans afresh, and the permission cache (30 s) answers the repeats.
  await once(authzHost, "authz-warm");
  await once(baseHost, "base-warm");
  const rule = arm.control.addLatency(LATENCY);
  const authz: { ms: number; permissions: number; denyAssignments: number }[] = [];
  const base: { ms: number; permissions: number; denyAssignments: number }[] = [];
  for (let i = 0; i < RUNS; i++) {
    base.push(await once(baseHost, `base${i}`));
    authz.push(await once(authzHost, `authz${i}`));
  }
  arm.control.removeRule(rule.id);
  await authzHost.stop();
  await baseHost.stop();
  const withAuthz = authz.map((r) => r.ms);
  const without = base.map((r) => r.ms);
  const cold = coldCalls;
  const warm = authz[authz.length - 1]!;
  const tWith = median(withAuthz);
  const tWithout = median(without);
  console.log(`create_without_authorization_median: ${tWithout.toFixed(0)} ms (ARM latency ${LATENCY_MS} ms per call, ${RUNS} runs)`);
  console.log(`create_with_authorization_median: ${tWith.toFixed(0)} ms`);
  console.log(`authorization_latency_ratio: ${(tWith / tWithout).toFixed(2)} x (goal <= 1.2)`);
  console.log(`permission_calls_first_create: ${cold.permissions} permissions API calls (distinct scopes checked: source, role scope), ${cold.denyAssignments} deny-assignment lists (one per subscription)`);
  console.log(`permission_calls_repeat_create: ${warm.permissions} permissions API calls, ${warm.denyAssignments} deny-assignment lists (cached, goal 0)`);

  await bench.close();
}

main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
