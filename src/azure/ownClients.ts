// linkwright's own ARM clients: the one client factory (./clients.ts) with linkwright's managed identity, or — for a
// caller's permission checks — with another credential.
import type { TokenCredential } from "@azure/core-auth";
import { createArmClients, type ArmClients } from "./clients.js";
import { createAppCredential, type OwnIdentity } from "./credential.js";

/** Where ARM is and who linkwright is there (src/config/settings.ts AzureSettings). */
export interface OwnArm extends OwnIdentity {
  armEndpoint: string;
  armAudience: string;
  disableKeyVaultChallengeResourceVerification: boolean;
  /** Per-attempt timeout of linkwright's SDK requests; unset: none. */
  requestTimeoutMs?: number;
}

export function ownArmClients(settings: OwnArm, credential: TokenCredential = createAppCredential(settings)): ArmClients {
  return createArmClients({
    credential,
    armEndpoint: settings.armEndpoint,
    armAudience: settings.armAudience,
    disableKeyVaultChallengeResourceVerification: settings.disableKeyVaultChallengeResourceVerification,
    ...(settings.requestTimeoutMs ? { requestTimeoutInMs: settings.requestTimeoutMs } : {}),
  });
}
