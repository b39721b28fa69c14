// Event Grid fan-out for the subscription system topic (reference arm-surface §3): every successful ARM
// write/delete/action becomes Microsoft.Resources.Resource{Write,Delete,Action}Success, delivered to
// webhooks (with the SubscriptionValidation handshake first) and/or Azurite storage queues (base64 JSON).
// Filters: includedEventTypes, subjectBeginsWith and the string advanced filters (below); any other advanced
// filter is refused when the subscription is made, never ignored.
import { randomUUID } from "node:crypto";
import https from "node:https";
import { rootCertificates } from "node:tls";
import { QueueClient, StorageSharedKeyCredential, newPipeline, type RequestPolicyFactory } from "@azure/storage-queue";
import { parseResourceId } from "./ids.js";

export type EventKind = "write" | "delete" | "action";

export interface EventGridEvent {
  id: string;
  topic: string;
  subject: string;
  eventType: string;
  eventTime: string;
  data: Record<string, unknown>;
  dataVersion: string;
  metadataVersion: string;
}

export interface WebhookSubscriber {
  kind: "webhook";
  endpoint: string;
  schema?: "EventGridSchema" | "CloudEventSchemaV1_0";
}

export interface QueueSubscriber {
  kind: "queue";
  queueName: string;
  /** Storage connection string; defaults to the emulator's Azurite. */
  connectionString?: string;
}

/**
 * An Event Grid advanced filter as ARM takes it (`filter.advancedFilters[]`). Implemented: the string operators, which
 * compare without regard to case as Event Grid does; a filter matches when any of its values does (the `Not`
 * operators: when none does), and an event matches when every filter does. Keys: `id`, `topic`, `subject`,
 * `eventType`, `dataVersion` (any case) or `data.<path>`. A key the event lacks (or whose value is not a string,
 * number or bool) fails the positive operators and passes the `Not` ones.
 */
export interface AdvancedFilter {
  operatorType: string;
  key: string;
  values: string[];
}

export const ADVANCED_FILTER_OPERATORS = [
  "StringContains", "StringNotContains", "StringBeginsWith", "StringNotBeginsWith",
  "StringEndsWith", "StringNotEndsWith", "StringIn", "StringNotIn",
] as const;

export type SubscriberSpec = (WebhookSubscriber | QueueSubscriber) & {
  name?: string;
  /** Event types to deliver (default: all). */
  includedEventTypes?: string[];
  /** Only subjects beginning with this (case-insensitive). */
  subjectBeginsWith?: string;
  /** Every one must match (see AdvancedFilter). At most 25 filters and 25 values in all, as in Event Grid. */
  advancedFilters?: AdvancedFilter[];
};

export type Subscriber = SubscriberSpec & {
  name: string;
  validated: boolean;
  delivered: number;
  failed: number;
  lastError?: string;
};

export interface ResourceEventInput {
  kind: EventKind;
  resourceId: string;
  action: string;
  method: string;
  url: string;
  subscriptionId: string;
  tenantId: string;
  correlationId: string;
  clientRequestId?: string;
  claims: Record<string, string>;
  evidence?: Record<string, string>;
}

const EVENT_TYPES: Record<EventKind, string> = {
  write: "Microsoft.Resources.ResourceWriteSuccess",
  delete: "Microsoft.Resources.ResourceDeleteSuccess",
  action: "Microsoft.Resources.ResourceActionSuccess",
};

export function buildResourceEvent(e: ResourceEventInput): EventGridEvent {
  const p = parseResourceId(e.resourceId);
  return {
    id: randomUUID(),
    topic: `/subscriptions/${e.subscriptionId}`,
    subject: e.resourceId,
    eventType: EVENT_TYPES[e.kind],
    eventTime: new Date().toISOString(),
    data: {
      authorization: { scope: e.resourceId, action: e.action, evidence: e.evidence ?? {} },
      claims: e.claims,
      correlationId: e.correlationId,
      httpRequest: { clientRequestId: e.clientRequestId ?? "", clientIpAddress: "127.0.0.1", method: e.method, url: e.url },
      resourceProvider: p.namespace ?? "Microsoft.Resources",
      resourceUri: e.resourceId,
      operationName: e.action,
      status: "Succeeded",
      subscriptionId: e.subscriptionId,
      tenantId: e.tenantId,
      ...(p.resourceGroup ? { resourceGroup: p.resourceGroup } : {}),
    },
    dataVersion: "2",
    metadataVersion: "1",
  };
}

function toCloudEvent(e: EventGridEvent): Record<string, unknown> {
  return { specversion: "1.0", type: e.eventType, source: e.topic, subject: e.subject, id: e.id, time: e.eventTime, data: e.data };
}

const ENVELOPE_KEYS: Record<string, keyof EventGridEvent> = {
  id: "id", topic: "topic", subject: "subject", eventtype: "eventType", dataversion: "dataVersion",
};

