// Binding types the CLI knows: which connection a binding reads by default, and which services its connection must
// reach (targets.md §7). Pure data.

/** A service a connection must reach; each becomes one local connection (connector). */
export type ServiceNeed = "blob" | "queue" | "table" | "servicebus" | "eventhub" | "cosmos-sql";

export interface BindingKind {
  /** Lower-cased function.json type. */
  type: string;
  needs: ServiceNeed[];
  /** The connection used when the binding names none. */
  defaultConnection?: string;
  label: string;
}

const STORAGE = "AzureWebJobsStorage";

const KINDS: BindingKind[] = [
  // A blob trigger also keeps its poison-blob queue (and receipts) in the same account: `__queueServiceUri`.
  { type: "blobtrigger", needs: ["blob", "queue"], defaultConnection: STORAGE, label: "blob trigger" },
  { type: "blob", needs: ["blob"], defaultConnection: STORAGE, label: "blob binding" },
  { type: "queuetrigger", needs: ["queue"], defaultConnection: STORAGE, label: "queue trigger" },
  { type: "queue", needs: ["queue"], defaultConnection: STORAGE, label: "queue output" },
  { type: "table", needs: ["table"], defaultConnection: STORAGE, label: "table binding" },
  { type: "servicebustrigger", needs: ["servicebus"], defaultConnection: "AzureWebJobsServiceBus", label: "Service Bus trigger" },
  { type: "servicebus", needs: ["servicebus"], defaultConnection: "AzureWebJobsServiceBus", label: "Service Bus output" },
  { type: "eventhubtrigger", needs: ["eventhub"], label: "Event Hubs trigger" },
  { type: "eventhub", needs: ["eventhub"], label: "Event Hubs output" },
  { type: "cosmosdbtrigger", needs: ["cosmos-sql"], label: "Cosmos DB trigger" },
  { type: "cosmosdb", needs: ["cosmos-sql"], label: "Cosmos DB binding" },
  // Host level: the host's own storage, and the Durable Functions Azure Storage provider (blobs, queues, tables).
  { type: "hoststorage", needs: ["blob", "queue", "table"], defaultConnection: STORAGE, label: "host storage" },
  { type: "durabletaskstorage", needs: ["blob", "queue", "table"], defaultConnection: STORAGE, label: "Durable Functions storage" },
  { type: "durabletaskeventhubs", needs: ["eventhub"], label: "Durable Functions (Netherite) Event Hubs" },
];

/** Types that read a connection the CLI cannot create a local connection for (yet); reported, never wired. */
const OTHER_CONNECTION_TYPES: Record<string, { defaultConnection?: string; label: string }> = {
  signalr: { defaultConnection: "AzureSignalRConnectionString", label: "SignalR binding" },
  signalrtrigger: { defaultConnection: "AzureSignalRConnectionString", label: "SignalR trigger" },
  signalrconnectioninfo: { defaultConnection: "AzureSignalRConnectionString", label: "SignalR connection info" },
  webpubsub: { defaultConnection: "WebPubSubConnectionString", label: "Web PubSub output" },
  webpubsubtrigger: { defaultConnection: "WebPubSubConnectionString", label: "Web PubSub trigger" },
  webpubsubconnection: { defaultConnection: "WebPubSubConnectionString", label: "Web PubSub connection" },
  webpubsubcontext: { defaultConnection: "WebPubSubConnectionString", label: "Web PubSub context" },
  sql: { label: "SQL binding" },
  sqltrigger: { label: "SQL trigger" },
  mysql: { label: "MySQL binding" },
  mysqltrigger: { label: "MySQL trigger" },
  kafka: { label: "Kafka output" },
  kafkatrigger: { label: "Kafka trigger" },
  rabbitmq: { label: "RabbitMQ output" },
  rabbitmqtrigger: { label: "RabbitMQ trigger" },
  eventgrid: { label: "Event Grid output" },
  durabletasksql: { label: "Durable Functions (MSSQL) storage" },
  durabletaskscheduler: { label: "Durable Task Scheduler" },
};

const BY_TYPE = new Map(KINDS.map((k) => [k.type, k]));

/** The kind the CLI can wire, or undefined. */
export function bindingKind(type: string): BindingKind | undefined {
  return BY_TYPE.get(type.toLowerCase());
}

/** Whether a binding of this type reads a connection: it names one, or its type has a default or needs one. */
export function readsConnection(type: string, declaresConnection: boolean): boolean {
  const t = type.toLowerCase();
  return declaresConnection || BY_TYPE.has(t) || OTHER_CONNECTION_TYPES[t]?.defaultConnection !== undefined;
}

/** The connection a binding of this type reads when it names none ("" = none). */
export function defaultConnection(type: string): string {
  const t = type.toLowerCase();
  return BY_TYPE.get(t)?.defaultConnection ?? OTHER_CONNECTION_TYPES[t]?.defaultConnection ?? "";
}

export function bindingLabel(type: string): string {
  const t = type.toLowerCase();
  return BY_TYPE.get(t)?.label ?? OTHER_CONNECTION_TYPES[t]?.label ?? `${type} binding`;
}

export const HOST_STORAGE_CONNECTION = STORAGE;
