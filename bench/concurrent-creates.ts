// Concurrent creates (issue #15, load): 200 connections created at once over 50 web apps (4 each) through the whole
// stack (bench/support/concurrentCreates.ts). Prints whether any setting was lost, whether any operation is stuck, ARM
// writes against the minimum, and the wall time. BENCH_CREATES / BENCH_CREATE_SOURCES resize it.
import { concurrentCreates } from "./support/concurrentCreates.js";

const CREATES = Number(process.env.BENCH_CREATES ?? 200);
const SOURCES = Number(process.env.BENCH_CREATE_SOURCES ?? 50);
const DEADLINE_MS = Number(process.env.BENCH_CREATE_DEADLINE_MS ?? 15 * 60_000);

async function main(): Promise<void> {
  const r = await concurrentCreates({ creates: CREATES, sources: SOURCES, deadlineMs: DEADLINE_MS });
  console.log(`concurrent_creates: ${r.creates} creates over ${r.sources} web apps (${r.perSource} each), all at once`);
  console.log(`concurrent_creates_outcomes: ${Object.entries(r.outcomes).map(([o, n]) => `${o}×${n}`).join(", ")}`);
  console.log(`concurrent_creates_stuck: ${r.stuck} operations (${r.notTerminal} linkers not in a terminal state)`);
  console.log(`concurrent_creates_settings_lost: ${r.settingsLost} settings`);
  console.log(`concurrent_creates_arm_writes: ${r.armWrites} writes (minimum ${r.minimumWrites}: ${r.sources} identities + ${r.creates} role assignments + ${r.creates} settings writes; ratio ${(r.armWrites / r.minimumWrites).toFixed(2)})`);
  console.log(`concurrent_creates_arm_writes_by_operation: ${r.writesByOperation}`);
  console.log(`concurrent_creates_wall_time: ${(r.wallMs / 1000).toFixed(1)} s`);
}

main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
