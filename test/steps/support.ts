// Steps run as production runs them: linkwright's own managed identity (ManagedIdentityCredential over the
// App Service identity protocol the emulator serves) and the one client factory, against a seeded emulator.
import { startTestEmulator, type TestEmulator } from "../sandbox-arm/support/emulator.js";
import { ownArmClients } from "../../src/azure/ownClients.js";
import { readAzureSettings } from "../../src/config/settings.js";
import { createSealer } from "../../src/secrets/seal.js";
import type { StepContext } from "../../src/steps/step.js";
import { comparableState } from "../support/emulator-state.js";

export interface StepsSandbox {
  te: TestEmulator;
  ctx: StepContext;
  ids: Record<string, string>;
  /** ARM writes (PUT/PATCH/DELETE) and actions other than reads-by-POST since the last reset. */
  writes(): number;
  resetCalls(): void;
  /** The emulator's resources as JSON, without modification timestamps/authors (which any write changes, as in Azure). */
  comparableState(): string;
  close(): Promise<void>;
}

export async function startStepsSandbox(): Promise<StepsSandbox> {
  const te = await startTestEmulator({ seed: true, withAzurite: true });
  const seed = te.emulator.seedResult!;
  const env = te.emulator.managedIdentityEnvironment(seed.linkwrightIdentity.principalId);
  process.env.IDENTITY_ENDPOINT = env.IDENTITY_ENDPOINT;
  process.env.IDENTITY_HEADER = env.IDENTITY_HEADER;
  const clients = ownArmClients(readAzureSettings({
    LINKWRIGHT_ARM_ENDPOINT: te.endpoint,
    LINKWRIGHT_KEYVAULT_DISABLE_CHALLENGE_VERIFICATION: "true",
  }));
  const ctx: StepContext = { clients, sealer: createSealer("test-seal-key-".padEnd(40, "x")) };
  return {
    te, ctx, ids: seed.resources,
    writes: () => te.emulator.control.calls().mutations,
    resetCalls: () => te.emulator.control.resetCalls(),
    comparableState: () => comparableState(te.emulator),
    close: () => te.close(),
  };
}
