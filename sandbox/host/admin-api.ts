// The admin endpoints Core Tools offers: GET /admin/functions[/{name}], POST /admin/functions/{name} (run a
// non-HTTP function now, body {"input": "..."} → 202) and GET /admin/host/status.
import type { Clock } from "../clock.js";
import type { CoreRegistry } from "./core-module.js";
import { bindingType, DURABLE_TRIGGER_TYPES, triggerOf } from "./catalog.js";
import { isAuthorized, type FunctionKeys } from "./auth-keys.js";
import type { FunctionRuntime } from "./function-runtime.js";
import { jsonResponse, type HostHandler } from "./http-types.js";
import type { HostLogger } from "./logger.js";
import type { FunctionInfo } from "./index.js";
import { timerInput } from "./timer-input.js";

export interface AdminOptions {
  registry: CoreRegistry;
  runtime: FunctionRuntime;
  keys: FunctionKeys | undefined;
  logger: HostLogger;
  clock: Clock;
  describe: () => FunctionInfo[];
}

export function createAdminHandler(options: AdminOptions): HostHandler {
  const view = (f: FunctionInfo, base: string) => ({
    name: f.name,
    language: "node",
    href: `${base}/admin/functions/${f.name}`,
    isDisabled: false,
    isDirect: true,
    config: { bindings: f.bindings },
    ...(f.triggerType.toLowerCase() === "httptrigger" ? { invoke_url_template: `${base}/${String(f.bindings.find((b) => b.type?.toLowerCase() === "httptrigger")?.["route"] ?? f.name)}` } : {}),
  });

  return async (req) => {
    const path = req.url.pathname.replace(/\/+$/, "");
    if (!/^\/admin(\/|$)/i.test(path)) return undefined;
    if (!isAuthorized(options.keys, req, "admin")) return { status: 401 };
    const base = req.url.origin;

    if (/^\/admin\/host\/status$/i.test(path) && req.method === "GET") {
      return jsonResponse(200, { id: "sandbox-host", state: "Running", version: "4.1000.0-sandbox", processUptime: Math.round(process.uptime() * 1000) });
    }
    if (/^\/admin\/functions$/i.test(path) && req.method === "GET") {
      return jsonResponse(200, options.describe().map((f) => view(f, base)));
    }
    const m = /^\/admin\/functions\/([^/]+)$/i.exec(path);
    if (m) {
      const name = decodeURIComponent(m[1]!);
      const reg = options.registry.get(name);
      if (!reg) return jsonResponse(404, { error: `Function '${name}' not found` });
      if (req.method === "GET") return jsonResponse(200, view(options.describe().find((f) => f.name === reg.metadata.name)!, base));
      if (req.method !== "POST") return { status: 405 };
      const type = bindingType(triggerOf(reg).binding);
      if (type === "httptrigger" || DURABLE_TRIGGER_TYPES.includes(type)) {
        return jsonResponse(400, { error: `Function '${reg.metadata.name}' has a ${triggerOf(reg).binding.type} and cannot be run through the admin API` });
      }
      let input = "";
      if (req.body.length) {
        try {
          const body = JSON.parse(req.body.toString("utf8")) as { input?: unknown };
          input = typeof body.input === "string" ? body.input : body.input === undefined ? "" : JSON.stringify(body.input);
        } catch {
          return jsonResponse(400, { error: "Body must be JSON {\"input\": \"...\"}" });
        }
      }
      const data = type === "timertrigger" ? timerInput({ isPastDue: false, last: undefined, next: undefined, now: new Date(options.clock.now()) }) : { string: input };
      // Core Tools answers 202 at once and runs the function in the background.
      void options.runtime.invoke(reg.metadata.name, data, { bindingData: { input } }).catch((err: unknown) => {
        options.logger.log("error", `Admin-invoked function "${reg.metadata.name}" failed: ${err instanceof Error ? err.message : String(err)}`);
      });
      return { status: 202 };
    }
    return { status: 404 };
  };
}
