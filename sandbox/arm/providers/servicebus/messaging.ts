// Microsoft.ServiceBus and Microsoft.EventHub share one resource model: a namespace (serviceBusEndpoint
// https://{ns}.servicebus.windows.net:443/) with SAS authorization rules (RootManageSharedAccessKey on every
// namespace; listKeys answers keys + connection strings), a singleton networkRuleSets/default (ipRules,
// virtualNetworkRules, defaultAction, trustedServiceAccessEnabled, publicNetworkAccess), and entities
// (queues/topics/subscriptions, or eventhubs/consumergroups) each with their own authorization rules.
// Statuses follow the pinned SDKs: namespace PUT 200/201 (LRO), every other PUT 200 only, DELETE 200/204.
// Reference: @azure/arm-servicebus 6.1.0 src/operations/*.ts, @azure/arm-eventhub 6.0.0 api/*/operations.js.
import { ArmError, type Route, type RouteContext, type StoredResource } from "../../core/contract.js";
import { asObject, requireLocation, requireResource } from "../web/resource-helpers.js";
import { crudRoutes, fill, newKey, pick, type CrudSpec } from "./crud.js";

export type MessagingNamespace = "Microsoft.ServiceBus" | "Microsoft.EventHub";

interface SasRulePrivate { primaryKey?: string; secondaryKey?: string }

const ROOT_RULE = "RootManageSharedAccessKey";
const RIGHTS = ["Listen", "Send", "Manage"];

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

function sasRule(parent: StoredResource, name: string, rights: string[]): StoredResource & SasRulePrivate {
  return {
    id: `${parent.id}/authorizationRules/${name}`, name, type: `${parent.type}/AuthorizationRules`, location: parent.location ?? undefined,
    properties: { rights }, primaryKey: newKey(), secondaryKey: newKey(),
  };
}

function validRights(v: unknown): string[] {
  const rights = Array.isArray(v) ? v.map(String) : [];
  if (rights.length === 0 || rights.some((r) => !RIGHTS.includes(r))) {
    throw new ArmError(400, "BadRequest", `The rights of an authorization rule must be a non-empty subset of Listen, Send, Manage; got ${JSON.stringify(v)}.`, "properties.rights");
  }
  if (rights.includes("Manage") && !(rights.includes("Listen") && rights.includes("Send"))) {
    throw new ArmError(400, "BadRequest", "Manage right requires Listen and Send rights as well.", "properties.rights");
  }
  return rights;
}

/** Authorization rules (namespace- or entity-level) under `parentT` (a template), with listKeys. */
function ruleRoutes(ns: MessagingNamespace, parentT: string, entitySegment: string | undefined, actionBase: string, ruleSegment: string): Route[] {
  const spec: CrudSpec = {
    template: `${parentT}/${ruleSegment}/{authorizationRuleName}`,
    type: `${ns}/Namespaces${entitySegment ? `/${entitySegment}` : ""}/AuthorizationRules`,
    actionPrefix: `${actionBase}/authorizationRules`,
    build(_ctx, { id, name, body, existing, parent }) {
      const rights = validRights(asObject(body.properties).rights);
      const keys = existing as (StoredResource & SasRulePrivate) | undefined;
      return { ...sasRule(parent!, name, rights), id, ...(keys ? { primaryKey: keys.primaryKey, secondaryKey: keys.secondaryKey } : {}) };
    },
    render: (r) => ({ id: r.id, name: r.name, type: r.type, ...(r.location ? { location: r.location } : {}), properties: r.properties, ...(r.systemData ? { systemData: r.systemData } : {}) }),
    actions: [{
      segment: "listKeys", action: `${actionBase}/authorizationRules/listKeys/action`,
      handle: (ctx, rule) => {
        const nsName = ctx.params.namespaceName;
        const entity = entitySegment ? ctx.params[Object.keys(ctx.params).find((k) => /^(queueName|topicName|eventHubName)$/.test(k))!] : undefined;
        const keyed = rule as StoredResource & SasRulePrivate;
        const cs = (key: string) => `Endpoint=sb://${nsName}.servicebus.windows.net/;SharedAccessKeyName=${rule.name};SharedAccessKey=${key}${entity ? `;EntityPath=${entity}` : ""}`;
        return {
          status: 200,
          body: {
            primaryConnectionString: cs(keyed.primaryKey!), secondaryConnectionString: cs(keyed.secondaryKey!),
            primaryKey: keyed.primaryKey, secondaryKey: keyed.secondaryKey, keyName: rule.name,
          },
        };
      },
    }],
  };
  // listKeys is `listKeys` on namespace rules and `ListKeys` on queue/topic rules (matching is case-insensitive).
  return crudRoutes(spec);
}