/** Throws, naming what the sandbox does not implement, unless every filter is one it evaluates. */
export function validateAdvancedFilters(filters: unknown): AdvancedFilter[] {
  if (filters === undefined) return [];
  if (!Array.isArray(filters)) throw new Error("advancedFilters must be an array");
  let values = 0;
  for (const f of filters as Partial<AdvancedFilter>[]) {
    const op = String(f?.operatorType ?? "");
    if (!(ADVANCED_FILTER_OPERATORS as readonly string[]).includes(op)) {
      throw new Error(`advanced filter operatorType '${op}' is not implemented by the sandbox's Event Grid (implemented: ${ADVANCED_FILTER_OPERATORS.join(", ")})`);
    }
    const key = String(f.key ?? "");
    if (!Object.hasOwn(ENVELOPE_KEYS, key.toLowerCase()) && !/^data(\.[^.]+)+$/.test(key)) {
      throw new Error(`advanced filter key '${key}' is not one of id, topic, subject, eventType, dataVersion or data.<path>`);
    }
    if (!Array.isArray(f.values) || f.values.length === 0 || f.values.some((v) => typeof v !== "string")) {
      throw new Error(`advanced filter ${op} on '${key}' needs a non-empty array of string values`);
    }
    values += f.values.length;
  }
  if (filters.length > 25 || values > 25) throw new Error("an event subscription takes at most 25 advanced filters and 25 filter values in all");
  return filters as AdvancedFilter[];
}

function filterValue(event: EventGridEvent, key: string): string | undefined {
  const envelope = Object.hasOwn(ENVELOPE_KEYS, key.toLowerCase()) ? ENVELOPE_KEYS[key.toLowerCase()] : undefined;
  let value: unknown = envelope ? event[envelope] : event;
  if (!envelope) for (const step of key.split(".")) value = value !== null && typeof value === "object" ? (value as Record<string, unknown>)[step] : undefined;
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? String(value).toLowerCase() : undefined;
}

function advancedFilterMatches(f: AdvancedFilter, event: EventGridEvent): boolean {
  const negated = f.operatorType.startsWith("StringNot");
  const actual = filterValue(event, f.key);
  if (actual === undefined) return negated;
  const test = (v: string): boolean => {
    const want = v.toLowerCase();
    switch (f.operatorType.replace(/^StringNot/, "String")) {
      case "StringContains": return actual.includes(want);
      case "StringBeginsWith": return actual.startsWith(want);
      case "StringEndsWith": return actual.endsWith(want);
      default: return actual === want; // StringIn
    }
  };
  const any = f.values.some(test);
  return negated ? !any : any;
}

/** Whether a subscription's filters let the event through. */
export function subscriberMatches(sub: Pick<SubscriberSpec, "includedEventTypes" | "subjectBeginsWith" | "advancedFilters">, event: EventGridEvent): boolean {
  if (sub.includedEventTypes && !sub.includedEventTypes.some((t) => t.toLowerCase() === event.eventType.toLowerCase())) return false;
  if (sub.subjectBeginsWith && !event.subject.toLowerCase().startsWith(sub.subjectBeginsWith.toLowerCase())) return false;
  return (sub.advancedFilters ?? []).every((f) => advancedFilterMatches(f, event));
}

export class EventGridFanout {
  private subscribers: Subscriber[] = [];
  private pending = new Set<Promise<void>>();
  private chains = new Map<string, Promise<void>>();
  readonly published: EventGridEvent[] = [];

  /** Sends queue deliveries over an agent that also trusts `ca` (the sandbox CA, which Azurite's HTTPS certificate
   *  chains to), so the process hosting the emulator (`npm start`) needs no NODE_EXTRA_CA_CERTS of its own. */
  private readonly trust?: RequestPolicyFactory;

  constructor(private readonly defaultConnectionString?: string, ca?: string) {
    if (!ca) return;
    const agent = new https.Agent({ keepAlive: true, ca: [...rootCertificates, ca] });
    this.trust = { create: (next) => ({ sendRequest: (request) => next.sendRequest(Object.assign(request, { agent })) }) };
  }

  async subscribe(spec: SubscriberSpec): Promise<Subscriber> {
    if (spec.kind === "queue" && !spec.connectionString && !this.defaultConnectionString)
      throw new Error("queue subscriber needs a connectionString (the emulator was started without Azurite)");
    validateAdvancedFilters(spec.advancedFilters);
    const sub: Subscriber = { ...spec, name: spec.name ?? `sub-${randomUUID().slice(0, 8)}`, validated: spec.kind === "queue", delivered: 0, failed: 0 };
    if (sub.kind === "webhook") await this.validate(sub);
    else await this.queueClient(sub).createIfNotExists();
    this.subscribers = this.subscribers.filter((s) => s.name !== sub.name).concat(sub);
    return { ...sub };
  }

