// Types of the target catalogue: declarative descriptions of every target Service Connector can link to.
// Source of truth: ../shared/reference/targets.md (sections quoted as "§n" in comments).

export const TARGET_KINDS = [
  "storage-blob",
  "storage-queue",
  "storage-table",
  "storage-file",
  "keyvault",
  "sql",
  "postgres-flexible",
  "mysql-flexible",
  "cosmos-sql",
  "cosmos-mongo",
  "cosmos-cassandra",
  "cosmos-gremlin",
  "cosmos-table",
  "servicebus",
  "eventhub",
  "signalr",
  "webpubsub",
  "appconfig",
  "redis",
  "redis-enterprise",
  "cognitiveservices",
  "app-insights",
  "confluent-kafka",
] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

/** Compute kinds a connection can be made from. Container Apps use the WebApp lists (§4a). `local`: a local connection
 *  (a connector): the developer's own machine, which nothing is written to (its configuration is only returned). */
export const SOURCE_KINDS = ["webapp", "functionapp", "slot", "containerapp", "local"] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/** REST `authInfo.authType` values the catalogue knows. `userAccount`: the developer's own account, for local connections. */
export const AUTH_TYPES = ["systemAssignedIdentity", "userAssignedIdentity", "servicePrincipalSecret", "secret", "userAccount"] as const;
export type AuthType = (typeof AUTH_TYPES)[number];

/** REST `clientType` values (S24P). `dotnet-internal` and `dapr` have no documented names and are not supported. */
export const CLIENT_TYPES = [
  "none",
  "dotnet",
  "java",
  "python",
  "go",
  "php",
  "ruby",
  "django",
  "nodejs",
  "springBoot",
  "kafka-springBoot",
] as const;
export type ClientType = (typeof CLIENT_TYPES)[number];

/**
 * Resolved facts about a target, gathered by the caller (ARM GETs, listKeys, the identity, the request).
 * Builders read only what they need and fail with MissingTargetFact when a required fact is absent.
 */
export interface TargetFacts {
  /** Parsed from the target id. */
  subscriptionId?: string;
  resourceGroup?: string;
  /** Top-level resource name: storage account, vault, server, namespace, cache, store, account. */
  resourceName?: string;
  /** Database / keyspace / table / graph name where the target id names one. */
  databaseName?: string;
  graphName?: string;
  /** Primary endpoint of the service, exactly as the resource reports it (e.g. blob endpoint, vault URI). */
  endpoint?: string;
  /** Storage: the account's primary endpoints (properties.primaryEndpoints). */
  blobEndpoint?: string;
  queueEndpoint?: string;
  tableEndpoint?: string;
  fileEndpoint?: string;
  /** Host name (FQDN) of a server / namespace / cache. */
  host?: string;
  port?: string;
  location?: string;
  /** Secrets obtained per the target's SecretSource descriptor, or supplied by the user. */
  accountKey?: string;
  connectionString?: string;
  accessKey?: string;
  sharedAccessKeyName?: string;
  userName?: string;
  password?: string;
  /** Identity facts: user-assigned identity or service principal. */
  clientId?: string;
  clientSecret?: string;
  tenantId?: string;
  /** Cognitive Services account kind (`OpenAI`, `AIServices`, anything else = multi-service). */
  accountKind?: string;
  /** Cognitive Services: custom sub-domain endpoints. */
  openAiEndpoint?: string;
  speechEndpoint?: string;
  /** App Configuration access key id (the `Id=` part of its connection string). */
  accessKeyId?: string;
  /** Confluent. */
  bootstrapServer?: string;
  schemaRegistryUrl?: string;
  kafkaApiKey?: string;
  kafkaApiSecret?: string;
  schemaRegistryKey?: string;
  schemaRegistrySecret?: string;
  /** Azure Resource Manager endpoint used in Cosmos list-key URLs; defaults to https://management.azure.com. */
  managementEndpoint?: string;
}
export type FactName = keyof TargetFacts;

/** One configuration (app setting / env var) the connection writes. */
export interface ConfigurationEntry {
  name: string;
  value: string;
  isSecret: boolean;
  description: string;
}

/** Declarative entry of a (target, auth, client) cell. */
export interface EntrySpec {
  /** The default name, as written for the first connection of this target type. */
  name: string;
  /** Present for `<Cloud>_<Type>_<Name>` names: the parts the CONN2 rule rebuilds as `<prefix>_<CONN>_<suffix>`. */
  conn2?: { prefix: string; suffix: string };
  value: (facts: TargetFacts) => string;
  isSecret: boolean;
  description: string;
  /** Only emitted when this returns true (e.g. Cognitive Services account kinds). */
  appliesTo?: (facts: TargetFacts) => boolean;
  /** Shown in configurationNames descriptions when appliesTo is set. */
  appliesToLabel?: string;
}

