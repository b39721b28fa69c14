// Microsoft.DocumentDB/databaseAccounts: get / list / createOrUpdate / update (PATCH: ipRules, virtualNetworkRules,
// isVirtualNetworkFilterEnabled, publicNetworkAccess, …) / delete / listKeys / listConnectionStrings.
// The account's API comes from kind + capabilities: GlobalDocumentDB (NoSQL), MongoDB, or GlobalDocumentDB with
// EnableCassandra / EnableGremlin / EnableTable; listConnectionStrings puts the API's own string first.
// Reference: @azure/arm-cosmosdb 17.0.0 api/databaseAccounts/operations.js.
import { ArmError, type RouteContext, type StoredResource } from "../../core/contract.js";
import { asObject, requireLocation } from "../kit/request-body.js";
import { crudRoutes } from "../kit/crud-routes.js";
import { newKey } from "../kit/random-keys.js";
import { pick } from "../kit/settable-properties.js";
import { builtInSqlRoleDefinitions } from "./sql-rbac.js";

export const ACCOUNT = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.DocumentDB/databaseAccounts/{accountName}";
export const ACCOUNT_TYPE = "Microsoft.DocumentDB/databaseAccounts";
const KINDS = ["GlobalDocumentDB", "MongoDB", "Parse"];
const WRITABLE = [
  "consistencyPolicy", "ipRules", "isVirtualNetworkFilterEnabled", "enableAutomaticFailover", "capabilities", "virtualNetworkRules",
  "enableMultipleWriteLocations", "disableKeyBasedMetadataWriteAccess", "publicNetworkAccess", "enableFreeTier", "apiProperties",
  "enableAnalyticalStorage", "networkAclBypass", "networkAclBypassResourceIds", "disableLocalAuth", "minimalTlsVersion", "backupPolicy", "cors",
] as const;

interface AccountKeys { primaryMasterKey: string; secondaryMasterKey: string; primaryReadonlyMasterKey: string; secondaryReadonlyMasterKey: string }
export type CosmosAccount = StoredResource & { accountKeys?: AccountKeys };

/** The account's API: "Sql" | "MongoDB" | "Cassandra" | "Gremlin" | "Table". */
export function accountApi(r: StoredResource): string {
  if (r.kind === "MongoDB") return "MongoDB";
  const caps = (asObject(r.properties).capabilities as { name?: string }[] | undefined ?? []).map((c) => c.name);
  for (const api of ["Cassandra", "Gremlin", "Table"]) if (caps.includes(`Enable${api}`)) return api;
  return "Sql";
}

function normaliseNetwork(props: Record<string, unknown>): Record<string, unknown> {
  const ipRules = Array.isArray(props.ipRules) ? props.ipRules.map((r) => {
    const v = String(asObject(r).ipAddressOrRange ?? "");
    if (!/^\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?$/.test(v)) throw new ArmError(400, "BadRequest", `Invalid IP address or range '${v}' in ipRules.`, "properties.ipRules");
    return { ipAddressOrRange: v };
  }) : [];
  const virtualNetworkRules = Array.isArray(props.virtualNetworkRules) ? props.virtualNetworkRules.map((r) => {
    const o = asObject(r);
    const id = String(o.id ?? "");
    if (!/\/providers\/Microsoft\.Network\/virtualNetworks\/[^/]+\/subnets\/[^/]+$/i.test(id)) throw new ArmError(400, "BadRequest", `Invalid subnet id '${id}' in virtualNetworkRules.`, "properties.virtualNetworkRules");
    return { id, ignoreMissingVNetServiceEndpoint: o.ignoreMissingVNetServiceEndpoint === true };
  }) : [];
  const publicNetworkAccess = props.publicNetworkAccess ?? "Enabled";
  if (!["Enabled", "Disabled", "SecuredByPerimeter"].includes(String(publicNetworkAccess))) {
    throw new ArmError(400, "BadRequest", `Invalid publicNetworkAccess '${String(publicNetworkAccess)}'.`, "properties.publicNetworkAccess");
  }
  return { ...props, ipRules, virtualNetworkRules, publicNetworkAccess, isVirtualNetworkFilterEnabled: props.isVirtualNetworkFilterEnabled === true };
}

/** A complete new account with its keys and built-in data-plane role definitions (used by PUT and the demo seed). */
export function buildCosmosAccount(options: {
  id: string; location: string; kind?: string; tags?: Record<string, string>; identity?: Record<string, unknown>; properties?: Record<string, unknown>;
}): { account: CosmosAccount; roleDefinitions: StoredResource[] } {
  const name = options.id.split("/").pop()!;
  const kind = options.kind ?? "GlobalDocumentDB";
  if (!KINDS.includes(kind)) throw new ArmError(400, "BadRequest", `Invalid kind '${kind}'. Allowed: ${KINDS.join(", ")}.`, "kind");
  const endpoint = `https://${name}.documents.azure.com:443/`;
  const region = { id: `${name}-${options.location.toLowerCase().replace(/\s/g, "")}`, locationName: options.location, documentEndpoint: `https://${name}-${options.location.toLowerCase()}.documents.azure.com:443/`, provisioningState: "Succeeded", failoverPriority: 0, isZoneRedundant: false };
  const base: Record<string, unknown> = {
    provisioningState: "Succeeded", documentEndpoint: endpoint, databaseAccountOfferType: "Standard", ipRules: [], isVirtualNetworkFilterEnabled: false,
    enableAutomaticFailover: false, consistencyPolicy: { defaultConsistencyLevel: "Session", maxIntervalInSeconds: 5, maxStalenessPrefix: 100 },
    capabilities: [], writeLocations: [region], readLocations: [region], locations: [region], failoverPolicies: [{ id: region.id, locationName: options.location, failoverPriority: 0 }],
    virtualNetworkRules: [], privateEndpointConnections: [], enableMultipleWriteLocations: false, disableKeyBasedMetadataWriteAccess: false,
    publicNetworkAccess: "Enabled", enableFreeTier: false, enableAnalyticalStorage: false, networkAclBypass: "None", networkAclBypassResourceIds: [],
    disableLocalAuth: false, minimalTlsVersion: "Tls12", instanceId: crypto.randomUUID(), createMode: "Default",
    ...(kind === "MongoDB" ? { apiProperties: { serverVersion: "4.2" } } : {}),
  };
  const account: CosmosAccount = {
    id: options.id, name, type: ACCOUNT_TYPE, kind, location: options.location, tags: options.tags ?? {},
    identity: options.identity ?? { type: "None" }, properties: normaliseNetwork(pick(base, options.properties, WRITABLE)),
    accountKeys: { primaryMasterKey: newKey(64), secondaryMasterKey: newKey(64), primaryReadonlyMasterKey: newKey(64), secondaryReadonlyMasterKey: newKey(64) },
  };
  if (kind === "MongoDB" && !(account.properties!.capabilities as unknown[]).length) account.properties!.capabilities = [{ name: "EnableMongo" }];
  return { account, roleDefinitions: builtInSqlRoleDefinitions(options.id) };
}

