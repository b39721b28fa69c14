// CatalogueHooks over src/catalogue (pure functions; no I/O).
// Validation: the target id must match a catalogue target, and (target, source kind, authType,
// clientType) must be a supported combination. Configurations: what the orchestration recorded
// on the linker (`state.configurations`), else computed from the catalogue with the facts known
// (from the target id, plus `state.targetFacts` the orchestration recorded).
import {
  checkCombination,
  checkConnectionGuards,
  type GuardPolicy,
  configurationEntries,
  isCatalogueError,
  resolveTarget,
  secretSource,
  type ConfigurationEntry as CatalogueEntry,
  type FactName,
  type TargetFacts,
} from "../catalogue/index.js";
import type { StoredLinker } from "../model/connection.js";
import { parseResourceId } from "../azure/resourceId.js";
import type { CatalogueHooks } from "./catalogueHooks.js";
import type { ConfigurationEntry, ValidationIssue } from "../model/configuration.js";
import { isObject, type LinkerProperties } from "../model/linker.js";
import { ApiError, ErrorCodes } from "./wire/errors.js";

/** Source kind from the source resource id (function apps share the web app lists, targets.md §4a). */
export function sourceKindOf(sourceId: string): "webapp" | "slot" | "containerapp" | undefined {
  const type = parseResourceId(sourceId)?.fullType.toLowerCase();
  return type === "microsoft.web/sites" ? "webapp" : type === "microsoft.web/sites/slots" ? "slot"
    : type === "microsoft.app/containerapps" ? "containerapp" : undefined;
}

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

/** Stands in for a secret the API never holds (keys, passwords): entries built from it are secret, hence never shown. */
const SECRET_PLACEHOLDER = "{{linkwright-secret}}";
const USER_SECRET_FACTS: FactName[] = ["password", "clientSecret", "kafkaApiSecret", "schemaRegistrySecret"];

/** Facts a recomputation can know without I/O: the request's own (user name, client id) and placeholders for secrets. */
function factsFromProperties(kind: Parameters<typeof secretSource>[0], props: LinkerProperties): TargetFacts {
  const facts: Record<string, string> = {};
  const auth = props.authInfo as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === "string" && v ? v : undefined);
  const clientId = str(auth["clientId"]);
  if (clientId) facts["clientId"] = clientId;
  if (auth["authType"] === "secret" || auth["authType"] === "servicePrincipalSecret") {
    for (const fact of USER_SECRET_FACTS) facts[fact] = SECRET_PLACEHOLDER;
    const source = secretSource(kind);
    if (source && "pick" in source) for (const p of source.pick) facts[p.fact] = SECRET_PLACEHOLDER;
    const name = str(auth["name"]);
    if (source?.kind === "userProvided" && name) for (const f of source.fields) if (f.from === "authInfo.name") facts[f.fact] = name;
    if (name) facts["userName"] = name;
  }
  return facts as TargetFacts;
}

function recordedEntries(linker: StoredLinker): ConfigurationEntry[] | undefined {
  const recorded = linker.state?.["configurations"];
  return Array.isArray(recorded) ? (recorded as ConfigurationEntry[]).map(toHookEntry) : undefined;
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
      const target = resolveTarget(properties.targetService as { type: string; id?: string; endpoint?: string });
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
      // What no caller may have linkwright do: assign roles beyond the target's, write platform or code-loading settings.
      issues.push(...checkConnectionGuards({ targetKind: target.kind, authInfo: properties.authInfo, configurationInfo: properties.configurationInfo ?? null }, policy));
      return issues;
    },

    async configurations({ linker, configurationInfo }) {
      if (configurationInfo === undefined) {
        const recorded = recordedEntries(linker);
        if (recorded) return recorded;
      }
      const props: LinkerProperties = linker.properties;
      const target = resolveTarget(props.targetService as { type: string; id?: string; endpoint?: string });
      if (isCatalogueError(target)) throw new ApiError(400, target.code, target.message, target.target);
      const info = configurationInfo ?? props.configurationInfo ?? undefined;
      const recordedFacts = linker.state?.["targetFacts"];
      const facts: TargetFacts = {
        ...target.facts, ...(isObject(recordedFacts) ? (recordedFacts as TargetFacts) : {}), ...factsFromProperties(target.kind, props),
      };
      const entries = configurationEntries({
        targetKind: target.kind,
        authType: props.authInfo.authType,
        clientType: props.clientType ?? "none",
        facts,
        connectionName: linker.name,
        customizedKeys: isObject(info?.["customizedKeys"]) ? (info["customizedKeys"] as Record<string, string>) : null,
        additionalConfigurations: isObject(info?.["additionalConfigurations"]) ? (info["additionalConfigurations"] as Record<string, string>) : null,
        deniedSettings: policy.deniedSettings ?? [],
      });
      if (isCatalogueError(entries)) {
        const status = entries.code === "MissingTargetFact" ? 409 : 400;
        const message = entries.code === "MissingTargetFact"
          ? `${entries.message}; the connection has not been provisioned yet (provisioningState '${linker.provisioningState}').`
          : entries.message;
        throw new ApiError(status, entries.code === "MissingTargetFact" ? ErrorCodes.Conflict : entries.code, message, entries.target);
      }
      return entries.map((e) => toHookEntry(e.value.includes(SECRET_PLACEHOLDER) ? { ...e, isSecret: true } : e));
    },
  };
}
