// App Configuration as the place a connection's configuration is written (configurationInfo.configurationStore
// .appConfigurationId): the store's data-plane endpoint, Key Vault reference key-values, and the role linkwright's
// own identity needs to write key-values. Pure helpers, plus one ARM read of the store's endpoint.
import type { ArmClients } from "../azure/clients.js";
import { genericArm } from "../azure/armGeneric.js";

/** Built-in role linkwright's identity needs on the store to read/write/delete key-values. */
export const APP_CONFIGURATION_DATA_OWNER = { id: "5ae67dd6-50cb-40e7-96ff-dc2bfa4b606b", name: "App Configuration Data Owner" } as const;

/** Content type of a Key Vault reference key-value (the app's App Configuration provider resolves it). */
/** The content type of a Key Vault reference key-value (the App Configuration SDK's secretReferenceContentType; written
 *  out so that loading this module does not load that SDK). */
export const KEY_VAULT_REFERENCE_CONTENT_TYPE = "application/vnd.microsoft.appconfig.keyvaultref+json;charset=utf-8";

/** Tag every key-value linkwright writes carries (App Configuration tags are free-form; Service Connector's own
 *  tags are not documented in the references, so linkwright marks ownership the way its Key Vault secrets do). */
export const OWNERSHIP_TAG = { managedBy: "linkwright" } as const;

/** The data-plane endpoint of a store, from its ARM resource: raw wire JSON (`properties.endpoint`) or the
 *  flattened @azure/arm-appconfiguration model (`endpoint`). Throws when the store reports none. */
export function appConfigurationStoreEndpoint(store: { id?: unknown; endpoint?: unknown; properties?: unknown }): string {
  const props = store.properties !== null && typeof store.properties === "object" ? (store.properties as Record<string, unknown>) : {};
  const endpoint = typeof props.endpoint === "string" ? props.endpoint : typeof store.endpoint === "string" ? store.endpoint : undefined;
  if (!endpoint || !/^https:\/\//i.test(endpoint)) {
    throw new Error(`The App Configuration store ${String(store.id ?? "")} reports no https endpoint (properties.endpoint).`);
  }
  return endpoint.replace(/\/+$/, "");
}

/** Reads the store's endpoint through ARM (linkwright's identity needs read access to the store resource). */
export async function readAppConfigurationStoreEndpoint(clients: ArmClients, storeId: string): Promise<string> {
  return appConfigurationStoreEndpoint(await genericArm(clients).getResource(storeId));
}

/** The value of a Key Vault reference key-value: `{"uri":"<secretUri>"}`. */
export function keyVaultReferenceValue(secretUri: string): string {
  return JSON.stringify({ uri: secretUri });
}

/** The secret URI a Key Vault reference key-value points at, or undefined when the value is not one. */
export function keyVaultReferenceUri(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const uri = (JSON.parse(value) as { uri?: unknown } | null)?.uri;
    return typeof uri === "string" ? uri : undefined;
  } catch {
    return undefined;
  }
}

/** The secret URI inside an App Service Key Vault reference `@Microsoft.KeyVault(SecretUri=…)`, or undefined. */
export function secretUriOfAppSettingReference(value: string | undefined): string | undefined {
  const m = /^@Microsoft\.KeyVault\(\s*SecretUri\s*=\s*([^)\s]+)\s*\)$/i.exec(value ?? "");
  return m?.[1];
}

/** The exact command that grants linkwright's identity data-plane rights on the store. */
export function dataOwnerGrantCommand(storeId: string, principalId?: string): string {
  return `az role assignment create --assignee-object-id ${principalId ?? "<linkwright identity principal id>"} ` +
    `--assignee-principal-type ServicePrincipal --role "${APP_CONFIGURATION_DATA_OWNER.name}" --scope ${storeId}`;
}
