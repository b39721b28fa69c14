// Network (vNetSolution type serviceEndpoint): let the source's outbound subnet through the target's firewall by
// a virtual-network rule, which needs the target's service endpoint (e.g. Microsoft.Storage) on that subnet.
// apply: adds the service endpoint to the subnet (read-modify-write of the subnet, everything else kept), then the
// subnet's rule to the target (should the rule fail, the endpoint it added comes off again). Only what is missing is
// written; the target's default action is never changed.
// compensate: removes exactly what apply added, rule first, and only where it is still there.
// A delete keeps them while another connection of the source applied the same subnet and target; that connection
// then undoes both what it added and what this one did.
import type { Subnet } from "@azure/arm-network";
import { parseResourceId, sameResourceId } from "../azure/resourceId.js";
import type { ArmClients } from "../azure/clients.js";
import { serviceEndpointServiceFor, topLevelResourceId, vnetRulesFor, type VnetRulesAdapter } from "../targets/vnetRules.js";
import type { CheckResult, Step, StepContext, StepOutcome, StepPlan } from "./step.js";
import type { ServiceEndpointInput } from "../model/steps.js";

const SUBNET_WRITE = "Microsoft.Network/virtualNetworks/subnets/write";
const SUBNET_JOIN = "Microsoft.Network/virtualNetworks/subnets/joinViaServiceEndpoint/action";

/** The action a subnet rule on the target needs (a write of the target, or of its virtualNetworkRules child). */
export function vnetRuleAction(targetId: string): string {
  const type = parseResourceId(targetId)?.fullType ?? "";
  return type.toLowerCase() === "microsoft.sql/servers" ? "Microsoft.Sql/servers/virtualNetworkRules/write" : `${type}/write`;
}

export interface ServiceEndpointPrior {
  /** The service endpoint this step added to the subnet; absent when it was there already. */
  addedServiceEndpoint?: string;
  /** The subnet whose virtual-network rule this step added to the target; absent when the rule was there already. */
  addedRuleSubnetId?: string;
}

/** The step's input for a source subnet and a target (any id under the target resource), or undefined when
 *  linkwright cannot configure virtual-network rules on that target type. */
export function serviceEndpointInputFor(o: { subnetId: string; targetResourceId: string }): ServiceEndpointInput | undefined {
  const serviceName = serviceEndpointServiceFor(o.targetResourceId);
  const targetId = topLevelResourceId(o.targetResourceId);
  if (!serviceName || !targetId) return undefined;
  return { subnetId: o.subnetId, targetId, serviceName };
}

/** The 400 message when the source has no outbound subnet (not integrated with a virtual network). */
export function noVnetIntegrationMessage(sourceId: string): string {
  return `vNetSolution type 'serviceEndpoint' needs the source '${sourceId}' to be integrated with a virtual network ` +
    "(App Service regional VNet integration, or a Container Apps environment in a virtual network); it is not. " +
    "Integrate it first (e.g. az webapp vnet-integration add --vnet <vnet> --subnet <subnet>), or choose another network solution.";
}

/** The 400 message when linkwright has no virtual-network rule adapter for the target type. */
export function serviceEndpointUnsupportedMessage(targetResourceId: string): string {
  const type = parseResourceId(targetResourceId)?.fullType ?? targetResourceId;
  return `vNetSolution type 'serviceEndpoint' is not supported for '${type}' targets by linkwright. Supported: ` +
    "Microsoft.Storage/storageAccounts, Microsoft.KeyVault/vaults, Microsoft.Sql/servers, Microsoft.ServiceBus/namespaces, " +
    "Microsoft.EventHub/namespaces, Microsoft.DocumentDB/databaseAccounts.";
}

/** A subnet as @azure/arm-network addresses it. */
function subnetRef(subnetId: string) {
  const id = parseResourceId(subnetId);
  const ok = id && id.namespace.toLowerCase() === "microsoft.network" && id.types.length === 2
    && id.types[0]!.toLowerCase() === "virtualnetworks" && id.types[1]!.toLowerCase() === "subnets";
  if (!ok) throw new Error(`'${subnetId}' is not a subnet id (…/providers/Microsoft.Network/virtualNetworks/{vnet}/subnets/{subnet}).`);
  return { subscriptionId: id.subscriptionId, resourceGroup: id.resourceGroup, vnet: id.names[0]!, subnet: id.names[1]! };
}

