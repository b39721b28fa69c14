// The production wiring: linkwright's managed identity + the one client factory, configured from app settings.
import type { TokenCredential } from "@azure/core-auth";
import { readAzureSettings, type Env } from "../config/settings.js";
import { createArmClients, type ArmClients } from "./clients.js";
import { createAppCredential } from "./credential.js";

/** The one factory's clients with linkwright's own identity, or (for the caller's permission checks) another credential. */
export function armClientsFromSettings(env: Env = process.env, credential?: TokenCredential): ArmClients {
  const settings = readAzureSettings(env);
  return createArmClients({
    credential: credential ?? createAppCredential(settings),
    armEndpoint: settings.armEndpoint,
    armAudience: settings.armAudience,
    disableKeyVaultChallengeResourceVerification: settings.disableKeyVaultChallengeResourceVerification,
  });
}
