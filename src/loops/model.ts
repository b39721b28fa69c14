/**
 * Input and output shapes of the loop analysis. Pure data: no I/O, no Azure clients.
 *
 * The input is what ARM returns for each Function App: the functions list (`webApps.listFunctions`, each
 * `properties.config.bindings` untouched), the app settings (`listApplicationSettings`), optionally the connection
 * strings (`listConnectionStrings`), linkwright's own connections on the app, and any Event Grid subscriptions
 * that deliver to the app's functions.
 */

/**
 * One entry of `properties.config.bindings` (function.json). Keys vary in case between producers (Node/JS hosts use
 * `queueName`, the .NET isolated metadata uses `QueueName`/`Type`/`Direction`), so every lookup is case-insensitive.
 */
export interface ArmBinding {
  type?: string;
  direction?: string;
  name?: string;
  path?: string;
  blobPath?: string;
  queueName?: string;
  topicName?: string;
  subscriptionName?: string;
  eventHubName?: string;
  connection?: string;
  connectionStringSetting?: string;
  databaseName?: string;
  containerName?: string;
  collectionName?: string;
  source?: string;
  [key: string]: unknown;
}

export interface FunctionDefinition {
  name: string;
  bindings: ArmBinding[];
  /** `properties.isDisabled`; disabled functions neither trigger nor write. */
  isDisabled?: boolean;
}

/** ServiceLinker-style target kinds linkwright connections can point at and that a trigger can watch. */
export type ConnectionTargetKind = "storageBlob" | "storageQueue" | "serviceBus" | "eventHub" | "cosmos";

/**
 * One of linkwright's connections on the app: the app's code holds a client for the target and can write there
 * through its SDK, so it is a *possible* writer for every function of the app.
 */
export interface LinkwrightConnectionWriter {
  linkerId: string;
  /** ARM id of the target: a storage account (or its blobServices/queueServices, or a container/queue under them),
   *  a Service Bus / Event Hubs namespace (or an entity under it), a Cosmos DB account. */
  targetResourceId: string;
  targetKind: ConnectionTargetKind;
  /** Narrows the target when the id does not: blob container, queue name, SB/EH entity, Cosmos database/container. */
  container?: string;
  queue?: string;
  entity?: string;
  database?: string;
}

/** An Event Grid event subscription delivering to one of the app's `eventGridTrigger` functions. */
export interface EventGridSubscriptionInfo {
  function: string;
  /** ARM id of the topic source, e.g. `/subscriptions/…/providers/Microsoft.Storage/storageAccounts/acct`. */
  topicResourceId: string;
  includedEventTypes?: string[];
  subjectBeginsWith?: string;
  subjectEndsWith?: string;
}

export interface FunctionAppInput {
  /** ARM id of the site (compared case-insensitively). */
  appId: string;
  appSettings: Record<string, string>;
  /** `listConnectionStrings` properties: name → value (or `{ value, type }` as ARM returns them). */
  connectionStrings?: Record<string, string | { value?: string; type?: string }>;
  functions: FunctionDefinition[];
  connections?: LinkwrightConnectionWriter[];
  eventGridSubscriptions?: EventGridSubscriptionInfo[];
}

export type AllowListEntry = { appId: string; function: string } | { linkerId: string };

export interface AnalyzeOptions {
  allowList?: AllowListEntry[];
}

export type ResourceKind = "blob" | "queue" | "serviceBus" | "eventHub" | "cosmos";

/** A concrete (or partly unknown) resource and the pattern within it a trigger watches or an output writes. */
export interface ResourceRef {
  kind: ResourceKind;
  /** Storage account / namespace / Cosmos account, lower-cased; `*` when the connection could not be resolved. */
  account: string;
  /** Container, queue, SB/EH entity, or `database/container` for Cosmos; `*` when unknown or computed. */
  entity: string;
  /** Human-readable pattern as written after `%Setting%` substitution (blob: `container/path`; others: entity). */
  pattern: string;
  /** Stable key of the resource without the path, e.g. `blob://acct/images`. */
  key: string;
}

export type Severity = "certain" | "possible";

export interface CycleStep {
  appId: string;
  function: string;
  trigger: ResourceRef;
  /** The write of this step that triggers the next step (the last step's output triggers the first step). */
  output: ResourceRef & { via: "binding" | "connection"; binding?: string; linkerId?: string };
}

export interface LoopFinding {
  id: string;
  severity: Severity;
  cycle: CycleStep[];
  /** Every function in the strongly connected component (the cycle shows one representative path). */
  members: { appId: string; function: string }[];
  resources: string[];
  explanation: string;
  fix: string[];
  /** Why the severity is "possible" (SDK-level writer, unresolved setting, unknown Event Grid source, …). */
  uncertainty?: string[];
  /** Set on suppressed findings: the allow-list entries that matched. */
  allowedBy?: AllowListEntry[];
}

export interface LoopAnalysis {
  findings: LoopFinding[];
  suppressed: LoopFinding[];
  stats: {
    apps: number;
    functions: number;
    edges: number;
    /** Trigger types present but not modelled (writes could raise them; loops through them are not checked). */
    unanalyzedTriggers: Record<string, number>;
  };
}
