// The configuration steps' vocabulary: their names and the (JSON, secret-free) inputs the plan hands them. What each
// step does with its input, and every other fact about it, lives in its own file under src/steps/.

/** Every configuration step (src/steps/registry.ts maps each to its file, src/steps/<name>.ts; stepsOf in
 *  src/steps/schedule.ts orders a plan's steps for the saga). This order is the order permissions are reported in. */
export const STEP_NAMES = ["identity", "roleAssignment", "firewall", "serviceEndpoint", "secretStore", "configuration", "appConfiguration", "databaseUser"] as const;
export type StepName = (typeof STEP_NAMES)[number];

export type DatabaseEngine = "sql" | "postgresql" | "mysql";

export type PrincipalType = "ServicePrincipal" | "User" | "Group";

export type IdentityType = "None" | "SystemAssigned" | "UserAssigned" | "SystemAssigned, UserAssigned";

export interface IdentityState {
  type: IdentityType;
  principalId?: string;
  tenantId?: string;
  /** User-assigned identity resource id (as ARM returns it) → its principal/client ids. */
  userAssigned: Record<string, { principalId?: string; clientId?: string }>;
}

export type SecretSource =
  | { kind: "storageConnectionString"; storageAccountId: string; endpointSuffix?: string }
  | { kind: "storageAccountKey"; storageAccountId: string }
  | { kind: "sealed"; value: string }
  /** A value template holding `{{lw-secret:<fact>}}` tokens, filled from the target's secret action and/or the
   *  user's secrets: `sealedSecrets` is the API's sealed JSON {secretPath: value}, `factPaths` maps fact → secretPath. */
  | {
      kind: "template";
      template: string;
      /** `action`: the ARM action to POST (e.g. `listKeys`), or READ_RESOURCE to GET the resource. */
      fetch?: { resourceId: string; action: string; pick: { path: string; fact: string }[] };
      sealedSecrets?: string;
      factPaths?: Record<string, string>;
    };

export interface IdentityInput {
  sourceId: string;
  scope?: string;
  systemAssigned: boolean;
  userAssignedIdentityId?: string;
  /** The identity as the plan read it moments before, inside the same per-source critical section: apply uses it
   *  instead of reading the source again (one ARM round trip less on the critical path). Never recorded. */
  observed?: IdentityState;
}

export interface RoleAssignmentInput {
  /** Scope of the assignment, e.g. the blob service of a storage account. */
  scope: string;
  principalId: string;
  principalType: "ServicePrincipal" | "User" | "Group";
  /** Role definition GUID, or a full role definition id. */
  role: string;
  /** The principal was created by this very operation (its identity was just enabled), so no assignment can exist
   *  yet: apply skips the lookup and writes at once (one ARM round trip less). Never recorded. */
  principalIsNew?: boolean;
  /** The role's display name (the catalogue's default roles have one): previews and permission reasons name it.
   *  A hint, never recorded. */
  roleName?: string;
}

export interface FirewallInput {
  targetId: string;
  /** Source outbound IPs to admit (CIDR or single addresses). */
  ips: string[];
  /** Which of `ips` are the caller's own client address (a local connection's): admitted like the others, but never
   *  named in what the step reports (dry-run previews and validation results are shown to other readers). */
  callerIps?: string[];
  allowAzureServices?: boolean;
  /** The firewall was open when the caller was authorized (so nobody was checked for writing it): a rule must not be
   *  added now. A hint of the run, not recorded. */
  plannedOpen?: boolean;
}

export interface ServiceEndpointInput {
  /** The source's outbound subnet: /subscriptions/…/providers/Microsoft.Network/virtualNetworks/{vnet}/subnets/{subnet}. */
  subnetId: string;
  /** The target's top-level resource (storage account, vault, SQL server, namespace, Cosmos DB account). */
  targetId: string;
  /** The subnet service endpoint the target needs, e.g. Microsoft.Storage, Microsoft.KeyVault, Microsoft.Sql. */
  serviceName: string;
}

export interface KeyVaultSecretInput {
  vaultUri: string;
  /** The vault's ARM id (what undoing the secret is authorized against). */
  vaultId?: string;
  secretName: string;
  source: SecretSource;
}

export interface SettingSpec {
  name: string;
  /** A plain value (never a secret). */
  value?: string;
  /** Where a secret value comes from; resolved inside the activity. */
  secretSource?: SecretSource;
}

