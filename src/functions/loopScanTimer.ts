// Timer revalidation of trigger/output loops (issue 7): NCRONTAB from LINKWRIGHT_LOOP_SCAN_SCHEDULE, default every
// 6 hours. Bind → delegate to src/loops/triggerHandlers.ts.
import { app, type InvocationContext, type Timer } from "@azure/functions";
import { appRuntime } from "../app/runtime.js";
import { timerSchedules } from "../config/settings.js";
import { runScheduledLoopScan } from "../loops/triggerHandlers.js";


export async function loopScanTimer(_timer: Timer, context: InvocationContext): Promise<void> {
  await runScheduledLoopScan(await appRuntime().loops(), (m) => context.log(m));
}

app.timer("loopScanTimer", { schedule: timerSchedules().loopScan, handler: loopScanTimer });
