// Cosmos DB NoSQL data-plane RBAC: sqlRoleDefinitions (the two built-in ones exist on every account:
// 00000000-0000-0000-0000-000000000001 Data Reader, …0002 Data Contributor) and sqlRoleAssignments
// (principalId + roleDefinitionId + scope inside the account). These are Cosmos's own role system, not
// Microsoft.Authorization. Reference: @azure/arm-cosmosdb 17.0.0 api/sqlResources/operations.js.
import { ArmError, type Route, type StoredResource } from "../../core/contract.js";
import { isGuid } from "../../core/ids.js";
import { asObject } from "../kit/request-body.js";
import { crudRoutes } from "../kit/crud-routes.js";

const ACCOUNT = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.DocumentDB/databaseAccounts/{accountName}";
const DEF_TYPE = "Microsoft.DocumentDB/databaseAccounts/sqlRoleDefinitions";
const ASSIGN_TYPE = "Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments";
export const COSMOS_DATA_READER = "00000000-0000-0000-0000-000000000001";
export const COSMOS_DATA_CONTRIBUTOR = "00000000-0000-0000-0000-000000000002";

export function builtInSqlRoleDefinitions(accountId: string): StoredResource[] {
  const def = (name: string, roleName: string, dataActions: string[]): StoredResource => ({
    id: `${accountId}/sqlRoleDefinitions/${name}`, name, type: DEF_TYPE,
    properties: { roleName, type: "BuiltInRole", assignableScopes: [accountId], permissions: [{ dataActions, notDataActions: [] }] },
  });
  return [
    def(COSMOS_DATA_READER, "Cosmos DB Built-in Data Reader", [
      "Microsoft.DocumentDB/databaseAccounts/readMetadata", "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/executeQuery",
      "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/readChangeFeed", "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/read",
    ]),
    def(COSMOS_DATA_CONTRIBUTOR, "Cosmos DB Built-in Data Contributor", [
      "Microsoft.DocumentDB/databaseAccounts/readMetadata", "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/*",
      "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/*",
    ]),
  ];
}

/** A scope inside the account: the account id itself or below it (`/dbs/{db}[/colls/{c}]` relative forms are expanded). */
function accountScope(accountId: string, scope: unknown, field: string): string {
  const s = String(scope ?? "");
  if (s.startsWith("/dbs/") || s === "/") return s === "/" ? accountId : `${accountId}${s}`;
  if (s.toLowerCase() === accountId.toLowerCase() || s.toLowerCase().startsWith(`${accountId.toLowerCase()}/`)) return s;
  throw new ArmError(400, "BadRequest", `The scope '${s}' of ${field} must be the database account '${accountId}' or a path below it.`, `properties.${field}`);
}

export const sqlRbacRoutes: Route[] = [
  ...crudRoutes({
    template: `${ACCOUNT}/sqlRoleDefinitions/{roleDefinitionId}`, type: DEF_TYPE,
    build(_ctx, { id, name, body, existing, parent }) {
      if (!isGuid(name)) throw new ArmError(400, "BadRequest", `The role definition id '${name}' must be a GUID.`);
      if (existing && asObject(existing.properties).type === "BuiltInRole") throw new ArmError(400, "BadRequest", "Built-in role definitions cannot be modified.");
      const p = asObject(body.properties);
      if (typeof p.roleName !== "string" || !p.roleName) throw new ArmError(400, "BadRequest", "The 'roleName' property is required.", "properties.roleName");
      const scopes = (Array.isArray(p.assignableScopes) ? p.assignableScopes : [parent!.id]).map((s) => accountScope(parent!.id, s, "assignableScopes"));
      const permissions = (Array.isArray(p.permissions) ? p.permissions : []).map((x) => ({
        dataActions: (asObject(x).dataActions as string[] | undefined) ?? [], notDataActions: (asObject(x).notDataActions as string[] | undefined) ?? [],
      }));
      return { id, name, type: DEF_TYPE, properties: { roleName: p.roleName, type: "CustomRole", assignableScopes: scopes, permissions } };
    },
  }),
  ...crudRoutes({
    template: `${ACCOUNT}/sqlRoleAssignments/{roleAssignmentId}`, type: ASSIGN_TYPE,
    build(ctx, { id, name, body, parent }) {
      if (!isGuid(name)) throw new ArmError(400, "BadRequest", `The role assignment id '${name}' must be a GUID.`);
      const p = asObject(body.properties);
      const defId = String(p.roleDefinitionId ?? "");
      const def = ctx.store.get(defId);
      if (!def || !defId.toLowerCase().startsWith(`${parent!.id.toLowerCase()}/sqlroledefinitions/`)) {
        throw new ArmError(400, "BadRequest", `The role definition '${defId}' does not exist in database account '${parent!.name}'.`, "properties.roleDefinitionId");
      }
      if (typeof p.principalId !== "string" || !isGuid(p.principalId)) throw new ArmError(400, "BadRequest", "The 'principalId' property must be a GUID object id.", "properties.principalId");
      return { id, name, type: ASSIGN_TYPE, properties: { roleDefinitionId: def.id, scope: accountScope(parent!.id, p.scope ?? parent!.id, "scope"), principalId: p.principalId, provisioningState: "Succeeded" } };
    },
  }),
];