function subnets(clients: ArmClients, subnetId: string) {
  const ref = subnetRef(subnetId);
  const ops = () => clients.network(ref.subscriptionId).subnets;
  return {
    get: () => ops().get(ref.resourceGroup, ref.vnet, ref.subnet),
    /** PUT of the subnet as read with a new service endpoint list (read-only fields are not sent by the SDK). */
    put: async (current: Subnet, serviceEndpoints: Subnet["serviceEndpoints"]) => {
      await ops().createOrUpdate(ref.resourceGroup, ref.vnet, ref.subnet, { ...current, serviceEndpoints });
    },
  };
}

/** Whether a service endpoint entry serves the service (Microsoft.Storage.Global also serves Microsoft.Storage). */
function serves(endpointService: string | undefined, service: string): boolean {
  const e = (endpointService ?? "").toLowerCase();
  const s = service.toLowerCase();
  return e === s || (s === "microsoft.storage" && e === "microsoft.storage.global");
}

function rules(input: ServiceEndpointInput, ctx: StepContext): VnetRulesAdapter {
  const adapter = vnetRulesFor(ctx.clients, input.targetId);
  if (!adapter) throw new Error(serviceEndpointUnsupportedMessage(input.targetId));
  return adapter;
}

interface Missing {
  subnet: Subnet;
  serviceEndpoint: boolean;
  rule: boolean;
}

async function missing(input: ServiceEndpointInput, ctx: StepContext): Promise<Missing> {
  const [subnet, admitted] = await Promise.all([subnets(ctx.clients, input.subnetId).get(), rules(input, ctx).read()]);
  return {
    subnet,
    serviceEndpoint: !(subnet.serviceEndpoints ?? []).some((e) => serves(e.service, input.serviceName)),
    rule: !admitted.some((s) => sameResourceId(s, input.subnetId)),
  };
}

/** Takes the service endpoint off the subnet (the subnet re-read right before its PUT), if it is there. */
async function removeServiceEndpoint(input: ServiceEndpointInput, service: string, ctx: StepContext): Promise<void> {
  const subnet = subnets(ctx.clients, input.subnetId);
  const current = await subnet.get();
  const endpoints = current.serviceEndpoints ?? [];
  const kept = endpoints.filter((e) => (e.service ?? "").toLowerCase() !== service.toLowerCase());
  if (kept.length !== endpoints.length) await subnet.put(current, kept);
}

