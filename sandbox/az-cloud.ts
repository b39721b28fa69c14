// The az CLI against the sandbox, set up as a user sets up any custom cloud: `az cloud register` with the emulator as
// ARM and as the identity authority, `az cloud set`, `az login --service-principal` as a sandbox principal. The CA is
// trusted through REQUESTS_CA_BUNDLE (the sandbox's CA file; TLS is verified, nothing is switched off).
//
//   npm run az:setup                      register the cloud and log in as admin, in <state>/az (your own ~/.azure is
//                                         left alone), then print the two exports to paste
//   npm run az:setup -- --as team         log in as another sandbox principal (admin, reader, team)
//   npm run az:setup -- --as dev          log in as the sandbox's user dev (a password is set for it through the
//                                         emulator's control API first): what `az connection create … --user-account`
//                                         needs, a user's own sign-in
//   npm run az:setup -- --config-dir DIR  use DIR as AZURE_CONFIG_DIR instead (its logins are replaced)
//   npm run az:setup -- --print           only print the commands
//
// The authority is the emulator's AD FS-style one, `{arm}/adfs` (see sandbox/arm/README.md): az 2.45's MSAL validates
// any other authority whose host is not Microsoft's by asking login.microsoftonline.com, and az cannot turn that off.
// test/az-cli builds its commands with azCloudSetup() too, so what this prints is what CI runs.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import https from "node:https";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const AZ_CLOUD_NAME = "linkwright-sandbox";
/** ARM's audience as az asks for it (the emulator accepts it and https://management.azure.com). */
export const ARM_AUDIENCE = "https://management.core.windows.net/";
const GRAPH_AUDIENCE = "https://graph.windows.net/";

/** What az needs from the sandbox: `.sandbox/sandbox.json` has these fields. */
export interface AzSandboxInfo {
  armEndpoint: string;
  caCertFile: string;
  tenantId: string;
  subscriptionId: string;
  /** Service principals (client id and secret) and users (user principal name and password). */
  principals: Record<string, { clientId?: string; clientSecret?: string; userPrincipalName?: string; password?: string } | undefined>;
}

export interface AzSetup {
  /** Environment for every az command: the CA file and the config directory. */
  env: { AZURE_CONFIG_DIR: string; REQUESTS_CA_BUNDLE: string };
  /** Run in order: register (or update), select the cloud, forget earlier tokens, log in. */
  steps: string[][];
  /** The same, for a shell (secrets included: it is the sandbox's). */
  script: string;
}

