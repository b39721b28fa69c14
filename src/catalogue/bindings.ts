// Which Functions binding `connection` values resolve to no app setting (targets.md §7), and the exact fix.

export interface FunctionBinding {
  type: string;
  direction?: string;
  name?: string;
  connection?: string;
  /** Cosmos DB extension < 4 names the setting here. */
  connectionStringSetting?: string;
  [key: string]: unknown;
}

export interface FunctionBindings {
  name: string;
  bindings: FunctionBinding[];
}

export interface UnresolvedBinding {
  function: string;
  /** The binding's `name` (or its type when it has none). */
  binding: string;
  bindingType: string;
  /** The connection value the runtime looks up (after defaults). */
  connection: string;
  reason: string;
  /** One sentence naming the exact settings to add. */
  fix: string;
  /** The settings to add for the identity-based form. */
  missing: string[];
  /** Values for missing settings that could be derived from settings already present. */
  suggestedValues: Record<string, string>;
}

type Family = "blobTrigger" | "blob" | "queue" | "table" | "serviceBus" | "eventHub" | "cosmos" | "signalR" | "webPubSub";

interface FamilyRule {
  /** Alternative sets of `<P>__<property>` settings; any complete set resolves. The first is the recommended one. */
  identity: string[][];
  /** Connection used when the binding has none. */
  defaultConnection?: string;
  storage?: boolean;
  label: string;
}

const RULES: Record<Family, FamilyRule> = {
  blobTrigger: { identity: [["blobServiceUri", "queueServiceUri"], ["serviceUri"]], defaultConnection: "AzureWebJobsStorage", storage: true, label: "a blob trigger" },
  blob: { identity: [["blobServiceUri"], ["serviceUri"]], defaultConnection: "AzureWebJobsStorage", storage: true, label: "a blob binding" },
  queue: { identity: [["queueServiceUri"], ["serviceUri"]], defaultConnection: "AzureWebJobsStorage", storage: true, label: "a queue binding" },
  table: { identity: [["tableServiceUri"], ["serviceUri"]], defaultConnection: "AzureWebJobsStorage", storage: true, label: "a table binding" },
  serviceBus: { identity: [["fullyQualifiedNamespace"]], defaultConnection: "AzureWebJobsServiceBus", label: "a Service Bus binding" },
  eventHub: { identity: [["fullyQualifiedNamespace"]], label: "an Event Hubs binding" },
  cosmos: { identity: [["accountEndpoint"]], label: "a Cosmos DB binding" },
  signalR: { identity: [["serviceUri"]], defaultConnection: "AzureSignalRConnectionString", label: "a SignalR binding" },
  webPubSub: { identity: [["serviceUri"]], defaultConnection: "WebPubSubConnectionString", label: "a Web PubSub binding" },
};

const FAMILY_OF: Record<string, Family> = {
  blobtrigger: "blobTrigger",
  blob: "blob",
  queuetrigger: "queue",
  queue: "queue",
  table: "table",
  servicebustrigger: "serviceBus",
  servicebus: "serviceBus",
  eventhubtrigger: "eventHub",
  eventhub: "eventHub",
  cosmosdbtrigger: "cosmos",
  cosmosdb: "cosmos",
  signalrtrigger: "signalR",
  signalr: "signalR",
  signalrconnectioninfo: "signalR",
  signalrnegotiation: "signalR",
  webpubsubtrigger: "webPubSub",
  webpubsub: "webPubSub",
  webpubsubconnection: "webPubSub",
  webpubsubcontext: "webPubSub",
};

/** Storage host names in service URIs, for deriving a missing sibling URI from one present. */
const STORAGE_SERVICE_OF: Record<string, string> = { blobServiceUri: "blob", queueServiceUri: "queue", tableServiceUri: "table" };

/** Case-insensitive view of the app settings; `:` and `__` are the same separator (§7). */
class Settings {
  private readonly map = new Map<string, string>();
  constructor(appSettings: Record<string, string>) {
    for (const [k, v] of Object.entries(appSettings)) {
      if (v !== undefined && v !== null && String(v) !== "") this.map.set(k.toLowerCase().replace(/:/g, "__"), String(v));
    }
  }
  get(name: string): string | undefined {
    return this.map.get(name.toLowerCase().replace(/:/g, "__"));
  }
  has(name: string): boolean {
    return this.get(name) !== undefined;
  }
  hasPrefix(prefix: string): boolean {
    const p = `${prefix.toLowerCase()}__`;
    for (const k of this.map.keys()) if (k.startsWith(p)) return true;
    return false;
  }
}

/**
 * Every binding whose `connection` resolves to no setting: neither `<conn>` (a connection string) nor a complete set of
 * `<conn>__*` identity settings (storage also tries `AzureWebJobs<conn>`; no connection means the binding's default).
 */
