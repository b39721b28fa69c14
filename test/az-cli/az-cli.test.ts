// The real az CLI (Debian's azure-cli, 2.45) against an in-process sandbox (startLinkwright: the seeded ARM emulator
// forwarding Microsoft.ServiceLinker to linkwright in the dev host, plus npm start's platform grants), set up as a
// user sets up a custom cloud (sandbox/az-cloud.ts, what `npm run az:setup` runs): `az cloud register` with the
// emulator as ARM and as the authority, the sandbox CA trusted through REQUESTS_CA_BUNDLE, `az login
// --service-principal`. Then what issue #12
// accepts: `az webapp connection create storage-blob --system-identity`, `create keyvault --system-identity`,
// `create storage-queue --secret --vault-id <the demo vault>`, `list`, `show`, `list-configuration`, `validate`,
// `delete`. Then issue #16's local connections, `az connection …` signed in as the sandbox's user dev (az login
// --username with a password set through the emulator's control API, as `npm run az:setup -- --as dev` does):
// `list-support-types`, `create storage-blob --user-account object-id=<dev>`, `show`, `list`, `generate-configuration`,
// `validate`, `delete`, and a combination linkwright refuses. Its own AZURE_CONFIG_DIRs (temp dirs), so a developer's
// az config is never read or changed.
// Without az the file fails (it does not skip): CI installs it in .ci/run.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startLinkwright, type Linkwright } from "../connections/linkwright.js";
import { AZ_CLOUD_NAME, azCloudSetup, type AzSandboxInfo } from "../../sandbox/az-cloud.js";
import { grantLinkwrightPlatformAccess } from "../../sandbox/seed/platform-grants.js";
import { runCli } from "../cli/support/runCli.js";

const INSTALL_HINT = "The az CLI is required by test/az-cli and was not found on PATH. Install it: "
  + "`apt-get update && apt-get install -y azure-cli` (Debian/Ubuntu, as root; .ci/run does this), or see "
  + "https://learn.microsoft.com/cli/azure/install-azure-cli.";
const CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c";
/** az's LRO poller waits 30 s between status polls when the status answer carries no Retry-After. */
const LRO_COMMAND_MS = 150_000;

interface AzResult { code: number | null; stdout: string; stderr: string; ms: number }

let lw: Linkwright;
let configDir: string;
let azEnv: NodeJS.ProcessEnv;
/** az signed in as the user dev (its own config directory), for `az connection`. */
let devConfigDir: string;
let devEnv: NodeJS.ProcessEnv;
let dev: { objectId: string; userPrincipalName: string };
let info: AzSandboxInfo;
let ids: { webApp: string; storageAccount: string; keyVault: string };

