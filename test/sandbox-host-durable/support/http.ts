// A loopback HTTP server that routes requests to a durable runtime's management API, and a durable client
// (df.getClient) bound to it the way the host binds a durableClient input.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import type { DurableRuntime } from "../../../sandbox/host/durable/index.js";

export async function serveDurable(getRuntime: () => DurableRuntime | undefined): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const runtime = getRuntime();
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(",") : v]));
      const pending = runtime
        ? runtime.handleHttp({ method: req.method ?? "GET", url: `http://${req.headers.host}${req.url}`, headers, body: Buffer.concat(chunks) })
        : Promise.resolve(undefined);
      pending.then(
        (out) => {
          if (!out) {
            res.writeHead(404).end();
            return;
          }
          res.writeHead(out.status, out.headers ?? {}).end(out.body ?? "");
        },
        (err: unknown) => res.writeHead(500).end(String(err)),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

export function durableClient(runtime: DurableRuntime): df.DurableClient {
  const clientInput = df.input.durableClient();
  const context = new InvocationContext({ invocationId: "client", functionName: "starter", options: { extraInputs: [clientInput] }, logHandler: () => undefined });
  // The host delivers the binding as a JSON string that @azure/functions parses (RpcTypedData string → tryJsonParse).
  context.extraInputs.set(clientInput, JSON.parse(runtime.clientBindingValue()));
  return df.getClient(context);
}
