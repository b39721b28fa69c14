// Revalidation cost: 1,000 connections (system identity + role assignment + one app setting each) on 200 webApps,
// each to its own storage account's blob service, against the ARM emulator with injected per-call latency.
// BENCH_CONNECTIONS / BENCH_SOURCES scale it (`npm run chaos -- scale`: 10,000 on 2,000).
// Prints ARM calls per connection (counted by the emulator), wall time, peak memory, and the goal bound
// calls ≤ distinct sources + ⌈resources/1000⌉ (role assignments come joined into the Graph resource queries, so
// role-assignment queries and direct role-assignment calls are 0 here; both are printed). `name: value unit` lines.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { ClientSecretCredential } from "@azure/identity";
import { ResourceManagementClient } from "@azure/arm-resources";
import { ensureCertificates, DEFAULT_CERT_DIR } from "../sandbox/arm/core/certs.js";

const SOURCES = Number(process.env.BENCH_SOURCES ?? 200);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 1000);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 20);
/** Distinct target storage accounts (connection c targets account c % TARGETS). Over 1000 → two graph batches.
 *  The emulator's Resource Graph checks RBAC per row against the whole store, so its time grows with this. */
const TARGETS = Number(process.env.BENCH_TARGET_ACCOUNTS ?? 1000);
const BLOB_DATA_CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";

// The emulator's CA must be trusted from process start: re-run this script with NODE_EXTRA_CA_CERTS set.
const certs = await ensureCertificates(DEFAULT_CERT_DIR);
if (process.env.NODE_EXTRA_CA_CERTS !== certs.caCertFile) {
  const child = spawnSync(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url)], {
    stdio: "inherit", env: { ...process.env, NODE_EXTRA_CA_CERTS: certs.caCertFile },
  });
  process.exit(child.status ?? 1);
}

const { startArmEmulator } = await import("../sandbox/arm/index.js");
const { buildSite } = await import("../sandbox/arm/providers/web/sites.js");
const { buildStorageAccount } = await import("../sandbox/arm/providers/storage/accounts.js");
const { createArmClients } = await import("../src/azure/clients.js");
const { revalidateConnections, callBound } = await import("../src/health/index.js");
type StoredLinker = import("../src/model/connection.js").StoredLinker;

