// Which ARM permissions a request needs of its caller (pure: derived from the connection's plan or its applied
// steps, no I/O). The rule: nothing linkwright does with its own identity may go beyond what the caller could do
// in ARM directly — every write the plan performs, every secret it reads, every role it assigns, every identity it
// attaches. A step that finds its work already done still counts: the caller asks for the state, not the diff.
import { parseResourceId } from "../azure/resourceId.js";
import type { LinkerProperties } from "../model/linker.js";
import type { AppliedStepRecord, ConnectionPlan } from "../model/plan.js";
import type { SecretSource } from "../model/steps.js";
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

const ROLE_WRITE = "Microsoft.Authorization/roleAssignments/write";
const ROLE_DELETE = "Microsoft.Authorization/roleAssignments/delete";
const ASSIGN_IDENTITY = "Microsoft.ManagedIdentity/userAssignedIdentities/assign/action";
const SUBNET_WRITE = "Microsoft.Network/virtualNetworks/subnets/write";
const SUBNET_JOIN = "Microsoft.Network/virtualNetworks/subnets/joinViaServiceEndpoint/action";
const SET_SECRET = "Microsoft.KeyVault/vaults/secrets/setSecret/action";
const DELETE_SECRET = "Microsoft.KeyVault/vaults/secrets/delete";
const KEY_VALUE_WRITE = "Microsoft.AppConfiguration/configurationStores/keyValues/write";
const KEY_VALUE_DELETE = "Microsoft.AppConfiguration/configurationStores/keyValues/delete";

const typeOf = (id: string) => parseResourceId(id)?.fullType ?? "";
const str = (v: unknown) => (typeof v === "string" && v ? v : undefined);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The action that writes a source's settings: App Service config, or the container app itself. */
export function settingsWriteAction(sourceId: string): string {
  const t = typeOf(sourceId).toLowerCase();
  if (t === "microsoft.web/sites") return "Microsoft.Web/sites/config/write";
  if (t === "microsoft.web/sites/slots") return "Microsoft.Web/sites/slots/config/write";
  return `${typeOf(sourceId)}/write`;
}

/** The action that turns on a source's managed identity (a write of the site, slot or container app). */
export function identityWriteAction(sourceId: string): string {
  return `${typeOf(sourceId)}/write`;
}

/** The action a subnet rule on the target needs (a write of the target, or of its virtualNetworkRules child). */
export function vnetRuleAction(targetId: string): string {
  const type = typeOf(targetId);
  return type.toLowerCase() === "microsoft.sql/servers" ? "Microsoft.Sql/servers/virtualNetworkRules/write" : `${type}/write`;
}

/** Becoming (or acting as) a database server's Microsoft Entra admin is what lets one create any database user. */
export function databaseAdminAction(serverId: string): string {
  return `${typeOf(serverId)}/administrators/write`;
}

