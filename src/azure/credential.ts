// linkwright's own identity: its function app's managed identity (system-assigned, or the user-assigned
// one named by LINKWRIGHT_IDENTITY_CLIENT_ID). Works wherever App Service's IDENTITY_ENDPOINT protocol is served.
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/core-auth";
import { sdk } from "./lazySdk.js";

const identity = sdk("@azure/identity", () => require("@azure/identity") as typeof import("@azure/identity"));

/** A credential built on its first getToken: @azure/identity (with MSAL) is loaded by the first token, not at import. */
function lazyCredential(make: (identity: typeof import("@azure/identity")) => TokenCredential): TokenCredential {
  let credential: TokenCredential | undefined;
  return {
    getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
      credential ??= make(identity());
      return credential.getToken(scopes, options);
    },
  };
}

/** Which managed identity is linkwright's: a user-assigned one by client id, else the system-assigned one. */
export interface OwnIdentity {
  managedIdentityClientId?: string;
}

/** linkwright's app registration, as on-behalf-of exchanges need it (src/config/settings.ts AuthorizationSettings). */
export interface AppRegistration {
  appClientId?: string;
  appCertificatePath?: string;
  authorityHost: string;
}

export function createAppCredential(settings: OwnIdentity): TokenCredential {
  const clientId = settings.managedIdentityClientId;
  return lazyCredential(({ ManagedIdentityCredential }) => (clientId ? new ManagedIdentityCredential({ clientId }) : new ManagedIdentityCredential()));
}

/** The identity linkwright opens its own storage with when AzureWebJobsStorage is keyless: the managed identity the
 *  setting names (`AzureWebJobsStorage__clientId`), else the system-assigned one — as the Functions host does. */
export function createStorageCredential(account: { clientId?: string }): TokenCredential {
  return createAppCredential({ ...(account.clientId ? { managedIdentityClientId: account.clientId } : {}) });
}

/** The credential that asks for an ARM token on behalf of a user, as linkwright's app registration: its credential
 *  is linkwright's managed identity (a federated identity credential on the registration; no secret anywhere), or a
 *  certificate when one is configured. */
export function createOnBehalfOf(settings: OwnIdentity, auth: AppRegistration): ((userToken: string, tenantId: string) => TokenCredential) | undefined {
  const clientId = auth.appClientId;
  if (!clientId) return undefined;
  const common = { authorityHost: auth.authorityHost, disableInstanceDiscovery: true };
  if (auth.appCertificatePath) {
    const certificatePath = auth.appCertificatePath;
    return (userAssertionToken, tenantId) => lazyCredential(({ OnBehalfOfCredential }) =>
      new OnBehalfOfCredential({ tenantId, clientId, userAssertionToken, certificatePath, ...common }));
  }
  const managedIdentity = createAppCredential(settings);
  const getAssertion = async () => {
    const token = await managedIdentity.getToken(FEDERATED_TOKEN_SCOPE);
    if (!token) throw new Error("linkwright's managed identity returned no token for the federated credential.");
    return token.token;
  };
  return (userAssertionToken, tenantId) => lazyCredential(({ OnBehalfOfCredential }) =>
    new OnBehalfOfCredential({ tenantId, clientId, userAssertionToken, getAssertion, ...common }));
}

/** The audience of a managed identity's token used as an app registration's federated credential. */
export const FEDERATED_TOKEN_SCOPE = "api://AzureADTokenExchange/.default";
