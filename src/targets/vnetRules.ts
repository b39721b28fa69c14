// Target virtual-network rules (the "selected networks" list a service endpoint makes usable), in one shape:
// the subnet ids a target admits. One adapter per target type; the service-endpoint step works on this shape only.
// Every write re-reads right before writing and touches only the rule it adds or removes: other rules, the default
// action, IP rules and the bypass stay as they are.
//  - storage:     account PATCH `networkAcls.virtualNetworkRules[].id` (SDK `networkRuleSet…virtualNetworkResourceId`)
//  - key vault:   vault PATCH `properties.networkAcls.virtualNetworkRules[].id`
//  - service bus / event hubs: PUT `{namespace}/networkRuleSets/default`, `virtualNetworkRules[].subnet.id`
//  - sql:         one child `{server}/virtualNetworkRules/{name}` per subnet, `properties.virtualNetworkSubnetId`
//  - cosmos db:   account PATCH `properties.virtualNetworkRules[].id` (isVirtualNetworkFilterEnabled is left alone)
// The last three go through the generic ARM client (the factory has no typed client for them).
import { createHash } from "node:crypto";
import type { ArmClients } from "../azure/clients.js";
import { genericArm } from "../azure/armGeneric.js";
import { parseResourceId, sameResourceId, type ParsedResourceId } from "../azure/resourceId.js";
import { apiVersionFor } from "../azure/apiVersions.js";

export interface VnetRulesAdapter {
  /** The subnet ids the target's virtual-network rules admit, as the target reports them. */
  read(): Promise<string[]>;
  /** Adds a rule for the subnet; false (and no write) when one is there already. */
  add(subnetId: string): Promise<boolean>;
  /** Removes the rules naming the subnet; false (and no write) when there is none. */
  remove(subnetId: string): Promise<boolean>;
  /** The Azure CLI command that adds the rule by hand. */
  addCommand(subnetId: string): string;
  /** Why the target's rules might not take effect although present (a setting linkwright does not change), if any. */
  caveat?(): Promise<string | undefined>;
}

/** Target types (top-level) with a virtual-network rule adapter, and the subnet service endpoint each one needs. */
export const VNET_RULE_TARGETS: Record<string, string> = {
  "microsoft.storage/storageaccounts": "Microsoft.Storage",
  "microsoft.keyvault/vaults": "Microsoft.KeyVault",
  "microsoft.sql/servers": "Microsoft.Sql",
  "microsoft.servicebus/namespaces": "Microsoft.ServiceBus",
  "microsoft.eventhub/namespaces": "Microsoft.EventHub",
  "microsoft.documentdb/databaseaccounts": "Microsoft.AzureCosmosDB",
};

function topLevelType(id: ParsedResourceId): string {
  return `${id.namespace}/${id.types[0]}`.toLowerCase();
}

/** The top-level resource of a target id (a storage blob service → its account, a SQL database → its server). */
export function topLevelResourceId(targetResourceId: string): string | undefined {
  const id = parseResourceId(targetResourceId);
  if (!id) return undefined;
  return `/subscriptions/${id.subscriptionId}/resourceGroups/${id.resourceGroup}/providers/${id.namespace}/${id.types[0]}/${id.names[0]}`;
}

/** The subnet service endpoint (e.g. Microsoft.Storage) a target needs, or undefined when linkwright has no adapter for it. */
export function serviceEndpointServiceFor(targetResourceId: string): string | undefined {
  const id = parseResourceId(targetResourceId);
  return id ? VNET_RULE_TARGETS[topLevelType(id)] : undefined;
}

const has = (ids: string[], subnetId: string) => ids.some((s) => sameResourceId(s, subnetId));

/** The virtual-network rules of a target (any id under a supported top-level resource), or undefined if unsupported. */
export function vnetRulesFor(clients: ArmClients, targetResourceId: string): VnetRulesAdapter | undefined {
  const id = parseResourceId(targetResourceId);
  if (!id) return undefined;
  const top = topLevelResourceId(targetResourceId)!;
  const rg = id.resourceGroup;
  const name = id.names[0]!;
  switch (topLevelType(id)) {
    case "microsoft.storage/storageaccounts": return storageRules(clients, id.subscriptionId, rg, name);
    case "microsoft.keyvault/vaults": return keyVaultRules(clients, id.subscriptionId, rg, name);
    case "microsoft.servicebus/namespaces":
    case "microsoft.eventhub/namespaces": return messagingRules(clients, id.subscriptionId, top);
    case "microsoft.sql/servers": return sqlRules(clients, id.subscriptionId, top);
    case "microsoft.documentdb/databaseaccounts": return cosmosRules(clients, id.subscriptionId, top);
    default: return undefined;
  }
}

