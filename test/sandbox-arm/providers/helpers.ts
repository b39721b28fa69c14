// Helpers shared by the provider tests: a resource group created through the real Resources SDK, and a
// RestError matcher (status + ARM error code).
import { expect } from "vitest";
import { ResourceManagementClient } from "@azure/arm-resources";
import type { TestEmulator } from "../support/emulator.js";

export async function createResourceGroup(t: TestEmulator, name: string, location = "westeurope"): Promise<string> {
  const client = new ResourceManagementClient(t.credential, t.subscriptionId, t.clientOptions);
  const rg = await client.resourceGroups.createOrUpdate(name, { location });
  return rg.id!;
}

/** Awaits `p`, expecting it to reject with a RestError of the given status and ARM error code. */
export async function expectRestError(p: Promise<unknown>, status: number, code: string): Promise<void> {
  const err = await p.then(() => undefined, (e: unknown) => e as { statusCode?: number; code?: string; message?: string });
  expect(err, `expected ${status} ${code}, got success`).toBeDefined();
  expect({ statusCode: err!.statusCode, code: err!.code }).toEqual({ statusCode: status, code });
}
