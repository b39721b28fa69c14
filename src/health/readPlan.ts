// What a set of connections needs read to be checked (pure): the distinct resources, sources' settings,
// role-assignment lookups, storage accounts whose keys back a secret, and Key Vault secrets.
import type { StoredLinker } from "../model/connection.js";
import type { FirewallInput } from "../model/steps.js";
import type { IdentityInput } from "../model/steps.js";
import type { KeyVaultSecretInput } from "../model/steps.js";
import type { RoleAssignmentInput } from "../model/steps.js";
import type { SettingsInput } from "../model/steps.js";
import type { SecretSource } from "../model/steps.js";
import { appliedSteps, normalizeAccount, targetIdOf } from "./evaluate.js";
import { usesPrivateLink } from "./privateLink.js";
import { existenceId, parseKeyVaultReference, secretKey, secretSourceKey, settingsKey, subscriptionKeyOf } from "./snapshot.js";

export interface ReadPlan {
  /** Existence ids (see existenceId) to look up in Resource Graph. */
  resourceIds: string[];
  settings: { key: string; sourceId: string; scope?: string }[];
  /** Per lower-cased subscription: the (scope, principal) pairs to find. */
  roleAssignments: Map<string, { scope: string; principalId: string }[]>;
  /** Lower-cased principal id → existence id of the resource whose system-assigned identity it is (its Graph row
   *  brings the principal's role assignments along). Principals of user-assigned identities have none. */
  principalHolders: Map<string, string>;
  /** Sources whose Functions bindings are checked when they are function apps (planReads' functionsBindings). */
  bindingSources: string[];
  /** Existence ids of the targets of vNetSolution privateLink connections (their private endpoints are read). */
  privateLinkTargets: string[];
  storageAccounts: string[];
  secrets: { key: string; vaultUri: string; name: string }[];
  /** Secret sources resolved as a whole (one secret action each), by secretSourceKey. */
  resolvedSecrets: { key: string; source: SecretSource }[];
}

export interface PlanOptions {
  /** Check the Functions bindings of function-app sources (a function listing per function app). */
  functionsBindings?: boolean;
}

export function planReads(linkers: readonly StoredLinker[], options: PlanOptions = {}): ReadPlan {
  const resources = new Map<string, string>();
  const settings = new Map<string, { key: string; sourceId: string; scope?: string }>();
  const roles = new Map<string, Map<string, { scope: string; principalId: string }>>();
  const accounts = new Map<string, string>();
  const secrets = new Map<string, { key: string; vaultUri: string; name: string }>();
  const resolved = new Map<string, SecretSource>();
  const holders = new Map<string, string>();
  const privateLinkTargets = new Set<string>();
  const addResource = (id: string) => resources.set(existenceId(id), existenceId(id));
  const addSecretSource = (s: SecretSource) => {
    if (s.kind === "storageConnectionString" || s.kind === "storageAccountKey") accounts.set(normalizeAccount(s.storageAccountId), s.storageAccountId);
    else if (s.kind !== "sealed") resolved.set(secretSourceKey(s), s);
  };
  const addSecret = (vaultUri: string, name: string) => secrets.set(secretKey(vaultUri, name), { key: secretKey(vaultUri, name), vaultUri, name });

  for (const linker of linkers) {
    addResource(linker.sourceId);
    const target = targetIdOf(linker);
    if (target) addResource(target);
    if (target && usesPrivateLink(linker)) privateLinkTargets.add(existenceId(target));
    const identity = appliedSteps(linker).find((s) => s.step === "identity")?.input as IdentityInput | undefined;
    const holder = identity?.systemAssigned && !identity.userAssignedIdentityId ? existenceId(identity.sourceId) : undefined;
    if (holder) addResource(holder);
    for (const applied of appliedSteps(linker)) {
      switch (applied.step) {
        case "roleAssignment": {
          const input = applied.input as RoleAssignmentInput;
          const sub = subscriptionKeyOf(input.scope) ?? "";
          const pairs = roles.get(sub) ?? new Map();
          pairs.set(`${input.scope.toLowerCase()}|${input.principalId.toLowerCase()}`, { scope: input.scope, principalId: input.principalId });
          roles.set(sub, pairs);
          const principal = input.principalId.toLowerCase();
          if (holder && !holders.has(principal)) holders.set(principal, holder);
          break;
        }
        case "firewall": addResource((applied.input as FirewallInput).targetId); break;
        case "secretStore": {
          const input = applied.input as KeyVaultSecretInput;
          addSecret(input.vaultUri, input.secretName);
          addSecretSource(input.source);
          break;
        }
        case "configuration": {
          const input = applied.input as SettingsInput;
          const key = settingsKey(input.sourceId, input.scope);
          settings.set(key, { key, sourceId: input.sourceId, ...(input.scope ? { scope: input.scope } : {}) });
          for (const spec of input.settings) {
            if (spec.secretSource) addSecretSource(spec.secretSource);
            const ref = spec.value !== undefined ? parseKeyVaultReference(spec.value) : undefined;
            if (ref) addSecret(ref.vaultUri, ref.name);
          }
          break;
        }
        default: break;
      }
    }
  }
  return {
    resourceIds: [...resources.values()],
    settings: [...settings.values()],
    roleAssignments: new Map([...roles].map(([sub, pairs]) => [sub, [...pairs.values()]])),
    principalHolders: holders,
    bindingSources: options.functionsBindings ? [...new Map(linkers.map((l) => [existenceId(l.sourceId), l.sourceId])).values()] : [],
    privateLinkTargets: [...privateLinkTargets],
    storageAccounts: [...accounts.values()],
    secrets: [...secrets.values()],
    resolvedSecrets: [...resolved].map(([key, source]) => ({ key, source })),
  };
}
