// Pure health checks of one connection over a HealthSnapshot. Each failure says what is wrong and how to fix it;
// a check whose data could not be read is a "warning" with errorCode CheckInconclusive, never a failure.
// The steps checked here are those whose `health` is "snapshot" (src/steps/*.ts); SNAPSHOT_CHECKS has one check for
// each of them, and only for them (the compiler holds the two together).
import { appliedOf } from "../model/connection.js";
import type { StoredLinker } from "../model/connection.js";
import type { AppliedStepRecord } from "../model/plan.js";
import { SNAPSHOT_STEPS, type SnapshotCheckedStep } from "../steps/registry.js";
import type { FirewallInput, IdentityInput, KeyVaultSecretInput, RoleAssignmentInput, SecretSource, SettingsInput, StepInputs } from "../model/steps.js";
import { parseResourceId } from "../azure/resourceId.js";
import type { Sealer } from "../secrets/seal.js";
import {
  existenceId, parseKeyVaultReference, secretKey, secretSourceKey, settingsKey, subscriptionKeyOf, vaultOrigin,
  type GraphResource, type HealthSnapshot, type Read,
} from "./snapshot.js";
import { checkFunctionBindings } from "./functionsCheck.js";
import { checkPrivateLink, usesPrivateLink } from "./privateLink.js";
import { CheckNames, INCONCLUSIVE, type CheckResult } from "./types.js";

export interface EvaluateOptions {
  /** Unseals `sealed` secret sources; without it such secrets are checked for presence only. */
  sealer?: Sealer;
  /** Step kinds checked here from the snapshot (default: all of SNAPSHOT_STEPS). The others are left to the step's
   *  own verify (./verifyFallback.ts). */
  snapshotSteps?: ReadonlySet<string>;
}

/** The step kinds this module checks from a snapshot (the steps' `health`). */
export { SNAPSHOT_STEPS };

const REPUT = "Re-run the connection (PUT the linker again) to restore it";

export function appliedSteps(linker: StoredLinker): AppliedStepRecord[] {
  return appliedOf(linker);
}

export function targetIdOf(linker: StoredLinker): string | undefined {
  const id = (linker.properties.targetService as { id?: unknown }).id;
  return typeof id === "string" ? id : undefined;
}

function inconclusive(name: string, description: string, error: string): CheckResult {
  return { name, description, result: "warning", errorCode: INCONCLUSIVE, errorMessage: `Could not be checked now: ${error}` };
}

function ok(name: string, description: string): CheckResult {
  return { name, description, result: "success" };
}

function fail(name: string, description: string, errorCode: string, errorMessage: string): CheckResult {
  return { name, description, result: "failure", errorCode, errorMessage };
}

function resource(snap: HealthSnapshot, id: string): Read<GraphResource | undefined> {
  return snap.resources.get(existenceId(id)) ?? { ok: false, error: `${id} was not read` };
}

export function checkExistence(snap: HealthSnapshot, id: string, which: "source" | "target"): CheckResult {
  const name = which === "source" ? CheckNames.sourceExistence : CheckNames.targetExistence;
  const description = `The ${which} resource exists.`;
  const r = resource(snap, id);
  if (!r.ok) return inconclusive(name, description, r.error);
  return r.value ? ok(name, description)
    : fail(name, description, which === "source" ? "SourceNotFound" : "TargetNotFound",
      `The ${which} ${id} no longer exists. Recreate it, or delete the connection if the ${which} was removed on purpose.`);
}

