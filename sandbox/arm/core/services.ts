// The CoreServices object handed to providers (contract.ts), built over the emulator's parts.
import https from "node:https";
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import type { Caller, CoreServices, DataPlaneHandler, RouteContext } from "./contract.js";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { CoreParts } from "./server.js";
import { callerFromToken, defaultFaultCode, publishEvent } from "./server.js";
import { withholdResponse } from "./withheld-response.js";
import { page } from "./paging.js";

/** The core parts the services use, plus what only they need. */
export interface ServicesDeps extends Pick<CoreParts, "tenantId" | "directory" | "tokens" | "rbac" | "control" | "operations" | "activity"> {
  tls: { key: string; cert: string };
  baseUrl(): string;
  /** Resolved lazily (the core parts reference the services object). */
  core(): CoreParts;
  azurite?: CoreServices["azurite"];
  pageSize?: number;
}

export interface ServicesHandle {
  services: CoreServices;
  closeDataPlanes(): Promise<void>;
}

export function createServices(d: ServicesDeps): ServicesHandle {
  const dataPlanes = new Map<string, { server: https.Server; origin: string }>();

  /** The control surface's faults for a data plane (rules with a `plane`), as server.ts applies them to ARM. Only
   *  requests carrying credentials are matched: a client's unauthenticated first request (Key Vault's challenge probe)
   *  has no effect to fault. True when the fault answered (or dropped) the request itself. */
  const dataPlaneFault = (name: string, req: IncomingMessage, res: ServerResponse, body: Buffer): boolean => {
    if (!req.headers.authorization) return false;
    const path = (req.url ?? "/").split("?")[0]!;
    const fault = d.control.takeFault(req.method ?? "GET", path, name, body.toString("utf8"));
    if (!fault) return false;
    const held = d.core().heldSockets;
    if (fault.mode === "hangup") { req.socket.destroy(); return true; }
    if (fault.mode === "timeout") {
      held.add(req.socket);
      req.socket.once("close", () => held.delete(req.socket));
      setTimeout(() => req.socket.destroy(), 120_000).unref();
      return true;
    }
    if (fault.mode === "lost" || fault.mode === "slow") {
      withholdResponse(req, res, fault, held);
      return false;
    }
    const status = fault.status ?? 500;
    const text = JSON.stringify({ error: { code: fault.code ?? defaultFaultCode(status), message: fault.message ?? `Injected fault ${fault.id}.` } });
    res.writeHead(status, {
      "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text),
      ...(fault.retryAfter !== undefined ? { "retry-after": String(fault.retryAfter) } : {}),
    });
    res.end(text);
    return true;
  };

  const services: CoreServices = {
    tenantId: d.tenantId,
    principals: d.directory,
    azurite: d.azurite,
    newGuid: () => randomUUID(),
    page: <T>(items: T[], ctx: RouteContext, pageSize?: number) => page(items, ctx, pageSize ?? d.pageSize),

    lroEnabledFor: (ctx) => d.control.lroRuleFor(ctx.req.method, ctx.req.path) !== undefined,

    longRunning(options, ctx) {
      const rule = d.control.lroRuleFor(ctx.req.method, ctx.req.path);
      return d.operations.start({ ...options, style: rule?.style ?? options.style }, ctx, rule?.pollsUntilDone);
    },

    recordEvent(kind, resourceId, operationName, ctx) {
      const core = d.core();
      d.activity.record({
        action: operationName, resourceId, httpStatus: 200, status: "Succeeded", method: ctx.req.method,
        uri: `${ctx.req.baseUrl}${ctx.req.path}?api-version=${ctx.req.apiVersion}`,
        caller: { objectId: ctx.req.caller.objectId, appId: ctx.req.caller.appId, tenantId: ctx.req.caller.tenantId },
        correlationId: ctx.req.correlationId, requestId: ctx.req.requestId,
        subscriptionId: /^\/subscriptions\/([^/]+)/i.exec(resourceId)?.[1] ?? "",
      });
      publishEvent(core, ctx, kind, resourceId, operationName);
    },

    async authenticate(header, audience): Promise<Caller | undefined> {
      const m = /^Bearer\s+(.+)$/i.exec(header ?? "");
      if (!m) return undefined;
      try {
        const token = await d.tokens.verify(m[1].trim(), [audience], d.baseUrl());
        return callerFromToken(d.directory, token);
      } catch {
        return undefined;
      }
    },

    isAuthorized: (caller, action, scope, kind) => d.rbac.isAuthorized(caller, action, scope, kind),

    async listenDataPlane(name: string, handler: DataPlaneHandler, preferredPort?: number): Promise<string> {
      const existing = dataPlanes.get(name);
      if (existing) return existing.origin;
      const server = https.createServer({ key: d.tls.key, cert: d.tls.cert }, (req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
          const body = Buffer.concat(chunks);
          if (dataPlaneFault(name, req, res, body)) return;
          const withBody = Object.assign(req, { body });
          Promise.resolve(handler(withBody, res)).catch((e: unknown) => {
            d.core().log(`[data-plane ${name}] ${(e as Error)?.stack ?? String(e)}`);
            if (!res.headersSent) {
              res.writeHead(500, { "content-type": "application/json" });
              res.end(JSON.stringify({ error: { code: "InternalServerError", message: "Encountered internal server error." } }));
            } else res.end();
          });
        });
      });
      // The port a persisted resource already names (a vault's vaultUri, a store's endpoint) when it is free, so
      // references written before a restart still resolve; any free port otherwise.
      const listen = (port: number) => new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, "127.0.0.1", () => { server.off("error", reject); resolve(); });
      });
      try {
        await listen(preferredPort ?? 0);
      } catch (e) {
        if (!preferredPort || (e as NodeJS.ErrnoException).code !== "EADDRINUSE") throw e;
        await listen(0);
      }
      const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
      dataPlanes.set(name, { server, origin });
      return origin;
    },
  };

  return {
    services,
    async closeDataPlanes() {
      await Promise.all([...dataPlanes.values()].map(({ server }) => new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      })));
      dataPlanes.clear();
    },
  };
}
