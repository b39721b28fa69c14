// linkwright end to end in the sandbox: the seeded ARM emulator (forwarding Microsoft.ServiceLinker like ARM),
// the real function app (src/functions) in the dev host with its own Azurite, reached keyless as `npm start` reaches it
// (OAuth mode; identity-based AzureWebJobsStorage, linkwright's managed identity), and the official
// @azure/arm-servicelinker client pointed at the ARM endpoint.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { inject } from "vitest";
import { ServiceLinkerManagementClient } from "@azure/arm-servicelinker";
import { startAzurite, type AzuriteInstance } from "../../sandbox/azurite.js";
import { ensureCertificates } from "../../sandbox/arm/core/certs.js";
import { serviceLinkerForwarding, type ForwardTarget } from "../../sandbox/arm/providers/forwarding.js";
import { startFunctionHost, memoryLogger, type FunctionHost } from "../../sandbox/host/index.js";
import { linkwrightAppSettings } from "../../sandbox/app-settings.js";
import { countMutations } from "../../sandbox/arm/core/control.js";
import { comparableState, stateDiff } from "../support/emulator-state.js";
import { startTestEmulator, type TestEmulator } from "../sandbox-arm/support/emulator.js";
import { rawRequest, type RawResponse } from "../sandbox-arm/support/raw.js";
import { startSandboxDatabases, type SandboxDatabases } from "../../sandbox/databases/sandbox.js";

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
  /** The database wire emulators (with `databases: true`). */
  databases?: SandboxDatabases;
  /** One ARM request through the emulator's front door as the admin principal (wire-level bodies the SDK drops). */
  arm(method: string, path: string, body?: unknown): Promise<RawResponse>;
  /** PUT a linker with a raw body (api-version 2024-04-01 unless given) and follow its Azure-AsyncOperation to the end;
   *  returns the final status document and the linker as GET returns it. */
  putLinker(resourceUri: string, name: string, properties: Record<string, unknown>, apiVersion?: string): Promise<{ put: RawResponse; status: Record<string, any>; linker: Record<string, any> | undefined }>;
  stop(): Promise<void>;
}

export interface StartLinkwrightOptions {
  /** Extra function modules (under src/functions, without ".ts") loaded besides the API and the orchestrations. */
  extraFunctions?: string[];
  /** Extra app settings. */
  env?: Record<string, string>;
  /** Start the database wire emulators (sandbox/databases) and give the app LINKWRIGHT_DATABASE_ENDPOINTS. */
  databases?: boolean;
}

export async function startLinkwright(options: StartLinkwrightOptions = {}): Promise<Linkwright> {
  const forward: ForwardTarget = {};
  const certs = await ensureCertificates(inject("armCerts").certDir);
  const azurite = await startAzurite({ oauth: { certFile: certs.certFile, keyFile: certs.keyFile } });
  const te = await startTestEmulator({ seed: true, withAzurite: true, providers: [serviceLinkerForwarding(forward)] });
  const seed = te.emulator.seedResult!;
  const databases = options.databases ? await startSandboxDatabases(te.emulator) : undefined;
  const logger = memoryLogger();
  const host = await startFunctionHost({
    appDir: repoRoot,
    entry: `src/functions/{${["serviceLinkerApi", "connectionOrchestrations", ...(options.extraFunctions ?? [])].join(",")}}.ts`,
    env: {
      ...linkwrightAppSettings({ arm: te.emulator, azurite, sealKey: SEAL_KEY }),
      LINKWRIGHT_ROLE_PROPAGATION_SECONDS: "1",
      ...(databases ? { ...databases.appSettings, LINKWRIGHT_DATABASE_TIMEOUT_MS: "5000" } : {}),
      ...options.env,
    },
    logger,
    listeners: { timers: false, queues: false },
  });
  forward.url = host.baseUrl;
  const arm = async (method: string, p: string, body?: unknown) => {
    const token = (await te.credential.getToken("https://management.azure.com/.default"))!.token;
    return rawRequest(te.endpoint, method, p, { token, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  };
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
    ...(databases ? { databases } : {}),
    arm,
    async putLinker(resourceUri, name, properties, apiVersion = "2024-04-01") {
      const linkerPath = `${resourceUri}/providers/Microsoft.ServiceLinker/linkers/${name}?api-version=${apiVersion}`;
      const put = await arm("PUT", linkerPath, { properties });
      let status: Record<string, any> = put.status >= 400 ? { status: "Failed", error: put.json().error } : {};
      const statusUrl = put.headers["azure-asyncoperation"];
      if (put.status < 400 && typeof statusUrl === "string") {
        const u = new URL(statusUrl);
        const deadline = Date.now() + 45_000;
        for (;;) {
          status = (await arm("GET", u.pathname + u.search)).json();
          if (["Succeeded", "Failed", "Canceled"].includes(status.status)) break;
          if (Date.now() > deadline) throw new Error(`linker ${name}: operation still ${status.status} after 45 s`);
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      const got = await arm("GET", linkerPath);
      return { put, status, linker: got.status === 200 ? got.json() : undefined };
    },
    async stop() {
      await host.stop();
      await databases?.close();
      await te.close();
      await azurite.stop();
    },
  };
}
