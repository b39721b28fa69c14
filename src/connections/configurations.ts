// The one answer to "which configuration does this connection write?": the catalogue's entries for its (target, source,
// auth, client) cell, named as the request asks — opted out, Functions binding-aware names
// (`linkwright.functionsConnection`), the CONN2 rule against names already taken, customizedKeys, additional
// configurations. Planning (what a create writes), the dry run, generateConfigurations and listConfigurations all
// come here; test/connections/configurations-table.test.ts holds them to one answer for every catalogue cell.
import { parseResourceId } from "../azure/resourceId.js";
import { isConnectorScope } from "../model/connector.js";
import {
  configurationEntries, parseBindingAwareRequest, resolveTarget, secretSource,
  type ConfigurationEntry, type FactName, type TargetFacts, type TargetKind,
} from "../catalogue/index.js";
import type { StoredLinker } from "../model/connection.js";
import { isObject, type ConfigurationInfo, type JsonObject, type LinkerProperties } from "../model/linker.js";
import { PlanError, type ConnectionError } from "../model/errors.js";

export interface ConfigurationsRequest {
  targetKind: TargetKind;
  sourceKind: string;
  authType: string;
  clientType: string;
  facts: TargetFacts;
  /** The connection's name (the CONN2 rule). */
  linkerName: string;
  configurationInfo: ConfigurationInfo | JsonObject | null | undefined;
  /** Setting names already on the source that belong to something else (the CONN2 rule); none when unknown. */
  existingNames?: Iterable<string>;
  /** Setting-name patterns the platform denies beyond the built-in list. */
  deniedSettings: readonly string[];
}

/** A catalogue refusal as the plan's error (unsupported combination, missing fact, name conflict, bad option). */
export function catalogueError(e: ConnectionError): PlanError {
  return new PlanError(e.code === "BadRequest" ? "InvalidConnection" : e.code, e.message, e.target);
}

/** The entries the connection writes, in order; throws PlanError when the catalogue refuses. */
export function configurationsOf(req: ConfigurationsRequest): ConfigurationEntry[] {
  const info = req.configurationInfo ?? undefined;
  if (info?.["action"] === "optOut") return [];
  const binding = parseBindingAwareRequest(info);
  if ("code" in binding) throw catalogueError(binding);
  const entries = configurationEntries({
    targetKind: req.targetKind,
    sourceKind: req.sourceKind,
    authType: req.authType,
    clientType: req.clientType,
    facts: req.facts,
    connectionName: req.linkerName,
    customizedKeys: isObject(info?.["customizedKeys"]) ? (info["customizedKeys"] as Record<string, string>) : null,
    additionalConfigurations: binding.additionalConfigurations,
    ...(req.existingNames ? { existingNames: req.existingNames } : {}),
    deniedSettings: req.deniedSettings,
    ...(binding.binding ? { binding: binding.binding } : {}),
  });
  if ("code" in entries) throw catalogueError(entries);
  return entries;
}

/** Source kind from the source resource id (function apps share the web app lists, targets.md §4a); `local` for a
 *  connector's scope (a local connection). */
export function sourceKindOf(sourceId: string): "webapp" | "slot" | "containerapp" | "local" | undefined {
  if (isConnectorScope(sourceId)) return "local";
  const type = parseResourceId(sourceId)?.fullType.toLowerCase();
  return type === "microsoft.web/sites" ? "webapp" : type === "microsoft.web/sites/slots" ? "slot"
    : type === "microsoft.app/containerapps" ? "containerapp" : undefined;
}

/** Stands in for a secret linkwright never holds outside the writing activity (keys, passwords): an entry built from it
 *  is secret, hence never shown. */
export const SECRET_PLACEHOLDER = "{{linkwright-secret}}";
const USER_SECRET_FACTS: FactName[] = ["password", "clientSecret", "kafkaApiSecret", "schemaRegistrySecret"];

/** Facts a recomputation can know without I/O: the request's own (user name, client id) and placeholders for secrets. */
function factsFromProperties(kind: TargetKind, props: LinkerProperties): TargetFacts {
  const facts: Record<string, string> = {};
  const auth = props.authInfo;
  const str = (v: unknown) => (typeof v === "string" && v ? v : undefined);
  const clientId = str(auth.clientId);
  if (clientId) facts["clientId"] = clientId;
  if (auth.authType === "secret" || auth.authType === "servicePrincipalSecret") {
    for (const fact of USER_SECRET_FACTS) facts[fact] = SECRET_PLACEHOLDER;
    const source = secretSource(kind);
    if (source && "pick" in source) for (const p of source.pick) facts[p.fact] = SECRET_PLACEHOLDER;
    const name = str(auth.name);
    if (source?.kind === "userProvided" && name) for (const f of source.fields) if (f.from === "authInfo.name") facts[f.fact] = name;
    if (name) facts["userName"] = name;
  }
  return facts as TargetFacts;
}

/**
 * The configuration of a stored connection, computed again (generateConfigurations, listConfigurations before a run
 * recorded any): from the target id's facts, the facts its last run recorded (endpoints, the database user) and the
 * request's own; with `configurationInfo` as given (generateConfigurations may pass another). Secret values are
 * placeholders and the entries say so.
 */
export function recomputedConfigurations(linker: StoredLinker, configurationInfo: ConfigurationInfo | JsonObject | null | undefined, deniedSettings: readonly string[]): ConfigurationEntry[] {
  const props = linker.properties;
  const target = resolveTarget(props.targetService);
  if ("code" in target) throw catalogueError(target);
  const facts: TargetFacts = { ...target.facts, ...(linker.state?.targetFacts ?? {}), ...factsFromProperties(target.kind, props) };
  return configurationsOf({
    targetKind: target.kind,
    sourceKind: linker.state?.sourceKind ?? sourceKindOf(linker.sourceId) ?? "webapp",
    authType: props.authInfo.authType,
    clientType: props.clientType ?? "none",
    facts,
    linkerName: linker.name,
    configurationInfo,
    deniedSettings,
  }).map((e) => (e.value.includes(SECRET_PLACEHOLDER) ? { ...e, isSecret: true } : e));
}
