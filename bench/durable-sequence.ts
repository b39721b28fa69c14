// In-process time of a 10-activity sequential orchestration on the durable engine with state in a private
// Azurite (goal < 200 ms). Prints `name: value unit` lines.
import type { OrchestrationContext } from "durable-functions";
import { startAzurite } from "../sandbox/azurite.js";
import { createDurableRuntime } from "../sandbox/host/durable/index.js";
import { createTestBridge } from "../test/sandbox-host-durable/support/bridge.js";

const ACTIVITIES = 10;
const RUNS = 10;

const azurite = await startAzurite();
try {
  const runtime = await createDurableRuntime({
    hubName: "benchsequence",
    storageConnectionString: azurite.connectionString,
    hostBaseUrl: "http://127.0.0.1:7071",
    log: () => undefined,
    bridge: createTestBridge({
      orchestrations: {
        Sequence: function* (context: OrchestrationContext) {
          const out: string[] = [];
          for (let i = 0; i < ACTIVITIES; i++) out.push((yield context.df.callActivity("Hello", `n${i}`)) as string);
          return out;
        },
      },
      activities: { Hello: (name) => `Hello ${name as string}` },
    }),
  });
  await runtime.start();
  const times: number[] = [];
  for (let run = 0; run <= RUNS; run++) {
    const started = performance.now();
    const id = await runtime.startNew("Sequence");
    const row = await runtime.waitForStatus(id, ["Completed", "Failed"], 30_000);
    if (row.status !== "Completed") throw new Error(`bench orchestration ${row.status}: ${row.output}`);
    if (run > 0) times.push(performance.now() - started); // run 0 warms up the table and the modules
  }
  await runtime.stop();
  times.sort((a, b) => a - b);
  console.log(`durable_sequence_10_activities_median: ${times[Math.floor(times.length / 2)]!.toFixed(1)} ms`);
  console.log(`durable_sequence_10_activities_min: ${times[0]!.toFixed(1)} ms`);
  console.log(`durable_sequence_runs: ${times.length} count`);
} finally {
  await azurite.stop();
}
