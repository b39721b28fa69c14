// Microsoft.KeyVault/vaults: get / list / createOrUpdate (PUT, LRO final-state `location`) / update (PATCH) /
// delete / accessPolicies/{add|replace|remove}. Each vault gets its own data-plane origin (vaultUri = origin + "/").
// networkAcls virtual-network rules are validated against the subnet's service endpoints, as Azure does.
// Reference: arm-surface §2.6; SDK @azure/arm-keyvault 5.0.0 api/vaults/operations.js.
import { ArmError, type CoreServices, type ResourceStore, type Route, type RouteContext, type StoredResource } from "../../core/contract.js";
import { ensureDataPlane } from "../kit/data-planes.js";
import { listBySubscriptionAndResourceGroup } from "../kit/list-routes.js";
import { asObject, bodyObject, requireLocation } from "../kit/request-body.js";
import { newResourceId, requireResource, requireResourceGroup } from "../kit/resource-lookup.js";
import { fill } from "../kit/route-templates.js";
import { pick } from "../kit/settable-properties.js";
import { systemData } from "../kit/system-data.js";
import { render } from "../kit/wire-shape.js";
import { deleteResult, putResult } from "../kit/write-results.js";
import { applyAccessPolicyChange, parseAccessPolicies } from "./access-policies.js";
import { vaultDataPlaneHandler } from "./data-plane.js";

export const VAULT = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.KeyVault/vaults/{vaultName}";
export const VAULT_TYPE = "Microsoft.KeyVault/vaults";

const WRITABLE = [
  "tenantId", "sku", "accessPolicies", "enabledForDeployment", "enabledForDiskEncryption", "enabledForTemplateDeployment",
  "enableSoftDelete", "softDeleteRetentionInDays", "enableRbacAuthorization", "createMode", "enablePurgeProtection",
  "networkAcls", "publicNetworkAccess",
];

/** Starts (once per emulator process) the vault's secrets data plane; returns its origin, e.g. https://127.0.0.1:50123. */
export function ensureVaultDataPlane(store: ResourceStore, services: CoreServices, vaultId: string): Promise<string> {
  return ensureDataPlane(services, `keyvault:${vaultId}`, () => (store.get(vaultId)?.properties as { vaultUri?: string } | undefined)?.vaultUri,
    (origin) => vaultDataPlaneHandler({ store, services, vaultId, origin }));
}

/** A complete new vault whose vaultUri is `origin/` (used by PUT and the demo seed). */
export function buildVault(options: {
  id: string; location: string; tenantId: string; origin: string; tags?: Record<string, string>; properties?: Record<string, unknown>;
}): StoredResource {
  const props = pick({
    tenantId: options.tenantId, sku: { family: "A", name: "standard" }, accessPolicies: [],
    enabledForDeployment: false, enabledForDiskEncryption: false, enabledForTemplateDeployment: false,
    enableSoftDelete: true, softDeleteRetentionInDays: 90, enableRbacAuthorization: true, publicNetworkAccess: "Enabled",
    networkAcls: { bypass: "AzureServices", defaultAction: "Allow", ipRules: [], virtualNetworkRules: [] },
    provisioningState: "Succeeded",
  }, options.properties, WRITABLE);
  props.accessPolicies = parseAccessPolicies(props.accessPolicies);
  props.networkAcls = normaliseNetworkAcls(props.networkAcls);
  props.vaultUri = `${options.origin}/`;
  return { id: options.id, name: options.id.split("/").pop()!, type: VAULT_TYPE, location: options.location, tags: options.tags ?? {}, properties: props };
}

function normaliseNetworkAcls(v: unknown): Record<string, unknown> {
  const a = asObject(v);
  const defaultAction = a.defaultAction ?? "Allow";
  if (defaultAction !== "Allow" && defaultAction !== "Deny") throw new ArmError(400, "BadRequest", `Invalid networkAcls.defaultAction '${String(defaultAction)}'.`, "properties.networkAcls.defaultAction");
  return {
    bypass: a.bypass ?? "AzureServices", defaultAction,
    ipRules: Array.isArray(a.ipRules) ? a.ipRules.map((r) => ({ value: String(asObject(r).value) })) : [],
    virtualNetworkRules: Array.isArray(a.virtualNetworkRules)
      ? a.virtualNetworkRules.map((r) => ({ id: String(asObject(r).id), ignoreMissingVnetServiceEndpoint: asObject(r).ignoreMissingVnetServiceEndpoint === true }))
      : [],
  };
}

/** Each rule's subnet must exist and carry the Microsoft.KeyVault service endpoint, unless the rule sets
 *  ignoreMissingVnetServiceEndpoint (as Azure validates; error code and wording as Azure answers). */
function validateVnetRules(ctx: RouteContext, acls: Record<string, unknown>): void {
  for (const rule of acls.virtualNetworkRules as { id: string; ignoreMissingVnetServiceEndpoint: boolean }[]) {
    if (rule.ignoreMissingVnetServiceEndpoint) continue;
    const endpoints = asObject(ctx.store.get(rule.id)?.properties).serviceEndpoints;
    const ok = Array.isArray(endpoints) && endpoints.some((e) => /^Microsoft\.KeyVault$/i.test(String(asObject(e).service)));
    if (!ok) {
      const m = /^(.*)\/subnets\/([^/]+)$/i.exec(rule.id);
      throw new ArmError(400, "SubnetsHaveNoServiceEndpointsConfigured",
        `Subnets ${m?.[2] ?? rule.id} of virtual network ${m?.[1] ?? rule.id} do not have ServiceEndpoints for Microsoft.KeyVault resources configured. Add Microsoft.KeyVault to subnet's ServiceEndpoints collection before trying to ACL Microsoft.KeyVault resources to these subnets..`);
    }
  }
}

