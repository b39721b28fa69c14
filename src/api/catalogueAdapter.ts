// CatalogueHooks over src/catalogue (pure functions; no I/O).
// Validation: the target id must match a catalogue target, and (target, source kind, authType,
// clientType) must be a supported combination. Configurations: what the orchestration recorded
// on the linker (`state.configurations`), else the one computation planning uses
// (src/connections/configurations.ts) with the facts known.
import {
  checkCombination, checkConnectionGuards, isCatalogueError, resolveTarget, type ConfigurationEntry as CatalogueEntry, type GuardPolicy,
} from "../catalogue/index.js";
import type { StoredLinker } from "../model/connection.js";
import type { CatalogueHooks } from "./catalogueHooks.js";
import type { ConfigurationEntry, ValidationIssue } from "../model/configuration.js";
import { ApiError, ErrorCodes } from "./wire/errors.js";
import { recomputedConfigurations, sourceKindOf } from "../connections/configurations.js";
import { localConnectionIssues } from "../connections/localConnection.js";
import { PlanError } from "../model/errors.js";

const KEY_VAULT_REFERENCE = /^@Microsoft\.KeyVault\(/i;

function toHookEntry(entry: CatalogueEntry | ConfigurationEntry): ConfigurationEntry {
  const isReference = typeof entry.value === "string" && KEY_VAULT_REFERENCE.test(entry.value);
  return {
    name: entry.name,
    value: entry.value ?? null,
    configType: isReference ? "KeyVaultSecret" : "Default",
    description: entry.description ?? null,
    isSecret: Boolean(entry.isSecret) && !isReference,
  };
}

function recordedEntries(linker: StoredLinker): ConfigurationEntry[] | undefined {
  return linker.state?.configurations?.map(toHookEntry);
}

/** `policy`: what the platform allows beyond the catalogue (src/config/settings.ts readConnectionPolicy). */
export function createCatalogueHooks(policy: GuardPolicy = {}): CatalogueHooks {
  return {
    validate({ sourceId, properties }) {
      const issues: ValidationIssue[] = [];
      const sourceKind = sourceKindOf(sourceId);
      if (!sourceKind) {
        issues.push({
          field: "resourceUri",
          code: ErrorCodes.BadRequest,
          message: `The source resource '${sourceId}' is not supported; supported sources: Microsoft.Web/sites (web and function apps), Microsoft.Web/sites/slots, Microsoft.App/containerApps.`,
        });
        return issues;
      }
      const target = resolveTarget(properties.targetService);
      if (isCatalogueError(target)) {
        issues.push({ field: target.target ?? "properties.targetService", code: target.code, message: target.message });
        return issues;
      }
      const problem = checkCombination({
        targetKind: target.kind,
        sourceKind,
        authType: properties.authInfo.authType,
        clientType: properties.clientType ?? "none",
      });
      if (problem) {
        issues.push({ field: problem.field === "sourceKind" ? "resourceUri" : `properties.${problem.field}`, code: ErrorCodes.BadRequest, message: problem.message });
      }
      // What no caller may have linkwright do: assign roles beyond the target's, write platform or code-loading settings
      // (a local connection writes none: its configuration is only returned).
      issues.push(...checkConnectionGuards({ targetKind: target.kind, sourceKind, authInfo: properties.authInfo, configurationInfo: properties.configurationInfo ?? null }, policy));
      // A local connection writes nothing anywhere: no Key Vault secret, App Configuration keys or virtual network.
      if (sourceKind === "local") issues.push(...localConnectionIssues(properties));
      return issues;
    },

    async configurations({ linker, configurationInfo }) {
      if (configurationInfo === undefined) {
        const recorded = recordedEntries(linker);
        if (recorded) return recorded;
      }
      try {
        return recomputedConfigurations(linker, configurationInfo ?? linker.properties.configurationInfo, policy.deniedSettings ?? []).map(toHookEntry);
      } catch (e) {
        if (!(e instanceof PlanError)) throw e;
        // A fact only the connection's run learns (an endpoint from the target's GET): not provisioned yet.
        if (e.code === "MissingTargetFact") {
          throw new ApiError(409, ErrorCodes.Conflict, `${e.message}; the connection has not been provisioned yet (provisioningState '${linker.provisioningState}').`, e.target);
        }
        throw new ApiError(400, e.code === "InvalidConnection" ? ErrorCodes.BadRequest : e.code, e.message, e.target);
      }
    },
  };
}
