// Defense in depth on what a connection request may make linkwright do with its own identity, whoever the caller is:
// the roles it assigns (./roles.ts) and the setting names it writes (./settingNames.ts). Pure: the API runs it on
// PUT/PATCH and dry runs (validation issues, 400); the planner applies the same rules (configurationEntries, the role
// step) before anything changes.
import { parseBindingAwareRequest } from "./configuration.js";
import { REGISTRY } from "./registry.js";
import { checkRequestedRoles, type RoleIssue, type RolePolicy } from "./roles.js";
import { isHostStorageConnectionSetting, settingNameIssue, type SettingNameIssue } from "./settingNames.js";
import { FUNCTIONS_CONNECTION_KEY, OPTION_KEY_PREFIX } from "./configuration.js";
import type { TargetKind } from "./types.js";

export interface GuardPolicy extends RolePolicy {
  /** Setting-name patterns the platform denies beyond the built-in list (LINKWRIGHT_DENIED_SETTINGS, parsed). */
  deniedSettings?: readonly string[];
}

export type GuardIssue = RoleIssue | SettingNameIssue;

export interface GuardedRequest {
  targetKind: string;
  /** `local`: a local connection, which writes no settings (the setting-name deny list does not apply). */
  sourceKind?: string;
  authInfo?: { readonly roles?: unknown; readonly authType?: unknown } | null;
  /** The wire `configurationInfo`. */
  configurationInfo?: Record<string, unknown> | null;
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);

/** Every refusal for the request; empty when linkwright may go ahead. */
export function checkConnectionGuards(req: GuardedRequest, policy: GuardPolicy = {}): GuardIssue[] {
  const settingNames = req.sourceKind === "local" ? []
    : checkChosenSettingNames(req.targetKind, req.configurationInfo, policy.deniedSettings ?? [], req.authInfo?.authType === "secret");
  return [...checkRequestedRoles(req.targetKind, req.authInfo?.roles, policy), ...settingNames];
}

/** The names the caller chose in configurationInfo, checked against the deny list. */
export function checkChosenSettingNames(targetKind: string, configurationInfo: Record<string, unknown> | null | undefined, extra: readonly string[] = [], secretAuth = false): SettingNameIssue[] {
  const issues: SettingNameIssue[] = [];
  const push = (issue: SettingNameIssue | undefined) => { if (issue) issues.push(issue); };
  const customized = isRecord(configurationInfo?.["customizedKeys"]) ? configurationInfo["customizedKeys"] : {};
  for (const [key, name] of Object.entries(customized)) {
    if (typeof name === "string" && name.toLowerCase() !== key.toLowerCase()) push(settingNameIssue(name, `properties.configurationInfo.customizedKeys.${key}`, extra));
  }
  const additional = isRecord(configurationInfo?.["additionalConfigurations"]) ? configurationInfo["additionalConfigurations"] : {};
  const parsed = parseBindingAwareRequest(configurationInfo);
  if (!("code" in parsed) && parsed.binding) {
    const { prefix, separator } = parsed.binding;
    const binding = REGISTRY.get(targetKind as TargetKind)?.binding;
    // Secret auth writes the connection string under the prefix itself; identity auth only the prefixed properties.
    const names = [...(secretAuth ? [prefix] : []), ...[...(binding?.identity.map((p) => p.property) ?? []), "credential", "clientId"].map((p) => `${prefix}${separator}${p}`)];
    const field = `properties.configurationInfo.additionalConfigurations.${FUNCTIONS_CONNECTION_KEY}`;
    // The host storage connection's identity-based settings may be written (isHostStorageConnectionSetting).
    const denied = names.filter((n) => !isHostStorageConnectionSetting(n)).map((n) => settingNameIssue(n, field, extra)).find(Boolean);
    if (denied) push({ ...denied, message: `The binding connection '${prefix}' would write ${names.join(", ")}; ${denied.message}` });
  }
  for (const key of Object.keys(additional)) {
    if (!key.startsWith(OPTION_KEY_PREFIX)) push(settingNameIssue(key, `properties.configurationInfo.additionalConfigurations.${key}`, extra));
  }
  return issues;
}