/** Read-merge-write over a list-valued rule set: `load` returns the current list and a writer for a new list. */
function listAdapter<R>(
  addCommand: (subnetId: string) => string,
  load: () => Promise<{ rules: R[]; subnetOf: (r: R) => string; make: (subnetId: string) => R; write: (rules: R[]) => Promise<void> }>,
): VnetRulesAdapter {
  return {
    addCommand,
    async read() {
      const { rules, subnetOf } = await load();
      return rules.map(subnetOf);
    },
    async add(subnetId) {
      const { rules, subnetOf, make, write } = await load();
      if (has(rules.map(subnetOf), subnetId)) return false;
      await write([...rules, make(subnetId)]);
      return true;
    },
    async remove(subnetId) {
      const { rules, subnetOf, write } = await load();
      const kept = rules.filter((r) => !sameResourceId(subnetOf(r), subnetId));
      if (kept.length === rules.length) return false;
      await write(kept);
      return true;
    },
  };
}

function storageRules(clients: ArmClients, sub: string, rg: string, name: string): VnetRulesAdapter {
  const accounts = () => clients.storage(sub).storageAccounts;
  const cmd = (subnetId: string) => `az storage account network-rule add --resource-group ${rg} --account-name ${name} --subnet ${subnetId}`;
  return listAdapter(cmd, async () => {
    const current = (await accounts().getProperties(rg, name)).networkRuleSet;
    return {
      rules: current?.virtualNetworkRules ?? [],
      subnetOf: (r) => r.virtualNetworkResourceId,
      make: (subnetId) => ({ virtualNetworkResourceId: subnetId, action: "Allow" as const }),
      async write(virtualNetworkRules) {
        // PATCH replaces networkAcls wholesale: send the set as read, default action included, with the new rule list.
        await accounts().update(rg, name, {
          networkRuleSet: { ...current, defaultAction: current?.defaultAction ?? "Allow", virtualNetworkRules },
        });
      },
    };
  });
}

function keyVaultRules(clients: ArmClients, sub: string, rg: string, name: string): VnetRulesAdapter {
  const vaults = () => clients.keyVault(sub).vaults;
  const cmd = (subnetId: string) => `az keyvault network-rule add --resource-group ${rg} --name ${name} --subnet ${subnetId}`;
  return listAdapter(cmd, async () => {
    const current = (await vaults().get(rg, name)).properties?.networkAcls;
    return {
      rules: current?.virtualNetworkRules ?? [],
      subnetOf: (r) => r.id,
      make: (subnetId) => ({ id: subnetId }),
      async write(virtualNetworkRules) {
        await vaults().update(rg, name, { properties: { networkAcls: { ...current, virtualNetworkRules } } });
      },
    };
  });
}

interface MessagingRule { subnet?: { id?: string }; ignoreMissingVnetServiceEndpoint?: boolean }

function messagingRules(clients: ArmClients, sub: string, namespaceId: string): VnetRulesAdapter {
  const ruleSetId = `${namespaceId}/networkRuleSets/default`;
  const resources = () => clients.resources(sub).resources;
  const version = apiVersionFor(namespaceId);
  const ns = parseResourceId(namespaceId)!;
  const group = ns.namespace.toLowerCase() === "microsoft.eventhub" ? "eventhubs" : "servicebus";
  const cmd = (subnetId: string) =>
    `az ${group} namespace network-rule-set virtual-network-rule add --resource-group ${ns.resourceGroup} --namespace-name ${ns.names[0]} --subnet id=${subnetId}`;
  return listAdapter(cmd, async () => {
    const props = ((await resources().getById(ruleSetId, version)).properties ?? {}) as Record<string, unknown>;
    return {
      rules: (props.virtualNetworkRules as MessagingRule[] | undefined) ?? [],
      subnetOf: (r) => r.subnet?.id ?? "",
      make: (subnetId) => ({ subnet: { id: subnetId }, ignoreMissingVnetServiceEndpoint: false }),
      async write(virtualNetworkRules) {
        await resources().createOrUpdateById(ruleSetId, version, { properties: { ...props, virtualNetworkRules } });
      },
    };
  });
}

