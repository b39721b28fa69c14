// Microsoft.Storage/storageAccounts: getProperties / list / create (PUT, LRO final-state `location`) /
// update (PATCH: networkAcls replaced wholesale) / delete / listKeys / regenerateKey.
// When the emulator runs with Azurite, primaryEndpoints point at Azurite and key1 is Azurite's account key, so a
// connection string built from the ARM answers works against Azurite. Reference: arm-surface §2.5.
import { randomBytes } from "node:crypto";
import { ArmError, type CoreServices, type Route, type RouteContext, type StoredResource } from "../../core/contract.js";
import { listBySubscriptionAndResourceGroup } from "../kit/list-routes.js";
import { asObject, bodyObject, requireLocation } from "../kit/request-body.js";
import { newResourceId, requireResource, requireResourceGroup } from "../kit/resource-lookup.js";
import { fill } from "../kit/route-templates.js";
import { pick } from "../kit/settable-properties.js";
import { systemData } from "../kit/system-data.js";
import { render } from "../kit/wire-shape.js";
import { deleteResult, putResult } from "../kit/write-results.js";

export const ACCOUNT = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Storage/storageAccounts/{accountName}";
export const ACCOUNT_TYPE = "Microsoft.Storage/storageAccounts";
const KINDS = ["Storage", "StorageV2", "BlobStorage", "FileStorage", "BlockBlobStorage"];

interface AccountKey { keyName: string; value: string; permissions: "FULL"; creationTime: string }
/** Private key material a stored account carries (never rendered). */
export interface AccountPrivate { accountKeys?: AccountKey[] }

/** Settable account properties (StorageAccountPropertiesCreateParameters / UpdateParameters), wire names. */
const WRITABLE = [
  "allowedCopyScope", "publicNetworkAccess", "sasPolicy", "keyPolicy", "customDomain", "encryption", "networkAcls", "accessTier",
  "azureFilesIdentityBasedAuthentication", "supportsHttpsTrafficOnly", "isSftpEnabled", "isLocalUserEnabled", "isHnsEnabled",
  "largeFileSharesState", "routingPreference", "allowBlobPublicAccess", "minimumTlsVersion", "allowSharedKeyAccess", "isNfsV3Enabled",
  "allowCrossTenantReplication", "defaultToOAuthAuthentication", "immutableStorageWithVersioning", "dnsEndpointType",
];

export function accountId(ctx: RouteContext): string {
  return fill(ACCOUNT, ctx.params);
}

function newKey(services: Pick<CoreServices, "azurite">, keyName: string, useAzurite: boolean): AccountKey {
  const value = useAzurite && services.azurite ? services.azurite.accountKey : randomBytes(64).toString("base64");
  return { keyName, value, permissions: "FULL", creationTime: new Date().toISOString() };
}

/** Endpoints of an account: Azurite's when the emulator has Azurite, else the public cloud shape. */
export function primaryEndpoints(services: Pick<CoreServices, "azurite">, name: string): Record<string, string> {
  const slash = (u: string) => (u.endsWith("/") ? u : `${u}/`);
  if (services.azurite) {
    return {
      blob: slash(services.azurite.blobEndpoint), queue: slash(services.azurite.queueEndpoint), table: slash(services.azurite.tableEndpoint),
      file: `https://${name}.file.core.windows.net/`, dfs: `https://${name}.dfs.core.windows.net/`, web: `https://${name}.z6.web.core.windows.net/`,
    };
  }
  const out: Record<string, string> = {};
  for (const s of ["blob", "queue", "table", "file", "dfs"]) out[s] = `https://${name}.${s}.core.windows.net/`;
  out.web = `https://${name}.z6.web.core.windows.net/`;
  return out;
}

