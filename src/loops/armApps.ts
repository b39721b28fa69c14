/**
 * What the scan reads from ARM, through the one client factory (src/azure/clients.ts): the function apps of a
 * subscription (Resource Graph, paged) and, per app, its functions, app settings and connection strings.
 */
import type { ArmClients } from "../azure/clients.js";
import { functionsFromEnvelopes, type FunctionEnvelopeLike } from "./fromArm.js";
import type { FunctionAppInput } from "./model.js";

export const FUNCTION_APPS_QUERY =
  "Resources | where type =~ 'microsoft.web/sites' and kind contains 'functionapp' | project id, name, kind";

const GRAPH_PAGE = 1000;
const MAX_GRAPH_PAGES = 1000;

/** Parts of a Microsoft.Web/sites id (slots are not function apps of their own here). */
export function parseSiteId(appId: string): { subscriptionId: string; resourceGroup: string; name: string } {
  const m = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Web\/sites\/([^/]+)$/i.exec(appId);
  if (!m) throw new Error(`'${appId}' is not a Microsoft.Web/sites resource id`);
  return { subscriptionId: m[1]!, resourceGroup: m[2]!, name: m[3]! };
}

/** Ids of every function app of the subscription the caller can read. */
export async function listFunctionAppIds(clients: ArmClients, subscriptionId: string, pageSize = GRAPH_PAGE): Promise<string[]> {
  const graph = clients.resourceGraph();
  const ids: string[] = [];
  let skipToken: string | undefined;
  for (let page = 0; page < MAX_GRAPH_PAGES; page++) {
    const response = await graph.resources({
      subscriptions: [subscriptionId],
      query: FUNCTION_APPS_QUERY,
      options: { top: pageSize, resultFormat: "objectArray", ...(skipToken ? { skipToken } : {}) },
    });
    const rows = response.data as { id?: unknown }[];
    if (!Array.isArray(rows)) throw new Error("Resource Graph answered without an object array");
    for (const row of rows) if (typeof row.id === "string") ids.push(row.id);
    skipToken = response.skipToken;
    if (!skipToken) return ids;
  }
  throw new Error(`Resource Graph returned more than ${MAX_GRAPH_PAGES} pages of function apps`);
}

/** One app as the analysis needs it (without linkwright's connections, which the scan adds). */
export async function readFunctionApp(clients: ArmClients, appId: string): Promise<FunctionAppInput> {
  const { subscriptionId, resourceGroup, name } = parseSiteId(appId);
  const web = clients.webApps(subscriptionId);
  const envelopes: FunctionEnvelopeLike[] = [];
  for await (const envelope of web.webApps.listFunctions(resourceGroup, name)) envelopes.push(envelope as FunctionEnvelopeLike);
  const [settings, connectionStrings] = await Promise.all([
    web.webApps.listApplicationSettings(resourceGroup, name),
    web.webApps.listConnectionStrings(resourceGroup, name),
  ]);
  return {
    appId,
    appSettings: settings.properties ?? {},
    connectionStrings: connectionStrings.properties ?? {},
    functions: functionsFromEnvelopes(envelopes),
  };
}