interface CosmosRule { id?: string; ignoreMissingVNetServiceEndpoint?: boolean }

function cosmosRules(clients: ArmClients, sub: string, accountId: string): VnetRulesAdapter {
  const resources = () => clients.resources(sub).resources;
  const version = apiVersionFor(accountId);
  const acct = parseResourceId(accountId)!;
  const cmd = (subnetId: string) => `az cosmosdb network-rule add --resource-group ${acct.resourceGroup} --name ${acct.names[0]} --subnet ${subnetId}`;
  // Cosmos DB applies virtual-network rules only with isVirtualNetworkFilterEnabled; switching it on would close an
  // open account to everything but the listed subnets, so linkwright leaves it to the owner and says so.
  const caveat = async () => {
    const props = ((await resources().getById(accountId, version)).properties ?? {}) as Record<string, unknown>;
    if (props.isVirtualNetworkFilterEnabled === true || !(props.ipRules as unknown[] | undefined)?.length) return undefined;
    return `${accountId} has IP rules but isVirtualNetworkFilterEnabled is off, so its virtual-network rules are not applied and ` +
      "requests from a subnet with the Microsoft.AzureCosmosDB service endpoint no longer match its IP rules. Turn the filter on: " +
      `az cosmosdb update --resource-group ${acct.resourceGroup} --name ${acct.names[0]} --enable-virtual-network true`;
  };
  return { caveat, ...listAdapter(cmd, async () => {
    const props = ((await resources().getById(accountId, version)).properties ?? {}) as Record<string, unknown>;
    return {
      rules: (props.virtualNetworkRules as CosmosRule[] | undefined) ?? [],
      subnetOf: (r) => r.id ?? "",
      make: (subnetId) => ({ id: subnetId, ignoreMissingVNetServiceEndpoint: false }),
      async write(virtualNetworkRules) {
        await resources().updateById(accountId, version, { properties: { virtualNetworkRules } });
      },
    };
  }) };
}

/** SQL virtual-network rules are child resources, one per subnet; linkwright names the ones it creates after the subnet. */
export function sqlVnetRuleName(subnetId: string): string {
  const m = /\/virtualNetworks\/([^/]+)\/subnets\/([^/]+)$/i.exec(subnetId);
  const hash = createHash("sha256").update(subnetId.toLowerCase()).digest("hex").slice(0, 8);
  const base = `lw-${m?.[1] ?? "vnet"}-${m?.[2] ?? "subnet"}`.replace(/[^A-Za-z0-9_.-]+/g, "-").slice(0, 110);
  return `${base}-${hash}`;
}

interface SqlRule { id: string; properties?: { virtualNetworkSubnetId?: string } }

function sqlRules(clients: ArmClients, sub: string, serverId: string): VnetRulesAdapter {
  const resources = () => clients.resources(sub).resources;
  const version = apiVersionFor(serverId);
  const list = async (): Promise<SqlRule[]> => {
    const page = (await genericArm(clients).getResource(`${serverId}/virtualNetworkRules`)) as { value?: SqlRule[]; nextLink?: string };
    if (page.nextLink) throw new Error(`The virtual-network rules of ${serverId} span several pages; linkwright reads one page only.`);
    return page.value ?? [];
  };
  const subnetOf = (r: SqlRule) => r.properties?.virtualNetworkSubnetId ?? "";
  const server = parseResourceId(serverId)!;
  return {
    addCommand: (subnetId) =>
      `az sql server vnet-rule create --resource-group ${server.resourceGroup} --server ${server.names[0]} --name ${sqlVnetRuleName(subnetId)} --subnet ${subnetId}`,
    async read() {
      return (await list()).map(subnetOf);
    },
    async add(subnetId) {
      if (has((await list()).map(subnetOf), subnetId)) return false;
      await resources().createOrUpdateById(`${serverId}/virtualNetworkRules/${sqlVnetRuleName(subnetId)}`, version, {
        properties: { virtualNetworkSubnetId: subnetId, ignoreMissingVnetServiceEndpoint: false },
      });
      return true;
    },
    async remove(subnetId) {
      const matching = (await list()).filter((r) => sameResourceId(subnetOf(r), subnetId));
      for (const rule of matching) await resources().deleteById(rule.id, version);
      return matching.length > 0;
    },
  };
}
