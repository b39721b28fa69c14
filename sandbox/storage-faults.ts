// A fault-injecting HTTPS proxy in front of Azurite's table service: point an app's table connection at `endpoint` (or
// use `connectionString`) and every request is forwarded to Azurite unchanged (Shared Key signs the path, which the
// proxy keeps), except those a fault rule matches — the same rules, modes and `times` as the ARM emulator's control
// surface (sandbox/arm/core/control.ts): a status (the Table service's JSON error, with Retry-After) or a hang-up
// before Azurite sees the request; "lost" (Azurite applies it, the client's socket is dropped) and "slow" (Azurite
// applies it, the answer comes delayMs late) after. Paths are matched without the query, e.g. `^/devstoreaccount1/linkers\(`.
import https from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { ControlState, type FaultRule } from "./arm/core/control.js";
import { withholdResponse } from "./arm/core/withheld-response.js";

export interface TableFaultProxy {
  /** e.g. https://127.0.0.1:50123/devstoreaccount1 — the table endpoint to give the app. */
  endpoint: string;
  /** The development account's connection string with its TableEndpoint through the proxy. */
  connectionString: string;
  addFault(rule: Omit<FaultRule, "id" | "hits"> & { id?: string }): FaultRule;
  clearRules(): void;
  rules(): FaultRule[];
  close(): Promise<void>;
}

export async function startTableFaultProxy(options: {
  /** Azurite's table endpoint, https://127.0.0.1:<port>/<account>. */
  tableEndpoint: string;
  accountName: string;
  accountKey: string;
  /** The sandbox's server certificate (Azurite in OAuth mode serves the same), and its CA to trust Azurite with. */
  tls: { key: string; cert: string; ca: string };
}): Promise<TableFaultProxy> {
  const target = new URL(options.tableEndpoint);
  const control = new ControlState();
  const held = new Set<Socket>();
  const agent = new https.Agent({ keepAlive: true, ca: options.tls.ca });

  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const upstream = https.request({
      host: target.hostname, port: target.port, method: req.method, path: req.url, agent,
      headers: { ...req.headers, host: target.host },
    }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on("data", (c: Buffer) => chunks.push(c));
      answer.on("end", () => {
        const headers = { ...answer.headers };
        delete headers["transfer-encoding"];
        const payload = Buffer.concat(chunks);
        res.writeHead(answer.statusCode ?? 502, { ...headers, "content-length": String(payload.length) });
        res.end(payload);
      });
    });
    upstream.on("error", (e) => {
      if (res.headersSent) return void res.destroy();
      res.writeHead(502, { "content-type": "text/plain" });
      res.end(`table fault proxy: ${e.message}`);
    });
    upstream.end(body);
  };

  const server = https.createServer({ key: options.tls.key, cert: options.tls.cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const fault = control.takeFault(req.method ?? "GET", decodeURIComponent((req.url ?? "/").split("?")[0]!), undefined, body.toString("utf8"));
      if (fault?.mode === "hangup") return void req.socket.destroy();
      if (fault?.mode === "timeout") {
        held.add(req.socket);
        req.socket.once("close", () => held.delete(req.socket));
        return;
      }
      if (fault?.mode === "lost" || fault?.mode === "slow") withholdResponse(req, res, fault, held);
      else if (fault) {
        const status = fault.status ?? 500;
        const text = JSON.stringify({ "odata.error": { code: fault.code ?? (status === 429 ? "TooManyRequests" : status >= 500 ? "InternalError" : "InvalidInput"),
          message: { lang: "en-US", value: fault.message ?? `Injected fault ${fault.id}.` } } });
        res.writeHead(status, {
          "content-type": "application/json;odata=minimalmetadata;streaming=true;charset=utf-8", "content-length": Buffer.byteLength(text),
          ...(fault.retryAfter !== undefined ? { "retry-after": String(fault.retryAfter) } : {}),
        });
        return void res.end(text);
      }
      forward(req, res, body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => { server.off("error", reject); resolve(); });
  });
  const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const endpoint = `${origin}${target.pathname.replace(/\/+$/, "")}`;
  return {
    endpoint,
    connectionString: `DefaultEndpointsProtocol=https;AccountName=${options.accountName};AccountKey=${options.accountKey};TableEndpoint=${endpoint};`,
    addFault: (rule) => control.addFault(rule),
    clearRules: () => control.clearRules(),
    rules: () => [...control.faults],
    async close() {
      for (const s of held) s.destroy();
      agent.destroy();
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}
