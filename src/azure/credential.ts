// linkwright's own identity: its function app's managed identity (system-assigned, or the user-assigned
// one named by LINKWRIGHT_IDENTITY_CLIENT_ID). Works wherever App Service's IDENTITY_ENDPOINT protocol is served.
import { ManagedIdentityCredential, OnBehalfOfCredential } from "@azure/identity";
import type { TokenCredential } from "@azure/core-auth";
import type { AuthorizationSettings, AzureSettings } from "../config/settings.js";

export function createAppCredential(settings: AzureSettings): TokenCredential {
  return settings.managedIdentityClientId
    ? new ManagedIdentityCredential({ clientId: settings.managedIdentityClientId })
    : new ManagedIdentityCredential();
}

/** The credential that asks for an ARM token on behalf of a user, as linkwright's app registration: its credential
 *  is linkwright's managed identity (a federated identity credential on the registration; no secret anywhere), or a
 *  certificate when one is configured. */
export function createOnBehalfOf(settings: AzureSettings, auth: AuthorizationSettings): ((userToken: string, tenantId: string) => TokenCredential) | undefined {
  const clientId = auth.appClientId;
  if (!clientId) return undefined;
  const common = { authorityHost: auth.authorityHost, disableInstanceDiscovery: true };
  if (auth.appCertificatePath) {
    const certificatePath = auth.appCertificatePath;
    return (userAssertionToken, tenantId) => new OnBehalfOfCredential({ tenantId, clientId, userAssertionToken, certificatePath, ...common });
  }
  const managedIdentity = createAppCredential(settings);
  const getAssertion = async () => {
    const token = await managedIdentity.getToken(FEDERATED_TOKEN_SCOPE);
    if (!token) throw new Error("linkwright's managed identity returned no token for the federated credential.");
    return token.token;
  };
  return (userAssertionToken, tenantId) => new OnBehalfOfCredential({ tenantId, clientId, userAssertionToken, getAssertion, ...common });
}

/** The audience of a managed identity's token used as an app registration's federated credential. */
export const FEDERATED_TOKEN_SCOPE = "api://AzureADTokenExchange/.default";
