// `npm start`: Azurite (persistent, <state>/azurite; OAuth mode over HTTPS with the sandbox's certificate), the ARM
// emulator (seeded, fixed port when free, persistent store under <state>/arm), the database wire emulators
// (PostgreSQL, MySQL, Azure SQL) with linkwright's identity granted what a platform team would grant it
// (sandbox/seed/platform-grants.ts), the function app, then the Event Grid subscriptions a deployment has
// (infra/event-subscriptions.json, registered with the emulator's Event Grid and delivered to the app's own queues),
// <state>/sandbox.json for clients and a short summary.
// linkwright's storage is keyless: its AzureWebJobsStorage is the identity-based form (service URIs,
// __credential=managedidentity), its managed identity's tokens open Azurite, and no account key is in its settings.
// <state> is .sandbox, or SANDBOX_STATE_DIR. Ports: SANDBOX_ARM_PORT (4433), SANDBOX_FUNCTIONS_PORT (7071),
// SANDBOX_AZURITE_PORT (10000; queue and table on the next two); each falls back to a free port when taken, and 0
// always takes a free one (tests).
// Ctrl-C / SIGTERM stops everything this process started.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { startAzurite, type AzuriteInstance } from "./azurite.js";
import { spawnDevHost } from "./host/spawn.js";
import { ensureCertificates } from "./arm/core/certs.js";
import { forgetProcesses, recordProcesses, stopLeftovers } from "./leftovers.js";
import { startArmEmulator, type ArmEmulator } from "./arm/index.js";
import { DEMO_RESOURCE_GROUP } from "./seed/index.js";
import { serviceLinkerForwarding, type ForwardTarget } from "./arm/providers/forwarding.js";
import { linkwrightAppSettings, storageAppSettings } from "./app-settings.js";
import { startSandboxDatabases, type SandboxDatabases } from "./databases/sandbox.js";
import { grantLinkwrightPlatformAccess } from "./seed/platform-grants.js";
import type { AdvancedFilter } from "./arm/core/event-grid.js";

const ROOT = path.resolve(process.env.SANDBOX_STATE_DIR || ".sandbox");
const ARM_PORT = Number(process.env.SANDBOX_ARM_PORT ?? 4433);
const FUNCTIONS_PORT = Number(process.env.SANDBOX_FUNCTIONS_PORT ?? 7071);
const AZURITE_PORT = Number(process.env.SANDBOX_AZURITE_PORT ?? 10000);
/** The Event Grid wiring of a deployment (infra/app/resource-events.bicep reads the same file). */
const EVENT_SUBSCRIPTIONS_FILE = path.resolve("infra/event-subscriptions.json");

interface EventSubscriptionDefinition {
  name: string;
  queueName: string;
  includedEventTypes: string[];
  subjectBeginsWith: string;
  advancedFilters: AdvancedFilter[];
}

