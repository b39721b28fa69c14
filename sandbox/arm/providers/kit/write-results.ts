// The answers to a PUT (sync 200/201, or the core's long-running response when the test control surface turned LRO
// mode on) and to a DELETE (200 when something was deleted, 204 when nothing was there). Reference: arm-surface §1.6.
import type { RouteContext, RouteResult } from "../../core/contract.js";
import { requireResourceGroup } from "./resource-lookup.js";

/**
 * The answer to a PUT that stored `body`: 200 (update) / 201 (create) synchronously, or, when the test control
 * surface turned LRO mode on for this operation, the core's long-running response in the SDK's polling style.
 */
export function putResult(ctx: RouteContext, body: unknown, created: boolean, style: "azure-async-operation" | "location" | "both" = "azure-async-operation"): RouteResult {
  if (ctx.services.lroEnabledFor(ctx)) {
    return ctx.services.longRunning({ status: style === "location" ? 202 : 201, body, style, finalBody: body }, ctx);
  }
  return { status: created ? 201 : 200, body };
}

/** The answer to a DELETE: 200 when something was deleted, 204 when nothing was there. */
export function deleteResult(ctx: RouteContext, id: string): RouteResult {
  requireResourceGroup(ctx);
  const existed = ctx.store.get(id) !== undefined;
  if (existed) {
    for (const child of ctx.store.list(id)) ctx.store.delete(child.id);
  }
  return { status: existed ? 200 : 204 };
}