/** Runs az asynchronously (the sandbox answers from this process, so a synchronous child would deadlock it). */
function runAz(args: string[], timeoutMs = LRO_COMMAND_MS, env: NodeJS.ProcessEnv = azEnv): Promise<AzResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn("az", args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => { stdout += c.toString("utf8"); });
    child.stderr.on("data", (c: Buffer) => { stderr += c.toString("utf8"); });
    const timer = setTimeout(() => child.kill("SIGTERM"), timeoutMs);
    child.on("error", (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(e.code === "ENOENT" ? new Error(INSTALL_HINT) : e);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** az … that must succeed; its JSON output (when any). The failure names the command, az's stderr and linkwright's log. */
async function az<T = any>(args: string[], timeoutMs?: number, env: NodeJS.ProcessEnv = azEnv): Promise<T> {
  const r = await runAz([...args, "--output", "json"], timeoutMs, env);
  if (r.code !== 0) {
    const secrets = [info?.principals["admin"]?.clientSecret, info?.principals["dev"]?.password].filter(Boolean);
    const shown = args.map((a) => (secrets.includes(a) ? "***" : a)).join(" ");
    throw new Error(`az ${shown} exited ${r.code} after ${(r.ms / 1000).toFixed(1)} s\n--- stderr ---\n${r.stderr.slice(-4000)}`
      + `\n--- stdout ---\n${r.stdout.slice(-2000)}\n(rerun it with --debug to see the requests)`);
  }
  return (r.stdout.trim() ? JSON.parse(r.stdout) : undefined) as T;
}

const linkerId = (name: string) => `${ids.webApp}/providers/Microsoft.ServiceLinker/linkers/${name}`;
const appSettings = async (): Promise<Record<string, string>> =>
  Object.fromEntries((await az<{ name: string; value: string }[]>(["webapp", "config", "appsettings", "list", "-g", "linkwright-demo", "-n", "lw-demo-web"]))
    .map((s) => [s.name, s.value]));

/** Why the sandbox or az could not be set up: every test then fails with it (counted as failures, never skipped). */
let setupError: Error | undefined;

beforeAll(async () => {
  try {
    const probe = await runAz(["version", "--output", "json"], 60_000);
    expect(JSON.parse(probe.stdout)["azure-cli"], "az version").toMatch(/^2\./);
  } catch (e) {
    setupError = e as Error;
    return;
  }
  lw = await startLinkwright();
  const emulator = lw.te.emulator;
  // What npm start grants linkwright's identity (Key Vault Secrets Officer on the demo vault: the secretStore case).
  await grantLinkwrightPlatformAccess(emulator);
  ids = { webApp: lw.ids.webApp!, storageAccount: lw.ids.storageAccount!, keyVault: lw.ids.keyVault! };
  configDir = mkdtempSync(path.join(tmpdir(), "lw-az-"));
  info = {
    armEndpoint: lw.te.endpoint, caCertFile: inject("armCerts").caCertFile, tenantId: lw.te.tenantId, subscriptionId: lw.te.subscriptionId,
    principals: { admin: emulator.credentials.admin },
  };
  const setup = azCloudSetup(info, { configDir });
  // Nothing of the developer's az environment leaks in (config dir, service-principal variables, defaults).
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(AZURE_|AZ_|REQUESTS_CA_BUNDLE|CURL_CA_BUNDLE|ADAL_)/i.test(k)));
  azEnv = { ...inherited, ...setup.env, AZURE_CORE_COLLECT_TELEMETRY: "false", AZURE_CORE_NO_COLOR: "true", AZURE_CORE_SURVEY_MESSAGE: "false" };
  try {
    for (const step of setup.steps) await az(step, 60_000);
  } catch (e) {
    setupError = new Error(`setting up az for the sandbox failed: ${(e as Error).message}`);
    return;
  }
  // The user dev, as a developer making local connections: Contributor on the demo resource group (the connector
  // write there, and the storage firewall), granted by the admin as the README shows; RBAC Administrator on the demo
  // storage account (the seed's); signed in with a password (users have none until one is set).
  const seed = emulator.seedResult!;
  dev = seed.dev;
  try {
    // az 2.45's `az role assignment create` fails on Debian ('RoleAssignmentsOperations' object has no attribute
    // 'config'): `az rest`, as the README shows.
    const rg = `/subscriptions/${lw.te.subscriptionId}/resourceGroups/linkwright-demo`;
    await az(["rest", "--method", "put", "--url", `${rg}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}?api-version=2022-04-01`,
      "--body", JSON.stringify({ properties: { roleDefinitionId: `/subscriptions/${lw.te.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${CONTRIBUTOR}`, principalId: dev.objectId, principalType: "User" } })], 60_000);
  } catch (e) {
    setupError = new Error(`granting dev Contributor on the resource group with az failed: ${(e as Error).message}`);
    return;
  }
  const password = `Lw-${randomUUID()}`;
  emulator.control.setUserPassword("dev", password);
  info.principals["dev"] = { userPrincipalName: dev.userPrincipalName, password };
  devConfigDir = mkdtempSync(path.join(tmpdir(), "lw-az-dev-"));
  const devSetup = azCloudSetup(info, { configDir: devConfigDir, principal: "dev" });
  devEnv = { ...azEnv, ...devSetup.env };
  try {
    for (const step of devSetup.steps) await az(step, 60_000, devEnv);
  } catch (e) {
    setupError = new Error(`setting up az for the sandbox as dev failed: ${(e as Error).message}`);
  }
}, 240_000);