async function portIsFree(port: number): Promise<boolean> {
  if (port === 0) return true;
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

export interface SandboxContext {
  azurite: AzuriteInstance;
  arm: ArmEmulator;
  /** Where the emulator forwards Microsoft.ServiceLinker (set once the function app listens). */
  forward: ForwardTarget;
  /** The database wire emulators the app reaches through LINKWRIGHT_DATABASE_ENDPOINTS. */
  databases?: SandboxDatabases;
}

/**
 * The function app (package.json main: the compiled dist/src/functions/*.js) in the dev host, as a child process:
 * it needs NODE_EXTRA_CA_CERTS at start to trust the emulator, and its own process like a real worker.
 * App settings are what a deployment would set; linkwright's identity is the seeded managed identity, which is also
 * how it reaches its storage (Azurite in OAuth mode: keyless).
 */
async function startFunctionHost(ctx: SandboxContext): Promise<{ endpoint: string; pid: number; stop(): Promise<void> }> {
  const port = (await portIsFree(FUNCTIONS_PORT)) ? FUNCTIONS_PORT : 0;
  const host = await spawnDevHost({
    appDir: ".", port,
    env: {
      NODE_EXTRA_CA_CERTS: ctx.arm.caCertFile,
      ...linkwrightAppSettings({
        arm: ctx.arm, azurite: ctx.azurite, sealKey: sealKey(),
        ...(ctx.databases ? { databaseEndpoints: ctx.databases.emulators.endpoints } : {}),
      }),
    },
  });
  ctx.forward.url = host.baseUrl;
  return { endpoint: host.baseUrl, pid: host.child.pid!, stop: host.stop };
}

/** A sealing key kept with the sandbox state (never committed), so restarts can open what earlier runs sealed. */
function sealKey(): string {
  const file = path.join(ROOT, "seal.key");
  if (!existsSync(file)) {
    mkdirSync(ROOT, { recursive: true });
    writeFileSync(file, randomBytes(32).toString("hex"), { mode: 0o600 });
  }
  return readFileSync(file, "utf8").trim();
}

/**
 * Registers infra/event-subscriptions.json with the emulator's Event Grid: each subscription delivers the
 * subscription's resource events to its queue on the app's AzureWebJobsStorage (Azurite), as the deployed system
 * topic delivers them to linkwright's storage account. The delivery is Event Grid's own (here with the account's key),
 * not linkwright's: linkwright reads those queues with its managed identity. The emulator keeps event subscriptions in
 * memory only (not in <state>/arm), so every start registers them afresh; a subscription is replaced by name, never
 * added twice.
 */
async function registerEventSubscriptions(arm: ArmEmulator, storageConnectionString: string): Promise<EventSubscriptionDefinition[]> {
  const wiring = JSON.parse(readFileSync(EVENT_SUBSCRIPTIONS_FILE, "utf8")) as { topicType: string; subscriptions: EventSubscriptionDefinition[] };
  if (wiring.topicType !== "Microsoft.Resources.Subscriptions") {
    throw new Error(`${EVENT_SUBSCRIPTIONS_FILE}: topicType ${wiring.topicType} is not the one the emulator publishes (Microsoft.Resources.Subscriptions)`);
  }
  for (const s of wiring.subscriptions) {
    await arm.control.subscribeEvents({
      kind: "queue", name: s.name, queueName: s.queueName, connectionString: storageConnectionString,
      includedEventTypes: s.includedEventTypes, advancedFilters: s.advancedFilters,
      ...(s.subjectBeginsWith ? { subjectBeginsWith: s.subjectBeginsWith } : {}),
    });
  }
  return wiring.subscriptions;
}

/** One banner line per subscription: name → queue (event types; filters). */
function describeSubscription(s: EventSubscriptionDefinition): string {
  const types = s.includedEventTypes.map((t) => t.replace(/^Microsoft\.Resources\.Resource|Success$/g, "")).join("/");
  const filters = [
    ...(s.subjectBeginsWith ? [`subject begins with ${s.subjectBeginsWith}`] : []),
    ...s.advancedFilters.map((f) => `${f.key} ${f.operatorType.replace(/^String/, "").replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase()} ${f.values.join(" or ")}`),
  ];
  return `${s.name} → queue ${s.queueName} (${types}${filters.length ? `; ${filters.join("; ")}` : ""})`;
}

async function main(): Promise<void> {
  const started = Date.now();
  const stops: (() => Promise<void>)[] = [];
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const stop of stops.reverse()) await stop().catch((e: unknown) => console.error(`stop failed: ${(e as Error).message}`));
    process.exit(code);
  };
  process.on("SIGINT", () => void stopAll(0));
  process.on("SIGTERM", () => void stopAll(0));
  process.on("SIGHUP", () => void stopAll(0));
  stops.push(async () => forgetProcesses(ROOT));

  try {
    // Azurite's usual ports when free, so persisted resources (storage endpoints) stay valid across restarts.
    const fixed = async (p: number) => ((await portIsFree(p)) ? p : undefined);
    const azuritePort = (offset: number) => (AZURITE_PORT === 0 ? Promise.resolve(undefined) : fixed(AZURITE_PORT + offset));
    // What an interrupted run left on this state (Azurite, the function host) goes first, so the ports are ours again.
    mkdirSync(ROOT, { recursive: true });
    await stopLeftovers(ROOT, (line) => console.error(`[start] ${line}`));
    // The sandbox CA and server certificate (the ARM emulator's too): Azurite serves HTTPS with it, as OAuth needs.
    const certs = await ensureCertificates(path.join(ROOT, "certs"));
    const azurite = await startAzurite({
      location: path.join(ROOT, "azurite"), blobPort: await azuritePort(0), queuePort: await azuritePort(1), tablePort: await azuritePort(2),
      oauth: { certFile: certs.certFile, keyFile: certs.keyFile },
    });
    stops.push(() => azurite.stop());
    recordProcesses(ROOT, [{ role: "start", pid: process.pid, marker: "sandbox/start.ts" }, { role: "Azurite", pid: azurite.pid, marker: "azurite.js" }]);
    const port = (await portIsFree(ARM_PORT)) ? ARM_PORT : 0;
    const forward: ForwardTarget = {};
    const arm = await startArmEmulator({
      providers: [serviceLinkerForwarding(forward)],
      certDir: path.join(ROOT, "certs"), port, seed: true, persistenceDir: path.join(ROOT, "arm"),
      azurite, log: (line) => console.error(line),
    });
    stops.push(() => arm.close());
    const databases = await startSandboxDatabases(arm);
    stops.push(() => databases.close());
    const granted = arm.seedResult ? await grantLinkwrightPlatformAccess(arm) : [];
    const host = await startFunctionHost({ azurite, arm, forward, databases });
    stops.push(() => host.stop());
    recordProcesses(ROOT, [{ role: "start", pid: process.pid, marker: "sandbox/start.ts" }, { role: "Azurite", pid: azurite.pid, marker: "azurite.js" },
      { role: "function host", pid: host.pid, marker: "sandbox/host/main.ts" }]);
    // Only once the app listens, as a deployment subscribes after the code is in place: nothing queued meanwhile.
    const eventSubscriptions = arm.seedResult ? await registerEventSubscriptions(arm, azurite.connectionString) : [];

    const sandbox = {
      armEndpoint: arm.endpoint,
      functionsEndpoint: host.endpoint,
      authorityHost: arm.endpoint,
      caCertFile: arm.caCertFile,
      tenantId: arm.tenantId,
      subscriptionId: arm.subscriptionId,
      resourceGroup: DEMO_RESOURCE_GROUP,
      /** Azurite's development account with its key, for your own tools (Azurite also takes a storage token in OAuth
       *  mode); linkwright has no key: it runs with linkwrightStorage. */
      storageConnectionString: azurite.connectionString,
      /** linkwright's AzureWebJobsStorage: the identity-based form, keyless (its managed identity's tokens). */
      linkwrightStorage: storageAppSettings({ azurite }),
      /** The database wire emulators' listeners by server FQDN pattern (TLS with the sandbox CA). */
      databaseEndpoints: databases.emulators.endpoints,
      principals: {
        admin: { clientId: arm.credentials.admin.clientId, clientSecret: arm.credentials.admin.clientSecret, objectId: arm.credentials.admin.objectId },
        reader: { clientId: arm.credentials.reader.clientId, clientSecret: arm.credentials.reader.clientSecret, objectId: arm.credentials.reader.objectId },
        /** Least privilege: Contributor on lw-demo-web, Role Based Access Control Administrator on lwdemostorage, app role
         *  Connections.ReadWrite on linkwright (its client-credentials tokens for linkwrightApp.audience carry it). */
        ...(arm.credentials.team ? {
          team: { clientId: arm.credentials.team.clientId, clientSecret: arm.credentials.team.clientSecret, objectId: arm.credentials.team.objectId },
        } : {}),
        /** A user with team's role assignments; users cannot sign in here: POST /_sandbox/token {principal: "dev",
         *  resource: linkwrightApp.audience, scp: "user_impersonation"} mints their delegated token. */
        ...(arm.seedResult ? { dev: arm.seedResult.dev } : {}),
        /** linkwright's app registration (audience, delegated scope, app role); its credential is linkwright's managed
         *  identity through a federated identity credential. */
        ...(arm.seedResult ? { linkwrightApp: arm.seedResult.linkwrightApp } : {}),
      },
      resources: arm.seeded ?? {},
      /** The Event Grid subscriptions of infra/event-subscriptions.json, registered with the emulator: resource events
       *  go to these queues of storageConnectionString, which the app's queue triggers read. */
      eventSubscriptions: eventSubscriptions.map((s) => ({ name: s.name, queueName: s.queueName })),
      /** linkwright's own function app identity (Contributor + User Access Administrator on the subscription):
       *  give the app process these two variables and ManagedIdentityCredential works unchanged. */
      linkwrightIdentity: arm.seedResult && {
        principalId: arm.seedResult.linkwrightIdentity.principalId,
        clientId: arm.seedResult.linkwrightIdentity.clientId,
        ...arm.managedIdentityEnvironment(arm.seedResult.linkwrightIdentity.principalId),
      },
    };
    mkdirSync(ROOT, { recursive: true });
    const file = path.join(ROOT, "sandbox.json");
    writeFileSync(`${file}.tmp`, JSON.stringify(sandbox, null, 2), { mode: 0o600 });
    renameSync(`${file}.tmp`, file);

    console.log([
      `linkwright sandbox up in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      `  ARM emulator   ${arm.endpoint}   (authorityHost too; trust NODE_EXTRA_CA_CERTS=${arm.caCertFile})`,
      `  Functions      ${sandbox.functionsEndpoint}   (Microsoft.ServiceLinker is also served through the ARM endpoint)`,
      `  Azurite        ${azurite.blobEndpoint} | ${azurite.queueEndpoint} | ${azurite.tableEndpoint}   (OAuth: tokens for https://storage.azure.com)`,
      `  linkwright's storage: keyless (managed identity → Azurite OAuth): AzureWebJobsStorage__{blob,queue,table}ServiceUri, __credential=managedidentity; no key`,
      `  Databases      ${Object.entries(databases.emulators.endpoints).map(([k, v]) => `${k} → ${v}`).join(" | ")}`,
      `  linkwright's identity: ${granted.join("; ") || "no platform grants (no seed)"}`,
      `  Event Grid     ${eventSubscriptions.map(describeSubscription).join("\n                 ") || "no subscriptions (no seed)"}`,
      `  tenant ${arm.tenantId}  subscription ${arm.subscriptionId}  resource group ${DEMO_RESOURCE_GROUP}`,
      `  principals admin (Owner) / reader (Reader)${arm.credentials.team ? " / team (Contributor on lw-demo-web, RBAC Administrator on lwdemostorage)" : ""}: client ids and secrets in ${file}`,
      ...(arm.seedResult ? [`  user dev (${arm.seedResult.dev.userPrincipalName}, team's roles); linkwright's app ${arm.seedResult.linkwrightApp.audience} (scope ${arm.seedResult.linkwrightApp.scope}, app role ${arm.seedResult.linkwrightApp.appRole})`] : []),
      `  seeded: ${Object.keys(sandbox.resources).join(", ") || "(no demo resources)"}`,
      `  control surface: ${arm.endpoint}/_sandbox/  (see sandbox/arm/README.md)`,
      "Ctrl-C to stop.",
    ].join("\n"));
  } catch (e) {
    console.error(`sandbox failed to start: ${(e as Error).stack ?? String(e)}`);
    await stopAll(1);
  }
}

void main();
