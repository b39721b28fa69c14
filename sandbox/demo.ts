// The README's example, runnable against a running sandbox (`npm start` in another terminal, then `npm run demo`):
// connect the demo web app to the demo storage account's blob service with its system identity through the official
// @azure/arm-servicelinker client and the ARM endpoint, validate the connection, show what it wrote, delete it.
// `npm run demo -- --as team` does it as the least-privilege `team` principal (Contributor on the web app, RBAC
// Administrator on the storage account), then shows linkwright refusing team the same connection to another team's
// storage account (403 naming the permission team lacks there).
import { readFileSync } from "node:fs";
import path from "node:path";
import { ClientSecretCredential } from "@azure/identity";
import { ServiceLinkerManagementClient } from "@azure/arm-servicelinker";

export async function runDemo(sandboxFile = path.resolve(".sandbox/sandbox.json"), log: (line: string) => void = console.log, as: "admin" | "team" = "admin"): Promise<void> {
  const s = JSON.parse(readFileSync(sandboxFile, "utf8")) as {
    armEndpoint: string; authorityHost: string; tenantId: string;
    principals: Record<"admin" | "team", { clientId: string; clientSecret: string }>; resources: Record<string, string>;
  };
  const principal = s.principals[as];
  if (!principal) throw new Error(`.sandbox/sandbox.json has no principal '${as}'`);
  const credential = new ClientSecretCredential(s.tenantId, principal.clientId, principal.clientSecret,
    { authorityHost: s.authorityHost, disableInstanceDiscovery: true });
  log(`as ${as}`);
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
  if (as !== "team") return;
  // The same connection to a storage account team has no rights on: refused before anything happens.
  try {
    await client.linker.beginCreateOrUpdateAndWait(webApp, `${name}other`, {
      targetService: { type: "AzureResource", id: `${s.resources["otherStorageAccount"]}/blobServices/default` },
      authInfo: { authType: "systemAssignedIdentity" }, clientType: "nodejs",
    }, poll);
    throw new Error("linkwright let team connect to a storage account it has no rights on");
  } catch (e) {
    const err = e as { statusCode?: number; code?: string; message?: string };
    if (err.statusCode !== 403) throw e;
    log(`create ${name}other (to lwotherstorage): refused, HTTP 403 ${err.code}: ${err.message?.split(" If access")[0]}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const as = process.argv.includes("--as") ? process.argv[process.argv.indexOf("--as") + 1] : "admin";
  if (as !== "admin" && as !== "team") throw new Error("--as takes admin or team");
  runDemo(undefined, undefined, as).then(() => process.exit(0), (e: unknown) => { console.error(e); process.exit(1); });
}