function networkRuleSet(ctx: RouteContext, namespace: StoredResource, ns: MessagingNamespace): StoredResource {
  const stored = ctx.store.get(`${namespace.id}/networkRuleSets/default`);
  return stored ?? {
    id: `${namespace.id}/networkRuleSets/default`, name: "default", type: `${ns}/Namespaces/NetworkRuleSets`, location: namespace.location,
    properties: { publicNetworkAccess: asObject(namespace.properties).publicNetworkAccess ?? "Enabled", defaultAction: "Allow", virtualNetworkRules: [], ipRules: [], trustedServiceAccessEnabled: false },
  };
}

function normaliseRuleSet(props: Record<string, unknown>): Record<string, unknown> {
  const defaultAction = props.defaultAction ?? "Allow";
  if (defaultAction !== "Allow" && defaultAction !== "Deny") throw new ArmError(400, "BadRequest", `Invalid defaultAction '${String(defaultAction)}'; expected Allow or Deny.`, "properties.defaultAction");
  const ipRules = Array.isArray(props.ipRules) ? props.ipRules.map((r) => {
    const mask = String(asObject(r).ipMask ?? "");
    if (!/^\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?$/.test(mask)) throw new ArmError(400, "BadRequest", `The IP mask '${mask}' is not a valid IPv4 address or CIDR range.`, "properties.ipRules");
    return { ipMask: mask, action: "Allow" };
  }) : [];
  const vnetRules = Array.isArray(props.virtualNetworkRules) ? props.virtualNetworkRules.map((r) => {
    const o = asObject(r);
    const subnet = String(asObject(o.subnet).id ?? "");
    if (!/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/virtualNetworks\/[^/]+\/subnets\/[^/]+$/i.test(subnet)) {
      throw new ArmError(400, "BadRequest", `The subnet id '${subnet}' is not a valid subnet resource id.`, "properties.virtualNetworkRules");
    }
    return { subnet: { id: subnet }, ignoreMissingVnetServiceEndpoint: o.ignoreMissingVnetServiceEndpoint === true };
  }) : [];
  return {
    publicNetworkAccess: props.publicNetworkAccess ?? "Enabled", defaultAction, virtualNetworkRules: vnetRules, ipRules,
    trustedServiceAccessEnabled: props.trustedServiceAccessEnabled === true,
  };
}

/** Every route of one messaging provider; `entities` lists its entity collections (child first-level and nested). */
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
  routes.push(...ruleRoutes(ns, NS, undefined, nsType, "authorizationRules"));

  const ruleSetT = `${NS}/networkRuleSets/default`;
  routes.push(
    {
      method: "GET", template: ruleSetT, action: `${nsType}/networkrulesets/read`,
      handle: (ctx) => ({ status: 200, body: networkRuleSet(ctx, requireResource(ctx, fill(NS, ctx.params)), ns) }),
    },
    {
      method: "GET", template: `${NS}/networkRuleSets`, action: `${nsType}/networkrulesets/read`,
      handle: (ctx) => ({ status: 200, body: { value: [networkRuleSet(ctx, requireResource(ctx, fill(NS, ctx.params)), ns)] } }),
    },
    {
      method: "PUT", template: ruleSetT, action: `${nsType}/networkrulesets/write`,
      handle: (ctx) => {
        const namespace = requireResource(ctx, fill(NS, ctx.params));
        const props = normaliseRuleSet(asObject(asObject(ctx.req.body).properties));
        const stored = ctx.store.put({ ...networkRuleSet(ctx, namespace, ns), properties: props });
        ctx.store.put({ ...namespace, properties: { ...namespace.properties, publicNetworkAccess: props.publicNetworkAccess } });
        return { status: 200, body: stored, eventResourceId: stored.id };
      },
    },
  );

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
      render: (r) => ({ id: r.id, name: r.name, type: r.type, ...(r.location ? { location: r.location } : {}), properties: r.properties, ...(r.systemData ? { systemData: r.systemData } : {}) }),
    }));
    if (e.rules) routes.push(...ruleRoutes(ns, template, e.segment, actionBase, "authorizationRules"));
  }
  return routes;
}
