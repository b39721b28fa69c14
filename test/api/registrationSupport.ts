// The seeded ARM emulator for the registration test, and linkwright's settings pointing at it (its identity, its ARM).
import { linkwrightAppSettings } from "../../sandbox/app-settings.js";
import { startTestEmulator, type TestEmulator } from "../sandbox-arm/support/emulator.js";

export { startTestEmulator, type TestEmulator };

/** What the sandbox sets for linkwright's identity and ARM endpoint (the test keeps its own issuer and tables). */
export function linkerSettings(te: TestEmulator): Record<string, string> {
  const all = linkwrightAppSettings({ arm: te.emulator, storageConnectionString: "unused", sealKey: "unused-seal-key-0123456789abcdefghij" });
  const keep = ["LINKWRIGHT_ARM_ENDPOINT", "LINKWRIGHT_KEYVAULT_DISABLE_CHALLENGE_VERIFICATION", "IDENTITY_ENDPOINT", "IDENTITY_HEADER", "MSI_ENDPOINT", "MSI_SECRET"];
  return Object.fromEntries(Object.entries(all).filter(([k]) => keep.includes(k)));
}