export function checkIdentity(snap: HealthSnapshot, input: IdentityInput, expectedPrincipalId?: string): CheckResult {
  const description = "The managed identity is enabled on the source and is the principal the connection uses.";
  const r = resource(snap, input.sourceId);
  if (!r.ok) return inconclusive(CheckNames.identity, description, r.error);
  if (!r.value) return fail(CheckNames.identity, description, "SourceNotFound", `The source ${input.sourceId} does not exist.`);
  if (r.value.unindexed) return inconclusive(CheckNames.identity, description, "the source is not in Resource Graph yet");
  const identity = r.value.identity ?? {};
  const type = identity.type ?? "None";
  if (input.systemAssigned && !/SystemAssigned/i.test(type)) {
    return fail(CheckNames.identity, description, "IdentityNotEnabled",
      `The system-assigned identity of ${input.sourceId} is off. ${REPUT}, or: az webapp identity assign --ids ${input.sourceId}`);
  }
  let principal = identity.principalId;
  if (input.userAssignedIdentityId) {
    const entry = Object.entries(identity.userAssignedIdentities ?? {})
      .find(([id]) => id.toLowerCase() === input.userAssignedIdentityId!.toLowerCase());
    if (!entry) {
      return fail(CheckNames.identity, description, "IdentityNotAttached",
        `The user-assigned identity ${input.userAssignedIdentityId} is no longer attached to ${input.sourceId}. ${REPUT}.`);
    }
    principal = entry[1]?.principalId;
  }
  if (expectedPrincipalId && principal && principal.toLowerCase() !== expectedPrincipalId.toLowerCase()) {
    return fail(CheckNames.identity, description, "IdentityPrincipalChanged",
      `The source's identity now has principal ${principal}, but the connection granted access to ${expectedPrincipalId} ` +
      `(the identity was turned off and on again, which creates a new principal). ${REPUT} so the role assignment follows the new principal.`);
  }
  return ok(CheckNames.identity, description);
}

function roleGuid(role: string): string {
  return role.split("/").pop()!.toLowerCase();
}

export function checkRoleAssignment(snap: HealthSnapshot, input: RoleAssignmentInput): CheckResult {
  const description = `Role ${roleGuid(input.role)} is assigned to the connection's principal at ${input.scope}.`;
  const rows = snap.roleAssignments.get(subscriptionKeyOf(input.scope) ?? "");
  if (!rows) return inconclusive(CheckNames.roleAssignment, description, "role assignments were not read");
  if (!rows.ok) return inconclusive(CheckNames.roleAssignment, description, rows.error);
  const want = input.scope.toLowerCase().replace(/\/+$/, "");
  const found = rows.value.some((ra) => {
    const scope = ra.scope.toLowerCase().replace(/\/+$/, "");
    const inherits = want === scope || want.startsWith(scope + "/") || scope === "";
    return inherits && ra.principalId.toLowerCase() === input.principalId.toLowerCase() && roleGuid(ra.roleDefinitionId) === roleGuid(input.role);
  });
  return found ? ok(CheckNames.roleAssignment, description)
    : fail(CheckNames.roleAssignment, description, "RoleAssignmentMissing",
      `Principal ${input.principalId} has no assignment of role ${roleGuid(input.role)} at ${input.scope} or above. ` +
      `${REPUT}, or: az role assignment create --assignee-object-id ${input.principalId} --assignee-principal-type ${input.principalType} ` +
      `--role ${roleGuid(input.role)} --scope ${input.scope}`);
}

interface AclRule { value?: string; iPAddressOrRange?: string }
interface Acls { defaultAction?: string; bypass?: string; ipRules?: AclRule[] }

function normalizeIp(ip: string): string {
  return ip.endsWith("/32") ? ip.slice(0, -3) : ip;
}