export const serviceEndpointStep = {
  name: "serviceEndpoint",
  health: "verify",
  key: (input) => `${String(input.subnetId).toLowerCase()}|${String(input.targetId).toLowerCase()}`,
  dependency: null,
  undo: {
    kind: "shared", whenObsolete: "undo", kept: "the serviceEndpoint step's changes (used by other connections)",
    combinePriors: (mine, heirs) => ({ ...mine, ...heirs }),
    // An update that moves the connection to another target through the same subnet still needs the subnet's service
    // endpoint the previous run added: only the old target's rule is undone; the new record removes the endpoint later.
    passOn: (obsolete, current) => {
      const service = obsolete.prior?.addedServiceEndpoint;
      if (!service) return undefined;
      const index = current.findIndex((c) => c.step === "serviceEndpoint"
        && sameResourceId(String((c.input as ServiceEndpointInput).subnetId), String(obsolete.input.subnetId))
        && serves(service, String((c.input as ServiceEndpointInput).serviceName)));
      if (index < 0) return undefined;
      const { addedServiceEndpoint: _kept, ...rest } = obsolete.prior!;
      return {
        ...(rest.addedRuleSubnetId ? { undo: rest } : {}),
        heir: { index, prior: { ...(current[index]!.prior as ServiceEndpointPrior | undefined), addedServiceEndpoint: service } },
      };
    },
  },

  // One change line is the subnet's service endpoint, the other the target's rule.
  preview: (input, changes) => changes.map((description) => {
    const onSubnet = description.startsWith("Enable the ");
    return {
      operationType: "configNetwork", description,
      action: onSubnet ? SUBNET_WRITE : vnetRuleAction(input.targetId), scope: onSubnet ? input.subnetId : input.targetId,
    };
  }),

  requires: {
    apply: (input) => [
      { scope: input.subnetId, action: SUBNET_WRITE, why: "enable the service endpoint on the source's subnet" },
      { scope: input.subnetId, action: SUBNET_JOIN, why: "add the subnet to the target's network rules" },
      { scope: input.targetId, action: vnetRuleAction(input.targetId), why: "add the subnet to the target's network rules" },
    ],
    undo: (r) => (r.changed ? [
      { scope: String(r.input.subnetId), action: SUBNET_WRITE, why: "remove the service endpoint the connection added" },
      { scope: String(r.input.targetId), action: vnetRuleAction(String(r.input.targetId)), why: "remove the subnet rule the connection added" },
    ] : []),
  },

  async plan(input, ctx): Promise<StepPlan> {
    const m = await missing(input, ctx);
    return {
      changes: [
        ...(m.serviceEndpoint ? [`Enable the ${input.serviceName} service endpoint on subnet ${input.subnetId}.`] : []),
        ...(m.rule ? [`Add a virtual-network rule for subnet ${input.subnetId} to ${input.targetId}.`] : []),
      ],
    };
  },

  async apply(input, ctx): Promise<StepOutcome<ServiceEndpointPrior>> {
    const m = await missing(input, ctx);
    if (!m.serviceEndpoint && !m.rule) return { changed: false };
    await ctx.writeAhead?.({
      ...(m.serviceEndpoint ? { addedServiceEndpoint: input.serviceName } : {}), ...(m.rule ? { addedRuleSubnetId: input.subnetId } : {}),
    } satisfies ServiceEndpointPrior);
    const prior: ServiceEndpointPrior = {};
    if (m.serviceEndpoint) {
      // Re-read right before the write: the subnet PUT replaces the whole subnet.
      const subnet = subnets(ctx.clients, input.subnetId);
      const current = await subnet.get();
      if (!(current.serviceEndpoints ?? []).some((e) => serves(e.service, input.serviceName))) {
        await subnet.put(current, [...(current.serviceEndpoints ?? []), { service: input.serviceName }]);
        prior.addedServiceEndpoint = input.serviceName;
      }
    }
    // The target validates that the subnet carries the service endpoint, so the rule comes second. Should it fail,
    // the service endpoint this apply added goes again: the step leaves nothing it did not finish.
    try {
      if (m.rule && await rules(input, ctx).add(input.subnetId)) prior.addedRuleSubnetId = input.subnetId;
    } catch (e) {
      if (!prior.addedServiceEndpoint) throw e;
      const undone = await removeServiceEndpoint(input, prior.addedServiceEndpoint, ctx).then(() => undefined, (u: Error) => u);
      if (undone) (e as Error).message += ` (The ${prior.addedServiceEndpoint} service endpoint it had added to ${input.subnetId} could not be removed again: ${undone.message})`;
      throw e;
    }
    return prior.addedServiceEndpoint || prior.addedRuleSubnetId ? { changed: true, prior } : { changed: false };
  },

  async compensate(input, prior, ctx): Promise<void> {
    if (prior.addedRuleSubnetId) await rules(input, ctx).remove(prior.addedRuleSubnetId);
    if (prior.addedServiceEndpoint) await removeServiceEndpoint(input, prior.addedServiceEndpoint, ctx);
  },

  async verify(input, ctx): Promise<CheckResult> {
    const description = "The target's virtual-network rules admit the source's subnet through its service endpoint.";
    const m = await missing(input, ctx);
    if (!m.serviceEndpoint && !m.rule) {
      const caveat = await rules(input, ctx).caveat?.();
      if (caveat) return { name: "Network", result: "warning", description, errorCode: "VirtualNetworkRulesNotApplied", errorMessage: caveat };
      return { name: "Network", result: "success", description };
    }
    const problems: string[] = [];
    const fixes: string[] = [];
    if (m.serviceEndpoint) {
      problems.push(`subnet ${input.subnetId} has no ${input.serviceName} service endpoint`);
      const services = [...new Set([...(m.subnet.serviceEndpoints ?? []).map((e) => e.service ?? "").filter(Boolean), input.serviceName])];
      fixes.push(`az network vnet subnet update --ids ${input.subnetId} --service-endpoints ${services.join(" ")}`);
    }
    if (m.rule) {
      problems.push(`${input.targetId} has no virtual-network rule for that subnet`);
      fixes.push(rules(input, ctx).addCommand(input.subnetId));
    }
    return {
      name: "Network", result: "failure", description,
      errorCode: m.serviceEndpoint ? "ServiceEndpointMissing" : "VirtualNetworkRuleMissing",
      errorMessage: `${problems.join("; ")}. Re-run the connection, or fix it with: ${fixes.join(" && ")}`,
    };
  },
} satisfies Step<ServiceEndpointInput, ServiceEndpointPrior>;
