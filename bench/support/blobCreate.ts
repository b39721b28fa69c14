// One timed create of the benches' reference connection (storage-blob, system identity, on the seeded web app with its
// identity turned off first) through the official SDK and the ARM endpoint, then its delete; what the emulator
// counted during the create is handed to `measure` before the delete.
import type { ServiceLinkerManagementClient } from "@azure/arm-servicelinker";
import type { ArmEmulator } from "../../sandbox/arm/index.js";

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