export function checkNetwork(snap: HealthSnapshot, input: FirewallInput): CheckResult {
  const description = "The target's firewall lets the source in.";
  const r = resource(snap, input.targetId);
  if (!r.ok) return inconclusive(CheckNames.network, description, r.error);
  if (!r.value) return fail(CheckNames.network, description, "TargetNotFound", `The target ${input.targetId} does not exist.`);
  if (r.value.unindexed) return inconclusive(CheckNames.network, description, "the target is not in Resource Graph yet");
  const props = r.value.properties;
  const acls = (props.networkAcls ?? props.networkRuleSet) as Acls | undefined;
  if (String(props.publicNetworkAccess ?? "Enabled").toLowerCase() === "disabled") {
    return fail(CheckNames.network, description, "PublicNetworkAccessDisabled",
      `Public network access to ${input.targetId} is disabled, so the source cannot reach it over its public endpoint. ` +
      "Re-enable public network access, or connect through a private endpoint (vNetSolution).");
  }
  if (!acls || (acls.defaultAction ?? "Allow") === "Allow") return ok(CheckNames.network, description);
  const have = new Set((acls.ipRules ?? []).map((rule) => normalizeIp(rule.value ?? rule.iPAddressOrRange ?? "")));
  const missingIps = [...new Set(input.ips.map(normalizeIp))].filter((ip) => !have.has(ip));
  const missingBypass = Boolean(input.allowAzureServices) && !/AzureServices/i.test(acls.bypass ?? "");
  if (!missingIps.length && !missingBypass) return ok(CheckNames.network, description);
  return fail(CheckNames.network, description, "FirewallBlocksSource",
    `The firewall of ${input.targetId} does not admit ${[...missingIps, ...(missingBypass ? ["trusted Azure services"] : [])].join(", ")}. ` +
    `${REPUT}, or add the source's outbound IPs to the target's firewall.`);
}

/** Values a secret setting may validly hold now (a storage connection string is valid with either key). */
export function secretCandidates(source: SecretSource, snap: HealthSnapshot, options: EvaluateOptions): Read<string[]> | undefined {
  if (source.kind === "sealed") {
    return options.sealer ? { ok: true, value: [options.sealer.unseal(source.value)] } : undefined;
  }
  if (source.kind !== "storageConnectionString" && source.kind !== "storageAccountKey") {
    const resolved = snap.resolvedSecrets.get(secretSourceKey(source));
    if (!resolved) return { ok: false, error: "the secret was not resolved" };
    return resolved.ok ? { ok: true, value: [resolved.value] } : resolved;
  }
  const keys = snap.storageKeys.get(normalizeAccount(source.storageAccountId));
  if (!keys) return { ok: false, error: `the keys of ${source.storageAccountId} were not read` };
  if (!keys.ok) return keys;
  if (source.kind === "storageAccountKey") return keys;
  const name = parseResourceId(source.storageAccountId)?.names[0] ?? "";
  const suffix = source.endpointSuffix ?? "core.windows.net";
  return { ok: true, value: keys.value.map((k) => `DefaultEndpointsProtocol=https;AccountName=${name};AccountKey=${k};EndpointSuffix=${suffix}`) };
}

export function normalizeAccount(id: string): string {
  return existenceId(id);
}

/** Whether a vault URI is a Key Vault ARM reports (its secrets were read), is not one (nothing was sent to it), or could
 *  not be told. */
function vaultStatus(snap: HealthSnapshot, vaultUri: string): "reported" | "unrecognized" | { error: string } {
  const origin = vaultOrigin(vaultUri);
  if (!origin) return "unrecognized";
  const vault = snap.keyVaults.get(origin);
  if (!vault) return { error: `the vault ${origin} was not looked up` };
  if (!vault.ok) return { error: `the vaults ARM reports could not be read (${vault.error})` };
  return vault.value ? "reported" : "unrecognized";
}

const NOT_A_VAULT = "is not a Key Vault that ARM reports in this tenant (no vault's vaultUri has that host), so linkwright sends it nothing";