/** A complete new account (used by PUT and the demo seed). */
export function buildStorageAccount(services: Pick<CoreServices, "azurite">, options: {
  id: string; location: string; kind?: string; sku?: Record<string, unknown>; tags?: Record<string, string>; properties?: Record<string, unknown>;
}): StoredResource & AccountPrivate {
  const name = options.id.split("/").pop()!;
  const skuName = String(options.sku?.name ?? "Standard_LRS");
  const props = pick({
    provisioningState: "Succeeded", creationTime: new Date().toISOString(), primaryLocation: options.location, statusOfPrimary: "available",
    accessTier: "Hot", allowBlobPublicAccess: false, allowSharedKeyAccess: true, allowCrossTenantReplication: false,
    minimumTlsVersion: "TLS1_2", supportsHttpsTrafficOnly: true, publicNetworkAccess: "Enabled", isHnsEnabled: false,
    networkAcls: { bypass: "AzureServices", virtualNetworkRules: [], ipRules: [], defaultAction: "Allow" },
    encryption: { services: { blob: { enabled: true, keyType: "Account" }, file: { enabled: true, keyType: "Account" } }, keySource: "Microsoft.Storage" },
    keyCreationTime: { key1: new Date().toISOString(), key2: new Date().toISOString() },
    primaryEndpoints: primaryEndpoints(services, name),
  }, options.properties, WRITABLE);
  props.networkAcls = normaliseNetworkAcls(props.networkAcls);
  return {
    id: options.id, name, type: ACCOUNT_TYPE, kind: options.kind ?? "StorageV2", location: options.location, tags: options.tags ?? {},
    sku: { name: skuName, tier: skuName.startsWith("Premium") ? "Premium" : "Standard" }, properties: props,
    accountKeys: [newKey(services, "key1", true), newKey(services, "key2", false)],
  };
}

function normaliseNetworkAcls(v: unknown): Record<string, unknown> {
  const acls = asObject(v);
  const defaultAction = acls.defaultAction ?? "Allow";
  if (defaultAction !== "Allow" && defaultAction !== "Deny") {
    throw new ArmError(400, "InvalidValuesForRequestParameters", `Values for request parameters are invalid: networkAcls.defaultAction '${String(defaultAction)}'.`);
  }
  const ipRules = Array.isArray(acls.ipRules) ? acls.ipRules.map((r) => ({ value: String(asObject(r).value), action: "Allow" })) : [];
  const vnetRules = Array.isArray(acls.virtualNetworkRules)
    ? acls.virtualNetworkRules.map((r) => ({ id: String(asObject(r).id), action: "Allow", state: "Succeeded" }))
    : [];
  return {
    ...acls, bypass: acls.bypass ?? "AzureServices", defaultAction, ipRules, virtualNetworkRules: vnetRules,
    ...(Array.isArray(acls.resourceAccessRules) ? { resourceAccessRules: acls.resourceAccessRules } : {}),
  };
}

/** Each ACL'd subnet must exist and carry the Microsoft.Storage service endpoint (as Azure validates). */
function validateVnetRules(ctx: RouteContext, acls: Record<string, unknown>): void {
  for (const rule of acls.virtualNetworkRules as { id: string }[]) {
    const subnet = ctx.store.get(rule.id);
    const endpoints = Array.isArray(asObject(subnet?.properties).serviceEndpoints) ? (asObject(subnet?.properties).serviceEndpoints as unknown[]) : [];
    const ok = endpoints.some((e) => /^Microsoft\.Storage(\.Global)?$/i.test(String(asObject(e).service)));
    if (!subnet || !ok) {
      const m = /^(.*)\/subnets\/([^/]+)$/i.exec(rule.id);
      throw new ArmError(400, "NetworkAclsValidationFailure",
        `Validation of network acls failure: SubnetsHaveNoServiceEndpointsConfigured:Subnets ${m?.[2] ?? rule.id} of virtual network ${m?.[1] ?? rule.id} do not have ServiceEndpoints for Microsoft.Storage resources configured. Add Microsoft.Storage to subnet's ServiceEndpoints collection before trying to ACL Microsoft.Storage resources to these subnets..`);
    }
  }
}

function validateName(name: string): void {
  if (!/^[a-z0-9]{3,24}$/.test(name)) {
    throw new ArmError(400, "AccountNameInvalid", `${name} is not a valid storage account name. Storage account name must be between 3 and 24 characters in length and use numbers and lower-case letters only.`);
  }
}

