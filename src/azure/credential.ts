// linkwright's own identity: its function app's managed identity (system-assigned, or the user-assigned
// one named by LINKWRIGHT_IDENTITY_CLIENT_ID). Works wherever App Service's IDENTITY_ENDPOINT protocol is served.
import { ManagedIdentityCredential } from "@azure/identity";
import type { TokenCredential } from "@azure/core-auth";
import type { AzureSettings } from "../config/settings.js";

export function createAppCredential(settings: AzureSettings): TokenCredential {
  return settings.managedIdentityClientId
    ? new ManagedIdentityCredential({ clientId: settings.managedIdentityClientId })
    : new ManagedIdentityCredential();
}
