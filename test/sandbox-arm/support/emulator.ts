// Shared helper for ARM-emulator tests: an in-process emulator on a free port, plus the credentials and
// client options the real SDK clients need (only endpoint + CA differ from production).
import { inject } from "vitest";
import { ClientSecretCredential, type TokenCredential } from "@azure/identity";
import { startArmEmulator, type ArmEmulator, type ArmEmulatorOptions } from "../../../sandbox/arm/index.js";

export interface TestEmulator {
  emulator: ArmEmulator;
  /** https://127.0.0.1:<port> */
  endpoint: string;
  /** ClientSecretCredential of `admin` (Owner on the subscription), authenticating against the emulator. */
  credential: TokenCredential;
  /** ClientSecretCredential of `reader` (Reader on the subscription). */
  readerCredential: TokenCredential;
  /** Pass to every ARM SDK client: `new X(credential, subscriptionId, clientOptions)`. Fast retries and LRO polls. */
  clientOptions: { endpoint: string; updateIntervalInMs: number; retryOptions: { maxRetries: number; retryDelayInMs: number; maxRetryDelayInMs: number } };
  subscriptionId: string;
  tenantId: string;
  /** ClientSecretCredential for any principal with a secret in the sandbox directory. */
  credentialFor(clientId: string, clientSecret: string): TokenCredential;
  close(): Promise<void>;
}

export async function startTestEmulator(opts: Omit<ArmEmulatorOptions, "certDir" | "port"> & { withAzurite?: boolean } = {}): Promise<TestEmulator> {
  const { withAzurite, ...rest } = opts;
  const certs = inject("armCerts");
  if (!process.env.NODE_EXTRA_CA_CERTS) {
    throw new Error("NODE_EXTRA_CA_CERTS is not set: run through vitest (test/support/global-setup.ts generates the sandbox CA)");
  }
  const azurite = withAzurite ? inject("azurite") : undefined;
  const emulator = await startArmEmulator({ ...rest, certDir: certs.certDir, port: 0, azurite: rest.azurite ?? azurite });
  const endpoint = emulator.endpoint;
  const credentialFor = (clientId: string, clientSecret: string): TokenCredential =>
    new ClientSecretCredential(emulator.tenantId, clientId, clientSecret, { authorityHost: endpoint, disableInstanceDiscovery: true });
  return {
    emulator, endpoint, subscriptionId: emulator.subscriptionId, tenantId: emulator.tenantId,
    credential: credentialFor(emulator.credentials.admin.clientId, emulator.credentials.admin.clientSecret),
    readerCredential: credentialFor(emulator.credentials.reader.clientId, emulator.credentials.reader.clientSecret),
    clientOptions: { endpoint, updateIntervalInMs: 10, retryOptions: { maxRetries: 3, retryDelayInMs: 10, maxRetryDelayInMs: 50 } },
    credentialFor,
    close: () => emulator.close(),
  };
}
