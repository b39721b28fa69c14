// Microsoft.Cache/redis: get / list / create / update (PATCH) / delete / listKeys (primaryKey, secondaryKey), with
// hostName {name}.redis.cache.windows.net, port 6379 and sslPort 6380; firewallRules (startIP / endIP) and
// accessPolicyAssignments (Entra data access: the built-in policies "Data Owner", "Data Contributor", "Data Reader").
// Reference: @azure/arm-rediscache 8.2.0 operations/{redis,firewallRules,accessPolicyAssignment}.js.
import { ArmError, type Route, type StoredResource } from "../../core/contract.js";
import { asObject, requireLocation } from "../kit/request-body.js";
import { crudRoutes } from "../kit/crud-routes.js";
import { newKey } from "../kit/random-keys.js";
import { pick } from "../kit/settable-properties.js";
import { requireGuid } from "../kit/guids.js";
import { ipv4Value } from "../kit/ipv4-addresses.js";

export const CACHE = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Cache/redis/{name}";
const T = "Microsoft.Cache/Redis";
const WRITABLE = ["redisConfiguration", "redisVersion", "enableNonSslPort", "replicasPerMaster", "replicasPerPrimary", "tenantSettings", "shardCount",
  "minimumTlsVersion", "publicNetworkAccess", "updateChannel", "disableAccessKeyAuthentication", "zonalAllocationPolicy", "sku", "subnetId", "staticIP"] as const;
const POLICIES = ["Data Owner", "Data Contributor", "Data Reader"];

type CacheWithKeys = StoredResource & { primaryKey?: string; secondaryKey?: string };

export function buildRedisCache(options: { id: string; location: string; tags?: Record<string, string>; identity?: Record<string, unknown>; properties?: Record<string, unknown> }): CacheWithKeys {
  const name = options.id.split("/").pop()!;
  const props = pick({
    provisioningState: "Succeeded", redisVersion: "6.0", sku: { name: "Standard", family: "C", capacity: 1 }, enableNonSslPort: false, minimumTlsVersion: "1.2",
    publicNetworkAccess: "Enabled", hostName: `${name}.redis.cache.windows.net`, port: 6379, sslPort: 6380, redisConfiguration: { "aad-enabled": "false", maxclients: "1000" },
    disableAccessKeyAuthentication: false, linkedServers: [], instances: [{ sslPort: 15000, isMaster: true, isPrimary: true }], privateEndpointConnections: [], updateChannel: "Stable",
  }, options.properties, WRITABLE);
  const sku = asObject(props.sku);
  if (!["Basic", "Standard", "Premium"].includes(String(sku.name)) || !["C", "P"].includes(String(sku.family))) {
    throw new ArmError(400, "InvalidRequestBody", `Invalid sku ${JSON.stringify(props.sku)}: name Basic|Standard|Premium, family C|P.`, "properties.sku");
  }
  return {
    id: options.id, name, type: T, location: options.location, tags: options.tags ?? {}, ...(options.identity ? { identity: options.identity } : {}),
    properties: props, primaryKey: newKey(), secondaryKey: newKey(),
  };
}

function ip(v: unknown, field: string): string {
  const s = String(v ?? "");
  if (ipv4Value(s) === undefined) throw new ArmError(400, "InvalidRequestBody", `'${s}' is not a valid IPv4 address for ${field}.`, `properties.${field}`);
  return s;
}

export const redisRoutes: Route[] = [
  ...crudRoutes({
    template: CACHE, type: T, topLevel: true, patch: true, createdStatus: 201,
    build(ctx, { id, body, existing }) {
      if (!existing && !/^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/.test(ctx.params.name)) throw new ArmError(400, "InvalidRequestBody", `The cache name '${ctx.params.name}' is invalid.`);
      if (!existing && !asObject(asObject(body.properties).sku).name) throw new ArmError(400, "InvalidRequestBody", "The 'sku' property is required.", "properties.sku");
      const built = buildRedisCache({
        id, location: existing?.location ?? requireLocation(body), tags: (body.tags as Record<string, string>) ?? existing?.tags,
        identity: (body.identity as Record<string, unknown>) ?? existing?.identity, properties: { ...asObject(existing?.properties), ...asObject(body.properties) },
      });
      const keys = existing as CacheWithKeys | undefined;
      return keys ? { ...built, primaryKey: keys.primaryKey, secondaryKey: keys.secondaryKey } : built;
    },
    afterPatch: (_ctx, merged, existing) => ({ ...merged, properties: pick(asObject(existing.properties), merged.properties, WRITABLE) }),
    actions: [{
      segment: "listKeys", action: "Microsoft.Cache/redis/listKeys/action",
      handle: (_ctx, r) => ({ status: 200, body: { primaryKey: (r as CacheWithKeys).primaryKey, secondaryKey: (r as CacheWithKeys).secondaryKey } }),
    }],
  }),
  ...crudRoutes({
    template: `${CACHE.replace("{name}", "{cacheName}")}/firewallRules/{ruleName}`, type: `${T}/firewallRules`, actionPrefix: "Microsoft.Cache/redis/firewallRules", createdStatus: 201,
    build(_ctx, { id, name, body }) {
      const p = asObject(body.properties);
      return { id, name, type: `${T}/firewallRules`, properties: { startIP: ip(p.startIP, "startIP"), endIP: ip(p.endIP, "endIP") } };
    },
  }),
  ...crudRoutes({
    template: `${CACHE.replace("{name}", "{cacheName}")}/accessPolicyAssignments/{accessPolicyAssignmentName}`, type: `${T}/accessPolicyAssignments`,
    actionPrefix: "Microsoft.Cache/redis/accessPolicyAssignments", createdStatus: 201,
    build(_ctx, { id, name, body }) {
      const p = asObject(body.properties);
      if (!POLICIES.includes(String(p.accessPolicyName))) throw new ArmError(400, "InvalidRequestBody", `Access policy '${String(p.accessPolicyName)}' does not exist; built-in: ${POLICIES.join(", ")}.`, "properties.accessPolicyName");
      requireGuid(p.objectId, "properties.objectId");
      if (typeof p.objectIdAlias !== "string" || !p.objectIdAlias) throw new ArmError(400, "InvalidRequestBody", "objectIdAlias is required.", "properties.objectIdAlias");
      return { id, name, type: `${T}/accessPolicyAssignments`, properties: { accessPolicyName: p.accessPolicyName, objectId: p.objectId, objectIdAlias: p.objectIdAlias, provisioningState: "Succeeded" } };
    },
  }),
];
