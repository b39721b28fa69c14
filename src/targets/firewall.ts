// Target firewalls, in one shape: default action, the "allow trusted Azure services" bypass, IP rules and
// virtual-network rules. One adapter per target resource type; the firewall step works on this shape only.
import type { ArmClients } from "../azure/clients.js";
import { parseResourceId } from "../azure/resourceId.js";

export interface FirewallState {
  /** "Allow": public access open (no rule needed); "Deny": only listed rules get in. */
  defaultAction: "Allow" | "Deny";
  allowAzureServices: boolean;
  ipRules: string[];
  subnetIds: string[];
}

/** One adapter serves one read-modify-write: write() builds on the rule set its read() fetched (the fields this
 *  shape does not carry are kept whole) and reads only when it was not read first. */
export interface FirewallAdapter {
  read(): Promise<FirewallState>;
  write(state: FirewallState): Promise<void>;
}

export const FIREWALL_TARGET_TYPES = ["Microsoft.Storage/storageAccounts", "Microsoft.KeyVault/vaults"];

/** The firewall that guards a target (a storage sub-service id resolves to its account). */
export function firewallFor(clients: ArmClients, targetId: string): FirewallAdapter | undefined {
  const id = parseResourceId(targetId);
  if (!id) return undefined;
  const ns = id.namespace.toLowerCase();
  const type = id.types[0]?.toLowerCase();
  const name = id.names[0]!;
  if (ns === "microsoft.storage" && type === "storageaccounts") {
    const accounts = () => clients.storage(id.subscriptionId).storageAccounts;
    let lastRead: Awaited<ReturnType<ReturnType<typeof accounts>["getProperties"]>>["networkRuleSet"] | undefined;
    const fetchAcls = async () => (lastRead = (await accounts().getProperties(id.resourceGroup, name)).networkRuleSet);
    return {
      async read() {
        const acls = await fetchAcls();
        return {
          defaultAction: acls?.defaultAction === "Deny" ? "Deny" : "Allow",
          allowAzureServices: (acls?.bypass ?? "AzureServices").includes("AzureServices"),
          ipRules: (acls?.ipRules ?? []).map((r) => r.iPAddressOrRange),
          subnetIds: (acls?.virtualNetworkRules ?? []).map((r) => r.virtualNetworkResourceId),
        };
      },
      async write(s) {
        const current = lastRead ?? await fetchAcls();
        const bypass = withAzureServices(current?.bypass ?? "AzureServices", s.allowAzureServices);
        await accounts().update(id.resourceGroup, name, {
          networkRuleSet: {
            ...current,
            defaultAction: s.defaultAction,
            bypass: bypass as never,
            ipRules: s.ipRules.map((ip) => ({ iPAddressOrRange: ip, action: "Allow" as const })),
            // Existing subnet rules are kept whole (their state, action); only new ones are added.
            virtualNetworkRules: s.subnetIds.map((sid) => current?.virtualNetworkRules?.find((r) => sameId(r.virtualNetworkResourceId, sid))
              ?? { virtualNetworkResourceId: sid, action: "Allow" as const }),
          },
        });
      },
    };
  }
  if (ns === "microsoft.keyvault" && type === "vaults") {
    const vaults = () => clients.keyVault(id.subscriptionId).vaults;
    let lastRead: Awaited<ReturnType<ReturnType<typeof vaults>["get"]>>["properties"]["networkAcls"] | undefined;
    const fetchAcls = async () => (lastRead = (await vaults().get(id.resourceGroup, name)).properties?.networkAcls);
    return {
      async read() {
        const acls = await fetchAcls();
        return {
          defaultAction: acls?.defaultAction === "Deny" ? "Deny" : "Allow",
          allowAzureServices: (acls?.bypass ?? "AzureServices") === "AzureServices",
          ipRules: (acls?.ipRules ?? []).map((r) => r.value),
          subnetIds: (acls?.virtualNetworkRules ?? []).map((r) => r.id),
        };
      },
      async write(s) {
        // networkAcls is replaced whole: existing subnet rules keep their fields (ignoreMissingVnetServiceEndpoint).
        const current = lastRead ?? await fetchAcls();
        await vaults().update(id.resourceGroup, name, {
          properties: {
            networkAcls: {
              defaultAction: s.defaultAction,
              bypass: s.allowAzureServices ? "AzureServices" : "None",
              ipRules: s.ipRules.map((value) => ({ value })),
              virtualNetworkRules: s.subnetIds.map((sid) => current?.virtualNetworkRules?.find((r) => sameId(r.id, sid)) ?? { id: sid }),
            },
          },
        });
      },
    };
  }
  return undefined;
}

function sameId(a: string | undefined, b: string): boolean {
  return (a ?? "").toLowerCase() === b.toLowerCase();
}

function withAzureServices(bypass: string, on: boolean): string {
  const parts = bypass.split(",").map((p) => p.trim()).filter((p) => p && p !== "None" && p !== "AzureServices");
  if (on) parts.push("AzureServices");
  return parts.length ? parts.join(", ") : "None";
}