export function checkKeyVaultSecret(snap: HealthSnapshot, input: KeyVaultSecretInput, options: EvaluateOptions): CheckResult {
  const description = `The secret ${input.secretName} in ${input.vaultUri} exists and holds the target's current secret.`;
  const vault = vaultStatus(snap, input.vaultUri);
  if (vault === "unrecognized") {
    return fail(CheckNames.keyVaultSecret, description, "KeyVaultNotRecognized",
      `${input.vaultUri} ${NOT_A_VAULT}. Set secretStore.keyVaultId to a vault in this tenant and re-run the connection (PUT the linker again).`);
  }
  if (vault !== "reported") return inconclusive(CheckNames.keyVaultSecret, description, vault.error);
  const current = snap.keyVaultSecrets.get(secretKey(input.vaultUri, input.secretName));
  if (!current) return inconclusive(CheckNames.keyVaultSecret, description, "the secret was not read");
  if (!current.ok) return inconclusive(CheckNames.keyVaultSecret, description, current.error);
  if (current.value === undefined) {
    return fail(CheckNames.keyVaultSecret, description, "SecretNotFound",
      `The Key Vault reference points at a missing secret ${input.secretName}. ${REPUT}; it stores the secret again.`);
  }
  const wanted = secretCandidates(input.source, snap, options);
  if (!wanted) return ok(CheckNames.keyVaultSecret, description);
  if (!wanted.ok) return inconclusive(CheckNames.keyVaultSecret, description, wanted.error);
  return wanted.value.includes(current.value) ? ok(CheckNames.keyVaultSecret, description)
    : fail(CheckNames.keyVaultSecret, description, "SecretOutdated",
      `The secret ${input.secretName} no longer matches the target's keys (a key was rotated). ${REPUT}; it refreshes the stored secret.`);
}

/** Configuration (present and equal), Key Vault references (resolve) and secret values (still valid). */
export function checkConfiguration(snap: HealthSnapshot, input: SettingsInput, options: EvaluateOptions): CheckResult[] {
  const description = "The connection's configuration values are present on the source and equal to what it wrote.";
  const settings = snap.settings.get(settingsKey(input.sourceId, input.scope));
  if (!settings || !settings.ok) {
    return [inconclusive(CheckNames.configuration, description, settings && !settings.ok ? settings.error : "the settings were not read")];
  }
  const current = settings.value;
  const missing: string[] = [];
  const changed: string[] = [];
  const kvRefs: { setting: string; vaultUri: string; name: string }[] = [];
  const secretSettings: { name: string; source: SecretSource }[] = [];
  for (const spec of input.settings) {
    if (!(spec.name in current)) { missing.push(spec.name); continue; }
    if (spec.secretSource) { secretSettings.push({ name: spec.name, source: spec.secretSource }); continue; }
    if (spec.value !== undefined && current[spec.name] !== spec.value) changed.push(spec.name);
    const ref = spec.value !== undefined ? parseKeyVaultReference(spec.value) : undefined;
    if (ref && current[spec.name] === spec.value) kvRefs.push({ setting: spec.name, ...ref });
  }
  const results: CheckResult[] = [];
  results.push(!missing.length && !changed.length ? ok(CheckNames.configuration, description)
    : fail(CheckNames.configuration, description, missing.length ? "ConfigurationMissing" : "ConfigurationChanged", [
      missing.length ? `Missing: ${missing.join(", ")}.` : "",
      changed.length ? `Changed outside linkwright: ${changed.join(", ")}.` : "",
      `${REPUT} — it writes back exactly these keys and leaves the others alone.`,
    ].filter(Boolean).join(" ")));

  if (kvRefs.length) {
    const kvDescription = "The Key Vault references in the configuration resolve to existing secrets.";
    const withVault = kvRefs.map((r) => ({ ...r, vault: vaultStatus(snap, r.vaultUri) }));
    const unrecognized = withVault.filter((r) => r.vault === "unrecognized");
    const unknownVault = withVault.find((r): r is typeof r & { vault: { error: string } } => typeof r.vault === "object");
    const reads = withVault.filter((r) => r.vault === "reported").map((r) => ({ ...r, read: snap.keyVaultSecrets.get(secretKey(r.vaultUri, r.name)) }));
    const unread = reads.find((r) => !r.read || !r.read.ok);
    const broken = reads.filter((r) => r.read?.ok && r.read.value === undefined);
    results.push(unrecognized.length
      ? fail(CheckNames.keyVaultReference, kvDescription, "KeyVaultNotRecognized",
        `${unrecognized.map((u) => `${u.setting} → ${vaultOrigin(u.vaultUri) ?? u.vaultUri}`).join("; ")}: ${NOT_A_VAULT}. ` +
        "Point the reference at a secret of a vault in this tenant, or remove it.")
      : broken.length
      ? fail(CheckNames.keyVaultReference, kvDescription, "KeyVaultReferenceUnresolved",
        `${broken.map((b) => `${b.setting} → secret ${b.name} in ${b.vaultUri}`).join("; ")} does not exist. ${REPUT}, or restore the secret (az keyvault secret recover).`)
      : unknownVault ? inconclusive(CheckNames.keyVaultReference, kvDescription, unknownVault.vault.error)
      : unread ? inconclusive(CheckNames.keyVaultReference, kvDescription, unread.read && !unread.read.ok ? unread.read.error : "the secret was not read")
      : ok(CheckNames.keyVaultReference, kvDescription));
  }

  if (secretSettings.length) {
    const secretDescription = "The secrets in the configuration are still valid for the target.";
    const stale: string[] = [];
    let unknown: string | undefined;
    for (const s of secretSettings) {
      const candidates = secretCandidates(s.source, snap, options);
      if (!candidates) continue;
      if (!candidates.ok) { unknown = candidates.error; continue; }
      if (!candidates.value.includes(current[s.name]!)) stale.push(s.name);
    }
    results.push(stale.length
      ? fail(CheckNames.secret, secretDescription, "SecretInvalid",
        `${stale.join(", ")} no longer match${stale.length === 1 ? "es" : ""} the target's keys (a key was rotated or regenerated). ` +
        `${REPUT}; it reads the current key and rewrites ${stale.length === 1 ? "it" : "them"}. Better: switch the connection to a managed identity.`)
      : unknown ? inconclusive(CheckNames.secret, secretDescription, unknown)
      : ok(CheckNames.secret, secretDescription));
  }
  return results;
}

