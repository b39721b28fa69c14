// The production wiring: linkwright's managed identity + the one client factory, configured from app settings.
import { readAzureSettings, type Env } from "../config/settings.js";
import { createArmClients, type ArmClients } from "./clients.js";
import { createAppCredential } from "./credential.js";

export function armClientsFromSettings(env: Env = process.env): ArmClients {
  const settings = readAzureSettings(env);
  return createArmClients({
    credential: createAppCredential(settings),
    armEndpoint: settings.armEndpoint,
    armAudience: settings.armAudience,
    disableKeyVaultChallengeResourceVerification: settings.disableKeyVaultChallengeResourceVerification,
  });
}
