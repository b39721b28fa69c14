// validateLinker through the official client: a healthy connection validates; after its role assignment is
// deleted outside linkwright, the role check fails with a fix, and the connection is reported unavailable.
import { afterAll, beforeAll, expect, it } from "vitest";
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { startLinkwright, type Linkwright } from "./linkwright.js";

let lw: Linkwright;
beforeAll(async () => { lw = await startLinkwright(); }, 60_000);
afterAll(async () => { await lw?.stop(); });

it("validates a healthy connection and reports a deleted role assignment", async () => {
  const blob = `${lw.ids.storageAccount}/blobServices/default`;
  await lw.client.linker.beginCreateOrUpdateAndWait(lw.ids.functionApp!, "v1", {
    targetService: { type: "AzureResource", id: blob }, authInfo: { authType: "systemAssignedIdentity" }, clientType: "python",
  });
  const ok = await lw.client.linker.beginValidateAndWait(lw.ids.functionApp!, "v1", { updateIntervalInMs: 50 } as never);
  expect(ok.isConnectionAvailable).toBe(true);
  expect(ok.validationDetail?.every((d) => d.result === "success")).toBe(true);

  const authz = new AuthorizationManagementClient(lw.te.credential, lw.te.subscriptionId, { endpoint: lw.te.endpoint, credentialScopes: [`${lw.te.endpoint}/.default`] } as never);
  for await (const ra of authz.roleAssignments.listForScope(blob)) {
    if (ra.description === "Created by linkwright") await authz.roleAssignments.deleteById(ra.id!);
  }
  const broken = await lw.client.linker.beginValidateAndWait(lw.ids.functionApp!, "v1", { updateIntervalInMs: 50 } as never);
  expect(broken.isConnectionAvailable).toBe(false);
  const failing = broken.validationDetail!.filter((d) => d.result === "failure");
  expect(failing.length).toBeGreaterThan(0);
  expect(JSON.stringify(failing)).toMatch(/role/i);
}, 120_000);
