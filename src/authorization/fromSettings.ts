// The authorizer as a deployment configures it: linkwright's own clients for role and deny assignments, the caller's
// clients from the same factory, on-behalf-of exchange through linkwright's app registration.
import { readAuthorizationSettings, readAzureSettings, type Env } from "../config/settings.js";
import { createOnBehalfOf } from "../azure/credential.js";
import { armClientsFromSettings } from "../azure/fromSettings.js";
import type { ArmClients } from "../azure/clients.js";
import { createAuthorizer, type Authorizer } from "./authorizer.js";

export function authorizerFromSettings(env: Env, ownClients: ArmClients = armClientsFromSettings(env)): Authorizer {
  const auth = readAuthorizationSettings(env);
  const onBehalfOf = createOnBehalfOf(readAzureSettings(env), auth);
  return createAuthorizer({
    ownClients,
    clientsFor: (credential) => armClientsFromSettings(env, credential),
    ...(onBehalfOf ? { onBehalfOf } : {}),
    cacheSeconds: auth.permissionCacheSeconds,
  });
}
