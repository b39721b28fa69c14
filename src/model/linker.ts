// The LinkerResource model as this API stores and returns it (servicelinker-api.md §2).
// Kept as JSON objects: the front door validates them (src/api/model/validateLinkerProperties.ts).

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };
/** A JSON object whose known fields are typed (and may be absent). */
export type JsonFields = { [key: string]: Json | undefined };

/** TargetServiceBase: an Azure resource by id, or an endpoint (Confluent, self-hosted, Fabric). */
export interface TargetService extends JsonFields {
  type: string;
  id?: string;
  endpoint?: string;
}

/** AuthInfoBase and its kinds (the fields linkwright reads; the front door checked their types). */
export interface AuthInfo extends JsonFields {
  authType: string;
  /** userAssignedIdentity, servicePrincipal*: the identity's client id. */
  clientId?: string;
  /** userAssignedIdentity: the identity's subscription. */
  subscriptionId?: string;
  /** servicePrincipal*, userAccount: the principal's object id. */
  principalId?: string;
  /** secret: the user name. */
  name?: string;
  /** Identity auth on a database: the database user to create. */
  userName?: string;
  /** secret: rawValue (value extracted before storage) or keyVaultSecretUri. */
  secretInfo?: { secretType?: string; value?: string | null; secretId?: string | null } | null;
  /** Roles to assign instead of the target's defaults (the catalogue's allow-list applies). */
  roles?: string[];
  /** optInAllAuth / optOutAllAuth. */
  authMode?: string;
  /** Default / ForcedCleanup. */
  deleteOrUpdateBehavior?: string;
}

/** ConfigurationInfo (the fields linkwright reads). */
export interface ConfigurationInfo extends JsonFields {
  /** enable / optOut (no configuration written). */
  action?: string;
  customizedKeys?: Record<string, string> | null;
  additionalConfigurations?: Record<string, string> | null;
  deleteOrUpdateBehavior?: string;
  configurationStore?: { appConfigurationId?: string | null } | null;
}

/** PublicNetworkSolution. */
export interface PublicNetworkSolution extends JsonFields {
  action?: string;
  deleteOrUpdateBehavior?: string;
  firewallRules?: { ipRanges?: string[] | null; azureServices?: string; callerClientIP?: string | boolean } | null;
}

/** `LinkerProperties` as received (validated at the front door, src/api/model/validateLinkerProperties.ts) and stored
 *  (after secret extraction). */
export interface LinkerProperties {
  targetService: TargetService;
  authInfo: AuthInfo;
  clientType?: string;
  vNetSolution?: { type?: string; deleteOrUpdateBehavior?: string } & JsonFields | null;
  secretStore?: { keyVaultId?: string | null; keyVaultSecretName?: string | null } & JsonFields | null;
  scope?: string | null;
  publicNetworkSolution?: PublicNetworkSolution | null;
  configurationInfo?: ConfigurationInfo | null;
  /** linkwright's own, never on the wire (the API sets it, wire views drop it): the caller's client IP address as ARM
   *  reported it (`x-ms-client-ip-address`) when `publicNetworkSolution.firewallRules.callerClientIP` is "true" — the
   *  address the target's firewall admits for the caller (a local connection's one outbound address). */
  callerIpAddress?: string;
}

export interface SystemData {
  createdBy?: string;
  createdByType?: string;
  createdAt?: string;
  lastModifiedBy?: string;
  lastModifiedByType?: string;
  lastModifiedAt?: string;
}

export const LINKER_TYPE = "Microsoft.ServiceLinker/linkers";

/** Provisioning states this API writes; the orchestrations write Succeeded / Failed / Canceled. */
export const ProvisioningStates = {
  Accepted: "Accepted",
  Updating: "Updating",
  Deleting: "Deleting",
  Succeeded: "Succeeded",
  Failed: "Failed",
  Canceled: "Canceled",
} as const;

export function deepClone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
