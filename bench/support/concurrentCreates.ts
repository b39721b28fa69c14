// Concurrent creates (bench/concurrent-creates.ts, test/chaos/load.test.ts): `creates` connections created at once over
// `sources` web apps (each app's k-th to its own storage account's blob service, under its own setting name) through
// the whole stack — ARM endpoint → function app (dev host) → Durable saga → ARM. Measures outcomes, operations stuck,
// settings lost (every app ends with its settings and the right values, and an unrelated one kept), ARM writes against
// the minimum (one identity per app, one role assignment and one settings write per connection), and wall time.
// The caller trusts the emulator's CA (NODE_EXTRA_CA_CERTS from process start).
import { ClientSecretCredential } from "@azure/identity";
import { WebSiteManagementClient } from "@azure/arm-appservice";
import { ServiceLinkerManagementClient } from "@azure/arm-servicelinker";
import { countMutations, isReadOnlyAction, type CallCount } from "../../sandbox/arm/core/control.js";
import { buildSite } from "../../sandbox/arm/providers/web/sites.js";
import { buildStorageAccount } from "../../sandbox/arm/providers/storage/accounts.js";
import { startBenchHost, startBlobCreateBench } from "./blobCreate.js";

export interface ConcurrentCreates {
  creates: number;
  sources: number;
  perSource: number;
  /** Final LRO status (or "stuck" past the deadline, or "error: …") → count. */
  outcomes: Record<string, number>;
  /** LROs past the deadline plus linkers not in a terminal state afterwards. */
  stuck: number;
  notTerminal: number;
  settingsLost: number;
  armWrites: number;
  minimumWrites: number;
  writesByOperation: string;
  wallMs: number;
}

