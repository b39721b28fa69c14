// Timer revalidation of trigger/output loops (issue 7): NCRONTAB from LINKWRIGHT_LOOP_SCAN_SCHEDULE, default every
// 6 hours. Bind → delegate to src/loops/trigger-handlers.ts.
import { app, type InvocationContext, type Timer } from "@azure/functions";
import { memoizedLoopRuntime } from "../loops/from-settings.js";
import { loopScanSchedule } from "../loops/loop-settings.js";
import { runScheduledLoopScan } from "../loops/trigger-handlers.js";

const runtimeFor = memoizedLoopRuntime();

export async function loopScanTimer(_timer: Timer, context: InvocationContext): Promise<void> {
  await runScheduledLoopScan(await runtimeFor(process.env), (m) => context.log(m));
}

app.timer("loopScanTimer", { schedule: loopScanSchedule(process.env), handler: loopScanTimer });
