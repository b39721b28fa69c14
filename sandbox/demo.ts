// The README's example, runnable against a running sandbox (`npm start` in another terminal, then `npm run demo`):
// connect the demo web app to the demo storage account's blob service with its system identity through the official
// @azure/arm-servicelinker client and the ARM endpoint, show what linkwright did step by step (ARM's activity log for
// the operation's window, filtered to linkwright's identity, read with @azure/arm-monitor as the `reader` principal),
// the settings it wrote, validate the connection, delete it and show what the delete undid.
// `npm run demo -- --as team` does it as the least-privilege `team` principal (Contributor on the web app, RBAC
// Administrator on the storage account), then shows linkwright refusing team the same connection to another team's
// storage account (403 naming the permission team lacks there).
import { readFileSync } from "node:fs";
import path from "node:path";
import { ClientSecretCredential } from "@azure/identity";
import { ServiceLinkerManagementClient } from "@azure/arm-servicelinker";
import { WebSiteManagementClient } from "@azure/arm-appservice";
import { describeSteps, linkwrightActivity, stepLines } from "./demo-steps.js";

interface Sandbox {
  armEndpoint: string; authorityHost: string; tenantId: string; subscriptionId: string;
  principals: Record<string, { clientId?: string; clientSecret?: string; objectId?: string } | undefined>;
  resources: Record<string, string>;
  linkwrightIdentity?: { principalId: string; clientId: string };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const time = (d: Date) => d.toISOString().slice(11, 23);

export async function runDemo(sandboxFile = path.resolve(process.env["SANDBOX_STATE_DIR"] || ".sandbox", "sandbox.json"), log: (line: string) => void = console.log, as: "admin" | "team" = "admin"): Promise<void> {
  const s = JSON.parse(readFileSync(sandboxFile, "utf8")) as Sandbox;
  const credentialOf = (who: string) => {
    const p = s.principals[who];
    if (!p?.clientId || !p.clientSecret) throw new Error(`.sandbox/sandbox.json has no principal '${who}'`);
    return new ClientSecretCredential(s.tenantId, p.clientId, p.clientSecret, { authorityHost: s.authorityHost, disableInstanceDiscovery: true });
  };
  const credential = credentialOf(as);
  // ARM's activity log is the subscription's: read it as `reader` (Reader on the subscription), which team is not.
  const auditor = s.principals["reader"]?.clientSecret ? credentialOf("reader") : credentialOf("admin");
  log(`as ${as}${as === "team" ? " (Contributor on lw-demo-web, RBAC Administrator on lwdemostorage)" : " (Owner)"}`);
  const client = new ServiceLinkerManagementClient(credential, { endpoint: s.armEndpoint });
  const poll = { updateIntervalInMs: 250 } as never;
  const webApp = s.resources["webApp"]!;
  const name = `demo${Date.now().toString(36)}`;

  /** linkwright's steps between two instants, from the activity log; nothing when the sandbox names no identity. */
  let known = new Map<string, string>();
  const showSteps = async (title: string, from: Date, to: Date, nothing?: string) => {
    if (!s.linkwrightIdentity) return log(`  (${title}: .sandbox/sandbox.json names no linkwright identity)`);
    try {
      const common = { credential: auditor, armEndpoint: s.armEndpoint, subscriptionId: s.subscriptionId };
      const entries = await linkwrightActivity({ ...common, linkwrightClientId: s.linkwrightIdentity.clientId, from, to });
      const report = await describeSteps(entries, { ...common, known });
      known = new Map([...known, ...report.details]);
      log(`  ${title} (ARM activity log, caller = linkwright's identity ${s.linkwrightIdentity.clientId}, ${time(from)}–${time(to)} UTC):`);
      for (const line of stepLines(report, from, nothing)) log(line);
      return report;
    } catch (e) {
      log(`  (${title}: the activity log could not be read: ${(e as Error).message.split("\n")[0]})`);
      return undefined;
    }
  };

  const [rg, site] = [webApp.split("/")[4]!, webApp.split("/").pop()!];
  const identityBefore = await new WebSiteManagementClient(auditor, s.subscriptionId, { endpoint: s.armEndpoint }).webApps.get(rg, site)
    .then((w) => w.identity, () => undefined);

  const started = new Date();
  const linker = await client.linker.beginCreateOrUpdateAndWait(webApp, name, {
    targetService: { type: "AzureResource", id: `${s.resources["storageAccount"]}/blobServices/default` },
    authInfo: { authType: "systemAssignedIdentity" },
    clientType: "nodejs",
  }, poll);
  const ended = new Date();
  log(`create ${name}: ${linker.provisioningState} (${seconds(ended.getTime() - started.getTime())})`);
  if (linker.provisioningState !== "Succeeded") throw new Error(`the demo connection ended ${linker.provisioningState}`);
  const report = await showSteps("what linkwright did", new Date(started.getTime() - 50), new Date(ended.getTime() + 50));
  const identityAfter = await new WebSiteManagementClient(auditor, s.subscriptionId, { endpoint: s.armEndpoint }).webApps.get(rg, site)
    .then((w) => w.identity, () => undefined);
  const enabledNow = report?.steps.some((st) => st.step.startsWith("identity"));
  log(`  identity: ${site}'s system-assigned identity, principal ${identityAfter?.principalId ?? "?"}` +
    (identityBefore?.principalId && !enabledNow ? " (already enabled: nothing to do)" : enabledNow ? " (enabled by linkwright)" : ""));
  const configurations = await client.linker.listConfigurations(webApp, name);
  log("  settings now on the app:");
  for (const c of configurations.configurations ?? []) log(`    ${c.name} = ${c.value}`);
  const validation = await client.linker.beginValidateAndWait(webApp, name, poll);
  log(`validate: isConnectionAvailable=${validation.isConnectionAvailable}`);
  for (const d of validation.validationDetail ?? []) log(`  ${d.result}: ${d.name}${d.errorMessage ? ` (${d.errorMessage})` : ""}`);
  if (!validation.isConnectionAvailable) throw new Error("the demo connection did not validate");
  const deleteStarted = new Date();
  await client.linker.beginDeleteAndWait(webApp, name, poll);
  const deleteEnded = new Date();
  log(`delete ${name}: done (${seconds(deleteEnded.getTime() - deleteStarted.getTime())})`);
  await showSteps("what the delete undid", new Date(deleteStarted.getTime() - 50), new Date(deleteEnded.getTime() + 50));
  if (as !== "team") return;
  // The same connection to a storage account team has no rights on: refused before anything happens.
  const refusedAt = new Date();
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
  const after = await showSteps("what linkwright did for the refused request", refusedAt, new Date(Date.now() + 50), "nothing was changed");
  if (after && after.steps.length > 0) throw new Error("linkwright changed something for a request it refused");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const as = process.argv.includes("--as") ? process.argv[process.argv.indexOf("--as") + 1] : "admin";
  if (as !== "admin" && as !== "team") throw new Error("--as takes admin or team");
  runDemo(undefined, undefined, as).then(() => process.exit(0), (e: unknown) => { console.error(e); process.exit(1); });
}
