// Concurrent creates (issue #15, load): 200 connections created at once over 50 web apps (4 each, each to its own
// storage account's blob service under its own setting name) through the whole stack — @azure/arm-servicelinker →
// ARM endpoint → function app (dev host) → Durable saga → ARM. Prints whether any setting was lost (every app ends
// with its 4 settings and the right values), whether any operation is stuck (every LRO ends, and every operation record
// is terminal), ARM writes against the minimum (one identity per app, one role assignment and one settings write per
// connection), and the wall time. BENCH_CREATES / BENCH_CREATE_SOURCES resize it.
import { ClientSecretCredential } from "@azure/identity";
import { WebSiteManagementClient } from "@azure/arm-appservice";
import { ServiceLinkerManagementClient } from "@azure/arm-servicelinker";
import { startFunctionHost, silentLogger } from "../sandbox/host/index.js";
import { linkwrightAppSettings } from "../sandbox/app-settings.js";
import { countMutations, isReadOnlyAction, type CallCount } from "../sandbox/arm/core/control.js";
import { buildSite } from "../sandbox/arm/providers/web/sites.js";
import { buildStorageAccount } from "../sandbox/arm/providers/storage/accounts.js";
import { repoRoot, startBlobCreateBench } from "./support/blobCreate.js";

const CREATES = Number(process.env.BENCH_CREATES ?? 200);
const SOURCES = Number(process.env.BENCH_CREATE_SOURCES ?? 50);
const PER_SOURCE = Math.ceil(CREATES / SOURCES);
const DEADLINE_MS = Number(process.env.BENCH_CREATE_DEADLINE_MS ?? 15 * 60_000);

async function main(): Promise<void> {
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
  const host = await startFunctionHost({
    appDir: repoRoot,
    entry: "src/functions/{serviceLinkerApi,connectionOrchestrations}.ts",
    env: linkwrightAppSettings({ arm, storageConnectionString: azurite.connectionString, sealKey: "bench-seal-key-0123456789abcdef0123456789" }),
    logger: silentLogger,
    listeners: { timers: false, queues: false },
  });
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

  console.log(`concurrent_creates: ${CREATES} creates over ${SOURCES} web apps (${PER_SOURCE} each), all at once`);
  console.log(`concurrent_creates_outcomes: ${[...tally].map(([o, n]) => `${o}×${n}`).join(", ")}`);
  console.log(`concurrent_creates_stuck: ${(tally.get("stuck") ?? 0) + notTerminal} operations (${notTerminal} linkers not in a terminal state)`);
  console.log(`concurrent_creates_settings_lost: ${lost} settings`);
  console.log(`concurrent_creates_arm_writes: ${writes} writes (minimum ${minimum}: ${SOURCES} identities + ${CREATES} role assignments + ${CREATES} settings writes; ratio ${(writes / minimum).toFixed(2)})`);
  console.log(`concurrent_creates_arm_writes_by_operation: ${byOperation}`);
  console.log(`concurrent_creates_wall_time: ${(wall / 1000).toFixed(1)} s`);

  await host.stop();
  await bench.close();
}

main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
