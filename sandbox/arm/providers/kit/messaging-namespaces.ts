// Microsoft.ServiceBus and Microsoft.EventHub share one resource model: a namespace (serviceBusEndpoint
// https://{ns}.servicebus.windows.net:443/) with SAS authorization rules (RootManageSharedAccessKey on every
// namespace; listKeys answers keys + connection strings), a singleton networkRuleSets/default (ipRules,
// virtualNetworkRules, defaultAction, trustedServiceAccessEnabled, publicNetworkAccess), and entities
// (queues/topics/subscriptions, or eventhubs/consumergroups) each with their own authorization rules.
// Statuses follow the pinned SDKs: namespace PUT 200/201 (LRO), every other PUT 200 only, DELETE 200/204.
// Reference: @azure/arm-servicebus 6.1.0 src/operations/*.ts, @azure/arm-eventhub 6.0.0 api/*/operations.js.
import { ArmError, type Route, type StoredResource } from "../../core/contract.js";
import { crudRoutes } from "./crud-routes.js";
import { networkRuleSetRoutes } from "./messaging-network-rule-sets.js";
import { renderNamespaceChild, RIGHTS, ROOT_RULE, sasRule, sasRuleRoutes } from "./messaging-sas-rules.js";
import { asObject, requireLocation } from "./request-body.js";
import { pick } from "./settable-properties.js";

export type MessagingNamespace = "Microsoft.ServiceBus" | "Microsoft.EventHub";

export function namespaceTemplate(ns: MessagingNamespace): string {
  return `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${ns}/namespaces/{namespaceName}`;
}

const NAMESPACE_WRITABLE = [
  "minimumTlsVersion", "publicNetworkAccess", "disableLocalAuth", "zoneRedundant", "encryption", "premiumMessagingPartitions",
  "isAutoInflateEnabled", "maximumThroughputUnits", "kafkaEnabled", "alternateName", "clusterArmId",
] as const;

/** A namespace with its RootManageSharedAccessKey rule (used by PUT and the demo seed). Returns [namespace, rootRule]. */
export function buildMessagingNamespace(ns: MessagingNamespace, options: {
  id: string; location: string; sku?: Record<string, unknown>; tags?: Record<string, string>; properties?: Record<string, unknown>; subscriptionId: string;
}): [StoredResource, StoredResource] {
  const name = options.id.split("/").pop()!;
  const now = new Date().toISOString();
  const skuName = String(options.sku?.name ?? "Standard");
  const base: Record<string, unknown> = {
    provisioningState: "Succeeded", status: "Active", createdAt: now, updatedAt: now,
    serviceBusEndpoint: `https://${name}.servicebus.windows.net:443/`, metricId: `${options.subscriptionId}:${name}`,
    minimumTlsVersion: "1.2", publicNetworkAccess: "Enabled", disableLocalAuth: false, zoneRedundant: false, privateEndpointConnections: [],
    ...(ns === "Microsoft.EventHub" ? { kafkaEnabled: skuName !== "Basic", isAutoInflateEnabled: false, maximumThroughputUnits: 0 } : {}),
  };
  const namespace: StoredResource = {
    id: options.id, name, type: `${ns}/Namespaces`, location: options.location, tags: options.tags ?? {},
    sku: { name: skuName, tier: skuName, ...(ns === "Microsoft.EventHub" ? { capacity: Number(options.sku?.capacity ?? 1) } : {}) },
    properties: pick(base, options.properties, NAMESPACE_WRITABLE),
  };
  return [namespace, sasRule(namespace, ROOT_RULE, RIGHTS)];
}

/** An entity collection of a namespace (queues, topics, subscriptions, event hubs, consumer groups). */
export interface EntitySpec {
  segment: string;
  param: string;
  type: string;
  parentSegment?: { segment: string; param: string };
  writable: readonly string[];
  defaults: Record<string, unknown>;
  rules: boolean;
  /** Adjusts the properties after defaults + body are applied (e.g. partitionIds from partitionCount). */
  finish?(props: Record<string, unknown>): Record<string, unknown>;
  /** Resources Azure creates with a new entity (e.g. an event hub's `$Default` consumer group). */
  createdWith?(entity: StoredResource): StoredResource[];
}

/** Every route of one messaging provider; `entities` lists its entity collections (child first-level and nested). */
export function messagingRoutes(ns: MessagingNamespace, entities: EntitySpec[]): Route[] {
  const NS = namespaceTemplate(ns);
  const nsType = `${ns}/namespaces`;
  const routes: Route[] = crudRoutes({
    template: NS, type: `${ns}/Namespaces`, actionPrefix: nsType, topLevel: true, patch: true, createdStatus: 201,
    build(ctx, { id, body, existing }) {
      if (!existing && !/^[a-zA-Z][a-zA-Z0-9-]{4,48}[a-zA-Z0-9]$/.test(ctx.params.namespaceName)) {
        throw new ArmError(400, "BadRequest", `The specified namespace name '${ctx.params.namespaceName}' is invalid: 6-50 letters, digits and hyphens, starting with a letter and ending with a letter or digit.`);
      }
      const [namespace, root] = buildMessagingNamespace(ns, {
        id, location: existing?.location ?? requireLocation(body), sku: (body.sku as Record<string, unknown>) ?? existing?.sku,
        tags: (body.tags as Record<string, string>) ?? existing?.tags, properties: { ...asObject(existing?.properties), ...asObject(body.properties) }, subscriptionId: ctx.params.subscriptionId,
      });
      if (!existing) ctx.store.put(root);
      return existing ? { ...namespace, properties: { ...namespace.properties, createdAt: asObject(existing.properties).createdAt } } : namespace;
    },
    afterPatch: (_ctx, merged, existing) => ({ ...merged, properties: { ...pick(asObject(existing.properties), merged.properties, NAMESPACE_WRITABLE), updatedAt: new Date().toISOString() } }),
  });
  routes.push(...sasRuleRoutes(ns, NS, undefined, nsType, "authorizationRules"));

  routes.push(...networkRuleSetRoutes(ns, NS));

  for (const e of entities) {
    const parentT = e.parentSegment ? `${NS}/${e.parentSegment.segment}/{${e.parentSegment.param}}` : NS;
    const template = `${parentT}/${e.segment}/{${e.param}}`;
    const actionBase = e.parentSegment ? `${nsType}/${e.parentSegment.segment}/${e.segment}` : `${nsType}/${e.segment}`;
    routes.push(...crudRoutes({
      template, type: e.type, actionPrefix: actionBase,
      build(ctx, { id, name, body, existing }) {
        if (!/^[a-zA-Z0-9$][a-zA-Z0-9._\-/~]{0,259}$/.test(name)) throw new ArmError(400, "BadRequest", `The entity name '${name}' is invalid.`);
        const now = new Date().toISOString();
        const props = pick({ ...e.defaults, ...asObject(existing?.properties), createdAt: asObject(existing?.properties).createdAt ?? now, updatedAt: now }, asObject(body.properties), e.writable);
        const entity: StoredResource = { id, name, type: e.type, ...(existing?.location ? { location: existing.location } : {}), properties: e.finish ? e.finish(props) : props };
        if (!existing) for (const r of e.createdWith?.(entity) ?? []) ctx.store.put(r);
        return entity;
      },
      render: renderNamespaceChild,
    }));
    if (e.rules) routes.push(...sasRuleRoutes(ns, template, e.segment, actionBase, "authorizationRules"));
  }
  return routes;
}
