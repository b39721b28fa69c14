// Microsoft.DBforPostgreSQL flexible servers: server (fullyQualifiedDomainName, authConfig), databases, firewall
// rules, and Microsoft Entra administrators (administrators/{objectId}). Reference: @azure/arm-postgresql-flexible
// 9.0.0 operations/{servers,databases,firewallRules,administratorsMicrosoftEntra}.js. Adding an administrator while
// authConfig.activeDirectoryAuth is Disabled is accepted (Azure's answer in that case is not documented in the sources).
import { ArmError, type Provider } from "../../core/contract.js";
import { asObject } from "../kit/request-body.js";
import { crudRoutes } from "../kit/crud-routes.js";
import { requireGuid } from "../kit/guids.js";
import { flexibleServerRoutes, serverTemplate, type FlexibleServerKind } from "../kit/flexible-servers.js";

export const POSTGRES_KIND: FlexibleServerKind = {
  namespace: "Microsoft.DBforPostgreSQL", dnsSuffix: "postgres.database.azure.com", version: "16",
  systemDatabases: ["azure_maintenance", "azure_sys", "postgres"], databaseDefaults: { charset: "UTF8", collation: "en_US.utf8" },
  serverDefaults: (tenantId) => ({ authConfig: { activeDirectoryAuth: "Disabled", passwordAuth: "Enabled", tenantId } }),
  writable: ["authConfig"],
};
const T = "Microsoft.DBforPostgreSQL/flexibleServers/administrators";
const PRINCIPAL_TYPES = ["User", "Group", "ServicePrincipal", "Unknown"];

export const postgresFlexibleProvider: Provider = {
  namespace: "Microsoft.DBforPostgreSQL",
  routes: [
    ...flexibleServerRoutes(POSTGRES_KIND),
    ...crudRoutes({
      template: `${serverTemplate(POSTGRES_KIND)}/administrators/{objectId}`, type: T, createdStatus: 201,
      build(ctx, { id, name, body }) {
        requireGuid(name, "objectId");
        const p = asObject(body.properties);
        if (!PRINCIPAL_TYPES.includes(String(p.principalType))) throw new ArmError(400, "InvalidParameterValue", `principalType must be one of ${PRINCIPAL_TYPES.join(", ")}.`, "properties.principalType");
        if (typeof p.principalName !== "string" || !p.principalName) throw new ArmError(400, "InvalidParameterValue", "principalName is required.", "properties.principalName");
        return { id, name, type: T, properties: { principalType: p.principalType, principalName: p.principalName, objectId: name, tenantId: p.tenantId ?? ctx.services.tenantId } };
      },
    }),
  ],
};
export { buildFlexibleServer, buildFlexibleDatabase } from "../kit/flexible-servers.js";