/** A test that needs az logged in to the sandbox. */
function azIt(name: string, fn: () => Promise<void>, timeoutMs = 60_000): void {
  it(name, async () => {
    if (setupError) throw setupError;
    await fn();
  }, timeoutMs);
}

afterAll(async () => {
  await lw?.stop();
  if (configDir) rmSync(configDir, { recursive: true, force: true });
  if (devConfigDir) rmSync(devConfigDir, { recursive: true, force: true });
});

describe("az CLI against the sandbox as a custom cloud", () => {
  azIt("is logged in to the sandbox cloud as the admin service principal, the authority being the emulator", async () => {
    const cloud = await az(["cloud", "show", "--name", AZ_CLOUD_NAME]);
    expect(cloud).toMatchObject({ isActive: true, endpoints: { resourceManager: `${lw.te.endpoint}/`, activeDirectory: `${lw.te.endpoint}/adfs` } });
    const account = await az(["account", "show"]);
    expect(account).toMatchObject({ id: lw.te.subscriptionId, tenantId: lw.te.tenantId, environmentName: AZ_CLOUD_NAME, user: { type: "servicePrincipal", name: info.principals["admin"]!.clientId } });
    // A token az asks for is the emulator's, for ARM.
    const token = await az(["account", "get-access-token"]);
    const claims = JSON.parse(Buffer.from(String(token.accessToken).split(".")[1]!, "base64url").toString("utf8"));
    expect(claims).toMatchObject({ iss: `${lw.te.endpoint}/${lw.te.tenantId}/v2.0`, aud: "https://management.core.windows.net", oid: lw.te.emulator.credentials.admin.objectId });
  });

  azIt("registers the same cloud from ARM's metadata endpoint given only --endpoint-resource-manager", async () => {
    await az(["cloud", "register", "--name", "lw-metadata-probe", "--endpoint-resource-manager", `${lw.te.endpoint}/`]);
    const probe = await az(["cloud", "show", "--name", "lw-metadata-probe"]);
    expect(probe.endpoints).toMatchObject({
      activeDirectory: `${lw.te.endpoint}/adfs`, activeDirectoryResourceId: "https://management.core.windows.net/", activeDirectoryGraphResourceId: "https://graph.windows.net/",
    });
    await az(["cloud", "unregister", "--name", "lw-metadata-probe"]);
  });

  azIt("az webapp connection create storage-blob --system-identity (client type detected through az webapp show)", async () => {
    const linker = await az(["webapp", "connection", "create", "storage-blob", "-g", "linkwright-demo", "-n", "lw-demo-web",
      "--tg", "linkwright-demo", "--account", "lwdemostorage", "--system-identity", "--connection", "azblob"]);
    expect(linker).toMatchObject({
      name: "azblob", provisioningState: "Succeeded", clientType: "nodejs", authInfo: { authType: "systemAssignedIdentity" },
      targetService: { id: `${ids.storageAccount}/blobServices/default` },
    });
    expect((await appSettings())["AZURE_STORAGEBLOB_RESOURCEENDPOINT"]).toMatch(/^http/);
  }, LRO_COMMAND_MS + 30_000);

  azIt("az webapp connection create keyvault --system-identity", async () => {
    const linker = await az(["webapp", "connection", "create", "keyvault", "-g", "linkwright-demo", "-n", "lw-demo-web",
      "--tg", "linkwright-demo", "--vault", "lw-demo-kv", "--system-identity", "--client-type", "nodejs", "--connection", "azkv"]);
    expect(linker).toMatchObject({ name: "azkv", provisioningState: "Succeeded", authInfo: { authType: "systemAssignedIdentity" }, targetService: { id: ids.keyVault } });
    expect((await appSettings())["AZURE_KEYVAULT_RESOURCEENDPOINT"]).toMatch(/^https:/);
  }, LRO_COMMAND_MS + 30_000);

  azIt("az webapp connection create storage-queue --secret --vault-id <the demo vault>: the setting is a Key Vault reference", async () => {
    const linker = await az(["webapp", "connection", "create", "storage-queue", "-g", "linkwright-demo", "-n", "lw-demo-web",
      "--tg", "linkwright-demo", "--account", "lwdemostorage", "--secret", "--vault-id", ids.keyVault, "--client-type", "nodejs", "--connection", "azqueue"]);
    expect(linker).toMatchObject({ name: "azqueue", provisioningState: "Succeeded", authInfo: { authType: "secret" }, secretStore: { keyVaultId: ids.keyVault } });
    expect((await appSettings())["AZURE_STORAGEQUEUE_CONNECTIONSTRING"]).toMatch(/^@Microsoft\.KeyVault\(SecretUri=https:\/\/.+\/secrets\/.+\)$/);
  }, LRO_COMMAND_MS + 30_000);

  azIt("az webapp connection list and show", async () => {
    const list = await az<{ name: string; provisioningState: string }[]>(["webapp", "connection", "list", "-g", "linkwright-demo", "-n", "lw-demo-web"]);
    expect(list.map((l) => l.name).sort()).toEqual(["azblob", "azkv", "azqueue"]);
    expect(list.every((l) => l.provisioningState === "Succeeded")).toBe(true);
    const table = await runAz(["webapp", "connection", "list", "--source-id", ids.webApp, "--output", "table"]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/azqueue\s+Succeeded/);
    expect(await az(["webapp", "connection", "show", "-g", "linkwright-demo", "-n", "lw-demo-web", "--connection", "azkv"])).toMatchObject({ id: linkerId("azkv"), name: "azkv" });
    expect(await az(["webapp", "connection", "show", "--id", linkerId("azqueue")])).toMatchObject({ name: "azqueue", authInfo: { authType: "secret" } });
  }, 60_000);

  azIt("az webapp connection list-configuration: the settings, never a secret", async () => {
    const names = async (name: string) => (await az<{ configurations: { name: string; value: string | null }[] }>(
      ["webapp", "connection", "list-configuration", "--id", linkerId(name)])).configurations;
    expect((await names("azblob")).map((c) => c.name)).toEqual(["AZURE_STORAGEBLOB_RESOURCEENDPOINT"]);
    expect((await names("azkv")).map((c) => c.name).sort()).toEqual(["AZURE_KEYVAULT_RESOURCEENDPOINT", "AZURE_KEYVAULT_SCOPE"]);
    for (const c of await names("azqueue")) expect(c.value ?? "").not.toMatch(/AccountKey=/i);
  }, 60_000);

  azIt("az webapp connection validate: every check succeeds", async () => {
    // Three az processes at once (one config dir, as parallel scripts do): az waits 30 s per status poll (no Retry-After).
    const results = await Promise.all(["azblob", "azkv", "azqueue"].map(async (name) =>
      [name, await az<{ name: string; result: string; errorMessage: string | null }[]>(["webapp", "connection", "validate", "--id", linkerId(name)])] as const));
    for (const [name, checks] of results) {
      expect(checks.length, name).toBeGreaterThan(0);
      expect(checks.filter((c) => c.result !== "success"), `${name}: ${JSON.stringify(checks)}`).toEqual([]);
    }
  }, LRO_COMMAND_MS + 30_000);

  azIt("az webapp connection delete: the connections and their settings are gone", async () => {
    for (const name of ["azqueue", "azkv", "azblob"]) await az(["webapp", "connection", "delete", "--id", linkerId(name), "--yes"]);
    expect(await az(["webapp", "connection", "list", "--source-id", ids.webApp])).toEqual([]);
    const settings = await appSettings();
    for (const name of ["AZURE_STORAGEBLOB_RESOURCEENDPOINT", "AZURE_KEYVAULT_RESOURCEENDPOINT", "AZURE_STORAGEQUEUE_CONNECTIONSTRING"]) {
      expect(settings[name], name).toBeUndefined();
    }
  }, 3 * LRO_COMMAND_MS + 30_000);
});