  unsubscribe(name: string): boolean {
    const n = this.subscribers.length;
    this.subscribers = this.subscribers.filter((s) => s.name !== name);
    return n !== this.subscribers.length;
  }

  list(): Subscriber[] {
    return this.subscribers.map((s) => ({ ...s }));
  }

  clear(): void {
    this.subscribers = [];
    this.published.length = 0;
  }

  publish(event: EventGridEvent): void {
    this.published.push(event);
    if (this.published.length > 5000) this.published.splice(0, this.published.length - 5000);
    for (const sub of this.subscribers) {
      if (!subscriberMatches(sub, event)) continue;
      // Per-subscriber chain keeps delivery in publish order.
      const prev = this.chains.get(sub.name) ?? Promise.resolve();
      const next = prev.then(() => this.deliver(sub, event));
      this.chains.set(sub.name, next);
      this.pending.add(next);
      void next.finally(() => this.pending.delete(next));
    }
  }

  /** Resolves when every delivery started so far has finished (or failed). */
  async flush(timeoutMs = 10_000): Promise<void> {
    const all = Promise.allSettled([...this.pending]);
    await Promise.race([all, new Promise((r) => setTimeout(r, timeoutMs).unref())]);
  }

  private queueClient(sub: QueueSubscriber): QueueClient {
    const connectionString = sub.connectionString ?? this.defaultConnectionString!;
    const client = new QueueClient(connectionString, sub.queueName);
    const key = /(?:^|;)\s*AccountKey=([^;]+)/i.exec(connectionString)?.[1];
    if (!this.trust || !key || !client.url.startsWith("https:")) return client;
    const pipeline = newPipeline(new StorageSharedKeyCredential(client.accountName, key));
    pipeline.factories.push(this.trust);
    return new QueueClient(client.url, pipeline);
  }

  private async validate(sub: Subscriber & WebhookSubscriber): Promise<void> {
    if (sub.schema === "CloudEventSchemaV1_0") {
      const res = await fetch(sub.endpoint, { method: "OPTIONS", headers: { "WebHook-Request-Origin": "eventgrid.azure.net" }, signal: AbortSignal.timeout(30_000) });
      const allowed = res.headers.get("webhook-allowed-origin");
      if (res.status !== 200 || (allowed !== "*" && allowed?.toLowerCase() !== "eventgrid.azure.net"))
        throw new Error(`webhook ${sub.endpoint} rejected the CloudEvents abuse-protection handshake (status ${res.status})`);
      sub.validated = true;
      return;
    }
    const validationCode = randomUUID();
    const event = {
      id: randomUUID(), topic: "", subject: "",
      data: { validationCode, validationUrl: `${sub.endpoint}#validation-not-supported-by-emulator` },
      eventType: "Microsoft.EventGrid.SubscriptionValidationEvent", eventTime: new Date().toISOString(),
      metadataVersion: "1", dataVersion: "1",
    };
    const res = await fetch(sub.endpoint, {
      method: "POST",
      headers: { "content-type": "application/json; charset=utf-8", "aeg-event-type": "SubscriptionValidation",
        "aeg-subscription-name": sub.name.toUpperCase(), "aeg-data-version": "1", "aeg-metadata-version": "1", "aeg-delivery-count": "0" },
      body: JSON.stringify([event]),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    let code: unknown;
    try { code = (JSON.parse(text) as { validationResponse?: unknown }).validationResponse; } catch { /* not JSON */ }
    if (res.status !== 200 || code !== validationCode)
      throw new Error(`webhook ${sub.endpoint} failed the SubscriptionValidation handshake (status ${res.status})`);
    sub.validated = true;
  }

  private async deliver(sub: Subscriber, event: EventGridEvent): Promise<void> {
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        if (sub.kind === "queue") {
          const json = JSON.stringify(event);
          await this.queueClient(sub).sendMessage(Buffer.from(json, "utf8").toString("base64"));
        } else {
          const cloud = sub.schema === "CloudEventSchemaV1_0";
          const res = await fetch(sub.endpoint, {
            method: "POST",
            headers: {
              "content-type": cloud ? "application/cloudevents-batch+json; charset=utf-8" : "application/json; charset=utf-8",
              "aeg-event-type": "Notification", "aeg-subscription-name": sub.name.toUpperCase(),
              "aeg-delivery-count": String(attempt - 1), "aeg-data-version": event.dataVersion, "aeg-metadata-version": event.metadataVersion,
            },
            body: JSON.stringify(cloud ? [toCloudEvent(event)] : [event]),
            signal: AbortSignal.timeout(30_000),
          });
          await res.arrayBuffer();
          if (res.status < 200 || res.status > 204) throw new Error(`webhook answered ${res.status}`);
        }
        sub.delivered++;
        return;
      } catch (e) {
        sub.lastError = (e as Error).message;
        if (attempt < 3) await new Promise((r) => setTimeout(r, 100 * attempt));
      }
    }
    sub.failed++;
  }
}
