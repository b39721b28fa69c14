// Ensure identity: a system-assigned identity turned on, and/or a user-assigned identity attached to the source.
// Compensation puts back the exact prior identity configuration. A delete keeps the identity while another connection
// of the source authenticates with one (the undo policy below: the delete never reaches compensate then); an update
// never turns it off.
import { sourceAdapterFor } from "../sources/index.js";
import { resourceWriteAction } from "../authorization/requirements.js";
import type { IdentityState, IdentityType } from "../model/steps.js";
import type { StoredLinker } from "../model/connection.js";
import type { CheckResult, Step, StepContext, StepOutcome, StepPlan } from "./step.js";
import type { IdentityInput } from "../model/steps.js";

const ASSIGN_IDENTITY = "Microsoft.ManagedIdentity/userAssignedIdentities/assign/action";

/** The action that turns on a source's managed identity (a write of the site, slot or container app). */
export const identityWriteAction = resourceWriteAction;

/** Whether a connection authenticates with the source's managed identity (then it relies on it being on). */
function usesIdentity(linker: StoredLinker): boolean {
  const t = linker.properties.authInfo.authType;
  return t === "systemAssignedIdentity" || t === "userAssignedIdentity";
}

export interface IdentityPrior {
  type: IdentityType;
  userAssignedIds: string[];
}

export interface IdentityOutputs {
  principalId: string;
  tenantId?: string;
  clientId?: string;
  /** Set when apply created the principal (system-assigned identity turned on). */
  newPrincipal?: boolean;
  [key: string]: unknown;
}

function desired(current: IdentityState, input: IdentityInput): { type: IdentityType; userAssignedIds: string[] } {
  const ua = Object.keys(current.userAssigned);
  const wantUa = input.userAssignedIdentityId && !ua.some((id) => id.toLowerCase() === input.userAssignedIdentityId!.toLowerCase())
    ? [...ua, input.userAssignedIdentityId]
    : ua;
  const system = input.systemAssigned || current.type.includes("SystemAssigned");
  const type: IdentityType = system && wantUa.length ? "SystemAssigned, UserAssigned"
    : system ? "SystemAssigned" : wantUa.length ? "UserAssigned" : "None";
  return { type, userAssignedIds: wantUa };
}

function outputsFrom(state: IdentityState, input: IdentityInput): IdentityOutputs | undefined {
  if (input.userAssignedIdentityId) {
    const entry = Object.entries(state.userAssigned).find(([id]) => id.toLowerCase() === input.userAssignedIdentityId!.toLowerCase());
    if (!entry?.[1].principalId) return undefined;
    return { principalId: entry[1].principalId, clientId: entry[1].clientId, tenantId: state.tenantId };
  }
  return state.principalId ? { principalId: state.principalId, tenantId: state.tenantId } : undefined;
}

function changesFor(current: IdentityState, input: IdentityInput): string[] {
  const want = desired(current, input);
  const changes: string[] = [];
  if (input.systemAssigned && !current.type.includes("SystemAssigned")) changes.push("Enable the system-assigned managed identity.");
  if (want.userAssignedIds.length > Object.keys(current.userAssigned).length) {
    changes.push(`Attach the user-assigned identity ${input.userAssignedIdentityId}.`);
  }
  return changes;
}

export const identityStep = {
  name: "identity",
  health: "snapshot",
  key: (input) => `${String(input.sourceId).toLowerCase()}|${String(input.userAssignedIdentityId ?? "system").toLowerCase()}`,
  dependency: { kind: "userIdentity", resourceId: (r) => r.input.userAssignedIdentityId },
  undo: { kind: "shared", whenObsolete: "leave", kept: "the source's managed identity (used by other connections)", reliedOnBy: usesIdentity },

  preview: (input, changes) => changes.map((description) => ({
    operationType: "configAuth", description, action: identityWriteAction(input.sourceId), scope: input.sourceId,
  })),

  requires: {
    apply: (input) => [
      { scope: input.sourceId, action: identityWriteAction(input.sourceId), why: "turn on or attach the source's managed identity" },
      ...(input.userAssignedIdentityId ? [{ scope: input.userAssignedIdentityId, action: ASSIGN_IDENTITY, why: "attach the user-assigned identity to the source" }] : []),
    ],
    undo: (r) => (r.changed ? [{ scope: String(r.input.sourceId), action: identityWriteAction(String(r.input.sourceId)), why: "turn off the identity the connection turned on" }] : []),
  },

  async plan(input: IdentityInput, ctx: StepContext): Promise<StepPlan> {
    const snapshot = await sourceAdapterFor(ctx.clients, input.sourceId, input.scope).read();
    return { changes: changesFor(snapshot.identity, input) };
  },

  async apply(input: IdentityInput, ctx: StepContext): Promise<StepOutcome<IdentityPrior>> {
    const source = sourceAdapterFor(ctx.clients, input.sourceId, input.scope);
    const current = input.observed ?? (await source.read()).identity;
    if (changesFor(current, input).length === 0) {
      const outputs = outputsFrom(current, input);
      if (!outputs) throw new Error(`The source ${input.sourceId} reports its identity without a principal id.`);
      return { changed: false, outputs };
    }
    const prior: IdentityPrior = { type: current.type, userAssignedIds: Object.keys(current.userAssigned) };
    const want = desired(current, input);
    await ctx.writeAhead?.(prior);
    const after = await source.writeIdentity(want.type, want.userAssignedIds);
    const outputs = outputsFrom(after, input);
    if (!outputs) throw new Error(`The identity of ${input.sourceId} has no principal id after it was enabled.`);
    // Turning the system-assigned identity on creates a new principal: nothing can be assigned to it yet.
    const newPrincipal = !input.userAssignedIdentityId && input.systemAssigned && !current.type.includes("SystemAssigned");
    return { changed: true, prior, outputs: { ...outputs, newPrincipal } };
  },

  async compensate(input: IdentityInput, prior: IdentityPrior, ctx: StepContext): Promise<void> {
    await sourceAdapterFor(ctx.clients, input.sourceId, input.scope).writeIdentity(prior.type, prior.userAssignedIds);
  },

  async verify(input: IdentityInput, ctx: StepContext): Promise<CheckResult> {
    const current = (await sourceAdapterFor(ctx.clients, input.sourceId, input.scope).read()).identity;
    const missing = changesFor(current, input);
    return missing.length === 0
      ? { name: "Identity", result: "success", description: "The managed identity is enabled on the source." }
      : {
          name: "Identity", result: "failure", description: "The managed identity is enabled on the source.",
          errorCode: "IdentityNotEnabled", errorMessage: `${missing.join(" ")} Re-run the connection or enable it on the source.`,
        };
  },
} satisfies Step<IdentityInput, IdentityPrior>;
