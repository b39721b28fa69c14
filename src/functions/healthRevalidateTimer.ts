// Scheduled revalidation of every connection (issue 6 §2): NCRONTAB from LINKWRIGHT_HEALTH_SCHEDULE, default every
// 15 minutes. Bind → delegate to src/app/healthRuntime.ts (listAll → revalidateConnections → recordHealth).
import { app, type InvocationContext, type Timer } from "@azure/functions";
import { appRuntime } from "../app/runtime.js";
import { timerSchedules } from "../config/settings.js";

export async function healthRevalidateTimer(_timer: Timer, context: InvocationContext): Promise<void> {
  const run = await (await appRuntime().health()).revalidateAll();
  const calls = run.stats.reduce((n, s) => n + s.armCalls, 0);
  context.log(`health: revalidated ${run.connections} connection(s) with ${calls} ARM call(s); ${run.recorded.changed.length} changed, ${run.recorded.gone.length} gone`);
}

app.timer("healthRevalidateTimer", { schedule: timerSchedules().health, handler: healthRevalidateTimer });
