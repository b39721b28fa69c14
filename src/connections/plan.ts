// Planning: from a linker request to the concrete inputs of each configuration step. Reads only
// (source, target, identity, current settings); decides nothing the steps could not re-check.
import { genericArm } from "../azure/armGeneric.js";
import { parseResourceId } from "../azure/resourceId.js";
import {
  checkCombination, checkRequestedRoles, defaultRoles, describeTarget, factsFromResource, networkOptions, resolveTarget,
  type TargetFacts, type TargetKind,
} from "../catalogue/index.js";
import { defaultDatabaseUser } from "../catalogue/grants.js";
import { isObject } from "../model/linker.js";
import { sourceAdapterFor } from "../sources/index.js";
import { firewallFor } from "../targets/firewall.js";
import { readAppConfigurationStoreEndpoint } from "../targets/appConfiguration.js";
import { subnetOf } from "../sources/subnet.js";
import { engineOfKind } from "../databases/engines.js";
import { appConfigurationKeysInputFor } from "../steps/appConfiguration.js";
import { noVnetIntegrationMessage, serviceEndpointInputFor, serviceEndpointUnsupportedMessage } from "../steps/serviceEndpoint.js";
import { keyVaultReference } from "../steps/secretStore.js";
import type { SettingSpec } from "../model/steps.js";
import type { StepContext } from "../steps/step.js";
import { hasSecretToken, secretToken } from "../secrets/secretTokens.js";
import type { ConnectionPlan, PlanRequest, RoleGrant } from "../model/plan.js";
import { PlanError } from "../model/errors.js";
import { catalogueError, configurationsOf } from "./configurations.js";
import { isConnectorScope } from "../model/connector.js";
import { assertLocalConnection, callerAddresses, userAccountPrincipal } from "./localConnection.js";

const USER_SECRET_PATHS: Record<string, string> = {
  password: "authInfo.secretInfo.value",
  clientSecret: "authInfo.secret",
};

const str = (v: unknown): string | undefined => (typeof v === "string" && v ? v : undefined);

