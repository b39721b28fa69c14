// One timed create of the benches' reference connection (storage-blob, system identity, on the seeded web app with its
// identity turned off first) through the official SDK and the ARM endpoint, then its delete; what the emulator
// counted during the create is handed to `measure` before the delete.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ClientSecretCredential } from "@azure/identity";
import { ServiceLinkerManagementClient } from "@azure/arm-servicelinker";
import { startAzurite, type AzuriteInstance } from "../../sandbox/azurite.js";
import { startArmEmulator, type ArmEmulator } from "../../sandbox/arm/index.js";
import { serviceLinkerForwarding, type ForwardTarget } from "../../sandbox/arm/providers/forwarding.js";
import { startFunctionHost, silentLogger } from "../../sandbox/host/index.js";
import { linkwrightAppSettings } from "../../sandbox/app-settings.js";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export interface BlobCreateBench {
  arm: ArmEmulator;
  client: ServiceLinkerManagementClient;
  /** An admin ARM token for the identity reset. */
  token: string;
  webApp: string;
  blob: string;
}

export async function timedBlobCreate<T>(b: BlobCreateBench, name: string, measure: () => T): Promise<{ ms: number; measured: T }> {
  await fetch(`${b.arm.endpoint}${b.webApp}?api-version=2024-04-01`, {
    method: "PATCH", headers: { authorization: `Bearer ${b.token}`, "content-type": "application/json" }, body: JSON.stringify({ identity: { type: "None" } }),
  });
  b.arm.control.resetCalls();
  const t = performance.now();
  const r = await b.client.linker.beginCreateOrUpdateAndWait(b.webApp, name, {
    targetService: { type: "AzureResource", id: b.blob }, authInfo: { authType: "systemAssignedIdentity" }, clientType: "nodejs",
  }, { updateIntervalInMs: 10 } as never);
  const ms = performance.now() - t;
  if (r.provisioningState !== "Succeeded") throw new Error(`create ended ${r.provisioningState}`);
  const measured = measure();
  await b.client.linker.beginDeleteAndWait(b.webApp, name, { updateIntervalInMs: 10 } as never);
  return { ms, measured };
}

/** The benches' sandbox: Azurite, the seeded emulator forwarding Microsoft.ServiceLinker to `forward.url`, and the
 *  official SDK client as the admin (polling every 10 ms), with the reference connection's source and target. */
export async function startBlobCreateBench(): Promise<BlobCreateBench & { azurite: AzuriteInstance; forward: ForwardTarget; close(): Promise<void> }> {
  const forward: ForwardTarget = {};
  const azurite = await startAzurite();
  const arm = await startArmEmulator({ certDir: path.join(repoRoot, ".sandbox/certs"), port: 0, seed: true, azurite, providers: [serviceLinkerForwarding(forward)], log: () => {} });
  const seed = arm.seedResult!;
  const credential = new ClientSecretCredential(arm.tenantId, arm.credentials.admin.clientId, arm.credentials.admin.clientSecret,
    { authorityHost: arm.endpoint, disableInstanceDiscovery: true });
  return {
    arm, azurite, forward,
    client: new ServiceLinkerManagementClient(credential, { endpoint: arm.endpoint, updateIntervalInMs: 10 } as never),
    token: await arm.tokenFor("admin"),
    webApp: seed.resources.webApp!,
    blob: `${seed.resources.storageAccount}/blobServices/default`,
    close: async () => { await arm.close(); await azurite.stop(); },
  };
}

/** The function host running linkwright's API and connection saga (no timers or queue triggers), against the bench's
 *  emulator and Azurite, as the create benches run it. */
export function startBenchHost(b: { arm: ArmEmulator; azurite: AzuriteInstance }) {
  return startFunctionHost({
    appDir: repoRoot,
    entry: "src/functions/{serviceLinkerApi,connectionOrchestrations}.ts",
    env: linkwrightAppSettings({ arm: b.arm, storageConnectionString: b.azurite.connectionString, sealKey: "bench-seal-key-0123456789abcdef0123456789" }),
    logger: silentLogger,
    listeners: { timers: false, queues: false },
  });
}
