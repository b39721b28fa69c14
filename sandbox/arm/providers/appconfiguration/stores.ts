// Microsoft.AppConfiguration/configurationStores: get / list / create (PUT, LRO in the SDK; answered 200/201 unless
// LRO mode is on) / update (PATCH: publicNetworkAccess, disableLocalAuth, tags, sku) / delete / listKeys.
// Each store serves its key-values data plane on its own origin (properties.endpoint = that origin).
// Reference: @azure/arm-appconfiguration 4.0.0 src/operations/configurationStores.ts.
import { randomBytes } from "node:crypto";
import { ArmError, type CoreServices, type ResourceStore, type RouteContext, type StoredResource } from "../../core/contract.js";
import { asObject, requireLocation } from "../kit/request-body.js";
import { crudRoutes } from "../kit/crud-routes.js";
import { ensureDataPlane } from "../kit/data-planes.js";
import { pick } from "../kit/settable-properties.js";
import { appConfigDataPlaneHandler } from "./data-plane.js";

export const STORE = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.AppConfiguration/configurationStores/{configStoreName}";
export const STORE_TYPE = "Microsoft.AppConfiguration/configurationStores";
const WRITABLE = ["publicNetworkAccess", "disableLocalAuth", "softDeleteRetentionInDays", "enablePurgeProtection", "encryption", "dataPlaneProxy"] as const;

export interface AccessKey { id: string; name: string; value: string; connectionString: string; lastModified: string; readOnly: boolean }

/** Starts (once per emulator) the store's key-values data plane; returns its origin, e.g. https://127.0.0.1:50124. */
export function ensureAppConfigDataPlane(store: ResourceStore, services: CoreServices, storeId: string): Promise<string> {
  return ensureDataPlane(services, `appconfig:${storeId}`, () => (store.get(storeId)?.properties as { endpoint?: string } | undefined)?.endpoint,
    () => appConfigDataPlaneHandler({ store, services, storeId }));
}

function accessKeys(endpoint: string): AccessKey[] {
  const now = new Date().toISOString();
  return ["Primary", "Secondary", "Primary Read Only", "Secondary Read Only"].map((name) => {
    const id = `${randomBytes(3).toString("hex").toUpperCase()}-l0-s0:${randomBytes(15).toString("base64url")}`;
    const value = randomBytes(32).toString("base64");
    return { id, name, value, connectionString: `Endpoint=${endpoint};Id=${id};Secret=${value}`, lastModified: now, readOnly: name.includes("Read Only") };
  });
}

/** A complete new store whose endpoint is `origin` (used by PUT and the demo seed). */
export function buildConfigurationStore(options: {
  id: string; location: string; origin: string; sku?: Record<string, unknown>; tags?: Record<string, string>; identity?: Record<string, unknown>; properties?: Record<string, unknown>;
}): StoredResource & { accessKeys: AccessKey[] } {
  const props = pick({
    provisioningState: "Succeeded", creationDate: new Date().toISOString(), endpoint: options.origin, encryption: { keyVaultProperties: null },
    privateEndpointConnections: [], publicNetworkAccess: null, disableLocalAuth: false, softDeleteRetentionInDays: 7, enablePurgeProtection: false,
  }, options.properties, WRITABLE);
  return {
    id: options.id, name: options.id.split("/").pop()!, type: STORE_TYPE, location: options.location, tags: options.tags ?? {},
    sku: { name: String(options.sku?.name ?? "standard") }, ...(options.identity ? { identity: options.identity } : {}),
    properties: props, accessKeys: accessKeys(options.origin), keyValues: [],
  };
}

function checkPublicNetworkAccess(props: Record<string, unknown>): void {
  const v = props.publicNetworkAccess;
  if (v !== null && v !== undefined && v !== "Enabled" && v !== "Disabled") {
    throw new ArmError(400, "InvalidParameter", `The value '${String(v)}' of 'publicNetworkAccess' is invalid. Allowed values: Enabled, Disabled.`, "properties.publicNetworkAccess");
  }
}

async function liveStore(ctx: RouteContext, r: StoredResource): Promise<StoredResource> {
  const origin = await ensureAppConfigDataPlane(ctx.store, ctx.services, r.id);
  if (asObject(r.properties).endpoint === origin) return r;
  const keys = (r.accessKeys as AccessKey[] | undefined)?.map((k) => ({ ...k, connectionString: `Endpoint=${origin};Id=${k.id};Secret=${k.value}` }));
  return ctx.store.put({ ...r, properties: { ...r.properties, endpoint: origin }, accessKeys: keys });
}

export const storeRoutes = crudRoutes({
  template: STORE, type: STORE_TYPE, topLevel: true, patch: true, createdStatus: 201,
  async build(ctx, { id, body, existing }) {
    if (!existing && !/^[a-zA-Z0-9-]{5,50}$/.test(ctx.params.configStoreName)) {
      throw new ArmError(400, "InvalidResourceName", `The configuration store name '${ctx.params.configStoreName}' is invalid. It must be 5-50 characters of letters, digits and '-'.`);
    }
    if (!existing && !asObject(body.sku).name) throw new ArmError(400, "InvalidRequestContent", "The request content was invalid and could not be deserialized: 'Required property 'sku' not found in JSON.'.");
    const origin = await ensureAppConfigDataPlane(ctx.store, ctx.services, id);
    const built = buildConfigurationStore({
      id, location: existing?.location ?? requireLocation(body), origin, sku: (body.sku as Record<string, unknown>) ?? existing?.sku,
      tags: (body.tags as Record<string, string>) ?? existing?.tags, identity: (body.identity as Record<string, unknown>) ?? existing?.identity,
      properties: { ...asObject(existing?.properties), ...asObject(body.properties) },
    });
    checkPublicNetworkAccess(asObject(built.properties));
    return existing ? { ...built, accessKeys: existing.accessKeys as AccessKey[], keyValues: existing.keyValues, properties: { ...built.properties, creationDate: asObject(existing.properties).creationDate } } : built;
  },
  afterPatch(_ctx, merged, existing) {
    const props = pick(asObject(existing.properties), merged.properties, WRITABLE);
    checkPublicNetworkAccess(props);
    return { ...merged, properties: props };
  },
  render: async (r, ctx) => {
    const live = await liveStore(ctx, r);
    const { id, name, type, location, tags, sku, identity, properties, systemData } = live;
    return { id, name, type, location, tags, sku, ...(identity ? { identity } : {}), properties, ...(systemData ? { systemData } : {}) };
  },
  actions: [{
    segment: "listKeys", action: `${STORE_TYPE}/ListKeys/action`,
    handle: async (ctx, r) => {
      const live = await liveStore(ctx, r);
      return { status: 200, body: ctx.services.page(structuredClone(live.accessKeys as AccessKey[]), ctx) };
    },
  }],
});
