// linkwright end to end in the sandbox: the seeded ARM emulator (forwarding Microsoft.ServiceLinker like ARM),
// the real function app (src/functions) in the dev host with its own Azurite, and the official
// @azure/arm-servicelinker client pointed at the ARM endpoint.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ServiceLinkerManagementClient } from "@azure/arm-servicelinker";
import { startAzurite, type AzuriteInstance } from "../../sandbox/azurite.js";
import { serviceLinkerForwarding, type ForwardTarget } from "../../sandbox/arm/providers/forwarding.js";
import { startFunctionHost, memoryLogger, type FunctionHost } from "../../sandbox/host/index.js";
import { linkwrightAppSettings } from "../../sandbox/app-settings.js";
import { countMutations } from "../../sandbox/arm/core/control.js";
import { comparableState, stateDiff } from "../support/emulator-state.js";
import { startTestEmulator, type TestEmulator } from "../sandbox-arm/support/emulator.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const SEAL_KEY = "linkwright-test-seal-key-0123456789abcdef";
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
  /** Resources whose comparable JSON differs between two comparableState() results (for failure messages). */
  diff(before: string, after: string): string[];
  stop(): Promise<void>;
}

export interface StartLinkwrightOptions {
  /** Extra function modules (under src/functions, without ".ts") loaded besides the API and the orchestrations. */
  extraFunctions?: string[];
  /** Extra app settings. */
  env?: Record<string, string>;
}

export async function startLinkwright(options: StartLinkwrightOptions = {}): Promise<Linkwright> {
  const forward: ForwardTarget = {};
  const azurite = await startAzurite();
  const te = await startTestEmulator({ seed: true, withAzurite: true, providers: [serviceLinkerForwarding(forward)] });
  const seed = te.emulator.seedResult!;
  const logger = memoryLogger();
  const host = await startFunctionHost({
    appDir: repoRoot,
    entry: `src/functions/{${["serviceLinkerApi", "connectionOrchestrations", ...(options.extraFunctions ?? [])].join(",")}}.ts`,
    env: {
      ...linkwrightAppSettings({ arm: te.emulator, storageConnectionString: azurite.connectionString, sealKey: SEAL_KEY }),
      LINKWRIGHT_ROLE_PROPAGATION_SECONDS: "1",
      ...options.env,
    },
    logger,
    listeners: { timers: false, queues: false },
  });
  forward.url = host.baseUrl;
  const clientOptions = { endpoint: te.endpoint, updateIntervalInMs: 50, retryOptions: { maxRetries: 2, retryDelayInMs: 10 } };
  return {
    te, host, azurite, ids: seed.resources,
    client: new ServiceLinkerManagementClient(te.credential, clientOptions),
    readerClient: new ServiceLinkerManagementClient(te.readerCredential, clientOptions),
    logs: () => JSON.stringify((logger as unknown as { lines?: unknown; entries?: unknown }).lines ?? (logger as unknown as { entries?: unknown }).entries ?? ""),
    comparableState: () => comparableState(te.emulator),
    armWrites: () => countMutations(te.emulator.control.calls().byOperation, (c) => c.provider !== "Microsoft.ServiceLinker"),
    resetCalls: () => te.emulator.control.resetCalls(),
    diff: stateDiff,
    async stop() {
      await host.stop();
      await te.close();
      await azurite.stop();
    },
  };
}