export interface SettingsInput {
  sourceId: string;
  scope?: string;
  settings: SettingSpec[];
  /** Settings the connection wrote before and no longer wants (on update): removed if still unchanged. */
  remove?: { name: string; writtenSealed: string }[];
}

export interface AppConfigurationKeySpec {
  key: string;
  /** A plain value (never a secret). */
  value?: string;
  /** Where a secret value comes from; resolved inside the activity and written as the key's value. */
  secretSource?: SecretSource;
  /** Secret URI of a Key Vault secret: written as a Key Vault reference key-value. */
  keyVaultReference?: string;
}

export interface AppConfigurationKeysInput {
  storeId: string;
  /** The store's data-plane endpoint (appConfigurationStoreEndpoint). Absent: read from the store's ARM resource on
   *  every run (one ARM GET more, but survives an endpoint change, e.g. the sandbox's data plane after a restart). */
  endpoint?: string;
  /** Label of every key-value; absent = no label (the App Configuration providers' default selection). */
  label?: string;
  keys: AppConfigurationKeySpec[];
  /** Keys the connection wrote before and no longer wants (on update): deleted if they still hold what was written
   *  (`writtenSealed` as this step's `outputs.written` reported it). */
  remove?: { key: string; writtenSealed: string }[];
}

export interface DatabaseUserInput {
  engine: DatabaseEngine;
  /** ARM id of the server (Microsoft.Sql/servers, Microsoft.DBforPostgreSQL|DBforMySQL/flexibleServers). */
  serverId: string;
  /** ARM id of the target database (for messages). */
  targetId: string;
  databaseName: string;
  /** The database user mapped to the principal. */
  userName: string;
  principal: {
    /** Display name of the identity (messages). */
    name: string;
    objectId: string;
    clientId?: string;
    type: PrincipalType;
    /** The resource whose system-assigned identity the principal is. A system-assigned identity's ARM view has no
     *  client id, which MySQL's CREATE AADUSER needs: it is read from `{identityScope}/providers/
     *  Microsoft.ManagedIdentity/identities/default` when a statement needs it. */
    identityScope?: string;
  };
}

/** Each step's input, by step name. */
export interface StepInputs {
  identity: IdentityInput;
  roleAssignment: RoleAssignmentInput;
  firewall: FirewallInput;
  serviceEndpoint: ServiceEndpointInput;
  secretStore: KeyVaultSecretInput;
  configuration: SettingsInput;
  appConfiguration: AppConfigurationKeysInput;
  databaseUser: DatabaseUserInput;
}

/** When a scheduled step starts in the saga: the identity step produces the principal; the independent steps start
 *  with it; the after-identity ones need its principal; an after-firewall one waits for the firewall step (both
 *  rewrite one rule set). */
export type StepPhase = "identity" | "independent" | "afterIdentity" | "afterFirewall";

/** A step a plan runs (src/steps/schedule.ts stepsOf): its recorded input, the run's hints (given to the step with
 *  the input, never recorded), and its phase. */
export type ScheduledStep = {
  [K in StepName]: { step: K; input: StepInputs[K]; hints?: Partial<StepInputs[K]>; phase: StepPhase };
}[StepName];

/** The principal an after-identity step runs for: the identity step's, or the plan's (service principal auth). */
export interface RunPrincipal {
  principalId: string;
  /** Created by this very run (a system-assigned identity just turned on): nothing can be assigned to it yet. */
  isNew: boolean;
}

/** A dry run's preview kind (Microsoft.ServiceLinker operationPreviews[].operationType). */
export type OperationType = "configConnection" | "configNetwork" | "configAuth";

/** What a step reports for later steps of the run and for later runs (JSON, secret-free): recorded with the step. */
export interface StepOutputs {
  /** identity: the principal the source's identity is, its tenant and client id; whether apply created it. */
  principalId?: string;
  tenantId?: string;
  clientId?: string;
  newPrincipal?: boolean;
  /** roleAssignment: the assignment's id. */
  roleAssignmentId?: string;
  /** secretStore: the secret's URI. */
  secretUri?: string;
  /** databaseUser: the user's name. */
  databaseUser?: string;
  /** configuration / appConfiguration: each setting or key written, with what was written (sealed). */
  written?: { name?: string; key?: string; writtenSealed: string }[];
}
