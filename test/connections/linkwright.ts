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
import { startTestEmulator, type TestEmulator } from "../sandbox-arm/support/emulator.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const SEAL_KEY = "linkwright-test-seal-key-0123456789abcdef";
// What any write changes in Azure too: modification stamps, and a Container App's revision bookkeeping
// (every template change makes a new revision).
const MODIFICATION_METADATA = new Set([
  "systemData", "lastModifiedTimeUtc",
  "latestRevisionName", "latestReadyRevisionName", "latestRevisionFqdn",
]);

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

/** Key order carries no meaning in ARM JSON; compare with sorted keys. */
/** Also: an identity of type None equals no identity, and an empty settings set equals none. */
function sortKeys(v: unknown): unknown {
  if (!v || typeof v !== "object" || Array.isArray(v)) return v;
  const o = v as Record<string, unknown>;
  const keep = (k: string) => !(k === "identity" && (o[k] as { type?: string } | null)?.type === "None")
    && !(k === "appSettings" && o[k] && typeof o[k] === "object" && Object.keys(o[k] as object).length === 0);
  return Object.fromEntries(Object.keys(o).filter(keep).sort().map((k) => [k, o[k]]));
}

const READ_ACTIONS = /\/list[A-Za-z]*\/action$/i;

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
    comparableState: () => JSON.stringify(te.emulator.control.snapshot().store, (k, v) => (MODIFICATION_METADATA.has(k) ? undefined : sortKeys(v))),
    armWrites: () => te.emulator.control.calls().byOperation
      .filter((c) => c.provider !== "Microsoft.ServiceLinker")
      .filter((c) => c.kind === "write" || c.kind === "delete" || (c.kind === "action" && !READ_ACTIONS.test(c.operation)))
      .reduce((n, c) => n + c.count, 0),
    resetCalls: () => te.emulator.control.resetCalls(),
    diff(before, after) {
      const index = (s: string) => new Map((JSON.parse(s).resources as { id: string }[]).map((r) => [r.id, JSON.stringify(r)]));
      const a = index(before), b = index(after);
      const out: string[] = [];
      for (const [id, v] of a) {
        const w = b.get(id);
        if (w === v) continue;
        let i = 0;
        while (w && i < v.length && v[i] === w[i]) i++;
        out.push(`changed or removed: ${id}\n  before …${v.slice(Math.max(0, i - 120), i + 200)}\n  after  …${w?.slice(Math.max(0, i - 120), i + 200)}`);
      }
      for (const id of b.keys()) if (!a.has(id)) out.push(`added: ${id} ${b.get(id)}`);
      return out;
    },
    async stop() {
      await host.stop();
      await te.close();
      await azurite.stop();
    },
  };
}
