// The README's example, runnable against a running sandbox (`npm start` in another terminal, then `npm run demo`):
// connect the demo web app to the demo storage account's blob service with its system identity through the official
// @azure/arm-servicelinker client and the ARM endpoint, validate the connection, show what it wrote, delete it.
import { readFileSync } from "node:fs";
import path from "node:path";
import { ClientSecretCredential } from "@azure/identity";
import { ServiceLinkerManagementClient } from "@azure/arm-servicelinker";

export async function runDemo(sandboxFile = path.resolve(".sandbox/sandbox.json"), log: (line: string) => void = console.log): Promise<void> {
  const s = JSON.parse(readFileSync(sandboxFile, "utf8")) as {
    armEndpoint: string; authorityHost: string; tenantId: string;
    principals: { admin: { clientId: string; clientSecret: string } }; resources: Record<string, string>;
  };
  const credential = new ClientSecretCredential(s.tenantId, s.principals.admin.clientId, s.principals.admin.clientSecret,
    { authorityHost: s.authorityHost, disableInstanceDiscovery: true });
  const client = new ServiceLinkerManagementClient(credential, { endpoint: s.armEndpoint });
  const poll = { updateIntervalInMs: 250 } as never;
  const webApp = s.resources["webApp"]!;
  const name = `demo${Date.now().toString(36)}`;

  const linker = await client.linker.beginCreateOrUpdateAndWait(webApp, name, {
    targetService: { type: "AzureResource", id: `${s.resources["storageAccount"]}/blobServices/default` },
    authInfo: { authType: "systemAssignedIdentity" },
    clientType: "nodejs",
  }, poll);
  log(`create ${name}: ${linker.provisioningState}`);
  if (linker.provisioningState !== "Succeeded") throw new Error(`the demo connection ended ${linker.provisioningState}`);
  const configurations = await client.linker.listConfigurations(webApp, name);
  for (const c of configurations.configurations ?? []) log(`  ${c.name} = ${c.value}`);
  const validation = await client.linker.beginValidateAndWait(webApp, name, poll);
  log(`validate: isConnectionAvailable=${validation.isConnectionAvailable}`);
  for (const d of validation.validationDetail ?? []) log(`  ${d.result}: ${d.name}${d.errorMessage ? ` (${d.errorMessage})` : ""}`);
  if (!validation.isConnectionAvailable) throw new Error("the demo connection did not validate");
  await client.linker.beginDeleteAndWait(webApp, name, poll);
  log(`delete ${name}: done`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runDemo().then(() => process.exit(0), (e: unknown) => { console.error(e); process.exit(1); });
}
