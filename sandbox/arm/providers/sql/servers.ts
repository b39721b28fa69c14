// Microsoft.Sql: servers (fullyQualifiedDomainName {name}.database.windows.net; `master` exists on every server),
// databases, firewallRules (incl. AllowAllWindowsAzureIps 0.0.0.0), virtualNetworkRules and the Microsoft Entra
// administrator (administrators/ActiveDirectory). Reference: @azure/arm-sql 10.0.0 src/operations/{servers,
// databases,firewallRules,virtualNetworkRules,serverAzureADAdministrators}.ts.
import { ArmError, type Route, type StoredResource } from "../../core/contract.js";
import { asObject, requireLocation } from "../kit/request-body.js";
import { requireResource } from "../kit/resource-lookup.js";
import { crudRoutes } from "../kit/crud-routes.js";
import { fill } from "../kit/route-templates.js";
import { pick } from "../kit/settable-properties.js";
import { buildFirewallRule } from "../kit/firewall-rules.js";
import { requireGuid } from "../kit/guids.js";
import { isSubnetId } from "../kit/subnet-ids.js";

export const SERVER = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Sql/servers/{serverName}";
const T = "Microsoft.Sql/servers";
const SERVER_WRITABLE = ["administratorLogin", "version", "minimalTlsVersion", "publicNetworkAccess", "restrictOutboundNetworkAccess", "primaryUserAssignedIdentityId", "federatedClientId", "keyId"] as const;
const DB_WRITABLE = ["collation", "maxSizeBytes", "zoneRedundant", "readScale", "autoPauseDelay", "minCapacity", "requestedBackupStorageRedundancy", "isLedgerOn", "catalogCollation", "createMode"] as const;

function entraAdmin(v: unknown, tenantId: string): Record<string, unknown> {
  const a = asObject(v);
  requireGuid(a.sid, "sid");
  if (typeof a.login !== "string" || !a.login) throw new ArmError(400, "InvalidParameterValue", "The administrator 'login' is required.", "login");
  return {
    administratorType: "ActiveDirectory", principalType: a.principalType ?? "User", login: a.login, sid: a.sid,
    tenantId: a.tenantId ?? tenantId, azureADOnlyAuthentication: a.azureADOnlyAuthentication === true,
  };
}

/** A server plus its `master` database (used by PUT and the demo seed). */
export function buildSqlServer(options: { id: string; location: string; tenantId: string; tags?: Record<string, string>; identity?: Record<string, unknown>; properties?: Record<string, unknown> }): [StoredResource, StoredResource] {
  const name = options.id.split("/").pop()!;
  const props = pick({
    administratorLogin: "sqladmin", version: "12.0", state: "Ready", fullyQualifiedDomainName: `${name}.database.windows.net`, privateEndpointConnections: [],
    minimalTlsVersion: "1.2", publicNetworkAccess: "Enabled", restrictOutboundNetworkAccess: "Disabled",
  }, options.properties, SERVER_WRITABLE);
  const admins = asObject(options.properties).administrators;
  if (admins) props.administrators = entraAdmin(admins, options.tenantId);
  const server: StoredResource = { id: options.id, name, type: T, kind: "v12.0", location: options.location, tags: options.tags ?? {}, ...(options.identity ? { identity: options.identity } : {}), properties: props };
  return [server, buildSqlDatabase({ id: `${options.id}/databases/master`, location: options.location, system: true })];
}

export function buildSqlDatabase(options: { id: string; location: string; sku?: Record<string, unknown>; properties?: Record<string, unknown>; system?: boolean }): StoredResource {
  const sku = options.system ? { name: "System", tier: "System", capacity: 0 } : { name: "GP_S_Gen5", tier: "GeneralPurpose", family: "Gen5", capacity: 2, ...options.sku };
  return {
    id: options.id, name: options.id.split("/").pop()!, type: `${T}/databases`, location: options.location,
    kind: options.system ? "v12.0,system" : "v12.0,user,vcore,serverless", sku,
    properties: pick({
      collation: "SQL_Latin1_General_CP1_CI_AS", maxSizeBytes: 34359738368, status: "Online", databaseId: crypto.randomUUID(), creationDate: new Date().toISOString(),
      currentServiceObjectiveName: sku.name, requestedServiceObjectiveName: sku.name, catalogCollation: "SQL_Latin1_General_CP1_CI_AS", zoneRedundant: false,
      readScale: "Disabled", currentSku: sku, currentBackupStorageRedundancy: "Geo", requestedBackupStorageRedundancy: "Geo", isLedgerOn: false,
    }, options.properties, DB_WRITABLE),
  };
}

