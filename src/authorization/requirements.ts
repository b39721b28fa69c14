// Which ARM permissions a request needs of its caller, the parts that know no step (pure, no I/O): the linker
// operations themselves, how requirements are compared with what was authorized, the scopes a request names. What
// each step needs is that step's own fact (src/steps/*.ts `requires`), collected by src/connections/changeRequirements.ts.
// The rule: nothing linkwright does with its own identity may go beyond what the caller could do in ARM directly.
import { foldCase, parseResourceId } from "../azure/resourceId.js";
import type { LinkerProperties } from "../model/linker.js";
import { resolveTarget } from "../catalogue/index.js";
import { connectorResourceGroup } from "../model/connector.js";
import { actionMatches, isAtOrBelow, type RequiredPermission } from "./permissions.js";

const SL = "Microsoft.ServiceLinker";
export const ServiceLinkerActions = {
  read: `${SL}/linkers/read`,
  write: `${SL}/linkers/write`,
  delete: `${SL}/linkers/delete`,
  validate: `${SL}/linkers/validateLinker/action`,
  dryrunWrite: `${SL}/dryruns/write`,
  dryrunDelete: `${SL}/dryruns/delete`,
} as const;

/** A connector's (a local connection's: src/model/connector.ts) counterparts, checked at its resource group. */
export const ConnectorActions = {
  read: `${SL}/locations/connectors/read`,
  write: `${SL}/locations/connectors/write`,
  delete: `${SL}/locations/connectors/delete`,
  validate: `${SL}/locations/connectors/validate/action`,
  dryrunWrite: `${SL}/locations/dryruns/write`,
  dryrunDelete: `${SL}/locations/dryruns/delete`,
} as const;

/** Where ARM checks an action on a source's connections, and which: a linker's on its source; a connector's (the
 *  source id is the connector scope …/locations/{location}) at its resource group, where ARM keeps those permissions. */
export function connectionsAccess(sourceId: string, verb: keyof typeof ServiceLinkerActions): { scope: string; action: string } {
  const resourceGroup = connectorResourceGroup(sourceId);
  return resourceGroup ? { scope: resourceGroup, action: ConnectorActions[verb] } : { scope: sourceId, action: ServiceLinkerActions[verb] };
}

const typeOf = (id: string) => parseResourceId(id)?.fullType ?? "";
const str = (v: unknown) => (typeof v === "string" && v ? v : undefined);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** A write of the resource itself (`{type}/write`): turning on a source's identity, opening a target's firewall… */
export function resourceWriteAction(resourceId: string): string {
  return `${typeOf(resourceId)}/write`;
}

/** The Key Vault a request's secretStore names (secrets go there, with references in the settings). */
export function keyVaultIdOf(properties: LinkerProperties): string | undefined {
  return isObject(properties.secretStore) ? str(properties.secretStore["keyVaultId"]) : undefined;
}

/** Exactly one entry per (scope, action, data), first reason kept. */
export function distinct(required: RequiredPermission[]): RequiredPermission[] {
  const seen = new Map<string, RequiredPermission>();
  for (const r of required) {
    const key = permissionKey(r);
    if (!seen.has(key)) seen.set(key, r);
  }
  return [...seen.values()];
}

export function permissionKey(r: Pick<RequiredPermission, "scope" | "action" | "dataAction">): string {
  return `${foldCase(r.scope.replace(/\/+$/, ""))}|${foldCase(r.action)}|${r.dataAction ? "data" : "control"}`;
}

/** What `needed` asks that `authorized` does not cover (the saga checks its plan against what was authorized), read
 *  as ARM reads a grant: an authorized action (wildcards allowed) at a scope covers it at that scope and below. */
export function notCovered(authorized: Pick<RequiredPermission, "scope" | "action" | "dataAction">[], needed: RequiredPermission[]): RequiredPermission[] {
  return needed.filter((r) => !authorized.some((a) => Boolean(a.dataAction) === Boolean(r.dataAction)
    && actionMatches(a.action, r.action) && isAtOrBelow(r.scope, a.scope)));
}

export function linkerReadRequirement(sourceId: string): RequiredPermission[] {
  return [{ ...connectionsAccess(sourceId, "read"), why: "read the source's connections" }];
}

/** What every create or update needs at the source, known before any read: the linker write itself. */
export function baseChangeRequirements(sourceId: string): RequiredPermission[] {
  return [{ ...connectionsAccess(sourceId, "write"), why: "create or update a connection of the source" }];
}

/** Validating a connection (validation only reads). */
export function validateRequirement(sourceId: string): RequiredPermission[] {
  return [{ ...connectionsAccess(sourceId, "validate"), why: "validate a connection of the source" }];
}

/** Creating or deleting a dry run of the source's connections. */
export function dryrunRequirement(sourceId: string, verb: "write" | "delete"): RequiredPermission[] {
  return [{ ...connectionsAccess(sourceId, verb === "write" ? "dryrunWrite" : "dryrunDelete"), why: `${verb === "write" ? "create" : "delete"} a dry run of the source` }];
}

export function linkerDeleteRequirement(sourceId: string): RequiredPermission[] {
  return [{ ...connectionsAccess(sourceId, "delete"), why: "delete a connection of the source" }];
}

/** The scopes a request names before anything is read (source, target, vault, store): their permissions can be
 *  read while the connection is planned. */
export function scopesNamedBy(sourceId: string, properties: LinkerProperties): string[] {
  const scopes = [connectionsAccess(sourceId, "write").scope];
  const target = resolveTarget(properties.targetService);
  // The role scope is checked for every identity connection; the target itself only when its firewall is closed.
  if (!("code" in target) && target.roleScope) scopes.push(target.roleScope);
  const vault = keyVaultIdOf(properties);
  if (vault) scopes.push(vault);
  const info = isObject(properties.configurationInfo) ? properties.configurationInfo : undefined;
  const store = info && isObject(info["configurationStore"]) ? str(info["configurationStore"]["appConfigurationId"]) : undefined;
  if (store) scopes.push(store);
  return [...new Map(scopes.map((s) => [foldCase(s), s])).values()];
}
