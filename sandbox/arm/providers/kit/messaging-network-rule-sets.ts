// The singleton networkRuleSets/default of a Service Bus / Event Hubs namespace: ipRules, virtualNetworkRules,
// defaultAction, trustedServiceAccessEnabled and publicNetworkAccess (which a PUT also writes on the namespace).
// Reference: @azure/arm-servicebus 6.1.0 src/operations/namespaces.ts, @azure/arm-eventhub 6.0.0 api/namespaces/operations.js.
import { ArmError, type Route, type RouteContext, type StoredResource } from "../../core/contract.js";
import type { MessagingNamespace } from "./messaging-namespaces.js";
import { asObject } from "./request-body.js";
import { requireResource } from "./resource-lookup.js";
import { fill } from "./route-templates.js";
import { isSubnetId } from "./subnet-ids.js";

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
    if (!isSubnetId(subnet)) {
      throw new ArmError(400, "BadRequest", `The subnet id '${subnet}' is not a valid subnet resource id.`, "properties.virtualNetworkRules");
    }
    return { subnet: { id: subnet }, ignoreMissingVnetServiceEndpoint: o.ignoreMissingVnetServiceEndpoint === true };
  }) : [];
  return {
    publicNetworkAccess: props.publicNetworkAccess ?? "Enabled", defaultAction, virtualNetworkRules: vnetRules, ipRules,
    trustedServiceAccessEnabled: props.trustedServiceAccessEnabled === true,
  };
}

/** GET (one and the one-item list) and PUT of a namespace's networkRuleSets/default; `NS` is the namespace template. */
export function networkRuleSetRoutes(ns: MessagingNamespace, NS: string): Route[] {
  const nsType = `${ns}/namespaces`;
  const ruleSetT = `${NS}/networkRuleSets/default`;
  return [
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
  ];
}
