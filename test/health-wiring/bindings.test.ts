// The "Functions bindings" validation item end to end (issue #5 acceptance): validateLinker through the official
// ServiceLinker client on the seeded function app, whose blob-triggered ResizeImage binds `connection:
// AzureWebJobsStorage`. With the connection string gone, a connection with Service Connector's names leaves the
// binding unresolved (warning with the catalogue's fix); with binding-aware names the connection writes both service
// URIs and the binding resolves.
import { afterAll, beforeAll, expect, it } from "vitest";
import { WebSiteManagementClient } from "@azure/arm-appservice";
import { parseResourceId } from "../../src/azure/resourceId.js";
import { startLinkwright, type Linkwright } from "../connections/linkwright.js";

let lw: Linkwright;
beforeAll(async () => { lw = await startLinkwright(); }, 60_000);
afterAll(async () => { await lw?.stop(); });

const ITEM = "Functions bindings";

it("reports the unresolved blob-trigger connection with the fix, and resolves it with binding-aware names", async () => {
  const app = lw.ids.functionApp!;
  const { resourceGroup, names } = parseResourceId(app)!;
  const web = new WebSiteManagementClient(lw.te.credential, lw.te.subscriptionId, lw.te.clientOptions);
  const { AzureWebJobsStorage: _cs, ...rest } = (await web.webApps.listApplicationSettings(resourceGroup, names[0]!)).properties ?? {};
  await web.webApps.updateApplicationSettings(resourceGroup, names[0]!, { properties: rest }); // identity-only storage from now on
  const blob = `${lw.ids.storageAccount}/blobServices/default`;

  await lw.client.linker.beginCreateOrUpdateAndWait(app, "plainnames", {
    targetService: { type: "AzureResource", id: blob }, authInfo: { authType: "systemAssignedIdentity" }, clientType: "none",
  });
  const plain = await lw.client.linker.beginValidateAndWait(app, "plainnames", { updateIntervalInMs: 50 } as never);
  const warning = plain.validationDetail!.find((d) => d.name === ITEM)!;
  expect(warning, JSON.stringify(plain.validationDetail)).toMatchObject({ result: "warning" });
  expect(plain.isConnectionAvailable).toBe(true);
  expect(warning.description).toContain("ResizeImage (image, thumbnail)");
  expect(warning.errorMessage).toContain("ResizeImage/image (blobTrigger, connection 'AzureWebJobsStorage')");
  expect(warning.errorMessage).toContain("AzureWebJobsStorage__blobServiceUri");
  expect(warning.errorMessage).toContain("AzureWebJobsStorage__queueServiceUri");
  expect(warning.errorMessage).toContain("ResizeImage/thumbnail (blob, connection 'AzureWebJobsStorage')");
  expect(warning.errorMessage).not.toContain("Health/");

  // The official client (api 2022-05-01) has no configurationInfo: the binding-aware PUT goes over the wire as is.
  const token = await lw.te.credential.getToken(`${lw.te.endpoint}/.default`);
  const put = await fetch(`${lw.te.endpoint}${app}/providers/Microsoft.ServiceLinker/linkers/bindingaware?api-version=2024-04-01`, {
    method: "PUT", headers: { authorization: `Bearer ${token!.token}`, "content-type": "application/json" },
    body: JSON.stringify({ properties: {
      targetService: { type: "AzureResource", id: blob }, authInfo: { authType: "systemAssignedIdentity" }, clientType: "none",
      configurationInfo: { additionalConfigurations: { "linkwright.functionsConnection": "AzureWebJobsStorage" } },
    } }),
  });
  expect(put.status, await put.text()).toBeLessThan(300);
  let state: string | undefined;
  for (let i = 0; i < 200 && state !== "Succeeded" && state !== "Failed"; i++) {
    await new Promise((r) => setTimeout(r, 50));
    state = (await lw.client.linker.get(app, "bindingaware")).provisioningState;
  }
  expect(state).toBe("Succeeded");
  const settings = (await web.webApps.listApplicationSettings(resourceGroup, names[0]!)).properties ?? {};
  // The account's service endpoints (on Azurite in the sandbox).
  expect(settings["AzureWebJobsStorage__blobServiceUri"]).toMatch(/^https?:\/\//);
  expect(settings["AzureWebJobsStorage__queueServiceUri"]).toMatch(/^https?:\/\//);
  expect(settings["AzureWebJobsStorage__queueServiceUri"]).not.toBe(settings["AzureWebJobsStorage__blobServiceUri"]);
  const aware = await lw.client.linker.beginValidateAndWait(app, "bindingaware", { updateIntervalInMs: 50 } as never);
  expect(aware.validationDetail!.find((d) => d.name === ITEM)).toMatchObject({ result: "success" });
  expect(aware.validationDetail!.every((d) => d.result === "success")).toBe(true);
}, 120_000);