export async function planConnection(req: PlanRequest, ctx: StepContext): Promise<ConnectionPlan> {
  const p = req.properties;
  const authInfo = p.authInfo;
  const authType = authInfo.authType;
  const clientType = p.clientType ?? "none";
  const scope = str(p.scope);
  const warnings: string[] = [];

  const target = resolveTarget(p.targetService);
  if ("code" in target) throw catalogueError(target);
  const kind = target.kind as TargetKind;

  // A local connection (a connector) writes nothing: refused before any read when it asks to (./localConnection.ts).
  const local = isConnectorScope(req.sourceId);
  if (local) assertLocalConnection(p);
  const configurationInfo = isObject(p.configurationInfo) ? p.configurationInfo : undefined;
  const storeId = configurationStoreOf(configurationInfo);
  const vNetType = isObject(p.vNetSolution) ? str(p.vNetSolution["type"]) : undefined;

  // The reads planning needs are independent: source, its settings, the target resource (and, when asked for, the
  // App Configuration store's endpoint), all at once.
  const source = sourceAdapterFor(ctx.clients, req.sourceId, scope);
  const arm = genericArm(ctx.clients);
  const [snapshot, currentSettings, targetResource, storeEndpoint] = await Promise.all([
    source.read(), source.readSettings(), target.resourceId ? arm.getResource(target.resourceId) : Promise.resolve(undefined),
    storeId ? readAppConfigurationStoreEndpoint(ctx.clients, storeId) : Promise.resolve(undefined),
  ]);
  // A site's subnet comes with its read; only a container app's needs its environment read.
  const subnetId = vNetType === "serviceEndpoint" ? await subnetOf(ctx.clients, snapshot) : undefined;
  const problem = checkCombination({ targetKind: kind, sourceKind: snapshot.kind, authType, clientType });
  if (problem) throw new PlanError("InvalidConnection", problem.message, `properties.${problem.field}`);

  // Facts: from the id, then the top-level resource's GET.
  // managementEndpoint: the ARM endpoint linkwright uses (Cosmos list-key URLs point there; sovereign clouds, sandbox).
  const facts: TargetFacts = { ...target.facts, ...(targetResource ? factsFromResource(kind, targetResource) : {}), managementEndpoint: ctx.clients.armEndpoint };

  // Identity / principal.
  let identity: ConnectionPlan["identity"];
  let principal: ConnectionPlan["principal"];
  const optOutAuth = str(authInfo["authMode"]) === "optOutAllAuth";
  if (authType === "systemAssignedIdentity") {
    identity = { sourceId: req.sourceId, scope, systemAssigned: true };
    facts.tenantId = snapshot.identity.tenantId;
  } else if (authType === "userAssignedIdentity") {
    const clientId = str(authInfo["clientId"]);
    if (!clientId) throw new PlanError("InvalidConnection", "authInfo.clientId is required for userAssignedIdentity.", "properties.authInfo.clientId");
    const subscriptionId = str(authInfo["subscriptionId"]) ?? parseResourceId(req.sourceId)!.subscriptionId;
    const identityId = await findUserIdentity(ctx, subscriptionId, clientId);
    identity = { sourceId: req.sourceId, scope, systemAssigned: false, userAssignedIdentityId: identityId };
    facts.clientId = clientId;
  } else if (authType === "servicePrincipalSecret") {
    const principalId = str(authInfo["principalId"]);
    const clientId = str(authInfo["clientId"]);
    if (!principalId || !clientId) {
      throw new PlanError("InvalidConnection", "authInfo.clientId and authInfo.principalId are required for servicePrincipalSecret.", "properties.authInfo");
    }
    principal = { principalId, principalType: "ServicePrincipal" };
    facts.clientId = clientId;
    facts.tenantId = req.tenantId;
    facts.clientSecret = secretToken("clientSecret");
  } else if (authType === "userAccount") {
    // A local connection signed in as the developer: roles go to the caller's own account.
    principal = userAccountPrincipal(authInfo);
  } else if (authType === "secret") {
    const name = str(authInfo["name"]);
    if (name) facts.userName = name;
    const secretInfo = isObject(authInfo["secretInfo"]) ? authInfo["secretInfo"] : undefined;
    if (secretInfo && str(secretInfo["secretType"]) === "keyVaultSecretUri") {
      throw new PlanError("InvalidConnection", "secretInfo.secretType keyVaultSecretUri is not supported yet; use rawValue or let linkwright read the target's keys.", "properties.authInfo.secretInfo");
    }
  }

  // Secret facts become tokens the writing activity fills in.
  const secretDescriptor = describeTarget(kind)?.secretSource;
  let fetch: { resourceId: string; action: string; pick: { path: string; fact: string }[] } | undefined;
  if (authType === "secret" && secretDescriptor && secretDescriptor.kind !== "none" && secretDescriptor.kind !== "userProvided") {
    const resourceId = target.resourceId ?? target.id;
    fetch = { resourceId, action: secretDescriptor.kind === "resourceProperty" ? "read" : secretDescriptor.action.split("/").slice(-2, -1)[0]!, pick: secretDescriptor.pick.map((x) => ({ path: x.path, fact: x.fact })) };
    for (const x of secretDescriptor.pick) (facts as Record<string, string>)[x.fact] = secretToken(x.fact);
  }
  if (authType === "secret" && secretDescriptor?.kind === "userProvided") {
    // Every user-provided field: the secretInfo value (token "password" = authInfo.secretInfo.value), or authInfo.name.
    for (const f of secretDescriptor.fields) {
      if (f.from.startsWith("authInfo.secretInfo")) (facts as Record<string, string>)[f.fact] = secretToken("password");
      else if (f.from === "authInfo.name" && facts.userName) (facts as Record<string, string>)[f.fact] = facts.userName;
    }
  }

  // Databases with identity auth need a database user for the principal (created after the identity step); the
  // settings name that user (authInfo.userName, or the catalogue's default), so it is decided before the entries.
  let databasePrincipal: ConnectionPlan["databasePrincipal"];
  if ((identity || principal) && engineOfKind(kind)) {
    const names = parseResourceId(req.sourceId)!.names;
    databasePrincipal = identity?.userAssignedIdentityId
      ? { name: identity.userAssignedIdentityId.split("/").pop()!, ...(facts.clientId ? { clientId: facts.clientId } : {}) }
      : identity
        ? { name: names.length > 1 ? `${names[0]}/slots/${names[1]}` : names[0]! }
        : { name: facts.clientId!, clientId: facts.clientId! };
    const userName = str(authInfo["userName"]) ?? defaultDatabaseUser(kind, req.linkerName, databasePrincipal.name);
    if (userName) facts.userName = userName;
  }

  // Configuration entries: the one computation (./configurations.ts), against the names already on the source.
  const owned = new Set(req.ownedNames.map((n) => n.toLowerCase()));
  const entries = configurationsOf({
    targetKind: kind, sourceKind: snapshot.kind, authType, clientType, facts, linkerName: req.linkerName, configurationInfo,
    existingNames: Object.keys(currentSettings).filter((n) => !owned.has(n.toLowerCase())),
    deniedSettings: ctx.policy?.deniedSettings ?? [],
  });

  // Secrets: into Key Vault (secretStore) with a reference in the setting, or straight into the setting.
  const secretStoreVault = isObject(p.secretStore) ? str(p.secretStore["keyVaultId"]) : undefined;
  const vaultUri = secretStoreVault ? await vaultUriOf(ctx, secretStoreVault) : undefined;
  const secretEntries = entries.filter((e) => e.isSecret || hasSecretToken(e.value));
  const singleSecretName = isObject(p.secretStore) ? str(p.secretStore["keyVaultSecretName"]) : undefined;
  const secretStore: ConnectionPlan["secretStore"] = [];
  const settings: SettingSpec[] = [];
  for (const e of entries) {
    const secret = secretEntries.includes(e);
    if (!secret) {
      settings.push({ name: e.name, value: e.value });
      continue;
    }
    const sourceOfValue = {
      kind: "template" as const,
      template: e.value,
      ...(fetch ? { fetch } : {}),
      ...(req.sealedSecrets ? { sealedSecrets: req.sealedSecrets, factPaths: USER_SECRET_PATHS } : {}),
    };
    if (vaultUri) {
      const secretName = secretEntries.length === 1 && singleSecretName ? singleSecretName : keyVaultSecretName(req.linkerName, e.name);
      secretStore.push({ vaultUri, ...(secretStoreVault ? { vaultId: secretStoreVault } : {}), secretName, source: sourceOfValue });
      settings.push({ name: e.name, value: keyVaultReference(vaultUri, secretName) });
    } else {
      settings.push({ name: e.name, secretSource: sourceOfValue });
    }
  }

  // Roles for identity and service-principal auth: only the catalogue's roles for the target (or the platform's
  // allow-list), and never Owner, Contributor, User Access Administrator or RBAC Administrator.
  const roleIssue = checkRequestedRoles(kind, authInfo["roles"], ctx.policy ?? {})[0];
  if (roleIssue) throw new PlanError(roleIssue.code, roleIssue.message, roleIssue.field);
  const roles: RoleGrant[] = [];
  if ((identity || principal) && !optOutAuth) {
    const requested = Array.isArray(authInfo["roles"]) ? (authInfo["roles"] as unknown[]).filter((r): r is string => typeof r === "string") : [];
    const grants = requested.length ? requested.map((role) => ({ role })) : defaultRoles(kind, facts).map((r) => ({ role: r.id, roleName: r.name }));
    if (grants.length && !target.roleScope) warnings.push(`${kind} takes no RBAC role; grant data-plane access separately.`);
    if (target.roleScope) for (const g of grants) roles.push({ scope: target.roleScope, ...g });
  }

  // Network: open the target's firewall to the source unless the request opts out.
  let firewall: ConnectionPlan["firewall"];
  const pns = isObject(p.publicNetworkSolution) ? p.publicNetworkSolution : undefined;
  const rules = pns && isObject(pns["firewallRules"]) ? pns["firewallRules"] : undefined;
  // With a vNetSolution the source comes in through the VNet: the public firewall is opened only when asked for.
  const wantFirewall = vNetType ? str(pns?.["action"]) === "enable" : str(pns?.["action"]) !== "optOut";
  // The caller's own address when callerClientIP asks for it (a local connection's only outbound address).
  const callerIps = callerAddresses(p);
  const ips = [...(Array.isArray(rules?.["ipRanges"]) ? (rules!["ipRanges"] as string[]) : []), ...snapshot.outboundIps, ...callerIps];
  const allowAzureServices = str(rules?.["azureServices"]) === "true";
  if (wantFirewall && networkOptions(kind)?.firewall && target.resourceId && firewallFor(ctx.clients, target.resourceId)
    && (!local || ips.length > 0 || allowAzureServices)) {
    firewall = { targetId: target.resourceId, ips, ...(callerIps.length ? { callerIps } : {}), allowAzureServices };
  }
  let serviceEndpoint: ConnectionPlan["serviceEndpoint"];
  if (vNetType === "serviceEndpoint") {
    if (!subnetId) throw new PlanError("InvalidConnection", noVnetIntegrationMessage(req.sourceId), "properties.vNetSolution");
    serviceEndpoint = target.resourceId ? serviceEndpointInputFor({ subnetId, targetResourceId: target.resourceId }) : undefined;
    if (!serviceEndpoint) {
      throw new PlanError("InvalidConnection", serviceEndpointUnsupportedMessage(target.resourceId ?? target.id), "properties.vNetSolution.type");
    }
  }

  // Destination: the source's settings, or the App Configuration store's keys.
  let appConfiguration: ConnectionPlan["appConfiguration"];
  let sourceSettings = settings;
  if (storeId) {
    appConfiguration = appConfigurationKeysInputFor({
      storeId, ...(storeEndpoint ? { endpoint: storeEndpoint } : {}), settings,
      ...(req.previous?.appConfiguration?.length ? { remove: req.previous.appConfiguration } : {}),
    });
    sourceSettings = [];
    const endpoint = (storeEndpoint ?? "").replace(/\/+$/, "").toLowerCase();
    if (!Object.values(currentSettings).some((v) => v.replace(/\/+$/, "").toLowerCase() === endpoint)) {
      warnings.push(`The source has no setting pointing at the App Configuration store ${storeId}; connect the source to the store (an appconfig connection) so it can read these keys.`);
    }
  }
  // A local connection's configuration is only returned (generateConfigurations): no setting is written anywhere.
  if (local) sourceSettings = [];
  const wanted = new Set(sourceSettings.map((x) => x.name));
  const removeSettings = (req.previous?.settings ?? []).filter((x) => !wanted.has(x.name));

  return {
    sourceId: req.sourceId,
    ...(scope ? { scope } : {}),
    sourceKind: snapshot.kind,
    targetKind: kind,
    targetId: target.id,
    ...(target.resourceId ? { targetResourceId: target.resourceId } : {}),
    authType,
    clientType,
    ...(identity ? { identity, observedIdentity: snapshot.identity } : {}),
    ...(principal ? { principal } : {}),
    roles,
    ...(firewall ? { firewall, ...(firewallOpen(targetResource) ? { firewallOpen: true } : {}) } : {}),
    ...(serviceEndpoint ? { serviceEndpoint } : {}),
    ...(databasePrincipal ? { databasePrincipal } : {}),
    secretStore,
    settings: { sourceId: req.sourceId, ...(scope ? { scope } : {}), settings: sourceSettings, ...(removeSettings.length ? { remove: removeSettings } : {}) },
    ...(appConfiguration ? { appConfiguration } : {}),
    // A secret kept in Key Vault is written as a reference, which is no secret: it is shown (as a KeyVaultSecret entry).
    configurations: entries.map((e) => {
      const secret = secretEntries.includes(e);
      const reference = secret ? settings.find((x) => x.name === e.name && x.value !== undefined)?.value : undefined;
      return {
        name: e.name,
        ...(!secret ? { value: e.value } : reference ? { value: reference } : {}),
        isSecret: secret && !reference,
        description: e.description,
      };
    }),
    // Every fact planning learnt but secrets (tokens until the writing activity fills them): what recomputing the
    // configuration later (generateConfigurations, listConfigurations) needs to give the same answer.
    targetFacts: Object.fromEntries(Object.entries(facts).filter((e): e is [string, string] => typeof e[1] === "string" && !hasSecretToken(e[1]))),
    warnings,
  };
}

