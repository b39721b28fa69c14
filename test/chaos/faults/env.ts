// The local cloud the fault matrix runs in, startable from vitest and from a plain `tsx` process (the chaos runner):
// Azurite (OAuth, HTTPS), the seeded ARM emulator forwarding Microsoft.ServiceLinker to the real function app in the
// dev host, the database wire emulators, and a fault proxy in front of the table service linkwright records
// connections in (LINKWRIGHT_STORAGE). linkwright gets the grants a platform team gives it (Key Vault Secrets Officer,
// App Configuration Data Owner, Entra admin of the demo database servers) and, for this run only, a per-request
// timeout for its SDK clients (LINKWRIGHT_REQUEST_TIMEOUT_MS; the SDKs configure none), so slow answers can be faulted.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ClientSecretCredential, type TokenCredential } from "@azure/identity";
import { ServiceLinkerManagementClient } from "@azure/arm-servicelinker";
import { startAzurite, type AzuriteInstance } from "../../../sandbox/azurite.js";
import { ensureCertificates, DEFAULT_CERT_DIR } from "../../../sandbox/arm/core/certs.js";
import { startArmEmulator, type ArmEmulator } from "../../../sandbox/arm/index.js";
import { serviceLinkerForwarding, type ForwardTarget } from "../../../sandbox/arm/providers/forwarding.js";
import { startFunctionHost, memoryLogger, type FunctionHost } from "../../../sandbox/host/index.js";
import { linkwrightAppSettings } from "../../../sandbox/app-settings.js";
import { startSandboxDatabases, type SandboxDatabases } from "../../../sandbox/databases/sandbox.js";
import { grantLinkwrightPlatformAccess } from "../../../sandbox/seed/platform-grants.js";
import { startTableFaultProxy, type TableFaultProxy } from "../../../sandbox/storage-faults.js";
import { startHostProcess, type HostProcess } from "./hostProcess.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** linkwright's per-attempt request timeout in this run; "slow" faults answer DELAY past it. */
export const REQUEST_TIMEOUT_MS = 3_000;
export const SLOW_ANSWER_MS = 6_000;
/** The database statement timeout in this run (LINKWRIGHT_DATABASE_TIMEOUT_MS). */
export const DATABASE_TIMEOUT_MS = 3_000;
/** linkwright's table prefix (its linkers, operations, dependency index) in this run. */
export const TABLE_PREFIX = "lwfaults";

export interface FaultEnv {
  arm: ArmEmulator;
  azurite: AzuriteInstance;
  databases: SandboxDatabases;
  tables: TableFaultProxy;
  /** The dev host in this process (undefined when it runs as its own process: see `hostProcess`). */
  host: FunctionHost | undefined;
  /** The dev host as its own process, which a cell can SIGKILL and restart (`startFaultEnv({ hostProcess: true })`). */
  hostProcess: HostProcess | undefined;
  ids: Record<string, string>;
  credential: TokenCredential;
  client: ServiceLinkerManagementClient;
  /** Host log lines (for a failing cell's detail). */
  logs(): string[];
  stop(): Promise<void>;
}

export interface FaultEnvOptions {
  /** Run the dev host as its own process (kill-and-resume) rather than in this one. */
  hostProcess?: boolean;
}

export async function startFaultEnv(options: FaultEnvOptions = {}): Promise<FaultEnv> {
  if (!process.env.NODE_EXTRA_CA_CERTS) {
    throw new Error("NODE_EXTRA_CA_CERTS must name the sandbox CA (.sandbox/certs/ca.pem) before Node starts: run under vitest, or as `NODE_EXTRA_CA_CERTS=.sandbox/certs/ca.pem tsx …`");
  }
  const certs = await ensureCertificates(DEFAULT_CERT_DIR);
  const azurite = await startAzurite({ oauth: { certFile: certs.certFile, keyFile: certs.keyFile } });
  const forward: ForwardTarget = {};
  const arm = await startArmEmulator({ seed: true, certDir: DEFAULT_CERT_DIR, port: 0, azurite, providers: [serviceLinkerForwarding(forward)] });
  const databases = await startSandboxDatabases(arm);
  await grantLinkwrightPlatformAccess(arm);
  const tables = await startTableFaultProxy({
    tableEndpoint: azurite.tableEndpoint, accountName: azurite.accountName, accountKey: azurite.accountKey,
    tls: { key: readFileSync(certs.keyFile, "utf8"), cert: readFileSync(certs.certFile, "utf8"), ca: certs.ca },
  });
  const logger = memoryLogger();
  const settings = {
    ...linkwrightAppSettings({ arm, azurite, sealKey: "linkwright-fault-matrix-seal-key-0123456789" }),
    ...databases.appSettings,
    LINKWRIGHT_STORAGE: tables.connectionString,
    LINKWRIGHT_TABLE_PREFIX: TABLE_PREFIX,
    LINKWRIGHT_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    LINKWRIGHT_DATABASE_TIMEOUT_MS: String(DATABASE_TIMEOUT_MS),
    LINKWRIGHT_ROLE_PROPAGATION_SECONDS: "1",
    LINKWRIGHT_HEALTH_EVENT_WINDOW_MS: "100",
  };
  // Its own process: only the API and the sagas (no timers or queue triggers there to turn off).
  const hostProcess = options.hostProcess
    ? await startHostProcess({ appDir: repoRoot, entry: "src/functions/{serviceLinkerApi,connectionOrchestrations}.ts", env: settings })
    : undefined;
  const host = hostProcess ? undefined : await startFunctionHost({
    appDir: repoRoot,
    entry: "src/functions/{serviceLinkerApi,connectionOrchestrations,healthOnResourceChange}.ts",
    env: settings,
    logger,
    listeners: { timers: false, queues: false },
  });
  forward.url = hostProcess?.baseUrl ?? host!.baseUrl;
  const credential = new ClientSecretCredential(arm.tenantId, arm.credentials.admin.clientId, arm.credentials.admin.clientSecret,
    { authorityHost: arm.endpoint, disableInstanceDiscovery: true });
  const client = new ServiceLinkerManagementClient(credential, { endpoint: arm.endpoint, updateIntervalInMs: 50, retryOptions: { maxRetries: 2, retryDelayInMs: 10 } } as never);
  return {
    arm, azurite, databases, tables, host, hostProcess, ids: arm.seedResult!.resources, credential, client,
    logs: () => hostProcess?.logs() ?? logger.lines.map((l) => `${l.level} ${l.message}`),
    async stop() {
      await (hostProcess ?? host)!.stop();
      await tables.close();
      await databases.close();
      await arm.close();
      await azurite.stop();
    },
  };
}
