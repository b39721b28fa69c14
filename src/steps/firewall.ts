// Network (publicNetworkSolution): let the source through the target's firewall — its outbound IPs as IP rules,
// or the "trusted Azure services" bypass. A target whose default action is Allow needs nothing.
// Compensation removes exactly the rules this step added (rules others added meanwhile stay).
import { firewallFor, type FirewallState } from "../targets/firewall.js";
import { parseResourceId } from "../azure/resourceId.js";

const firewallWriteAction = (targetId: string) => `${parseResourceId(targetId)?.fullType ?? "the target"}/write`;
import type { CheckResult, Step, StepContext, StepOutcome, StepPlan } from "./step.js";
import type { FirewallInput } from "../model/steps.js";

export interface FirewallPrior {
  addedIps: string[];
  enabledAzureServices: boolean;
}

function normalizeIp(ip: string): string {
  return ip.endsWith("/32") ? ip.slice(0, -3) : ip;
}

function missing(state: FirewallState, input: FirewallInput): { ips: string[]; azureServices: boolean } {
  if (state.defaultAction === "Allow") return { ips: [], azureServices: false };
  const have = new Set(state.ipRules.map(normalizeIp));
  return {
    ips: [...new Set(input.ips.map(normalizeIp))].filter((ip) => !have.has(ip)),
    azureServices: Boolean(input.allowAzureServices) && !state.allowAzureServices,
  };
}

function adapter(input: FirewallInput, ctx: StepContext) {
  const fw = firewallFor(ctx.clients, input.targetId);
  if (!fw) throw new Error(`linkwright cannot configure the firewall of ${input.targetId}.`);
  return fw;
}

export const firewallStep: Step<FirewallInput, FirewallPrior> = {
  name: "firewall",

  async plan(input, ctx): Promise<StepPlan> {
    const m = missing(await adapter(input, ctx).read(), input);
    return {
      changes: [
        ...m.ips.map((ip) => `Allow ${ip} through the firewall of ${input.targetId}.`),
        ...(m.azureServices ? [`Allow trusted Azure services through the firewall of ${input.targetId}.`] : []),
      ],
    };
  },

  async apply(input, ctx): Promise<StepOutcome<FirewallPrior>> {
    const fw = adapter(input, ctx);
    const state = await fw.read();
    const m = missing(state, input);
    if (!m.ips.length && !m.azureServices) return { changed: false };
    if (input.plannedOpen) {
      throw Object.assign(new Error(`The firewall of ${input.targetId} closed after the connection was authorized; opening it needs ` +
        `'${firewallWriteAction(input.targetId)}' over it, which was not checked for the caller. Nothing was added; send the request again.`), { code: "AuthorizationFailed" });
    }
    await fw.write({
      ...state,
      ipRules: [...state.ipRules, ...m.ips],
      allowAzureServices: state.allowAzureServices || m.azureServices,
    });
    return { changed: true, prior: { addedIps: m.ips, enabledAzureServices: m.azureServices } };
  },

  async compensate(input, prior, ctx): Promise<void> {
    const fw = adapter(input, ctx);
    const state = await fw.read();
    const added = new Set(prior.addedIps.map(normalizeIp));
    const ipRules = state.ipRules.filter((ip) => !added.has(normalizeIp(ip)));
    const allowAzureServices = prior.enabledAzureServices ? false : state.allowAzureServices;
    if (ipRules.length === state.ipRules.length && allowAzureServices === state.allowAzureServices) return;
    await fw.write({ ...state, ipRules, allowAzureServices });
  },

  async verify(input, ctx): Promise<CheckResult> {
    const m = missing(await adapter(input, ctx).read(), input);
    if (!m.ips.length && !m.azureServices) {
      return { name: "Network", result: "success", description: "The target's firewall lets the source in." };
    }
    return {
      name: "Network", result: "failure", description: "The target's firewall lets the source in.",
      errorCode: "FirewallBlocksSource",
      errorMessage: `The firewall of ${input.targetId} does not admit ${m.ips.join(", ") || "trusted Azure services"}. ` +
        "Re-run the connection, or add the source's outbound IPs to the target's firewall.",
    };
  },
};
