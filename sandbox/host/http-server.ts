// The host's HTTP listener on 127.0.0.1: reads the raw body bytes, then asks each handler stage in order.
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { HostHandler, HostRequest, HostResponse } from "./http-types.js";
import type { HostLogger } from "./logger.js";

export interface FrontDoor {
  port: number;
  baseUrl: string;
  close(): Promise<void>;
}

/** Original-case header names with duplicates joined (Node lower-cases `req.headers`). */
const RAW_HEADERS = new WeakMap<HostRequest, Record<string, string>>();
export function rawHeadersOf(req: HostRequest): Record<string, string> {
  return RAW_HEADERS.get(req) ?? (req.headers as Record<string, string>);
}

function collectRawHeaders(raw: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const byLower = new Map<string, string>();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    const existing = byLower.get(name.toLowerCase());
    if (existing) out[existing] = `${out[existing]}, ${raw[i + 1]}`;
    else {
      byLower.set(name.toLowerCase(), name);
      out[name] = raw[i + 1]!;
    }
  }
  return out;
}

export async function startFrontDoor(options: { port: number; handlers: HostHandler[]; logger: HostLogger }): Promise<FrontDoor> {
  const server = http.createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (c: Buffer) => chunks.push(c));
    incoming.on("error", () => outgoing.destroy());
    incoming.on("end", () => {
      void (async () => {
        const hostHeader = incoming.headers.host ?? `127.0.0.1:${(server.address() as AddressInfo).port}`;
        const headers: Record<string, string | undefined> = {};
        for (const [k, v] of Object.entries(incoming.headers)) headers[k] = Array.isArray(v) ? v.join(", ") : v;
        const req: HostRequest = {
          method: (incoming.method ?? "GET").toUpperCase(),
          url: new URL(incoming.url ?? "/", `http://${hostHeader}`),
          headers,
          body: Buffer.concat(chunks),
          rawUrl: incoming.url ?? "/",
        };
        RAW_HEADERS.set(req, collectRawHeaders(incoming.rawHeaders));
        let response: HostResponse | undefined;
        try {
          for (const handler of options.handlers) {
            response = await handler(req);
            if (response) break;
          }
        } catch (err) {
          options.logger.log("error", `Unhandled error for ${req.method} ${req.url.pathname}: ${err instanceof Error ? err.stack : String(err)}`);
          response = { status: 500 };
        }
        response ??= { status: 404 };
        const body = response.body === undefined ? undefined : Buffer.isBuffer(response.body) ? response.body : Buffer.from(response.body, "utf8");
        outgoing.writeHead(response.status, { ...(response.headers ?? {}), ...(body ? { "content-length": String(body.length) } : { "content-length": "0" }) });
        outgoing.end(req.method === "HEAD" ? undefined : body);
      })();
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