export type CellTable = Partial<Record<AuthType, Partial<Record<ClientType, EntrySpec[]>>>>;

/** How a secret-auth connection obtains its secret. A descriptor: the connections slice performs the call. */
export type SecretSource =
  | { kind: "none"; note: string }
  | {
      kind: "listKeys" | "listConnectionStrings" | "authorizationRuleKeys" | "resourceProperty";
      /** Template of the resource the operation is called on (see idTemplate placeholders). */
      resourceTemplate: string;
      /** ARM action name, e.g. `Microsoft.Storage/storageAccounts/listKeys/action`. */
      action: string;
      /** JSON path in the response and the fact it fills. */
      pick: { path: string; fact: FactName }[];
      note?: string;
    }
  | { kind: "userProvided"; fields: { fact: FactName; from: string }[]; note: string };

export interface RoleDefinition {
  name: string;
  /** Built-in role definition GUID (§5a). */
  id: string;
  /** Only assigned when this returns true for the resolved facts (e.g. Cognitive Services account kinds). */
  appliesTo?: (facts: TargetFacts) => boolean;
}

/** A database data-plane grant (§5b): statement templates with `<u>`, `<db>`, `<objectId>`, `<clientId>` placeholders. */
export interface DataPlaneGrant {
  engine: "sql" | "postgresql" | "mysql";
  prerequisite: string;
  tokenResource: string;
  /** Database to connect to when running the statements (`<db>` = the target database). */
  connectDatabase: string;
  userNameTemplate: string;
  statements: string[];
}

export interface NetworkOptions {
  firewall: boolean;
  serviceEndpoint: boolean;
  privateLink: boolean;
}

/** Functions identity-based connection properties written for a binding prefix (§7). */
export interface BindingSpec {
  /** Binding types this target serves (function.json `type`). */
  bindingTypes: string[];
  /** Identity settings: suffix after `<prefix>__` and its value. */
  identity: { property: string; value: (facts: TargetFacts) => string; description: string }[];
  /** With secret auth, `<prefix>` itself holds this value (a connection string). */
  secretValue?: (facts: TargetFacts) => string;
  /** Roles the binding needs beyond defaultRoles, with the scope template they are assigned at. */
  extraRoles?: { role: RoleDefinition; scopeTemplate: string }[];
  note?: string;
}

export interface IdPattern {
  /** e.g. `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Storage/storageAccounts/{resourceName}/blobServices/default` */
  template: string;
}

/** Where a fact is read from an ARM GET body (dotted path; `["x y"]` for keys with spaces). */
export interface FactPath {
  fact: FactName;
  path: string;
  /** `host`: keep only the host name of an URL value. */
  transform?: "host";
}

export interface TargetDescriptor {
  kind: TargetKind;
  /** Display family, e.g. "Azure Blob Storage". */
  displayName: string;
  /** ARM resource type of the target id, e.g. `Microsoft.Storage/storageAccounts/blobServices`. */
  armType: string;
  /** Target id patterns; empty for endpoint-based targets (Confluent). */
  idPatterns: IdPattern[];
  /** Template of the top-level resource whose GET yields the facts (account, vault, server, namespace). */
  resourceTemplate?: string;
  /** Facts read from the GET of resourceTemplate (the top-level resource). */
  resourceFacts?: FactPath[];
  /** Facts read from the GET of the target id itself, when it differs from the top-level resource. */
  targetFacts?: FactPath[];
  /** Template of the scope default roles are assigned at; undefined when no RBAC role is assigned. */
  roleScopeTemplate?: string;
  /** Supported auth types per source kind; first = default (§4a). */
  authTypes: Record<SourceKind, AuthType[]>;
  /** true when `secret` means "secret(auto)": the service reads the key itself (§4a SA). */
  secretIsAuto: boolean;
  /** Supported client types; first = default. */
  clientTypes: ClientType[];
  cells: CellTable;
  defaultRoles: RoleDefinition[];
  /** Least-privilege alternatives a caller may ask for in `authInfo.roles` besides defaultRoles and the binding's
   *  extraRoles (real built-in role definition GUIDs; see ./roles.ts). */
  allowedRoles?: RoleDefinition[];
  secretSource: SecretSource;
  network: NetworkOptions;
  dataPlaneGrant?: DataPlaneGrant;
  binding?: BindingSpec;
  /** Choices made where sources disagree (§8), for docs and review. */
  notes?: string[];
}

/** An error in the ARM envelope's inner shape. */
export interface CatalogueError {
  code: string;
  message: string;
  target?: string;
}

export function isCatalogueError(x: unknown): x is CatalogueError {
  return typeof x === "object" && x !== null && !Array.isArray(x) && "code" in x && "message" in x;
}
