// Microsoft.DocumentDB resource provider: database accounts (keys, connection strings, network rules), NoSQL
// databases and containers, and the NoSQL data-plane RBAC (sqlRoleDefinitions / sqlRoleAssignments).
import type { Provider } from "../../core/contract.js";
import { accountRoutes } from "./accounts.js";
import { sqlResourceRoutes } from "./sql-resources.js";
import { sqlRbacRoutes } from "./sql-rbac.js";

export const cosmosDbProvider: Provider = { namespace: "Microsoft.DocumentDB", routes: [...accountRoutes, ...sqlResourceRoutes, ...sqlRbacRoutes] };
export { buildCosmosAccount } from "./accounts.js";
export { buildSqlDatabase } from "./sql-resources.js";
