// SAS authorization rules of a Service Bus / Event Hubs namespace or entity: rights (a non-empty subset of Listen,
// Send, Manage; Manage needs the other two), two keys each, and listKeys with the keys and connection strings
// (`EntityPath` for an entity's rule). RootManageSharedAccessKey exists on every namespace.
// Reference: @azure/arm-servicebus 6.1.0 src/operations/*.ts, @azure/arm-eventhub 6.0.0 api/*/operations.js.
import { ArmError, type Route, type StoredResource } from "../../core/contract.js";
import { crudRoutes, type CrudSpec } from "./crud-routes.js";
import type { MessagingNamespace } from "./messaging-namespaces.js";
import { newKey } from "./random-keys.js";
import { asObject } from "./request-body.js";

interface SasRulePrivate { primaryKey?: string; secondaryKey?: string }

export const ROOT_RULE = "RootManageSharedAccessKey";
export const RIGHTS = ["Listen", "Send", "Manage"];

/** The wire shape of a namespace's child (an authorization rule or an entity): no tags, sku or keys. */
export function renderNamespaceChild(r: StoredResource): Record<string, unknown> {
  return { id: r.id, name: r.name, type: r.type, ...(r.location ? { location: r.location } : {}), properties: r.properties, ...(r.systemData ? { systemData: r.systemData } : {}) };
}

export function sasRule(parent: StoredResource, name: string, rights: string[]): StoredResource & SasRulePrivate {
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
export function sasRuleRoutes(ns: MessagingNamespace, parentT: string, entitySegment: string | undefined, actionBase: string, ruleSegment: string): Route[] {
  const spec: CrudSpec = {
    template: `${parentT}/${ruleSegment}/{authorizationRuleName}`,
    type: `${ns}/Namespaces${entitySegment ? `/${entitySegment}` : ""}/AuthorizationRules`,
    actionPrefix: `${actionBase}/authorizationRules`,
    build(_ctx, { id, name, body, existing, parent }) {
      const rights = validRights(asObject(body.properties).rights);
      const keys = existing as (StoredResource & SasRulePrivate) | undefined;
      return { ...sasRule(parent!, name, rights), id, ...(keys ? { primaryKey: keys.primaryKey, secondaryKey: keys.secondaryKey } : {}) };
    },
    render: renderNamespaceChild,
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