function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`;
}

/** The endpoint arguments of `az cloud register` / `az cloud update` for the sandbox at `armEndpoint`. */
export function cloudEndpointArgs(armEndpoint: string): string[] {
  const arm = armEndpoint.replace(/\/+$/, "");
  return [
    "--endpoint-resource-manager", `${arm}/`,
    "--endpoint-active-directory", `${arm}/adfs`,
    "--endpoint-active-directory-resource-id", ARM_AUDIENCE,
    "--endpoint-active-directory-graph-resource-id", GRAPH_AUDIENCE,
  ];
}

/**
 * The az commands that set up the sandbox cloud and log in as `principal`. `registered`: the cloud already exists in
 * this config directory (then it is updated: the sandbox may have come up on other ports).
 */
export function azCloudSetup(info: AzSandboxInfo, options: { configDir: string; principal?: string; cloudName?: string; registered?: boolean }): AzSetup {
  const cloud = options.cloudName ?? AZ_CLOUD_NAME;
  const who = options.principal ?? "admin";
  const p = info.principals[who];
  const user = p?.userPrincipalName && p.password ? { userPrincipalName: p.userPrincipalName, password: p.password } : undefined;
  if (!user && (!p?.clientId || !p.clientSecret)) {
    const usable = Object.entries(info.principals).filter(([, v]) => (v?.clientId && v.clientSecret) || (v?.userPrincipalName && v.password)).map(([k]) => k);
    throw new Error(`the sandbox has no service principal '${who}' with a secret, nor a user with a password; use one of: ${usable.join(", ")}`);
  }
  const steps = [
    ["cloud", options.registered ? "update" : "register", "--name", cloud, ...cloudEndpointArgs(info.armEndpoint)],
    ["cloud", "set", "--name", cloud],
    // Tokens cached for an earlier sandbox (another port or state) would be sent again until they expire.
    ["account", "clear"],
    // A user signs in with the password grant (the emulator's AD FS-style authority answers it); a service principal
    // with its secret.
    user
      ? ["login", "--username", user.userPrincipalName, "--password", user.password, "--tenant", info.tenantId, "--output", "none"]
      : ["login", "--service-principal", "--username", p!.clientId!, "--password", p!.clientSecret!, "--tenant", info.tenantId, "--output", "none"],
    ["account", "set", "--subscription", info.subscriptionId],
  ];
  const env = { AZURE_CONFIG_DIR: options.configDir, REQUESTS_CA_BUNDLE: info.caCertFile };
  const script = [
    `export AZURE_CONFIG_DIR=${shellQuote(env.AZURE_CONFIG_DIR)} REQUESTS_CA_BUNDLE=${shellQuote(env.REQUESTS_CA_BUNDLE)}`,
    ...steps.map((s) => ["az", ...s].map(shellQuote).join(" ")),
  ].join("\n");
  return { env, steps, script };
}

/** Whether `cloud` is registered in the az config directory `configDir` (clouds.config holds one section per cloud). */
export function cloudRegistered(configDir: string, cloud = AZ_CLOUD_NAME): boolean {
  const file = path.join(configDir, "clouds.config");
  return existsSync(file) && readFileSync(file, "utf8").split(/\r?\n/).some((l) => l.trim() === `[${cloud}]`);
}

/** A sandbox user's sign-in for az: a fresh password set through the emulator's control API (`POST
 *  /_sandbox/password`; users have none by default), and its user principal name. */
async function userSignIn(info: AzSandboxInfo, name: string): Promise<{ userPrincipalName: string; password: string; objectId: string } | undefined> {
  const ca = readFileSync(info.caCertFile);
  const control = (method: string, p: string, body?: unknown) => new Promise<{ status: number; text: string }>((resolve, reject) => {
    const url = new URL(`${info.armEndpoint.replace(/\/+$/, "")}${p}`);
    const req = https.request({ host: url.hostname, port: url.port, path: url.pathname, method, ca, headers: body ? { "content-type": "application/json" } : {} }, (res) => {
      let text = "";
      res.on("data", (c: Buffer) => { text += c.toString("utf8"); });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", reject);
    if (body) req.write(JSON.stringify(body));
    req.end();
  });
  const listed = await control("GET", "/_sandbox/principals");
  const users = (JSON.parse(listed.text) as { principalType: string; displayName: string; objectId: string; userPrincipalName?: string }[])
    .filter((p) => p.principalType === "User" && p.userPrincipalName);
  const user = users.find((p) => p.displayName === name || p.userPrincipalName?.toLowerCase() === name.toLowerCase());
  if (!user) return undefined;
  const password = `Lw-${randomBytes(18).toString("base64url")}`;
  const set = await control("POST", "/_sandbox/password", { user: user.objectId, password });
  if (set.status !== 204) throw new Error(`setting a password for ${name} failed: ${set.status} ${set.text}`);
  return { userPrincipalName: user.userPrincipalName!, password, objectId: user.objectId };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const opt = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
  const stateDir = path.resolve(process.env["SANDBOX_STATE_DIR"] || ".sandbox");
  const sandboxFile = path.join(stateDir, "sandbox.json");
  if (!existsSync(sandboxFile)) {
    console.error(`az:setup: ${sandboxFile} not found: start the sandbox first (npm start), then run this in another terminal.`);
    process.exit(1);
  }
  const info = JSON.parse(readFileSync(sandboxFile, "utf8")) as AzSandboxInfo;
  const who = opt("--as") ?? "admin";
  // A user of the sandbox (dev) signs in with a password az:setup sets for it (the printed commands need it too).
  let userObjectId: string | undefined;
  if (!info.principals[who]?.clientSecret) {
    const user = await userSignIn(info, who).catch((e: Error) => {
      console.error(`az:setup: could not reach the sandbox's control API at ${info.armEndpoint} (${e.message}); is npm start running?`);
      process.exit(1);
    });
    if (user) {
      info.principals[who] = user;
      userObjectId = user.objectId;
    }
  }
  const configDir = path.resolve(opt("--config-dir") ?? path.join(stateDir, "az"));
  const setup = azCloudSetup(info, { configDir, principal: opt("--as"), registered: cloudRegistered(configDir) });
  if (argv.includes("--print")) {
    console.log(setup.script);
    if (userObjectId) console.log(`# ${who}'s object id: ${userObjectId}`);
    return;
  }
  const probe = spawnSync("az", ["version", "--output", "none"], { stdio: "ignore" });
  if (probe.error) {
    console.error("az:setup: the az CLI is not installed. On Debian/Ubuntu: sudo apt-get update && sudo apt-get install -y azure-cli"
      + " (or see https://learn.microsoft.com/cli/azure/install-azure-cli). `npm run az:setup -- --print` shows the commands.");
    process.exit(1);
  }
  mkdirSync(configDir, { recursive: true });
  const env = { ...process.env, ...setup.env, AZURE_CORE_COLLECT_TELEMETRY: "false" };
  for (const step of setup.steps) {
    const secret = info.principals[who]?.clientSecret ?? info.principals[who]?.password;
    const shown = step.map((a) => (a === secret ? "***" : a));
    console.log(`$ az ${shown.join(" ")}`);
    const r = spawnSync("az", step, { env, stdio: ["ignore", "inherit", "inherit"] });
    if (r.status !== 0) {
      console.error(`az:setup: 'az ${shown.slice(0, 2).join(" ")}' failed (exit ${r.status}).`);
      process.exit(1);
    }
  }
  console.log(`\naz is logged in to the sandbox (cloud ${AZ_CLOUD_NAME}, as ${who}${userObjectId ? `, a user with object id ${userObjectId}` : ""}). In your shell:\n`
    + `  export AZURE_CONFIG_DIR=${shellQuote(setup.env.AZURE_CONFIG_DIR)} REQUESTS_CA_BUNDLE=${shellQuote(setup.env.REQUESTS_CA_BUNDLE)}\n`
    + (userObjectId ? "  az connection list -g linkwright-demo -o table" : "  az webapp connection list -g linkwright-demo -n lw-demo-web -o table"));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) void main();
