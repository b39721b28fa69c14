// The open-source database flexible servers (Microsoft.DBforPostgreSQL and Microsoft.DBforMySQL share this model):
// server get/list/create/update/delete with fullyQualifiedDomainName, databases (system databases exist on every
// server), firewallRules. The Entra administrator routes differ per provider and live in each provider's index.
import { ArmError, type Route, type StoredResource } from "../../core/contract.js";
import { crudRoutes } from "./crud-routes.js";
import { buildFirewallRule } from "./firewall-rules.js";
import { asObject, requireLocation } from "./request-body.js";
import { pick } from "./settable-properties.js";

export interface FlexibleServerKind {
  namespace: "Microsoft.DBforPostgreSQL" | "Microsoft.DBforMySQL";
  /** e.g. "postgres.database.azure.com" */
  dnsSuffix: string;
  version: string;
  systemDatabases: string[];
  databaseDefaults: { charset: string; collation: string };
  /** Extra default server properties (e.g. PostgreSQL authConfig). */
  serverDefaults(tenantId: string): Record<string, unknown>;
  writable: readonly string[];
}

export function serverTemplate(kind: FlexibleServerKind): string {
  return `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${kind.namespace}/flexibleServers/{serverName}`;
}

const COMMON_WRITABLE = ["administratorLogin", "version", "storage", "backup", "network", "highAvailability", "maintenanceWindow", "availabilityZone", "replicationRole", "dataEncryption"] as const;

/** A server plus its system databases (used by PUT and the demo seed). */
export function buildFlexibleServer(kind: FlexibleServerKind, options: {
  id: string; location: string; tenantId: string; sku?: Record<string, unknown>; tags?: Record<string, string>; identity?: Record<string, unknown>; properties?: Record<string, unknown>;
}): StoredResource[] {
  const name = options.id.split("/").pop()!;
  const props = pick({
    administratorLogin: "dbadmin", version: kind.version, state: "Ready", fullyQualifiedDomainName: `${name}.${kind.dnsSuffix}`,
    storage: { storageSizeGB: 128, autoGrow: "Disabled" }, backup: { backupRetentionDays: 7, geoRedundantBackup: "Disabled", earliestRestoreDate: new Date().toISOString() },
    network: { publicNetworkAccess: "Enabled" }, highAvailability: { mode: "Disabled", state: "NotEnabled" }, availabilityZone: "1", replicationRole: "None",
    ...kind.serverDefaults(options.tenantId),
  }, options.properties, [...COMMON_WRITABLE, ...kind.writable]);
  const server: StoredResource = {
    id: options.id, name, type: `${kind.namespace}/flexibleServers`, location: options.location, tags: options.tags ?? {},
    sku: { name: "Standard_D2ds_v4", tier: "GeneralPurpose", ...options.sku }, ...(options.identity ? { identity: options.identity } : {}), properties: props,
  };
  return [server, ...kind.systemDatabases.map((db) => buildFlexibleDatabase(kind, `${options.id}/databases/${db}`))];
}

export function buildFlexibleDatabase(kind: FlexibleServerKind, id: string, properties?: Record<string, unknown>): StoredResource {
  return { id, name: id.split("/").pop()!, type: `${kind.namespace}/flexibleServers/databases`, properties: pick({ ...kind.databaseDefaults }, properties, ["charset", "collation"]) };
}

export function flexibleServerRoutes(kind: FlexibleServerKind): Route[] {
  const SERVER = serverTemplate(kind);
  const T = `${kind.namespace}/flexibleServers`;
  const writable = [...COMMON_WRITABLE, ...kind.writable];
  return [
    ...crudRoutes({
      template: SERVER, type: T, topLevel: true, patch: true, createdStatus: 201,
      build(ctx, { id, body, existing }) {
        if (!existing && !/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(ctx.params.serverName)) {
          throw new ArmError(400, "InvalidServerName", `Invalid server name '${ctx.params.serverName}': 3-63 lower-case letters, digits and hyphens.`);
        }
        const built = buildFlexibleServer(kind, {
          id, location: existing?.location ?? requireLocation(body), tenantId: ctx.services.tenantId, sku: (body.sku as Record<string, unknown>) ?? existing?.sku,
          tags: (body.tags as Record<string, string>) ?? existing?.tags, identity: (body.identity as Record<string, unknown>) ?? existing?.identity,
          properties: { ...asObject(existing?.properties), ...asObject(body.properties) },
        });
        if (!existing) for (const db of built.slice(1)) ctx.store.put(db);
        return built[0];
      },
      afterPatch: (_ctx, merged, existing) => ({ ...merged, properties: pick(asObject(existing.properties), merged.properties, writable) }),
    }),
    ...crudRoutes({
      template: `${SERVER}/databases/{databaseName}`, type: `${T}/databases`, createdStatus: 201,
      build(_ctx, { id, name, body }) {
        if (kind.systemDatabases.includes(name)) throw new ArmError(400, "OperationNotAllowedOnSystemDatabase", `The database '${name}' is a system database and cannot be modified.`);
        return buildFlexibleDatabase(kind, id, asObject(body.properties));
      },
    }),
    ...crudRoutes({ template: `${SERVER}/firewallRules/{firewallRuleName}`, type: `${T}/firewallRules`, createdStatus: 201, build: (_ctx, input) => buildFirewallRule(`${T}/firewallRules`, input) }),
  ];
}
