// Microsoft.Sql resource provider: servers, databases, firewall and virtual-network rules, Entra administrator.
import type { Provider } from "../../core/contract.js";
import { sqlRoutes } from "./servers.js";

export const sqlProvider: Provider = { namespace: "Microsoft.Sql", routes: sqlRoutes };
export { buildSqlServer, buildSqlDatabase } from "./servers.js";
