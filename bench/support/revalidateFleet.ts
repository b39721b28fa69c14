// A fleet of connections to revalidate (bench/revalidate.ts, test/chaos/scale.test.ts): `connections` connections
// (system identity + role assignment + one app setting each) on `sources` webApps, connection c to the blob service of
// storage account c % `targets`, seeded into the ARM emulator; then one revalidation of all of them with `latencyMs`
// injected per ARM call. Returns the emulator's call count, the run's stats, the goal bound
// calls ≤ distinct sources + ⌈resources/1000⌉, wall time and peak memory. The caller trusts the emulator's CA
// (NODE_EXTRA_CA_CERTS from process start).
import { ClientSecretCredential } from "@azure/identity";
import { ResourceManagementClient } from "@azure/arm-resources";
import { startArmEmulator } from "../../sandbox/arm/index.js";
import { buildSite } from "../../sandbox/arm/providers/web/sites.js";
import { buildStorageAccount } from "../../sandbox/arm/providers/storage/accounts.js";
import { createArmClients } from "../../src/azure/clients.js";
import { callBound, revalidateConnections, type RevalidationRun } from "../../src/health/index.js";
import type { StoredLinker } from "../../src/model/connection.js";

const BLOB_DATA_CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";

export interface FleetOptions {
  sources: number;
  connections: number;
  /** Distinct target storage accounts. Over 1000 resources → two graph batches. The emulator's Resource Graph checks
   *  RBAC per row against the whole store, so its time grows with this. */
  targets: number;
  latencyMs: number;
  certDir: string;
}

export interface FleetRevalidation {
  run: RevalidationRun;
  /** ARM calls the emulator counted during the revalidation. */
  armCalls: number;
  bound: number;
  /** Connections not Healthy (with the first one's details), or 0. */
  unhealthy: number;
  firstUnhealthy?: unknown;
  wallMs: number;
  heapBeforeMB: number;
  peakHeapMB: number;
  peakRssMB: number;
}

export async function revalidateFleet(o: FleetOptions): Promise<FleetRevalidation> {
  const arm = await startArmEmulator({ port: 0, certDir: o.certDir, log: () => undefined });
  try {
    const credential = new ClientSecretCredential(arm.tenantId, arm.credentials.admin.clientId, arm.credentials.admin.clientSecret,
      { authorityHost: arm.endpoint, disableInstanceDiscovery: true });
    await new ResourceManagementClient(credential, arm.subscriptionId, { endpoint: arm.endpoint }).resourceGroups.createOrUpdate("bench", { location: "westeurope" });
    const rg = `/subscriptions/${arm.subscriptionId}/resourceGroups/bench`;
    const linkers: StoredLinker[] = [];
    const resources = [];
    const principals: string[] = [];
    for (let s = 0; s < o.sources; s++) {
      const id = `${rg}/providers/Microsoft.Web/sites/bench-app-${s}`;
      const issued = arm.services.principals.createManagedIdentity(id, "SystemAssigned");
      principals.push(issued.principalId);
      const site = buildSite({ id, location: "westeurope", kind: "app,linux", identity: { type: "SystemAssigned", principalId: issued.principalId, tenantId: issued.tenantId } });
      site.appSettings = {};
      resources.push(site);
    }
    for (let c = 0; c < o.connections; c++) {
      const s = c % o.sources;
      const sourceId = `${rg}/providers/Microsoft.Web/sites/bench-app-${s}`;
      const a = c % o.targets;
      const account = `${rg}/providers/Microsoft.Storage/storageAccounts/benchacct${a}`;
      const blob = `${account}/blobServices/default`;
      if (c < o.targets) resources.push(buildStorageAccount(arm.services, { id: account, location: "westeurope", kind: "StorageV2" }));
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
    arm.control.addLatency({ path: ".*", ms: o.latencyMs });
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
    const wallMs = performance.now() - started;
    clearInterval(sampler);
    const unhealthy = run.results.filter((r) => r.status !== "Healthy");
    return {
      run, armCalls: arm.control.calls().total, bound: callBound(run.stats), unhealthy: unhealthy.length,
      ...(unhealthy.length ? { firstUnhealthy: unhealthy[0]!.result.validationDetail } : {}),
      wallMs, heapBeforeMB: mb(before.heapUsed), peakHeapMB: mb(peakHeap), peakRssMB: mb(peakRss),
    };
  } finally {
    await arm.close();
  }
}