export function unresolvedBindings(functions: FunctionBindings[], appSettings: Record<string, string>): UnresolvedBinding[] {
  const settings = new Settings(appSettings);
  const out: UnresolvedBinding[] = [];
  for (const fn of functions) {
    for (const b of fn.bindings) {
      const problem = checkBinding(b, settings);
      if (problem) out.push({ function: fn.name, binding: b.name ?? b.type, bindingType: b.type, ...problem });
    }
  }
  return out;
}

type Problem = Omit<UnresolvedBinding, "function" | "binding" | "bindingType">;

function checkBinding(b: FunctionBinding, settings: Settings): Problem | undefined {
  const family = FAMILY_OF[b.type.toLowerCase()];
  const raw = (b.connection ?? b.connectionStringSetting ?? "").trim();
  if (!family) {
    // Unknown binding type: only a declared connection can be checked (exact name or any identity-based form).
    if (!raw || settings.has(raw) || settings.hasPrefix(raw)) return undefined;
    return {
      connection: raw,
      reason: `no app setting '${raw}' and no '${raw}__*' settings`,
      fix: `add app setting '${raw}' (connection string) or the identity-based '${raw}__*' settings the ${b.type} extension reads`,
      missing: [raw],
      suggestedValues: {},
    };
  }
  const rule = RULES[family];
  const connection = raw || rule.defaultConnection;
  if (!connection) {
    return {
      connection: "",
      reason: `${rule.label} without a 'connection' property has no default setting`,
      fix: `set the binding's 'connection' to the prefix of the settings written for it`,
      missing: [],
      suggestedValues: {},
    };
  }
  const prefixes = [connection];
  if (rule.storage && !/^AzureWebJobs/i.test(connection)) prefixes.push(`AzureWebJobs${connection}`);

  for (const p of prefixes) {
    if (settings.has(p)) return undefined;
    if (rule.storage && p.toLowerCase() === "azurewebjobsstorage" && settings.has(`${p}__accountName`)) return undefined;
    if (rule.identity.some((set) => set.every((prop) => settings.has(`${p}__${prop}`)))) return undefined;
  }

  // Not resolved: report against the prefix that has identity settings already, else the connection as written.
  const prefix = prefixes.find((p) => settings.hasPrefix(p)) ?? connection;
  const best = bestAlternative(rule, prefix, settings);
  const missing = best.filter((prop) => !settings.has(`${prefix}__${prop}`)).map((prop) => `${prefix}__${prop}`);
  const present = best.filter((prop) => settings.has(`${prefix}__${prop}`));
  const suggestedValues = deriveValues(prefix, missing, settings);
  const assignments = missing.map((m) => (suggestedValues[m] ? `${m}=${suggestedValues[m]}` : m)).join(", ");
  if (present.length > 0) {
    return {
      connection,
      reason:
        `identity-based connection '${prefix}' is incomplete: ${rule.label} using ` +
        `${present.map((p) => `${prefix}__${p}`).join(", ")} also needs ${missing.join(", ")}`,
      fix: `add app setting${missing.length > 1 ? "s" : ""} ${assignments}`,
      missing,
      suggestedValues,
    };
  }
  return {
    connection,
    reason: `no app setting '${connection}'${prefixes.length > 1 ? ` or '${prefixes[1]}'` : ""} and no identity-based '${connection}__*' settings`,
    fix:
      `add app setting '${connection}' holding a connection string, or the identity-based settings ${assignments}` +
      ` (with '${connection}__credential=managedidentity', and '${connection}__clientId' for a user-assigned identity)`,
    missing,
    suggestedValues,
  };
}

/** The alternative with the most settings already present (ties: the recommended, first one). */
function bestAlternative(rule: FamilyRule, prefix: string, settings: Settings): string[] {
  let best = rule.identity[0]!;
  let bestCount = -1;
  for (const set of rule.identity) {
    const count = set.filter((prop) => settings.has(`${prefix}__${prop}`)).length;
    if (count > bestCount) {
      best = set;
      bestCount = count;
    }
  }
  return best;
}

/** A missing storage service URI derived from a sibling (`https://a.blob.core.windows.net` → `https://a.queue.…`). */
function deriveValues(prefix: string, missing: string[], settings: Settings): Record<string, string> {
  const out: Record<string, string> = {};
  const siblings = Object.keys(STORAGE_SERVICE_OF)
    .map((prop) => ({ service: STORAGE_SERVICE_OF[prop]!, value: settings.get(`${prefix}__${prop}`) }))
    .filter((s): s is { service: string; value: string } => !!s.value);
  for (const name of missing) {
    const prop = name.slice(prefix.length + 2);
    const target = STORAGE_SERVICE_OF[prop];
    if (!target) continue;
    for (const s of siblings) {
      const re = new RegExp(`^(https?://[^./]+)\\.${s.service}\\.`, "i");
      if (re.test(s.value)) {
        out[name] = s.value.replace(re, `$1.${target}.`);
        break;
      }
    }
  }
  return out;
}