describe("az connection (local connections) against the sandbox, signed in as the user dev", () => {
  /** What az (and so AzureCliCredential) needs to reach the sandbox as dev: its config directory and the CA. */
  const cliAzEnv = () => ({ AZURE_CONFIG_DIR: String(devEnv["AZURE_CONFIG_DIR"]), REQUESTS_CA_BUNDLE: String(devEnv["REQUESTS_CA_BUNDLE"]), AZURE_CORE_COLLECT_TELEMETRY: "false" });
  const devAz = <T = any>(args: string[], timeoutMs?: number) => az<T>(args, timeoutMs, devEnv);
  const blob = () => `${ids.storageAccount}/blobServices/default`;
  const devRoleAt = (scope: string) => lw.te.emulator.store.list(scope, "Microsoft.Authorization/roleAssignments")
    .filter((r) => (r.properties as { principalId: string }).principalId === dev.objectId);
  let connectorId: string;

  azIt("is signed in as dev, a user (az login --username against the emulator's AD FS-style authority)", async () => {
    const account = await devAz(["account", "show"]);
    expect(account).toMatchObject({ id: lw.te.subscriptionId, tenantId: lw.te.tenantId, user: { type: "user", name: dev.userPrincipalName } });
    const token = await devAz(["account", "get-access-token"]);
    const claims = JSON.parse(Buffer.from(String(token.accessToken).split(".")[1]!, "base64url").toString("utf8"));
    expect(claims).toMatchObject({ oid: dev.objectId, idtyp: "user" });
  });

  azIt("az connection list-support-types (client-side in az): storage-blob takes --user-account", async () => {
    const types = await devAz<{ source: string; target: string; auth_types: string[] }[]>(["connection", "list-support-types"]);
    expect(types.find((t) => t.target === "storage-blob")).toMatchObject({ source: "connection", auth_types: expect.arrayContaining(["user-account"]) });
    expect(types.find((t) => t.target === "keyvault")).toMatchObject({ auth_types: ["user-account", "service-principal"] });
  });

  azIt("az connection create storage-blob --user-account object-id=<dev>: Succeeded, the role assignment is dev's own", async () => {
    const created = await devAz(["connection", "create", "storage-blob", "-g", "linkwright-demo", "--tg", "linkwright-demo", "--account", "lwdemostorage",
      "--user-account", `object-id=${dev.objectId}`, "--client-type", "nodejs", "--connection", "devblob"]);
    // az prints the Python SDK's model: callerClientIP as `callerClientIp`.
    expect(created).toMatchObject({
      name: "devblob", type: "Microsoft.ServiceLinker/locations/connectors", provisioningState: "Succeeded",
      authInfo: { authType: "userAccount", principalId: dev.objectId }, targetService: { id: blob() },
      publicNetworkSolution: { firewallRules: { callerClientIp: "true" } },
    });
    connectorId = created.id;
    expect(connectorId).toMatch(/\/resourceGroups\/linkwright-demo\/providers\/Microsoft\.ServiceLinker\/locations\/[^/]+\/connectors\/devblob$/);
    expect(devRoleAt(blob()).map((a) => (a.properties as { principalType?: string }).principalType)).toEqual(["User"]);
  }, LRO_COMMAND_MS + 30_000);

  azIt("az connection show, list -g, generate-configuration (the catalogue's names)", async () => {
    expect(await devAz(["connection", "show", "-g", "linkwright-demo", "--connection", "devblob"])).toMatchObject({ id: connectorId, name: "devblob" });
    expect(await devAz(["connection", "show", "--id", connectorId])).toMatchObject({ name: "devblob" });
    const list = await devAz<{ name: string; provisioningState: string }[]>(["connection", "list", "-g", "linkwright-demo"]);
    expect(list.map((c) => [c.name, c.provisioningState])).toEqual([["devblob", "Succeeded"]]);
    const generated = await devAz<{ configurations: { name: string; value: string }[] }>(["connection", "generate-configuration", "-g", "linkwright-demo", "--connection", "devblob"]);
    const endpoint = (lw.te.emulator.store.get(ids.storageAccount)!.properties as { primaryEndpoints: { blob: string } }).primaryEndpoints.blob;
    expect(generated.configurations.map((c) => [c.name, c.value])).toEqual([["AZURE_STORAGEBLOB_RESOURCEENDPOINT", endpoint]]);
  }, 60_000);

  azIt("az connection validate: every check succeeds", async () => {
    const checks = await devAz<{ name: string; result: string }[]>(["connection", "validate", "-g", "linkwright-demo", "--connection", "devblob"]);
    expect(checks.length).toBeGreaterThan(0);
    expect(checks.filter((c) => c.result !== "success"), JSON.stringify(checks)).toEqual([]);
  }, LRO_COMMAND_MS + 30_000);

  azIt("a combination linkwright does not support is refused (400) and nothing is created", async () => {
    // az 2.45 offers Spring Boot for a local cosmos-table connection; linkwright's catalogue has no Spring Boot names
    // for it (targets.md §6): refused before anything is read or written.
    const r = await runAz(["connection", "create", "cosmos-table", "-g", "linkwright-demo", "--tg", "linkwright-demo", "--account", "lw-demo-cosmos",
      "--table", "orders", "--user-account", `object-id=${dev.objectId}`, "--client-type", "springBoot", "--connection", "devtable", "--output", "json"], LRO_COMMAND_MS, devEnv);
    expect(r.code, r.stdout).not.toBe(0);
    expect(r.stderr).toMatch(/cosmos-table supports clientType/);
    const list = await devAz<{ name: string }[]>(["connection", "list", "-g", "linkwright-demo"]);
    expect(list.map((c) => c.name)).toEqual(["devblob"]);
  }, LRO_COMMAND_MS + 30_000);

  azIt("linkwright connect (the developer's CLI) signs in through dev's az sign-in (DefaultAzureCredential) and reads the same API", async () => {
    const r = await runCli(["connect", "storage-queue", "--connection", "devqueue", "--target", ids.storageAccount, "--resource-group", "linkwright-demo",
      "--client-type", "nodejs", "--endpoint", lw.te.endpoint], { ...cliAzEnv(), NODE_EXTRA_CA_CERTS: inject("armCerts").caCertFile }, LRO_COMMAND_MS);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/userAccount \(principal [0-9a-f-]+\)/);
    expect(r.stdout).toContain(`principal ${dev.objectId}`);
    expect(r.stdout).toMatch(/^ {2}AZURE_STORAGEQUEUE_RESOURCEENDPOINT=/m);
    await devAz(["connection", "delete", "-g", "linkwright-demo", "--connection", "devqueue", "--yes"], LRO_COMMAND_MS);
  }, LRO_COMMAND_MS + 30_000);

  azIt("az connection delete: the connector and dev's role assignment are gone", async () => {
    await devAz(["connection", "delete", "--id", connectorId, "--yes"], LRO_COMMAND_MS);
    expect(await devAz(["connection", "list", "-g", "linkwright-demo"])).toEqual([]);
    expect(devRoleAt(blob())).toEqual([]);
  }, LRO_COMMAND_MS + 30_000);
});