export async function concurrentCreates(o: { creates: number; sources: number; deadlineMs: number }): Promise<ConcurrentCreates> {
  const CREATES = o.creates;
  const SOURCES = o.sources;
  const PER_SOURCE = Math.ceil(CREATES / SOURCES);
  const DEADLINE_MS = o.deadlineMs;
  const bench = await startBlobCreateBench();
  const { arm, azurite, forward } = bench;
  const seed = arm.seedResult!;
  const rg = `/subscriptions/${arm.subscriptionId}/resourceGroups/${seed.resourceGroup.split("/").pop()}`;
  const site = (s: number) => `${rg}/providers/Microsoft.Web/sites/lw-load-app-${s}`;
  const account = (k: number) => `${rg}/providers/Microsoft.Storage/storageAccounts/lwload${k}`;
  const setting = (k: number) => `LOAD_BLOB_${k}_ENDPOINT`;
  arm.control.seed([
    ...Array.from({ length: SOURCES }, (_, s) => Object.assign(buildSite({ id: site(s), location: seed.location, kind: "app,linux" }), { appSettings: { UNRELATED: "kept" } })),
    ...Array.from({ length: PER_SOURCE }, (_, k) => buildStorageAccount(arm.services, { id: account(k), location: seed.location, kind: "StorageV2" })),
  ]);
  const host = await startBenchHost({ arm, azurite });
  try {
    forward.url = host.baseUrl;
    const credential = new ClientSecretCredential(arm.tenantId, arm.credentials.admin.clientId, arm.credentials.admin.clientSecret,
      { authorityHost: arm.endpoint, disableInstanceDiscovery: true });
    const client = new ServiceLinkerManagementClient(credential, { endpoint: arm.endpoint } as never);
    // The SDK (api-version 2022-05-01) has no configurationInfo: the PUT and its polling go over REST at 2024-04-01.
    const headers = { authorization: `Bearer ${bench.token}`, "content-type": "application/json" };
    const createAndWait = async (sourceId: string, name: string, body: unknown, signal: AbortSignal): Promise<string> => {
      const put = await fetch(`${arm.endpoint}${sourceId}/providers/Microsoft.ServiceLinker/linkers/${name}?api-version=2024-04-01`,
        { method: "PUT", headers, body: JSON.stringify(body), signal });
      if (put.status !== 201 && put.status !== 200) return `error: ${put.status} ${(await put.text()).slice(0, 120)}`;
      const status = put.headers.get("azure-asyncoperation")!;
      for (;;) {
        await new Promise((r) => setTimeout(r, 250));
        const doc = await (await fetch(status, { headers, signal })).json() as { status: string; error?: { code: string } };
        if (doc.status !== "InProgress" && doc.status !== "Accepted") return doc.error ? `${doc.status}: ${doc.error.code}` : doc.status;
      }
    };

    arm.control.resetCalls();
    const started = performance.now();
    const outcomes = await Promise.all(Array.from({ length: CREATES }, async (_, c) => {
      const s = c % SOURCES;
      const k = Math.floor(c / SOURCES);
      const deadline = new AbortController();
      const timer = setTimeout(() => deadline.abort(), DEADLINE_MS);
      try {
        return await createAndWait(site(s), `load${k}`, { properties: {
          targetService: { type: "AzureResource", id: `${account(k)}/blobServices/default` },
          authInfo: { authType: "systemAssignedIdentity" },
          clientType: "nodejs",
          configurationInfo: { customizedKeys: { AZURE_STORAGEBLOB_RESOURCEENDPOINT: setting(k) } },
        } }, deadline.signal);
      } catch (error) {
        return deadline.signal.aborted ? "stuck" : `error: ${(error as Error).message.slice(0, 120)}`;
      } finally {
        clearTimeout(timer);
      }
    }));
    const wall = performance.now() - started;
    const calls = arm.control.calls().byOperation.filter((c: CallCount) => c.provider !== "Microsoft.ServiceLinker" && c.provider !== "");
    const writes = countMutations(calls);
    const byOperation = calls.filter((c) => c.kind !== "read" && !isReadOnlyAction(c.operation)).map((c) => `${c.method} ${c.operation}×${c.count}`).join(", ");

    // No setting lost: every app holds every connection's setting with its value (and the one it had before).
    const endpoints: string[] = [];
    for (let k = 0; k < PER_SOURCE; k++) {
      const a = await (await fetch(`${arm.endpoint}${account(k)}?api-version=2023-05-01`, { headers })).json() as { properties: { primaryEndpoints: { blob: string } } };
      endpoints.push(a.properties.primaryEndpoints.blob);
    }
    const endpoint = (k: number) => endpoints[k];
    const web = new WebSiteManagementClient(credential, arm.subscriptionId, { endpoint: arm.endpoint });
    let lost = 0;
    for (let s = 0; s < SOURCES; s++) {
      const name = site(s).split("/").pop()!;
      const settings = (await web.webApps.listApplicationSettings(rg.split("/").pop()!, name)).properties ?? {};
      if (settings["UNRELATED"] !== "kept") lost++;
      for (let k = 0; k < PER_SOURCE && s + k * SOURCES < CREATES; k++) if (settings[setting(k)] !== endpoint(k)) lost++;
    }
    // No operation stuck: every linker ends Succeeded (its last operation terminal).
    let notTerminal = 0;
    for (let c = 0; c < CREATES; c++) {
      const l = await client.linker.get(site(c % SOURCES), `load${Math.floor(c / SOURCES)}`).catch(() => undefined);
      if (!l || !["Succeeded", "Failed", "Canceled"].includes(l.provisioningState ?? "")) notTerminal++;
    }
    const tally = new Map<string, number>();
    for (const o of outcomes) tally.set(o, (tally.get(o) ?? 0) + 1);
    const minimum = SOURCES + 2 * CREATES;

    return {
      creates: CREATES, sources: SOURCES, perSource: PER_SOURCE, outcomes: Object.fromEntries(tally),
      stuck: (tally.get("stuck") ?? 0) + notTerminal, notTerminal, settingsLost: lost, armWrites: writes, minimumWrites: minimum,
      writesByOperation: byOperation, wallMs: wall,
    };
  } finally {
    await host.stop();
    await bench.close();
  }
}