function vaultId(ctx: RouteContext): string {
  return fill(VAULT, ctx.params);
}

/** The stored vault, with vaultUri refreshed if this process serves its data plane on a new origin (after a restart). */
async function liveVault(ctx: RouteContext): Promise<StoredResource> {
  return withLiveDataPlane(ctx, requireResource(ctx, vaultId(ctx)));
}

async function withLiveDataPlane(ctx: RouteContext, vault: StoredResource): Promise<StoredResource> {
  const origin = await ensureVaultDataPlane(ctx.store, ctx.services, vault.id);
  if (asObject(vault.properties).vaultUri !== `${origin}/`) {
    return ctx.store.put({ ...vault, properties: { ...vault.properties, vaultUri: `${origin}/` } });
  }
  return vault;
}

async function putVault(ctx: RouteContext) {
  requireResourceGroup(ctx);
  const body = bodyObject(ctx);
  const existing = ctx.store.get(vaultId(ctx));
  const id = existing?.id ?? newResourceId(ctx);
  const props = asObject(body.properties);
  if (!existing && !/^[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/.test(ctx.params.vaultName)) {
    throw new ArmError(400, "VaultNameNotValid", `The vault name '${ctx.params.vaultName}' is invalid. A vault's name must be between 3-24 alphanumeric characters. The name must begin with a letter, end with a letter or digit, and not contain consecutive hyphens.`);
  }
  if (typeof props.tenantId !== "string") throw new ArmError(400, "BadRequest", "The property 'tenantId' is required.", "properties.tenantId");
  if (!asObject(props.sku).name) throw new ArmError(400, "BadRequest", "The property 'sku' is required.", "properties.sku");
  const origin = await ensureVaultDataPlane(ctx.store, ctx.services, id);
  const built = buildVault({
    id, location: existing?.location ?? requireLocation(body), tenantId: props.tenantId, origin,
    tags: (body.tags as Record<string, string>) ?? existing?.tags, properties: props,
  });
  validateVnetRules(ctx, asObject(built.properties).networkAcls as Record<string, unknown>);
  const stored = ctx.store.put({ ...built, systemData: systemData(ctx, existing) });
  return putResult(ctx, render(stored), !existing, "location");
}

async function patchVault(ctx: RouteContext) {
  const existing = await liveVault(ctx);
  const body = bodyObject(ctx);
  const changed = asObject(body.properties);
  const props = pick(asObject(existing.properties), changed, WRITABLE);
  props.accessPolicies = parseAccessPolicies(props.accessPolicies);
  props.networkAcls = normaliseNetworkAcls(props.networkAcls);
  if (changed.networkAcls !== undefined) validateVnetRules(ctx, props.networkAcls as Record<string, unknown>);
  const stored = ctx.store.put({
    ...existing, properties: props, ...(body.tags !== undefined ? { tags: body.tags as Record<string, string> } : {}), systemData: systemData(ctx, existing),
  });
  return { status: 200, body: render(stored) };
}

async function updateAccessPolicies(ctx: RouteContext) {
  const vault = await liveVault(ctx);
  const changes = parseAccessPolicies(asObject(bodyObject(ctx).properties).accessPolicies);
  const props = asObject(vault.properties);
  const next = applyAccessPolicyChange(parseAccessPolicies(props.accessPolicies), ctx.params.operationKind, changes);
  ctx.store.put({ ...vault, properties: { ...props, accessPolicies: next }, systemData: systemData(ctx, vault) });
  return {
    status: 200,
    body: { id: `${vault.id}/accessPolicies/${ctx.params.operationKind}`, name: ctx.params.operationKind, type: `${VAULT_TYPE}/accessPolicies`, location: vault.location, properties: { accessPolicies: next } },
    eventResourceId: vault.id,
  };
}

/** The page size a vault list asks for with `$top`. */
function requestedTop(ctx: RouteContext): number | undefined {
  const top = Number(ctx.req.query.get("$top"));
  return Number.isInteger(top) && top > 0 ? top : undefined;
}

export const vaultRoutes: Route[] = [
  { method: "GET", template: VAULT, action: `${VAULT_TYPE}/read`, handle: async (ctx) => ({ status: 200, body: render(await liveVault(ctx)) }) },
  { method: "PUT", template: VAULT, action: `${VAULT_TYPE}/write`, handle: putVault },
  { method: "PATCH", template: VAULT, action: `${VAULT_TYPE}/write`, handle: patchVault },
  { method: "DELETE", template: VAULT, action: `${VAULT_TYPE}/delete`, handle: (ctx) => deleteResult(ctx, vaultId(ctx)) },
  { method: "PUT", template: `${VAULT}/accessPolicies/{operationKind}`, action: `${VAULT_TYPE}/accessPolicies/write`, handle: updateAccessPolicies },
  ...listBySubscriptionAndResourceGroup({
    template: VAULT, type: VAULT_TYPE, action: `${VAULT_TYPE}/read`, render: async (v, ctx) => render(await withLiveDataPlane(ctx, v)), pageSize: requestedTop,
  }),
];
