// Cosmos DB NoSQL resources: sqlDatabases and their containers (get / list / createUpdate / delete).
// The body's `resource.id` must equal the name in the path, as Cosmos DB requires.
// Reference: @azure/arm-cosmosdb 17.0.0 api/sqlResources/operations.js.
import { ArmError, type Route, type RouteContext, type StoredResource } from "../../core/contract.js";
import { asObject } from "../kit/request-body.js";
import { crudRoutes, type BuildInput } from "../kit/crud-routes.js";
import { accountApi } from "./accounts.js";

const ACCOUNT = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.DocumentDB/databaseAccounts/{accountName}";
export const SQL_DATABASE_TYPE = "Microsoft.DocumentDB/databaseAccounts/sqlDatabases";
const CONTAINER_TYPE = "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers";

function systemProps(existing?: StoredResource): Record<string, unknown> {
  const prev = asObject(asObject(existing?.properties).resource);
  return { _rid: prev._rid ?? Buffer.from(crypto.randomUUID()).toString("base64").slice(0, 8), _ts: Math.floor(Date.now() / 1000), _etag: `"${crypto.randomUUID()}"` };
}

/** A stored sqlDatabase (used by PUT and the demo seed). */
export function buildSqlDatabase(id: string, location: string | undefined, resource: Record<string, unknown> = {}, existing?: StoredResource): StoredResource {
  const name = id.split("/").pop()!;
  return {
    id, name, type: SQL_DATABASE_TYPE, ...(location ? { location } : {}),
    properties: { resource: { ...resource, id: name, ...systemProps(existing), _colls: "colls/", _users: "users/" }, options: {} },
  };
}

function requireSqlApi(parent: StoredResource): void {
  if (accountApi(parent) !== "Sql") throw new ArmError(400, "BadRequest", `Database account '${parent.name}' uses the ${accountApi(parent)} API; sqlDatabases need a NoSQL (GlobalDocumentDB) account.`);
}

function resourceOf(input: BuildInput): Record<string, unknown> {
  const resource = asObject(asObject(input.body.properties).resource);
  if (resource.id !== input.name) throw new ArmError(400, "BadRequest", `The resource id '${String(resource.id)}' in the body must match the name '${input.name}' in the request URI.`, "properties.resource.id");
  return resource;
}

export const sqlResourceRoutes: Route[] = [
  ...crudRoutes({
    template: `${ACCOUNT}/sqlDatabases/{databaseName}`, type: SQL_DATABASE_TYPE,
    build(_ctx: RouteContext, input) {
      requireSqlApi(input.parent!);
      return buildSqlDatabase(input.id, input.parent!.location, resourceOf(input), input.existing);
    },
  }),
  ...crudRoutes({
    template: `${ACCOUNT}/sqlDatabases/{databaseName}/containers/{containerName}`, type: CONTAINER_TYPE,
    build(_ctx, input) {
      const resource = resourceOf(input);
      const pk = asObject(resource.partitionKey);
      if (!Array.isArray(pk.paths) || pk.paths.length === 0) throw new ArmError(400, "BadRequest", "A container needs a partition key: properties.resource.partitionKey.paths.", "properties.resource.partitionKey");
      return {
        id: input.id, name: input.name, type: CONTAINER_TYPE, ...(input.parent!.location ? { location: input.parent!.location } : {}),
        properties: {
          resource: {
            indexingPolicy: { indexingMode: "consistent", automatic: true, includedPaths: [{ path: "/*" }], excludedPaths: [{ path: "/\"_etag\"/?" }] },
            conflictResolutionPolicy: { mode: "LastWriterWins", conflictResolutionPath: "/_ts" },
            ...resource, partitionKey: { kind: "Hash", version: 2, ...pk }, ...systemProps(input.existing),
          },
          options: {},
        },
      };
    },
  }),
];
