// `linkwright status <connectorId>`: a local connection's state and its last operation.
import { ConnectorsApiError, parseConnectorId } from "../connectorsClient.js";
import { UsageError, type CliIo } from "../io.js";
import { printConnector } from "../report.js";
import { connectClient, type ApiOptions } from "./shared.js";

export interface StatusOptions extends ApiOptions {
  connectorId: string;
  json: boolean;
}

export async function runStatus(o: StatusOptions, io: CliIo): Promise<number> {
  if (!parseConnectorId(o.connectorId)) {
    throw new UsageError(`'${o.connectorId}' is not a connector id: /subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.ServiceLinker/locations/{location}/connectors/{name}`);
  }
  const { client } = await connectClient(o, io);
  try {
    const resource = await client.get(o.connectorId);
    if (!resource) {
      io.err(`linkwright status: ${o.connectorId} does not exist`);
      return 1;
    }
    if (o.json) io.out(JSON.stringify(resource, null, 2));
    else printConnector(io.out, resource);
    const state = String(resource.properties?.["provisioningState"] ?? "");
    return /^(failed|canceled|cancelled)$/i.test(state) ? 1 : 0;
  } catch (e) {
    if (!(e instanceof ConnectorsApiError)) throw e;
    io.err(`linkwright status: ${e.code}: ${e.message}`);
    return 1;
  }
}