/** The ARM action behind a secret fetched from the target (listKeys and the like, or a plain read). */
export function secretReadAction(fetch: { resourceId: string; action: string }): string {
  const type = typeOf(fetch.resourceId);
  return fetch.action === "read" ? `${type}/read` : `${type}/${fetch.action}/action`;
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
  return `${r.scope.replace(/\/+$/, "").toLowerCase()}|${r.action.toLowerCase()}|${r.dataAction ? "data" : "control"}`;
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

function secretFetches(plan: ConnectionPlan): { resourceId: string; action: string }[] {
  const sources: (SecretSource | undefined)[] = [...plan.settings.settings.map((s) => s.secretSource), ...plan.secretStore.map((s) => s.source)];
  if (plan.appConfiguration) sources.push(...plan.appConfiguration.keys.map((k) => k.secretSource));
  return [...sources.flatMap((s) => {
    if (!s) return [];
    if (s.kind === "storageConnectionString" || s.kind === "storageAccountKey") return [{ resourceId: s.storageAccountId, action: "listKeys" }];
    return s.kind === "template" && s.fetch ? [s.fetch] : [];
  }), ...(plan.secretReads ?? [])];
}

/** Everything a create or update performs, from its plan. */
export function changeRequirements(plan: ConnectionPlan, properties: LinkerProperties): RequiredPermission[] {
  const source = plan.sourceId;
  const out: RequiredPermission[] = [...baseChangeRequirements(source)];
  if (plan.identity) {
    out.push({ scope: source, action: identityWriteAction(source), why: "turn on or attach the source's managed identity" });
    if (plan.identity.userAssignedIdentityId) {
      out.push({ scope: plan.identity.userAssignedIdentityId, action: ASSIGN_IDENTITY, why: "attach the user-assigned identity to the source" });
    }
  }
  for (const g of plan.roles) out.push({ scope: g.scope, action: ROLE_WRITE, why: `assign ${g.roleName ?? g.role.split("/").pop()} to the connection's principal` });
  if (plan.databasePrincipal && plan.targetResourceId) {
    out.push({ scope: plan.targetResourceId, action: databaseAdminAction(plan.targetResourceId), why: "create the connection's database user (as the server's Microsoft Entra admin)" });
  }
  for (const f of secretFetches(plan)) out.push({ scope: f.resourceId, action: secretReadAction(f), why: "read the target's secret for the connection" });
  // An open firewall needs no rule: the step changes nothing (and a saga planning later against a closed one needs it).
  if (plan.firewall && !plan.firewallOpen) out.push({ scope: plan.firewall.targetId, action: `${typeOf(plan.firewall.targetId)}/write`, why: "open the target's firewall to the source" });
  if (plan.serviceEndpoint) {
    const se = plan.serviceEndpoint;
    out.push({ scope: se.subnetId, action: SUBNET_WRITE, why: "enable the service endpoint on the source's subnet" });
    out.push({ scope: se.subnetId, action: SUBNET_JOIN, why: "add the subnet to the target's network rules" });
    out.push({ scope: se.targetId, action: vnetRuleAction(se.targetId), why: "add the subnet to the target's network rules" });
  }
  if (plan.secretStore.length) {
    const vaultId = isObject(properties.secretStore) ? str(properties.secretStore["keyVaultId"]) : undefined;
    out.push({ scope: plan.secretStore[0]!.vaultId ?? vaultId ?? plan.secretStore[0]!.vaultUri, action: SET_SECRET, dataAction: true, why: "store the connection's secret in the Key Vault" });
  }
  if (plan.settings.settings.length || plan.settings.remove?.length) {
    out.push({ scope: source, action: settingsWriteAction(source), why: "write the connection's settings" });
  }
  if (plan.appConfiguration) {
    out.push({ scope: plan.appConfiguration.storeId, action: KEY_VALUE_WRITE, dataAction: true, why: "write the connection's keys in the App Configuration store" });
  }
  return distinct(out);
}

export function linkerDeleteRequirement(sourceId: string): RequiredPermission[] {
  return [{ ...connectionsAccess(sourceId, "delete"), why: "delete a connection of the source" }];
}

/** Everything deleting a connection may undo, from the steps it applied. */
export function deleteRequirements(sourceId: string, properties: LinkerProperties, applied: AppliedStepRecord[]): RequiredPermission[] {
  return distinct([...linkerDeleteRequirement(sourceId), ...undoRequirements(applied, properties)]);
}

/** What undoing these applied steps needs (a delete, or an update's cleanup of what it no longer wants). The scopes
 *  come from the records themselves: a Key Vault secret's vault from the record, the linker's properties only for
 *  records made before the vault id was recorded. */
export function undoRequirements(applied: AppliedStepRecord[], properties: LinkerProperties): RequiredPermission[] {
  const out: RequiredPermission[] = [];
  const vaultOfProperties = isObject(properties.secretStore) ? str(properties.secretStore["keyVaultId"]) : undefined;
  for (const a of applied) {
    const input = a.input as Record<string, unknown>;
    switch (a.step) {
      case "identity": if (a.changed) out.push({ scope: String(input["sourceId"]), action: identityWriteAction(String(input["sourceId"])), why: "turn off the identity the connection turned on" }); break;
      case "roleAssignment": out.push({ scope: String(input["scope"]), action: ROLE_DELETE, why: "remove the connection's role assignment" }); break;
      case "firewall": if (a.changed) out.push({ scope: String(input["targetId"]), action: `${typeOf(String(input["targetId"]))}/write`, why: "close what the connection opened in the target's firewall" }); break;
      case "serviceEndpoint": if (a.changed) {
        out.push({ scope: String(input["subnetId"]), action: SUBNET_WRITE, why: "remove the service endpoint the connection added" });
        out.push({ scope: String(input["targetId"]), action: vnetRuleAction(String(input["targetId"])), why: "remove the subnet rule the connection added" });
      } break;
      case "secretStore": out.push({ scope: str(input["vaultId"]) ?? vaultOfProperties ?? String(input["vaultUri"]), action: DELETE_SECRET, dataAction: true, why: "delete the connection's Key Vault secret" }); break;
      case "configuration": out.push({ scope: String(input["sourceId"]), action: settingsWriteAction(String(input["sourceId"])), why: "remove the connection's settings" }); break;
      case "appConfiguration": out.push({ scope: String(input["storeId"]), action: KEY_VALUE_DELETE, dataAction: true, why: "remove the connection's App Configuration keys" }); break;
      case "databaseUser": out.push({ scope: String(input["serverId"]), action: databaseAdminAction(String(input["serverId"])), why: "drop the connection's database user" }); break;
      default: break;
    }
  }
  return distinct(out);
}

/** What an update must also be authorized for: undoing what the previous run applied at scopes the new plan no
 *  longer touches (the saga's cleanup undoes those, src/activities planObsolete). */
export function updateCleanupRequirements(previous: AppliedStepRecord[], previousProperties: LinkerProperties, planned: RequiredPermission[]): RequiredPermission[] {
  const kept = new Set(planned.map((r) => r.scope.replace(/\/+$/, "").toLowerCase()));
  return undoRequirements(previous, previousProperties).filter((u) => !kept.has(u.scope.replace(/\/+$/, "").toLowerCase()));
}

/** The scopes a request names before anything is read (source, target, vault, store): their permissions can be
 *  read while the connection is planned. */
export function scopesNamedBy(sourceId: string, properties: LinkerProperties): string[] {
  const scopes = [connectionsAccess(sourceId, "write").scope];
  const target = resolveTarget(properties.targetService as never);
  // The role scope is checked for every identity connection; the target itself only when its firewall is closed.
  if (!("code" in target) && target.roleScope) scopes.push(target.roleScope);
  const vault = isObject(properties.secretStore) ? str(properties.secretStore["keyVaultId"]) : undefined;
  if (vault) scopes.push(vault);
  const info = isObject(properties.configurationInfo) ? properties.configurationInfo : undefined;
  const store = info && isObject(info["configurationStore"]) ? str(info["configurationStore"]["appConfigurationId"]) : undefined;
  if (store) scopes.push(store);
  return [...new Map(scopes.map((s) => [s.toLowerCase(), s])).values()];
}
