// The Event Grid extension's webhook: POST /runtime/webhooks/eventgrid?functionName=X.
// Event Grid schema: `aeg-event-type: SubscriptionValidation` → {validationResponse}; Notification → one invocation per
// event. CloudEvents: the OPTIONS abuse-protection handshake (WebHook-Request-Origin → WebHook-Allowed-Origin).
import { isAuthorized, type FunctionKeys } from "./auth-keys.js";
import type { CoreRegistry } from "./core-module.js";
import { bindingType, triggerOf } from "./catalog.js";
import type { FunctionRuntime } from "./function-runtime.js";
import { jsonResponse, type HostHandler } from "./http-types.js";
import type { HostLogger } from "./logger.js";

export const EVENTGRID_WEBHOOK_PATH = "/runtime/webhooks/eventgrid";

/** With keys configured, the webhook needs `code` = the `eventgrid_extension` system key (or the master key), as in Azure. */
export function createEventGridHandler(options: { registry: CoreRegistry; runtime: FunctionRuntime; logger: HostLogger; keys?: FunctionKeys | undefined }): HostHandler {
  return async (req) => {
    if (req.url.pathname.toLowerCase().replace(/\/+$/, "") !== EVENTGRID_WEBHOOK_PATH) return undefined;

    if (req.method === "OPTIONS") {
      const origin = req.headers["webhook-request-origin"];
      if (!origin) return { status: 400, body: "Missing WebHook-Request-Origin header" };
      return { status: 200, headers: { "WebHook-Allowed-Origin": origin, "WebHook-Allowed-Rate": "*" } };
    }
    if (req.method !== "POST") return { status: 405 };
    if (!isAuthorized(options.keys, req, "system", "eventgrid_extension")) return { status: 401 };

    const functionName = req.url.searchParams.get("functionName");
    const reg = functionName ? options.registry.get(functionName) : undefined;
    if (!reg || bindingType(triggerOf(reg).binding) !== "eventgridtrigger") {
      return { status: 404, body: `cannot find function: '${functionName ?? ""}'` };
    }

    let payload: unknown;
    try {
      payload = JSON.parse(req.body.toString("utf8"));
    } catch {
      return { status: 400, body: "Request body is not valid JSON" };
    }
    const events = Array.isArray(payload) ? payload : [payload];
    const eventType = (req.headers["aeg-event-type"] ?? "").toLowerCase();

    if (eventType === "subscriptionvalidation") {
      const first = events[0] as { data?: { validationCode?: string } } | undefined;
      const code = first?.data?.validationCode;
      if (!code) return { status: 400, body: "SubscriptionValidation event has no validationCode" };
      return jsonResponse(200, { validationResponse: code });
    }
    if (eventType === "unsubscribe") return { status: 202 };

    let failed = false;
    for (const event of events) {
      try {
        await options.runtime.invoke(reg.metadata.name, { json: JSON.stringify(event) }, { bindingData: { data: (event as { data?: unknown }).data } });
      } catch (err) {
        failed = true;
        options.logger.log("error", `Event Grid function "${reg.metadata.name}" failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    return failed ? { status: 500 } : { status: 202 };
  };
}
