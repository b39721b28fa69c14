// Typed access to the app settings linkwright reads. One place, so the README's settings table stays true.

export interface AzureSettings {
  /** ARM endpoint; the public cloud unless overridden (sovereign clouds, or a local emulator). */
  armEndpoint: string;
  /** Audience of ARM tokens, e.g. https://management.azure.com/ */
  armAudience: string;
  /** Client id of a user-assigned identity for linkwright itself (unset: system-assigned). */
  managedIdentityClientId?: string;
  /** LINKWRIGHT_KEYVAULT_DISABLE_CHALLENGE_VERIFICATION=true: for vaults on non-Azure host names only. */
  disableKeyVaultChallengeResourceVerification: boolean;
}

export type Env = Record<string, string | undefined>;

export function readAzureSettings(env: Env = process.env): AzureSettings {
  const armEndpoint = trimSlash(env.LINKWRIGHT_ARM_ENDPOINT ?? "https://management.azure.com");
  return {
    armEndpoint,
    armAudience: env.LINKWRIGHT_ARM_AUDIENCE ?? "https://management.azure.com/",
    managedIdentityClientId: env.LINKWRIGHT_IDENTITY_CLIENT_ID || undefined,
    disableKeyVaultChallengeResourceVerification: env.LINKWRIGHT_KEYVAULT_DISABLE_CHALLENGE_VERIFICATION === "true",
  };
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}
