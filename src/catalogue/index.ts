// Public, pure API of the target catalogue (no I/O). See README.md in this folder.
import { REGISTRY } from "./registry.js";
import type { AuthType, ClientType, NetworkOptions, SecretSource, SourceKind, TargetDescriptor, TargetKind } from "./types.js";

export * from "./types.js";
export { resolveTarget, defaultRoles, roleScope, bindingExtraRoles, type ResolvedTarget, type TargetServiceRef } from "./resolve.js";
export { checkCombination, type Combination, type CombinationProblem } from "./combination.js";
export {
  configurationEntries,
  parseBindingAwareRequest,
  FUNCTIONS_CONNECTION_KEY,
  OPTION_KEY_PREFIX,
  type BindingNames,
  type ConfigurationRequest,
  type ParsedConfigurationInfo,
} from "./configuration.js";
export { configurationNames, parseNamesFilter, type ConfigurationNameItem, type ConfigurationNameResult } from "./names.js";
export { dataPlaneGrant, defaultDatabaseUser, renderGrant, type GrantInput, type RenderedGrant } from "./grants.js";
export { fillTemplate, matchTemplate } from "./ids.js";
export { factsFromResource, factsFromSecretResponse, factsFromTargetResource, readPath } from "./facts.js";
export {
  allowedRoles, checkRequestedRoles, neverAssignedRole, NEVER_ASSIGNED_ROLES, parseAllowedRoles, roleGuidOf, type RoleIssue, type RolePolicy,
} from "./roles.js";
export { checkChosenSettingNames, checkConnectionGuards, type GuardedRequest, type GuardIssue, type GuardPolicy } from "./guards.js";
export { deniedSettingPattern, DENIED_SETTING_PATTERNS, parseDeniedSettings, settingNameIssue, type SettingNameIssue } from "./settingNames.js";
export { unresolvedBindings, type FunctionBinding, type FunctionBindings, type UnresolvedBinding } from "./bindings.js";

/** Every target descriptor (data only). */
export function listTargets(): TargetDescriptor[] {
  return [...REGISTRY.values()];
}

/** The descriptor of a kind, or undefined. */
export function describeTarget(kind: string): TargetDescriptor | undefined {
  return REGISTRY.get(kind as TargetKind);
}

/** Supported auth types for a source kind; the first is the default. Empty for an unknown kind. */
export function supportedAuthTypes(kind: TargetKind, sourceKind: SourceKind): AuthType[] {
  return [...(REGISTRY.get(kind)?.authTypes[sourceKind] ?? [])];
}

/** Supported client types; the first is the default (`dotnet`). */
export function supportedClientTypes(kind: TargetKind): ClientType[] {
  return [...(REGISTRY.get(kind)?.clientTypes ?? [])];
}

/** How the secret of a secret-auth connection is obtained (a descriptor; the caller makes the ARM call). */
export function secretSource(kind: TargetKind): SecretSource | undefined {
  return REGISTRY.get(kind)?.secretSource;
}

/** Which network options (firewall rule, service endpoint, private link) apply to the target. */
export function networkOptions(kind: TargetKind): NetworkOptions | undefined {
  return REGISTRY.get(kind)?.network;
}
