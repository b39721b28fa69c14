// `linkwright connect <target-kind>`: one local connection for the signed-in developer (what `az connection create`
// does), its steps printed as they happen, then the configuration it generates.
import { listTargets, resolveTarget } from "../../catalogue/index.js";
import type { ServiceNeed } from "../bindingKinds.js";
import { ConnectorsApiError, connectorId } from "../connectorsClient.js";
import { UsageError, type CliIo } from "../io.js";
import { connectorBody, connectorDifference } from "../plan.js";
import { printConfigurations, progressPrinter } from "../report.js";
import { connectorTargets, isValidConnectorName, SERVICE_CONNECTORS } from "../targets.js";
import { connectClient, connectorPlace, type ApiOptions, type ScopeOptions } from "./shared.js";

export interface ConnectOptions extends ApiOptions, ScopeOptions {
  targetKind: string;
  connection: string;
  target: string;
  clientType: string;
  /** Name the configuration as a Functions binding with this `connection` reads it (`<prefix>__<property>`). */
  bindingConnection?: string | undefined;
}

export async function runConnect(o: ConnectOptions, io: CliIo): Promise<number> {
  if (!isValidConnectorName(o.connection)) {
    throw new UsageError(`--connection '${o.connection}': letters, digits, '.' and '_' only, at most 60, not ending in '.'`);
  }
  const kinds = listTargets().map((t) => t.kind as string);
  if (!kinds.includes(o.targetKind)) throw new UsageError(`unknown target kind '${o.targetKind}'; one of: ${kinds.join(", ")}`);
  const need = (Object.keys(SERVICE_CONNECTORS) as ServiceNeed[]).find((n) => SERVICE_CONNECTORS[n].targetKind === o.targetKind);
  let targetId: string;
  let customizedKeys: Record<string, string> | undefined;
  if (need) {
    // An account / namespace id is enough: the kind picks its service (blob, queue, table; a Cosmos DB database).
    const resolved = connectorTargets(o.target, [need]);
    if ("error" in resolved) throw new UsageError(`--target: ${resolved.error}`);
    targetId = resolved[0]!.targetId;
    if (o.bindingConnection) customizedKeys = { [resolved[0]!.defaultKey]: `${o.bindingConnection}__${resolved[0]!.property}` };
  } else {
    const resolved = resolveTarget(o.target);
    if ("code" in resolved) throw new UsageError(`--target: ${resolved.message}`);
    if (resolved.kind !== o.targetKind) throw new UsageError(`--target is a ${resolved.kind} resource, not ${o.targetKind}`);
    if (o.bindingConnection) throw new UsageError(`--binding-connection: ${o.targetKind} has no Functions binding linkwright can name settings for`);
    targetId = resolved.id;
  }

  const place = connectorPlace(o, io.env, targetId);
  const { client, token } = await connectClient(o, io);
  const location = o.location ?? (await client.resourceGroupLocation(place.subscriptionId, place.resourceGroup));
  const id = connectorId({ ...place, location }, o.connection);
  const body = connectorBody({ targetId, ...(customizedKeys ? { customizedKeys } : {}) }, { clientType: o.clientType, ...(token.principalId ? { principalId: token.principalId } : {}) });
  io.out(`connector ${id}`);
  for (const c of place.chosen) io.out(`  ${c}`);
  io.out(`  target ${o.targetKind} ${targetId}, userAccount${token.principalId ? ` (principal ${token.principalId})` : ""}, client type ${o.clientType}`);
  try {
    const existing = await client.get(id);
    const difference = connectorDifference(existing, body);
    if (difference === undefined) {
      io.out("  unchanged: it already is this connection");
    } else {
      io.out(existing ? `  updating: ${difference}` : "  creating");
      io.out(`  PUT ${id}`);
      const final = await client.put(id, body, progressPrinter(io.out, "  "));
      io.out(`  state: ${String(final.properties?.["provisioningState"] ?? "unknown")}`);
    }
    io.out("  POST generateConfigurations");
    const configurations = await client.generateConfigurations(id);
    io.out("configurations:");
    printConfigurations(io.out, configurations, "  ");
    return 0;
  } catch (e) {
    if (!(e instanceof ConnectorsApiError)) throw e;
    io.err(`linkwright connect: ${e.code}: ${e.message}`);
    return 1;
  }
}
