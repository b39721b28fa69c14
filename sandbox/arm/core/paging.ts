// Absolute nextLink paging with $skipToken (reference arm-surface §1.7).
import type { RouteContext } from "./contract.js";

export function page<T>(items: T[], ctx: RouteContext, pageSize = 100): { value: T[]; nextLink?: string } {
  const q = ctx.req.query;
  const skip = Math.max(0, Number.parseInt(q.get("$skipToken") ?? "0", 10) || 0);
  const topRaw = q.get("$top");
  const size = Math.max(1, Math.min(pageSize, topRaw ? Number.parseInt(topRaw, 10) || pageSize : pageSize));
  const value = items.slice(skip, skip + size);
  if (skip + size >= items.length || topRaw) return { value };
  const next = new URLSearchParams(q);
  next.set("$skipToken", String(skip + size));
  if (!next.has("api-version")) next.set("api-version", ctx.req.apiVersion);
  return { value, nextLink: `${ctx.req.baseUrl}${ctx.req.path}?${next.toString().replace(/\+/g, "%20")}` };
}
