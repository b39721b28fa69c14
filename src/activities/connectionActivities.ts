// The connection orchestrations' activities: side effects only, built by a factory that receives its clients
// and store (so tests hand it the sandbox's). Every activity returns a result object instead of throwing, so the
// orchestration always learns what happened (a parallel branch's failure never hides another's success).
import type { CreateOrUpdateStart, DeleteStart, ValidateStart } from "../model/operations.js";
import type { ArmClients } from "../azure/clients.js";
import { configurationStoreOf, planConnection } from "../connections/plan.js";
import { keyOf, mergeApplied } from "../connections/mergeApplied.js";
import { appliedOf } from "../model/connection.js";
import { ownedNamesOf, previousWrites } from "../connections/previousRun.js";
import { changeRequirements, notCovered, undoRequirements } from "../authorization/requirements.js";
import { classifyError } from "../connections/classifyError.js";
import type { AppliedStepRecord, ConnectionPlan, StepRunResult } from "../model/plan.js";
import type { ConnectionError, Failed } from "../model/errors.js";
import { validateConnection, type PropagationOptions } from "../health/validate.js";
import type { DeletePlan } from "../orchestrations/delete.js";
import type { OperationOutcome } from "../orchestrations/outcome.js";
import type { Sealer } from "../secrets/seal.js";
import { stepByName } from "../steps/registry.js";
import { roleAssignmentName } from "../steps/roleAssignment.js";
import { type RoleAssignmentInput } from "../model/steps.js";
import type { StepContext } from "../steps/step.js";
import type { GuardPolicy } from "../catalogue/index.js";
import type { ConnectionStore, Dependency } from "../store/types.js";
import type { OperationRecords } from "../store/operationRecords.js";
import { linkersOf } from "../store/pages.js";
import type { StoredLinker } from "../model/connection.js";

export interface ConnectionActivityDeps {
  clients: ArmClients;
  store: ConnectionStore;
  /** The owner of operation records: the record activity ends the saga's operation through it. */
  records: OperationRecords;
  sealer: Sealer;
  now?: () => Date;
  /** How long validation waits for a new role assignment to propagate. */
  propagation?: PropagationOptions;
  /** What the platform allows connections beyond the catalogue (roles, setting names). */
  policy?: GuardPolicy;
  /** Where database servers are reached (LINKWRIGHT_DATABASE_*). */
  databases?: StepContext["databases"];
}

