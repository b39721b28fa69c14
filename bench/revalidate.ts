// Revalidation cost: 1,000 connections (system identity + role assignment + one app setting each) on 200 webApps,
// each to its own storage account's blob service, against the ARM emulator with injected per-call latency.
// BENCH_CONNECTIONS / BENCH_SOURCES scale it (`npm run chaos -- scale`: 10,000 on 2,000).
// Prints ARM calls per connection (counted by the emulator), wall time, peak memory, and the goal bound
// calls ≤ distinct sources + ⌈resources/1000⌉ (role assignments come joined into the Graph resource queries, so
// role-assignment queries and direct role-assignment calls are 0 here; both are printed). `name: value unit` lines.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { ensureCertificates, DEFAULT_CERT_DIR } from "../sandbox/arm/core/certs.js";

const SOURCES = Number(process.env.BENCH_SOURCES ?? 200);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 1000);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 20);
/** Distinct target storage accounts (connection c targets account c % TARGETS). Over 1000 → two graph batches.
 *  The emulator's Resource Graph checks RBAC per row against the whole store, so its time grows with this. */
const TARGETS = Number(process.env.BENCH_TARGET_ACCOUNTS ?? 1000);

// The emulator's CA must be trusted from process start: re-run this script with NODE_EXTRA_CA_CERTS set.
const certs = await ensureCertificates(DEFAULT_CERT_DIR);
if (process.env.NODE_EXTRA_CA_CERTS !== certs.caCertFile) {
  const child = spawnSync(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url)], {
    stdio: "inherit", env: { ...process.env, NODE_EXTRA_CA_CERTS: certs.caCertFile },
  });
  process.exit(child.status ?? 1);
}

const { revalidateFleet } = await import("./support/revalidateFleet.js");
const fleet = await revalidateFleet({ sources: SOURCES, connections: CONNECTIONS, targets: TARGETS, latencyMs: LATENCY_MS, certDir: DEFAULT_CERT_DIR });
if (fleet.unhealthy) throw new Error(`bench: ${fleet.unhealthy} connections not Healthy: ${JSON.stringify(fleet.firstUnhealthy)}`);
const { stats } = fleet.run;
const bound = fleet.bound;
const total = fleet.armCalls;

console.log(`revalidate_connections: ${CONNECTIONS} connections`);
console.log(`revalidate_distinct_sources: ${stats.distinctSources} sources`);
console.log(`revalidate_distinct_resources: ${stats.distinctResources} resources`);
console.log(`revalidate_injected_latency: ${LATENCY_MS} ms/call`);
console.log(`revalidate_wall_time: ${fleet.wallMs.toFixed(0)} ms`);
console.log(`revalidate_peak_heap: ${fleet.peakHeapMB.toFixed(0)} MB (${(fleet.peakHeapMB - fleet.heapBeforeMB).toFixed(0)} MB over the heap before revalidating)`);
console.log(`revalidate_peak_rss: ${fleet.peakRssMB.toFixed(0)} MB`);
console.log(`revalidate_arm_calls_total: ${total} calls`);
console.log(`revalidate_arm_calls_per_connection: ${(total / CONNECTIONS).toFixed(3)} calls`);
console.log(`revalidate_graph_queries: ${stats.graphQueries} calls`);
console.log(`revalidate_graph_phase_time: ${stats.phaseMs.graph.toFixed(0)} ms`);
console.log(`revalidate_settings_phase_time: ${stats.phaseMs.settings.toFixed(0)} ms`);
console.log(`revalidate_role_assignment_phase_time: ${stats.phaseMs.roleAssignments.toFixed(0)} ms`);
console.log(`revalidate_settings_reads: ${stats.settingsReads} calls`);
console.log(`revalidate_role_assignment_graph_queries: ${stats.roleAssignmentQueries} calls`);
console.log(`revalidate_role_assignment_pages: ${stats.roleAssignmentCalls} calls`);
console.log(`revalidate_goal_bound_sources_plus_graph_batches: ${bound} calls`);
const roleCalls = stats.roleAssignmentCalls + stats.roleAssignmentQueries;
console.log(`revalidate_calls_excluding_role_assignments: ${total - roleCalls} calls`);
console.log(`revalidate_goal_met_excluding_role_assignments: ${total - roleCalls <= bound ? 1 : 0} bool`);
console.log(`revalidate_goal_met_including_role_assignments: ${total <= bound ? 1 : 0} bool`);
console.log(`revalidate_naive_per_connection_calls: ${CONNECTIONS * 3} calls`);