/** DELETE of the master database is refused; DELETE of the Entra administrator also clears it on the server. */
const guards: Route[] = [
  {
    method: "DELETE", template: `${SERVER}/databases/master`, action: `${T}/databases/delete`,
    handle: () => { throw new ArmError(400, "OperationNotSupportedOnSystemDatabase", "The operation is not supported on the master database."); },
  },
  {
    method: "DELETE", template: `${SERVER}/administrators/ActiveDirectory`, action: `${T}/administrators/delete`,
    handle: (ctx) => {
      const server = requireResource(ctx, fill(SERVER, ctx.params));
      const id = `${server.id}/administrators/ActiveDirectory`;
      const existed = ctx.store.delete(id);
      const { administrators: _removed, ...props } = asObject(server.properties);
      ctx.store.put({ ...server, properties: props });
      return { status: existed ? 200 : 204 };
    },
  },
];

export const sqlRoutes: Route[] = [
  ...guards,
  ...crudRoutes({
    template: SERVER, type: T, topLevel: true, patch: true, createdStatus: 201,
    build(ctx, { id, body, existing }) {
      if (!existing && !/^[a-z0-9][a-z0-9-]{0,61}[a-z0-9]$/.test(ctx.params.serverName)) {
        throw new ArmError(400, "InvalidServerName", `Invalid server name '${ctx.params.serverName}': lower-case letters, digits and hyphens, not starting or ending with a hyphen.`);
      }
      const [server, master] = buildSqlServer({
        id, location: existing?.location ?? requireLocation(body), tenantId: ctx.services.tenantId, tags: (body.tags as Record<string, string>) ?? existing?.tags,
        identity: (body.identity as Record<string, unknown>) ?? existing?.identity, properties: { ...asObject(existing?.properties), ...asObject(body.properties) },
      });
      if (!existing) ctx.store.put(master);
      return server;
    },
    afterPatch: (_ctx, merged, existing) => ({ ...merged, properties: pick(asObject(existing.properties), merged.properties, SERVER_WRITABLE) }),
  }),
  ...crudRoutes({
    template: `${SERVER}/databases/{databaseName}`, type: `${T}/databases`, patch: true, createdStatus: 201,
    build(_ctx, { id, name, body, existing, parent }) {
      if (name.toLowerCase() === "master" || existing?.kind?.includes("system")) throw new ArmError(400, "OperationNotSupportedOnSystemDatabase", "The operation is not supported on the master database.");
      return buildSqlDatabase({ id, location: existing?.location ?? String(body.location ?? parent!.location), sku: (body.sku as Record<string, unknown>) ?? existing?.sku, properties: { ...asObject(existing?.properties), ...asObject(body.properties) } });
    },
    afterPatch: (_ctx, merged, existing) => ({ ...merged, properties: pick(asObject(existing.properties), merged.properties, DB_WRITABLE) }),
  }),
  ...crudRoutes({ template: `${SERVER}/firewallRules/{firewallRuleName}`, type: `${T}/firewallRules`, createdStatus: 201, build: (_ctx, input) => buildFirewallRule(`${T}/firewallRules`, input) }),
  ...crudRoutes({
    template: `${SERVER}/virtualNetworkRules/{virtualNetworkRuleName}`, type: `${T}/virtualNetworkRules`, createdStatus: 201,
    build(_ctx, { id, name, body }) {
      const p = asObject(body.properties);
      const subnet = String(p.virtualNetworkSubnetId ?? "");
      if (!isSubnetId(subnet)) {
        throw new ArmError(400, "InvalidVirtualNetworkSubnetId", `The virtual network subnet id '${subnet}' is not valid.`, "properties.virtualNetworkSubnetId");
      }
      return { id, name, type: `${T}/virtualNetworkRules`, properties: { virtualNetworkSubnetId: subnet, ignoreMissingVnetServiceEndpoint: p.ignoreMissingVnetServiceEndpoint === true, state: "Ready" } };
    },
  }),
  ...crudRoutes({
    template: `${SERVER}/administrators/{administratorName}`, type: `${T}/administrators`, createdStatus: 201,
    build(ctx, { id, name, body, parent }) {
      if (name !== "ActiveDirectory") throw new ArmError(400, "InvalidParameterValue", `The administrator name must be 'ActiveDirectory', not '${name}'.`);
      const admin = entraAdmin(body.properties, ctx.services.tenantId);
      ctx.store.put({ ...parent!, properties: { ...parent!.properties, administrators: admin } });
      return { id, name, type: `${T}/administrators`, properties: admin };
    },
  }),
];
