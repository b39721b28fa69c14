// Network (publicNetworkSolution): let the source through the target's firewall — its outbound IPs as IP rules,
// or the "trusted Azure services" bypass. A target whose default action is Allow needs nothing.
// Compensation removes exactly the rules this step added (rules others added meanwhile stay). A delete keeps them
// while another connection of the source opened the same target's firewall.
import { firewallFor, type FirewallState } from "../targets/firewall.js";
import { resourceWriteAction } from "../authorization/requirements.js";
import type { CheckResult, Step, StepContext, StepOutcome, StepPlan } from "./step.js";
import type { FirewallInput } from "../model/steps.js";

/** Changing a target's firewall is a write of the target. */
const firewallWriteAction = resourceWriteAction;

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

export const firewallStep = {
  name: "firewall",
  health: "snapshot",
  key: (input) => String(input.targetId).toLowerCase(),
  dependency: { kind: "firewallRule", resourceId: (r) => r.input.targetId },
  undo: { kind: "shared", whenObsolete: "undo", kept: "firewall rules (used by other connections to the same target)" },

  preview: (input, changes) => changes.map((description) => ({
    operationType: "configNetwork", description, action: firewallWriteAction(input.targetId), scope: input.targetId,
  })),

  requires: {
    // A firewall open when the caller was authorized needs no rule: the step changes nothing (and refuses to add one
    // should it have closed meanwhile).
    apply: (input) => (input.plannedOpen ? [] : [{ scope: input.targetId, action: firewallWriteAction(input.targetId), why: "open the target's firewall to the source" }]),
    undo: (r) => (r.changed ? [{ scope: String(r.input.targetId), action: firewallWriteAction(String(r.input.targetId)), why: "close what the connection opened in the target's firewall" }] : []),
  },

  async plan(input, ctx): Promise<StepPlan> {
    const m = missing(await adapter(input, ctx).read(), input);
    return {
      changes: [
        ...m.ips.map((ip) => `Allow ${shown(ip, input)} through the firewall of ${input.targetId}.`),
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
    const prior: FirewallPrior = { addedIps: m.ips, enabledAzureServices: m.azureServices };
    await ctx.writeAhead?.(prior);
    await fw.write({
      ...state,
      ipRules: [...state.ipRules, ...m.ips],
      allowAzureServices: state.allowAzureServices || m.azureServices,
    });
    return { changed: true, prior };
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
      errorMessage: `The firewall of ${input.targetId} does not admit ${m.ips.map((ip) => shown(ip, input)).join(", ") || "trusted Azure services"}. ` +
        "Re-run the connection, or add the source's outbound IPs to the target's firewall.",
    };
  },
} satisfies Step<FirewallInput, FirewallPrior>;

/** An address as the step reports it: the caller's own client address is not named. */
function shown(ip: string, input: FirewallInput): string {
  return input.callerIps?.some((c) => normalizeIp(c) === normalizeIp(ip)) ? "the caller's client address" : ip;
}