/** One step's checks from the snapshot. */
type SnapshotCheck<Input> = (snap: HealthSnapshot, input: Input, linker: StoredLinker, options: EvaluateOptions) => CheckResult[];

/** The check of each step the snapshot covers: exactly the steps whose `health` is "snapshot". */
const SNAPSHOT_CHECKS = {
  identity: (snap, input, linker) => [checkIdentity(snap, input, linker.state?.principalId)],
  roleAssignment: (snap, input) => [checkRoleAssignment(snap, input)],
  firewall: (snap, input) => [checkNetwork(snap, input)],
  secretStore: (snap, input, _linker, options) => [checkKeyVaultSecret(snap, input, options)],
  configuration: (snap, input, _linker, options) => checkConfiguration(snap, input, options),
} satisfies { [K in SnapshotCheckedStep]: SnapshotCheck<StepInputs[K]> };

/** The checks of one connection from the snapshot, in the order validateLinker reports them (existence first; the
 *  steps it does not batch are skipped here). */
export function evaluateLinker(linker: StoredLinker, snap: HealthSnapshot, options: EvaluateOptions = {}): CheckResult[] {
  const details: CheckResult[] = [checkExistence(snap, linker.sourceId, "source")];
  const targetId = targetIdOf(linker);
  if (targetId) details.push(checkExistence(snap, targetId, "target"));
  if (details.some((d) => d.result === "failure")) return details;
  if (targetId && usesPrivateLink(linker)) details.push(checkPrivateLink(snap, targetId));
  const batched = options.snapshotSteps ?? SNAPSHOT_STEPS;
  for (const applied of appliedSteps(linker)) {
    if (!batched.has(applied.step) || !Object.hasOwn(SNAPSHOT_CHECKS, applied.step)) continue;
    const check = SNAPSHOT_CHECKS[applied.step as SnapshotCheckedStep] as SnapshotCheck<unknown>;
    details.push(...check(snap, applied.input, linker, options));
  }
  const bindings = checkFunctionBindings(snap, linker.sourceId);
  if (bindings) details.push(bindings);
  return details;
}
