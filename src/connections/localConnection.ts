// Local connections (connectors: src/model/connector.ts) in planning — what differs from a connection of an Azure
// source, in one place: the principal is known up front (the developer's own account, or the calling application's
// service principal), the target's firewall admits the caller's address, and nothing is written to any source: the
// plan keeps the configuration (what generateConfigurations returns) but no settings, no Key Vault secret and no App
// Configuration keys.
import { isObject, type AuthInfo, type LinkerProperties } from "../model/linker.js";
import { PlanError } from "../model/errors.js";
import type { ValidationIssue } from "../model/configuration.js";

const str = (v: unknown): string | undefined => (typeof v === "string" && v ? v : undefined);

/** What a local connection cannot do, as request issues (the API answers 400 before anything changes). */
export function localConnectionIssues(p: LinkerProperties): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const refuse = (field: string, what: string) => issues.push({
    field, code: "BadRequest",
    message: `A local connection writes nothing to any resource (its configuration is only returned by generateConfigurations), so ${what} is not supported for connectors.`,
  });
  if (isObject(p.secretStore) && str(p.secretStore["keyVaultId"])) refuse("properties.secretStore.keyVaultId", "a secretStore");
  const store = isObject(p.configurationInfo) && isObject(p.configurationInfo["configurationStore"]) ? p.configurationInfo["configurationStore"] : undefined;
  if (str(store?.["appConfigurationId"])) refuse("properties.configurationInfo.configurationStore.appConfigurationId", "an App Configuration store");
  if (isObject(p.vNetSolution) && str(p.vNetSolution["type"])) refuse("properties.vNetSolution", "a vNetSolution (the caller's machine is in no virtual network)");
  return issues;
}

/** Throws the first local-connection issue as the plan's error (the saga and dry runs plan without the API's checks). */
export function assertLocalConnection(p: LinkerProperties): void {
  const issue = localConnectionIssues(p)[0];
  if (issue) throw new PlanError("InvalidConnection", issue.message, issue.field);
}

/** userAccount: the developer's own account (the API made sure it is the caller's), assigned roles as a User. */
export function userAccountPrincipal(authInfo: AuthInfo): { principalId: string; principalType: "User" } {
  const principalId = str(authInfo.principalId);
  if (!principalId) throw new PlanError("InvalidConnection", "authInfo.principalId is required for userAccount.", "properties.authInfo.principalId");
  return { principalId, principalType: "User" };
}

/** The caller's address, when `publicNetworkSolution.firewallRules.callerClientIP` asks the target's firewall to admit it
 *  (the API records the address ARM reported: LinkerProperties.callerIpAddress). */
export function callerAddresses(p: LinkerProperties): string[] {
  const rules = p.publicNetworkSolution?.firewallRules;
  const wanted = rules?.callerClientIP === "true" || rules?.callerClientIP === true;
  return wanted && p.callerIpAddress ? [p.callerIpAddress] : [];
}
