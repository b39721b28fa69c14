// Path normalisation and Microsoft.ServiceLinker path parsing (case-insensitive; `//` tolerated).
// The SDK sends `//subscriptions/...` when a resourceUri starts with "/" (servicelinker-api.md §6).

/** Collapses repeated slashes, strips a trailing slash, percent-decodes segments, keeps the casing. Always starts with "/". */
export function normalisePath(rawPath: string): string {
  const collapsed = ("/" + rawPath).replace(/\/{2,}/g, "/");
  const trimmed = collapsed.length > 1 ? collapsed.replace(/\/+$/, "") : collapsed;
  return trimmed
    .split("/")
    .map((segment) => {
      try { return decodeURIComponent(segment); } catch { return segment; }
    })
    .join("/");
}

/** Splits a raw request target (path + optional query) without treating `//x` as a host. */
export function splitTarget(target: string): { path: string; query: URLSearchParams } {
  const q = target.indexOf("?");
  const path = q < 0 ? target : target.slice(0, q);
  const query = new URLSearchParams(q < 0 ? "" : target.slice(q + 1));
  return { path, query };
}

const PROVIDER = "/providers/microsoft.servicelinker/";

/** Where the (last) `/providers/Microsoft.ServiceLinker/` segment starts, or -1. */
export function serviceLinkerProviderIndex(path: string): number {
  return path.toLowerCase().lastIndexOf(PROVIDER);
}

/** The path after `/providers/Microsoft.ServiceLinker/`, split in segments (original casing), and the scope before it. */
export function splitAtServiceLinker(path: string): { scope: string; segments: string[] } | undefined {
  const at = serviceLinkerProviderIndex(path);
  if (at < 0) return undefined;
  const rest = path.slice(at + PROVIDER.length);
  return { scope: path.slice(0, at), segments: rest === "" ? [] : rest.split("/") };
}

/** Canonical linker id: source id as given + canonical provider casing. */
export function linkerId(sourceId: string, linkerName: string): string {
  return `${sourceId}/providers/Microsoft.ServiceLinker/linkers/${linkerName}`;
}

export { subscriptionOf, isResourceId as isArmResourceId } from "../../azure/resourceId.js";