function createAccount(ctx: RouteContext) {
  requireResourceGroup(ctx);
  const body = bodyObject(ctx);
  const existing = ctx.store.get(accountId(ctx)) as (StoredResource & AccountPrivate) | undefined;
  if (!existing) validateName(ctx.params.accountName);
  const kind = typeof body.kind === "string" ? body.kind : undefined;
  if (!existing && !kind) throw new ArmError(400, "InvalidRequestContent", "The request content was invalid and could not be deserialized: 'Required property 'kind' not found in JSON.'.");
  if (kind && !KINDS.includes(kind)) throw new ArmError(400, "InvalidRequestContent", `The request content was invalid and could not be deserialized: 'Error converting value "${kind}" to type 'Kind'.'.`);
  if (!existing && !asObject(body.sku).name) throw new ArmError(400, "InvalidRequestContent", "The request content was invalid and could not be deserialized: 'Required property 'sku' not found in JSON.'.");
  const built = buildStorageAccount(ctx.services, {
    id: existing?.id ?? newResourceId(ctx), location: existing?.location ?? requireLocation(body), kind: kind ?? existing?.kind,
    sku: (body.sku as Record<string, unknown>) ?? existing?.sku, tags: (body.tags as Record<string, string>) ?? existing?.tags,
    properties: asObject(body.properties),
  });
  validateVnetRules(ctx, asObject(built.properties).networkAcls as Record<string, unknown>);
  if (existing) {
    built.accountKeys = existing.accountKeys;
    built.properties = { ...built.properties, creationTime: asObject(existing.properties).creationTime, keyCreationTime: asObject(existing.properties).keyCreationTime };
  }
  const stored = ctx.store.put({ ...built, systemData: systemData(ctx, existing) });
  return putResult(ctx, render(stored), !existing, "location");
}

function updateAccount(ctx: RouteContext) {
  const existing = requireResource(ctx, accountId(ctx)) as StoredResource & AccountPrivate;
  const body = bodyObject(ctx);
  const changed = asObject(body.properties);
  const props = pick(asObject(existing.properties), changed, WRITABLE);
  if (changed.networkAcls !== undefined) {
    props.networkAcls = normaliseNetworkAcls(changed.networkAcls);
    validateVnetRules(ctx, props.networkAcls as Record<string, unknown>);
  }
  const stored = ctx.store.put({
    ...existing, properties: props,
    ...(body.tags !== undefined ? { tags: body.tags as Record<string, string> } : {}),
    ...(typeof body.kind === "string" ? { kind: body.kind } : {}),
    ...(body.sku !== undefined ? { sku: body.sku as Record<string, unknown> } : {}),
    systemData: systemData(ctx, existing),
  });
  return { status: 200, body: render(stored) };
}

function listKeys(ctx: RouteContext) {
  const account = requireResource(ctx, accountId(ctx)) as StoredResource & AccountPrivate;
  return { status: 200, body: { keys: account.accountKeys ?? [] }, eventResourceId: account.id };
}

function regenerateKey(ctx: RouteContext) {
  const account = requireResource(ctx, accountId(ctx)) as StoredResource & AccountPrivate;
  const keyName = String(bodyObject(ctx).keyName ?? "");
  const keys = account.accountKeys ?? [];
  const i = keys.findIndex((k) => k.keyName.toLowerCase() === keyName.toLowerCase());
  if (i < 0) throw new ArmError(400, "InvalidValuesForRequestParameters", `Values for request parameters are invalid: keyName '${keyName}'.`, "keyName");
  // Azurite accepts only its own account key: under Azurite a regenerated key is recorded but Azurite will reject it.
  keys[i] = newKey(ctx.services, keys[i].keyName, false);
  const props = { ...asObject(account.properties), keyCreationTime: { ...asObject(asObject(account.properties).keyCreationTime), [keys[i].keyName]: keys[i].creationTime } };
  ctx.store.put({ ...account, accountKeys: keys, properties: props });
  return { status: 200, body: { keys }, eventResourceId: account.id };
}

export const accountRoutes: Route[] = [
  { method: "GET", template: ACCOUNT, action: `${ACCOUNT_TYPE}/read`, handle: (ctx) => ({ status: 200, body: render(requireResource(ctx, accountId(ctx))) }) },
  { method: "PUT", template: ACCOUNT, action: `${ACCOUNT_TYPE}/write`, handle: createAccount },
  { method: "PATCH", template: ACCOUNT, action: `${ACCOUNT_TYPE}/write`, handle: updateAccount },
  { method: "DELETE", template: ACCOUNT, action: `${ACCOUNT_TYPE}/delete`, handle: (ctx) => deleteResult(ctx, accountId(ctx)) },
  { method: "POST", template: `${ACCOUNT}/listKeys`, action: `${ACCOUNT_TYPE}/listkeys/action`, handle: listKeys },
  { method: "POST", template: `${ACCOUNT}/regenerateKey`, action: `${ACCOUNT_TYPE}/regeneratekey/action`, handle: regenerateKey },
  ...listBySubscriptionAndResourceGroup({ template: ACCOUNT, type: ACCOUNT_TYPE, action: `${ACCOUNT_TYPE}/read` }),
];