/** The target's firewall lets everyone in (default action Allow, as its read showed): the firewall step has nothing to do. */
function firewallOpen(targetResource: Record<string, unknown> | undefined): boolean {
  const acls = isObject(targetResource?.["properties"]) ? (targetResource!["properties"] as Record<string, unknown>)["networkAcls"] : undefined;
  return !isObject(acls) || acls["defaultAction"] !== "Deny";
}

/** configurationInfo.configurationStore.appConfigurationId, checked to be an App Configuration store id. */
export function configurationStoreOf(configurationInfo: Record<string, unknown> | null | undefined): string | undefined {
  const store = configurationInfo && isObject(configurationInfo["configurationStore"]) ? configurationInfo["configurationStore"] : undefined;
  const id = str(store?.["appConfigurationId"]);
  if (!id) return undefined;
  if (parseResourceId(id)?.fullType.toLowerCase() !== "microsoft.appconfiguration/configurationstores") {
    throw new PlanError("InvalidConnection", `configurationStore.appConfigurationId '${id}' is not an App Configuration store id (Microsoft.AppConfiguration/configurationStores).`,
      "properties.configurationInfo.configurationStore.appConfigurationId");
  }
  return id;
}

/** Key Vault secret names: 1–127 of [0-9a-zA-Z-]. */
export function keyVaultSecretName(linkerName: string, settingName: string): string {
  return `${linkerName}-${settingName}`.replace(/[^0-9a-zA-Z-]+/g, "-").replace(/-+/g, "-").slice(0, 127);
}

async function vaultUriOf(ctx: StepContext, vaultId: string): Promise<string> {
  const id = parseResourceId(vaultId);
  if (!id || id.fullType.toLowerCase() !== "microsoft.keyvault/vaults") {
    throw new PlanError("InvalidConnection", `secretStore.keyVaultId '${vaultId}' is not a Key Vault id.`, "properties.secretStore.keyVaultId");
  }
  const vault = await ctx.clients.keyVault(id.subscriptionId).vaults.get(id.resourceGroup, id.names[0]!);
  const uri = vault.properties.vaultUri;
  if (!uri) throw new PlanError("InvalidConnection", `Key Vault ${vaultId} reports no vaultUri.`, "properties.secretStore.keyVaultId");
  return uri;
}

async function findUserIdentity(ctx: StepContext, subscriptionId: string, clientId: string): Promise<string> {
  for await (const uami of ctx.clients.msi(subscriptionId).userAssignedIdentities.listBySubscription()) {
    if (uami.clientId && uami.clientId.toLowerCase() === clientId.toLowerCase() && uami.id) return uami.id;
  }
  throw new PlanError("InvalidConnection",
    `No user-assigned identity with client id ${clientId} was found in subscription ${subscriptionId}.`, "properties.authInfo.clientId");
}

