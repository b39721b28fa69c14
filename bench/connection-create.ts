// Create latency of one connection (storage-blob, system identity, on the seeded web app with its identity off)
// through the whole stack — @azure/arm-servicelinker → ARM endpoint → function app → Durable saga → ARM — with
// injected per-call ARM latency, against the critical-path bound; and ARM writes against the minimum necessary.
//
// Critical-path bound: T0 + depth × L, where T0 is the same create with no injected latency (host, durable and
// polling overhead) and depth = 3 dependent ARM round trips a perfect implementation needs: the reads it must make
// (source, its settings, target: in parallel) → enable the identity (yields the principal) → assign the role
// (the settings write can overlap it). Minimum writes = 3: identity, role assignment, app settings.
import { countMutations, type CallCount } from "../sandbox/arm/core/control.js";
import { startBenchHost, startBlobCreateBench, timedBlobCreate } from "./support/blobCreate.js";

const LATENCY_MS = Number(process.env.BENCH_ARM_LATENCY_MS ?? 100);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

async function main(): Promise<void> {
  const bench = await startBlobCreateBench();
  const { arm, azurite, forward } = bench;
  const host = await startBenchHost({ arm, azurite });
  forward.url = host.baseUrl;

  const once = async (name: string): Promise<{ ms: number; reads: number; writes: number }> => {
    const { ms, measured } = await timedBlobCreate(bench, name, () => {
      const azure = (c: CallCount) => c.provider !== "Microsoft.ServiceLinker" && c.provider !== "";
      const ops = arm.control.calls().byOperation.filter(azure);
      const writes = countMutations(ops);
      return { reads: ops.reduce((n, c) => n + c.count, 0) - writes, writes };
    });
    return { ms, ...measured };
  };
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

  await once("warmup");
  const base: number[] = [];
  for (let i = 0; i < RUNS; i++) base.push((await once(`base${i}`)).ms);
  const rule = arm.control.addLatency({ path: "^/subscriptions/(?!.*Microsoft\\.ServiceLinker)", ms: LATENCY_MS });
  const slow: { ms: number; reads: number; writes: number }[] = [];
  for (let i = 0; i < RUNS; i++) slow.push(await once(`slow${i}`));
  arm.control.removeRule(rule.id);

  const t0 = median(base);
  const t = median(slow.map((s) => s.ms));
  const bound = t0 + 3 * LATENCY_MS;
  const last = slow[slow.length - 1]!;
  console.log(`create_no_latency_median: ${t0.toFixed(0)} ms`);
  console.log(`create_with_latency_median: ${t.toFixed(0)} ms (ARM latency ${LATENCY_MS} ms per call)`);
  console.log(`critical_path_bound: ${bound.toFixed(0)} ms (T0 + 3 x ${LATENCY_MS} ms)`);
  console.log(`create_vs_bound: ${(t / bound).toFixed(2)} x (goal <= 1.15)`);
  console.log(`sequential_arm_round_trips_implied: ${((t - t0) / LATENCY_MS).toFixed(1)} round trips`);
  console.log(`arm_writes: ${last.writes} writes (minimum 3; ratio ${(last.writes / 3).toFixed(2)}, goal 1.00)`);
  console.log(`arm_reads: ${last.reads} reads`);

  await host.stop();
  await bench.close();
}

main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
