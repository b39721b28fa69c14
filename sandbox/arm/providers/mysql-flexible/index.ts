// Microsoft.DBforMySQL flexible servers: server (fullyQualifiedDomainName), databases, firewall rules, and the
// Microsoft Entra administrator (administrators/ActiveDirectory, which needs a user-assigned identity on the server).
// Reference: @azure/arm-mysql-flexible 3.1.0 src/operations/{servers,databases,firewallRules}.ts. That SDK has no
// administrators operations; the route follows the REST API (Microsoft.DBforMySQL/flexibleServers/administrators).
import { ArmError, type Provider } from "../../core/contract.js";
import { asObject } from "../kit/request-body.js";
import { crudRoutes } from "../kit/crud-routes.js";
import { requireGuid } from "../kit/guids.js";
import { flexibleServerRoutes, serverTemplate, type FlexibleServerKind } from "../kit/flexible-servers.js";

export const MYSQL_KIND: FlexibleServerKind = {
  namespace: "Microsoft.DBforMySQL", dnsSuffix: "mysql.database.azure.com", version: "8.0.21",
  systemDatabases: ["information_schema", "mysql", "performance_schema", "sys"], databaseDefaults: { charset: "utf8mb4", collation: "utf8mb4_0900_ai_ci" },
  serverDefaults: () => ({}), writable: [],
};
const T = "Microsoft.DBforMySQL/flexibleServers/administrators";

export const mysqlFlexibleProvider: Provider = {
  namespace: "Microsoft.DBforMySQL",
  routes: [
    ...flexibleServerRoutes(MYSQL_KIND),
    ...crudRoutes({
      template: `${serverTemplate(MYSQL_KIND)}/administrators/{administratorName}`, type: T, createdStatus: 201,
      build(ctx, { id, name, body, parent }) {
        if (name !== "ActiveDirectory") throw new ArmError(400, "InvalidParameterValue", `The administrator name must be 'ActiveDirectory', not '${name}'.`);
        const p = asObject(body.properties);
        requireGuid(p.sid, "properties.sid");
        const identityId = String(p.identityResourceId ?? "");
        const uamis = Object.keys(asObject(asObject(parent!.identity).userAssignedIdentities)).map((k) => k.toLowerCase());
        if (!uamis.includes(identityId.toLowerCase())) {
          throw new ArmError(400, "InvalidParameterValue", `The identity '${identityId}' must be a user-assigned identity of server '${parent!.name}'.`, "properties.identityResourceId");
        }
        if (typeof p.login !== "string" || !p.login) throw new ArmError(400, "InvalidParameterValue", "login is required.", "properties.login");
        return { id, name, type: T, properties: { administratorType: "ActiveDirectory", login: p.login, sid: p.sid, tenantId: p.tenantId ?? ctx.services.tenantId, identityResourceId: identityId } };
      },
    }),
  ],
};