export function createConnectionActivities(deps: ConnectionActivityDeps) {
  const ctx: StepContext = {
    clients: deps.clients, sealer: deps.sealer, ...(deps.policy ? { policy: deps.policy } : {}), ...(deps.databases ? { databases: deps.databases } : {}),
  };
  const now = deps.now ?? (() => new Date());
  const records = deps.records;
  const linkerOf = (sourceId: string, name: string) => deps.store.linkers.get(sourceId, name);

  /** Which of the given applied steps may be undone: only what this linker created and no other connection uses. */
  async function undoPlan(start: { sourceId: string; linkerName: string; linkerId: string }, linker: StoredLinker | undefined,
    applied: AppliedStepRecord[]): Promise<DeletePlan> {
    if (applied.length === 0) return { undo: [], kept: [] };
    const forced = isForced(linker);
    const others = (await linkersOf(deps.store.linkers, start.sourceId)).filter((l) => l.name.toLowerCase() !== start.linkerName.toLowerCase());
    const undo: AppliedStepRecord[] = [];
    const kept: string[] = [];
    for (const a of [...applied].reverse()) {
      if (a.step === "roleAssignment") {
        const input = a.input as RoleAssignmentInput;
        const id = String(a.outputs?.roleAssignmentId ?? "");
        const users = id ? (await deps.store.dependencies.linkersDependingOn(id, "roleAssignment")).filter((u) => u.linkerId.toLowerCase() !== start.linkerId.toLowerCase()) : [];
        const ours = id.toLowerCase().endsWith(roleAssignmentName(input).toLowerCase());
        if (id && ours && (users.length === 0 || forced)) undo.push({ ...a, prior: { createdName: roleAssignmentName(input) } });
        else if (id) kept.push(`role assignment ${id}${users.length ? " (used by other connections)" : ""}`);
        continue;
      }
      if (!a.changed || a.prior === undefined) continue;
      if (a.step === "identity" && !forced && others.some(usesIdentity)) {
        kept.push("the source's managed identity (used by other connections)");
        await handOver(start.sourceId, others, a);
        continue;
      }
      if (a.step === "firewall" && !forced && others.some((o) => sameTarget(o, linker))) {
        kept.push("firewall rules (used by other connections to the same target)");
        await handOver(start.sourceId, others, a);
        continue;
      }
      // A subnet rule, database user, Key Vault secret… another connection of this source also applied.
      // (Settings and App Configuration keys are per connection: their steps undo only what this one wrote.)
      const key = keyOf(a);
      if (!forced && a.step !== "configuration" && a.step !== "appConfiguration" && others.some((o) => appliedOf(o).some((x) => keyOf(x) === key))) {
        kept.push(`the ${a.step} step's changes (used by other connections)`);
        await handOver(start.sourceId, others, a);
        continue;
      }
      undo.push(a);
    }
    return { undo, kept };
  }

  /** Whether another connection of the source (or an earlier run of this one) was changed or configured after `since`
   *  (an operation that ran between an API's planning and this saga's turn in the source's lock); a deleted one took
   *  its names with it. */
  async function sourceChangedSince(sourceId: string, linkerName: string, since: string): Promise<boolean> {
    const after = (t: unknown) => typeof t === "string" && t >= since;
    return (await linkersOf(deps.store.linkers, sourceId)).some((l) => (l.name.toLowerCase() === linkerName.toLowerCase()
      // This connection's own acceptance stamps it after planning; only an earlier run of it recording since counts.
      ? after(l.state?.configuredAt)
      : [l.systemData.lastModifiedAt, l.state?.configuredAt, l.authorization?.decidedAt].some(after)));
  }

  /** A change kept because other connections rely on it passes what undoes it to one of them that applied the same
   *  thing (and found it done, so recorded nothing to undo): the last connection to go then undoes it, instead of
   *  leaving it behind once the connection that made it is gone. */
  async function handOver(sourceId: string, others: StoredLinker[], a: AppliedStepRecord): Promise<void> {
    const key = keyOf(a);
    const heir = others.find((o) => appliedOf(o).some((x) => keyOf(x) === key));
    if (!heir) return;
    await deps.store.linkers.update(sourceId, heir.name, (l) => {
      const records = appliedOf(l);
      const i = records.findIndex((x) => keyOf(x) === key);
      const x = records[i];
      if (!x) return undefined;
      // A service endpoint record's prior lists what was added: the heir undoes both what it added and what a did.
      const prior = x.prior === undefined ? a.prior
        : a.step === "serviceEndpoint" ? { ...(a.prior as object), ...(x.prior as object) } : undefined;
      if (prior === undefined) return undefined;
      const next = records.map((r, j) => (j === i ? { ...r, changed: true, prior } : r));
      return { ...l, state: { ...l.state, applied: next } };
    });
  }

  return {
    async plan(start: CreateOrUpdateStart): Promise<{ ok: true; plan: ConnectionPlan } | Failed> {
      try {
        // The plan the caller was authorized on still holds unless another operation changed the source since it was
        // made (names taken, settings written): then it is used as is, without planning's ARM reads again.
        if (start.plan && start.plannedAt && !(await sourceChangedSince(start.sourceId, start.linkerName, start.plannedAt))) {
          return { ok: true, plan: start.plan };
        }
        const existing = await linkerOf(start.sourceId, start.linkerName);
        const owned = ownedNamesOf(existing);
        const plan = await planConnection({
          linkerId: start.linkerId, linkerName: start.linkerName, sourceId: start.sourceId, properties: start.properties,
          tenantId: start.caller.tenantId, ownedNames: owned, ...(start.sealedSecrets ? { sealedSecrets: start.sealedSecrets } : {}),
          previous: previousWrites(existing, configurationStoreOf(start.properties.configurationInfo as Record<string, unknown> | null | undefined)),
        }, ctx);
        // The API authorized the caller for what its own plan needed; this plan (made inside the source's lock, maybe
        // later) may need nothing more. Otherwise nothing is done: the caller must be authorized again.
        if (start.authorized) {
          const beyond = notCovered(start.authorized, changeRequirements(plan, start.properties));
          if (beyond.length) {
            return { ok: false, error: { code: "AuthorizationFailed", message:
              `The connection's plan changed after its caller was authorized${start.planErrorWhenAuthorized ? ` (then it could not be planned: ${start.planErrorWhenAuthorized})` : ""}: ` +
              `it now needs ${beyond.map((b) => `'${b.action}' over scope '${b.scope}'`).join(", ")}, which were not checked for the caller. Nothing was changed; send the request again.` } };
          }
        }
        return { ok: true, plan };
      } catch (e) {
        return { ok: false, error: classifyError(e) };
      }
    },

    async runStep(x: { step: string; input: unknown }): Promise<StepRunResult> {
      try {
        const out = await stepByName(x.step).apply(x.input, ctx);
        return { ok: true, changed: out.changed, prior: out.prior, outputs: out.outputs };
      } catch (e) {
        return { ok: false, error: classifyError(e) };
      }
    },

    async compensateStep(x: { step: string; input: unknown; prior: unknown }): Promise<{ ok: boolean; error?: ConnectionError }> {
      try {
        await stepByName(x.step).compensate(x.input, x.prior, ctx);
        return { ok: true };
      } catch (e) {
        return { ok: false, error: classifyError(e) };
      }
    },

    /** After an update: what the previous run configured that this run no longer does, and may be undone. */
    async planObsolete(x: { sourceId: string; linkerName: string; linkerId: string; current: AppliedStepRecord[]; authorized?: CreateOrUpdateStart["authorized"] }): Promise<DeletePlan> {
      const linker = await linkerOf(x.sourceId, x.linkerName);
      const keep = new Set(x.current.map(keyOf));
      // Settings and keys no longer wanted are removed by their own steps (their `remove` lists); the identity stays.
      // Keys in a store this run no longer writes to (no store now, or another one) are undone like on delete.
      const obsolete = appliedOf(linker)
        .filter((a) => !keep.has(keyOf(a)) && a.step !== "configuration" && a.step !== "identity");
      const planned = await undoPlan({ sourceId: x.sourceId, linkerName: x.linkerName, linkerId: x.linkerId }, linker, obsolete);
      if (!x.authorized || !linker) return planned;
      // Only what the caller was authorized to undo is undone with linkwright's identity; the rest is kept, and said.
      const authorized = x.authorized;
      const allowed = (a: AppliedStepRecord) => notCovered(authorized, undoRequirements([a], linker.properties)).length === 0;
      return {
        undo: planned.undo.filter(allowed),
        kept: [...planned.kept, ...planned.undo.filter((a) => !allowed(a)).map((a) => `the previous ${a.step} step's changes (the caller was not authorized to undo them)`)],
      };
    },

    async planDelete(start: DeleteStart): Promise<DeletePlan> {
      const linker = await linkerOf(start.sourceId, start.linkerName);
      const applied = appliedOf(linker);
      return undoPlan(start, linker, applied);
    },

    async validate(start: ValidateStart): Promise<{ ok: true; result: Record<string, unknown> } | Failed> {
      try {
        const linker = await linkerOf(start.sourceId, start.linkerName);
        if (!linker) return { ok: false, error: { code: "ResourceNotFound", message: `Linker ${start.linkerId} was not found.` } };
        const result = await validateConnection(linker, { ...ctx, ...(deps.propagation ? { propagation: deps.propagation } : {}) });
        return { ok: true, result: result as unknown as Record<string, unknown> };
      } catch (e) {
        return { ok: false, error: classifyError(e) };
      }
    },

    async record(outcome: OperationOutcome): Promise<void> {
      const endTime = now().toISOString();
      if (outcome.kind === "createOrUpdate") {
        let saved: StoredLinker | undefined;
        await deps.store.linkers.update(outcome.sourceId, outcome.linkerName, (l) => {
          if (l.lastOperationId && l.lastOperationId !== outcome.operationId) return undefined;
          const previous = appliedOf(l);
          const state = outcome.status === "Succeeded" && outcome.plan
            ? {
                ...l.state,
                applied: mergeApplied(previous, outcome.applied ?? []),
                configurations: outcome.plan.configurations,
                targetFacts: outcome.plan.targetFacts,
                sourceKind: outcome.plan.sourceKind,
                targetKind: outcome.plan.targetKind,
                warnings: outcome.plan.warnings,
                configuredAt: endTime,
                ...(outcome.principalId ? { principalId: outcome.principalId } : {}),
              }
            : l.state;
          const next: StoredLinker = { ...l, provisioningState: outcome.status, state };
          if (outcome.error) next.lastError = { code: outcome.error.code, message: outcome.error.message };
          else delete next.lastError;
          saved = next;
          return next;
        });
        if (saved && outcome.status === "Succeeded") {
          await deps.store.dependencies.replace(outcome.linkerId, DEPENDENCY_KINDS, dependenciesOf(saved, outcome));
        }
      } else if (outcome.kind === "delete" && outcome.status === "Succeeded") {
        await deps.store.linkers.delete(outcome.sourceId, outcome.linkerName);
        await deps.store.dependencies.removeAll(outcome.linkerId);
      } else if (outcome.kind === "delete") {
        await deps.store.linkers.update(outcome.sourceId, outcome.linkerName, (l) => ({ ...l, provisioningState: "Failed", lastError: outcome.error }));
      }
      await records.end(outcome.operationId, {
        status: outcome.status,
        ...(outcome.error ? { error: outcome.error } : {}),
        ...(outcome.result ? { result: outcome.result } : {}),
      });
    },
  };
}