const arm = await startArmEmulator({ port: 0, certDir: DEFAULT_CERT_DIR, log: () => undefined });
try {
  const credential = new ClientSecretCredential(arm.tenantId, arm.credentials.admin.clientId, arm.credentials.admin.clientSecret,
    { authorityHost: arm.endpoint, disableInstanceDiscovery: true });
  await new ResourceManagementClient(credential, arm.subscriptionId, { endpoint: arm.endpoint }).resourceGroups.createOrUpdate("bench", { location: "westeurope" });
  const rg = `/subscriptions/${arm.subscriptionId}/resourceGroups/bench`;
  const linkers: StoredLinker[] = [];
  const resources = [];
  const principals: string[] = [];
  for (let s = 0; s < SOURCES; s++) {
    const id = `${rg}/providers/Microsoft.Web/sites/bench-app-${s}`;
    const issued = arm.services.principals.createManagedIdentity(id, "SystemAssigned");
    principals.push(issued.principalId);
    const site = buildSite({ id, location: "westeurope", kind: "app,linux", identity: { type: "SystemAssigned", principalId: issued.principalId, tenantId: issued.tenantId } });
    site.appSettings = {};
    resources.push(site);
  }
  for (let c = 0; c < CONNECTIONS; c++) {
    const s = c % SOURCES;
    const sourceId = `${rg}/providers/Microsoft.Web/sites/bench-app-${s}`;
    const a = c % TARGETS;
    const account = `${rg}/providers/Microsoft.Storage/storageAccounts/benchacct${a}`;
    const blob = `${account}/blobServices/default`;
    if (c < TARGETS) resources.push(buildStorageAccount(arm.services, { id: account, location: "westeurope", kind: "StorageV2" }));
    const setting = `AZURE_STORAGEBLOB_RESOURCEENDPOINT_${c}`;
    (resources[s] as { appSettings: Record<string, string> }).appSettings[setting] = `https://benchacct${a}.blob.core.windows.net/`;
    linkers.push({
      id: `${sourceId}/providers/Microsoft.ServiceLinker/linkers/conn${c}`, sourceId, name: `conn${c}`,
      properties: { targetService: { type: "AzureResource", id: blob }, authInfo: { authType: "systemAssignedIdentity" } },
      provisioningState: "Succeeded", systemData: { lastModifiedAt: "2026-01-01T00:00:00Z" }, secretPaths: [],
      state: {
        principalId: principals[s],
        applied: [
          { step: "identity", changed: true, input: { sourceId, systemAssigned: true } },
          { step: "roleAssignment", changed: true, input: { scope: blob, principalId: principals[s], principalType: "ServicePrincipal", role: BLOB_DATA_CONTRIBUTOR } },
          { step: "configuration", changed: true, input: { sourceId, settings: [{ name: setting, value: `https://benchacct${a}.blob.core.windows.net/` }] } },
        ],
      },
    });
  }
  arm.control.seed(resources);
  const assigned = new Set<string>();
  for (const l of linkers) {
    const input = (l.state!.applied as { input: { scope?: string; principalId?: string } }[])[1]!.input;
    const key = `${input.principalId}|${input.scope}`;
    if (!assigned.has(key)) arm.assignRole(input.principalId!, BLOB_DATA_CONTRIBUTOR, input.scope!);
    assigned.add(key);
  }

  const clients = createArmClients({ credential, armEndpoint: arm.endpoint, armAudience: "https://management.azure.com/" });
  await revalidateConnections(linkers.slice(0, 1), { clients, attribution: false }); // warm up token + modules
  arm.control.addLatency({ path: ".*", ms: LATENCY_MS });
  arm.control.resetCalls();
  // Peak memory while revalidating (the emulator shares the process: its serving is in the figure too).
  const mb = (bytes: number) => bytes / 2 ** 20;
  const before = process.memoryUsage();
  let peakHeap = before.heapUsed;
  let peakRss = before.rss;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakHeap = Math.max(peakHeap, m.heapUsed);
    peakRss = Math.max(peakRss, m.rss);
  }, 20);
  const started = performance.now();
  const run = await revalidateConnections(linkers, { clients, attribution: false, concurrency: 16 });
  const wall = performance.now() - started;
  clearInterval(sampler);
  const counted = arm.control.calls();
  const unhealthy = run.results.filter((r) => r.status !== "Healthy").length;
  if (unhealthy) throw new Error(`bench: ${unhealthy} connections not Healthy: ${JSON.stringify(run.results.find((r) => r.status !== "Healthy")?.result.validationDetail)}`);
  const bound = callBound(run.stats);

  console.log(`revalidate_connections: ${CONNECTIONS} connections`);
  console.log(`revalidate_distinct_sources: ${run.stats.distinctSources} sources`);
  console.log(`revalidate_distinct_resources: ${run.stats.distinctResources} resources`);
  console.log(`revalidate_injected_latency: ${LATENCY_MS} ms/call`);
  console.log(`revalidate_wall_time: ${wall.toFixed(0)} ms`);
  console.log(`revalidate_peak_heap: ${mb(peakHeap).toFixed(0)} MB (${mb(peakHeap - before.heapUsed).toFixed(0)} MB over the heap before revalidating)`);
  console.log(`revalidate_peak_rss: ${mb(peakRss).toFixed(0)} MB`);
  console.log(`revalidate_arm_calls_total: ${counted.total} calls`);
  console.log(`revalidate_arm_calls_per_connection: ${(counted.total / CONNECTIONS).toFixed(3)} calls`);
  console.log(`revalidate_graph_queries: ${run.stats.graphQueries} calls`);
  console.log(`revalidate_graph_phase_time: ${run.stats.phaseMs.graph.toFixed(0)} ms`);
  console.log(`revalidate_settings_phase_time: ${run.stats.phaseMs.settings.toFixed(0)} ms`);
  console.log(`revalidate_role_assignment_phase_time: ${run.stats.phaseMs.roleAssignments.toFixed(0)} ms`);
  console.log(`revalidate_settings_reads: ${run.stats.settingsReads} calls`);
  console.log(`revalidate_role_assignment_graph_queries: ${run.stats.roleAssignmentQueries} calls`);
  console.log(`revalidate_role_assignment_pages: ${run.stats.roleAssignmentCalls} calls`);
  console.log(`revalidate_goal_bound_sources_plus_graph_batches: ${bound} calls`);
  const roleCalls = run.stats.roleAssignmentCalls + run.stats.roleAssignmentQueries;
  console.log(`revalidate_calls_excluding_role_assignments: ${counted.total - roleCalls} calls`);
  console.log(`revalidate_goal_met_excluding_role_assignments: ${counted.total - roleCalls <= bound ? 1 : 0} bool`);
  console.log(`revalidate_goal_met_including_role_assignments: ${counted.total <= bound ? 1 : 0} bool`);
  console.log(`revalidate_naive_per_connection_calls: ${CONNECTIONS * 3} calls`);
} finally {
  await arm.close();
}