function connectionStrings(r: CosmosAccount): { connectionString: string; description: string; keyKind: string; type: string }[] {
  const keys = r.accountKeys!;
  const endpoint = String(asObject(r.properties).documentEndpoint);
  const api = accountApi(r);
  const kinds: [string, string][] = [["Primary", keys.primaryMasterKey], ["Secondary", keys.secondaryMasterKey], ["PrimaryReadonly", keys.primaryReadonlyMasterKey], ["SecondaryReadonly", keys.secondaryReadonlyMasterKey]];
  const label = (k: string) => k.replace("Readonly", " Read-Only");
  const sql = kinds.map(([k, key]) => ({ connectionString: `AccountEndpoint=${endpoint};AccountKey=${key};`, description: `${label(k)} SQL Connection String`, keyKind: k, type: "Sql" }));
  if (api === "MongoDB") {
    const mongo = kinds.map(([k, key]) => ({
      connectionString: `mongodb://${r.name}:${key}@${r.name}.mongo.cosmos.azure.com:10255/?ssl=true&replicaSet=globaldb&retrywrites=false&maxIdleTimeMS=120000&appName=@${r.name}@`,
      description: `${label(k)} MongoDB Connection String`, keyKind: k, type: "MongoDB",
    }));
    return [...mongo, ...sql];
  }
  if (api === "Table") {
    const table = kinds.map(([k, key]) => ({
      connectionString: `DefaultEndpointsProtocol=https;AccountName=${r.name};AccountKey=${key};TableEndpoint=https://${r.name}.table.cosmos.azure.com:443/;`,
      description: `${label(k)} Table Connection String`, keyKind: k, type: "Table",
    }));
    return [...table, ...sql];
  }
  return sql;
}

export const accountRoutes = crudRoutes({
  template: ACCOUNT, type: ACCOUNT_TYPE, topLevel: true, patch: true,
  build(ctx: RouteContext, { id, body, existing }) {
    if (!existing && !/^[a-z0-9][a-z0-9-]{1,42}[a-z0-9]$/.test(ctx.params.accountName)) {
      throw new ArmError(400, "BadRequest", `Database account name '${ctx.params.accountName}' is invalid: 3-44 lower-case letters, digits and hyphens.`);
    }
    const props = asObject(body.properties);
    if (!existing && !Array.isArray(props.locations)) throw new ArmError(400, "BadRequest", "The 'locations' property is required.", "properties.locations");
    if (!existing && props.databaseAccountOfferType !== "Standard") throw new ArmError(400, "BadRequest", "The 'databaseAccountOfferType' property must be 'Standard'.", "properties.databaseAccountOfferType");
    const { account, roleDefinitions } = buildCosmosAccount({
      id, location: existing?.location ?? requireLocation(body), kind: (body.kind as string | undefined) ?? existing?.kind,
      tags: (body.tags as Record<string, string>) ?? existing?.tags, identity: (body.identity as Record<string, unknown>) ?? existing?.identity,
      properties: { ...asObject(existing?.properties), ...props },
    });
    if (existing) return { ...account, accountKeys: (existing as CosmosAccount).accountKeys };
    for (const d of roleDefinitions) ctx.store.put(d);
    return account;
  },
  afterPatch: (_ctx, merged, existing) => ({ ...merged, kind: existing.kind, properties: normaliseNetwork(pick(asObject(existing.properties), merged.properties, WRITABLE)) }),
  actions: [
    { segment: "listKeys", action: `${ACCOUNT_TYPE}/listKeys/action`, handle: (_ctx, r) => ({ status: 200, body: { ...(r as CosmosAccount).accountKeys } }) },
    { segment: "listConnectionStrings", action: `${ACCOUNT_TYPE}/listConnectionStrings/action`, handle: (_ctx, r) => ({ status: 200, body: { connectionStrings: connectionStrings(r as CosmosAccount) } }) },
    {
      segment: "readonlykeys", action: `${ACCOUNT_TYPE}/readonlykeys/action`,
      handle: (_ctx, r) => {
        const k = (r as CosmosAccount).accountKeys!;
        return { status: 200, body: { primaryReadonlyMasterKey: k.primaryReadonlyMasterKey, secondaryReadonlyMasterKey: k.secondaryReadonlyMasterKey } };
      },
    },
  ],
});
