// What a set of connections needs read to be checked (pure): the distinct resources, sources' settings,
// role-assignment lookups, storage accounts whose keys back a secret, and Key Vault secrets. SNAPSHOT_READS says
// what each step the snapshot checks needs read (the steps whose `health` is "snapshot", src/steps/*.ts).
import type { StoredLinker } from "../model/connection.js";
import type { IdentityInput, SecretSource, StepInputs } from "../model/steps.js";
import type { SnapshotCheckedStep } from "../steps/registry.js";
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

/** What a connection's records add to the reads. */
interface Reads {
  resource(id: string): void;
  secretSource(source: SecretSource): void;
  secret(vaultUri: string, name: string): void;
  settings(sourceId: string, scope?: string): void;
  /** The principal's role assignments at the scope. */
  roleAssignments(scope: string, principalId: string): void;
}

/** The resource whose system-assigned identity the connection's principal is (its Graph row lists its roles). */
function holderOf(identity: IdentityInput | undefined): string | undefined {
  return identity?.systemAssigned && !identity.userAssignedIdentityId ? existenceId(identity.sourceId) : undefined;
}

/** What each step the snapshot checks needs read (the source and the target are read for every connection). */
const SNAPSHOT_READS = {
  identity: (input, r) => { const holder = holderOf(input); if (holder) r.resource(holder); },
  roleAssignment: (input, r) => r.roleAssignments(input.scope, input.principalId),
  firewall: (input, r) => r.resource(input.targetId),
  secretStore: (input, r) => {
    r.secret(input.vaultUri, input.secretName);
    r.secretSource(input.source);
  },
  configuration: (input, r) => {
    r.settings(input.sourceId, input.scope);
    for (const spec of input.settings) {
      if (spec.secretSource) r.secretSource(spec.secretSource);
      const ref = spec.value !== undefined ? parseKeyVaultReference(spec.value) : undefined;
      if (ref) r.secret(ref.vaultUri, ref.name);
    }
  },
} satisfies { [K in SnapshotCheckedStep]: (input: StepInputs[K], reads: Reads) => void };

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
    const holder = holderOf(appliedSteps(linker).find((s) => s.step === "identity")?.input as IdentityInput | undefined);
    const reads: Reads = {
      resource: addResource,
      secretSource: addSecretSource,
      secret: addSecret,
      settings: (sourceId, scope) => {
        const key = settingsKey(sourceId, scope);
        settings.set(key, { key, sourceId, ...(scope ? { scope } : {}) });
      },
      roleAssignments: (scope, principalId) => {
        const sub = subscriptionKeyOf(scope) ?? "";
        const pairs = roles.get(sub) ?? new Map();
        pairs.set(`${scope.toLowerCase()}|${principalId.toLowerCase()}`, { scope, principalId });
        roles.set(sub, pairs);
        const principal = principalId.toLowerCase();
        if (holder && !holders.has(principal)) holders.set(principal, holder);
      },
    };
    for (const applied of appliedSteps(linker)) {
      if (!Object.hasOwn(SNAPSHOT_READS, applied.step)) continue;
      (SNAPSHOT_READS[applied.step as SnapshotCheckedStep] as (input: unknown, reads: Reads) => void)(applied.input, reads);
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