export type ConnectionActivities = ReturnType<typeof createConnectionActivities>;

const DEPENDENCY_KINDS = ["roleAssignment", "firewallRule", "keyVaultSecret", "userIdentity", "principal"] as const;

function dependenciesOf(linker: StoredLinker, outcome: OperationOutcome): Dependency[] {
  const out: Dependency[] = [];
  for (const a of appliedOf(linker)) {
    if (a.step === "roleAssignment" && a.outputs?.roleAssignmentId) out.push({ kind: "roleAssignment", resourceId: String(a.outputs.roleAssignmentId) });
    if (a.step === "firewall") out.push({ kind: "firewallRule", resourceId: (a.input as { targetId: string }).targetId });
    if (a.step === "secretStore" && a.outputs?.secretUri) out.push({ kind: "keyVaultSecret", resourceId: String(a.outputs.secretUri) });
    if (a.step === "identity" && (a.input as { userAssignedIdentityId?: string }).userAssignedIdentityId) {
      out.push({ kind: "userIdentity", resourceId: (a.input as { userAssignedIdentityId: string }).userAssignedIdentityId });
    }
  }
  if (outcome.principalId) out.push({ kind: "principal", resourceId: outcome.principalId });
  return out;
}

function isForced(linker: StoredLinker | undefined): boolean {
  const auth = linker?.properties.authInfo as Record<string, unknown> | undefined;
  const cfg = linker?.properties.configurationInfo as Record<string, unknown> | null | undefined;
  return auth?.["deleteOrUpdateBehavior"] === "ForcedCleanup" || cfg?.["deleteOrUpdateBehavior"] === "ForcedCleanup";
}

function usesIdentity(l: StoredLinker): boolean {
  const t = l.properties.authInfo.authType;
  return t === "systemAssignedIdentity" || t === "userAssignedIdentity";
}

function sameTarget(a: StoredLinker, b: StoredLinker | undefined): boolean {
  const ta = appliedOf(a).find((x) => x.step === "firewall");
  const tb = appliedOf(b).find((x) => x.step === "firewall");
  return Boolean(ta && tb && (ta.input as { targetId: string }).targetId.toLowerCase() === (tb.input as { targetId: string }).targetId.toLowerCase());
}
