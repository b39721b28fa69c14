// linkwright end to end in the sandbox: the seeded ARM emulator (forwarding Microsoft.ServiceLinker like ARM),
// the real function app (src/functions) in the dev host with its own Azurite, and the official
// @azure/arm-servicelinker client pointed at the ARM endpoint.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ServiceLinkerManagementClient } from "@azure/arm-servicelinker";
import { startAzurite, type AzuriteInstance } from "../../sandbox/azurite.js";
import { serviceLinkerForwarding, type ForwardTarget } from "../../sandbox/arm/providers/forwarding.js";
import { startFunctionHost, memoryLogger, type FunctionHost } from "../../sandbox/host/index.js";
import { startTestEmulator, type TestEmulator } from "../sandbox-arm/support/emulator.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const SEAL_KEY = "linkwright-test-seal-key-0123456789abcdef";
const MODIFICATION_METADATA = new Set(["lastModifiedAt", "lastModifiedBy", "lastModifiedByType", "lastModifiedTimeUtc"]);

export interface Linkwright {
  te: TestEmulator;
  host: FunctionHost;
  azurite: AzuriteInstance;
  ids: Record<string, string>;
  client: ServiceLinkerManagementClient;
  readerClient: ServiceLinkerManagementClient;
  logs(): string;
  /** Emulator resources without modification timestamps (any write changes those, as in Azure). */
  comparableState(): string;
  /** ARM writes and non-list actions since resetCalls(), excluding the ServiceLinker calls themselves. */
  armWrites(): number;
  resetCalls(): void;
  stop(): Promise<void>;
}

const READ_ACTIONS = /\/list[A-Za-z]*\/action$/i;

export async function startLinkwright(): Promise<Linkwright> {
  const forward: ForwardTarget = {};
  const azurite = await startAzurite();
  const te = await startTestEmulator({ seed: true, withAzurite: true, providers: [serviceLinkerForwarding(forward)] });
  const seed = te.emulator.seedResult!;
  const mi = te.emulator.managedIdentityEnvironment(seed.linkwrightIdentity.principalId);
  const logger = memoryLogger();
  const host = await startFunctionHost({
    appDir: repoRoot,
    entry: "src/functions/{serviceLinkerApi,connectionOrchestrations}.ts",
    env: {
      AzureWebJobsStorage: azurite.connectionString,
      LINKWRIGHT_STORAGE_ALLOW_INSECURE: "true",
      LINKWRIGHT_OPENID_ISSUER: `${te.endpoint}/${te.tenantId}/v2.0`,
      LINKWRIGHT_AUDIENCE: te.endpoint,
      LINKWRIGHT_SEAL_KEY: SEAL_KEY,
      LINKWRIGHT_ARM_ENDPOINT: te.endpoint,
      LINKWRIGHT_KEYVAULT_DISABLE_CHALLENGE_VERIFICATION: "true",
      IDENTITY_ENDPOINT: mi.IDENTITY_ENDPOINT,
      IDENTITY_HEADER: mi.IDENTITY_HEADER,
    },
    logger,
    listeners: { timers: false, queues: false },
  });
  forward.url = host.baseUrl;
  const options = { endpoint: te.endpoint, updateIntervalInMs: 50, retryOptions: { maxRetries: 2, retryDelayInMs: 10 } };
  return {
    te, host, azurite, ids: seed.resources,
    client: new ServiceLinkerManagementClient(te.credential, options),
    readerClient: new ServiceLinkerManagementClient(te.readerCredential, options),
    logs: () => JSON.stringify((logger as unknown as { lines?: unknown; entries?: unknown }).lines ?? (logger as unknown as { entries?: unknown }).entries ?? ""),
    comparableState: () => JSON.stringify(te.emulator.control.snapshot().store, (k, v) => (MODIFICATION_METADATA.has(k) ? undefined : v)),
    armWrites: () => te.emulator.control.calls().byOperation
      .filter((c) => c.provider !== "Microsoft.ServiceLinker")
      .filter((c) => c.kind === "write" || c.kind === "delete" || (c.kind === "action" && !READ_ACTIONS.test(c.operation)))
      .reduce((n, c) => n + c.count, 0),
    resetCalls: () => te.emulator.control.resetCalls(),
    async stop() {
      await host.stop();
      await te.close();
      await azurite.stop();
    },
  };
}
