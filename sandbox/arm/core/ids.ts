// Resource-id grammar helpers (reference arm-surface §1.2): normalisation, parsing, parent lookup.

/** Collapses repeated slashes, ensures one leading slash, strips a trailing slash. */
export function normalisePath(rawPath: string): string {
  let p = rawPath.replace(/\/{2,}/g, "/");
  if (!p.startsWith("/")) p = `/${p}`;
  if (p.length > 1 && p.endsWith("/")) p = p.slice(0, -1);
  return p;
}

export interface ParsedResourceId {
  /** Canonical id as given (normalised). */
  id: string;
  subscriptionId?: string;
  resourceGroup?: string;
  /** Provider namespace of the last `/providers/{Ns}` section, e.g. Microsoft.Web. */
  namespace?: string;
  /** Full type, e.g. Microsoft.Web/sites/slots; Microsoft.Resources/resourceGroups; Microsoft.Resources/subscriptions. */
  type?: string;
  name?: string;
  /** Scope or parent the last provider section hangs off ("" for tenant). */
  parent?: string;
  /** Type segments after the namespace, e.g. ["sites","slots"]. */
  typeSegments: string[];
  /** Whether the path names a collection (odd number of segments after the namespace). */
  isCollection: boolean;
}

export function parseResourceId(idOrPath: string): ParsedResourceId {
  const id = normalisePath(idOrPath);
  const segs = id.split("/").slice(1);
  const out: ParsedResourceId = { id, typeSegments: [], isCollection: false };
  if (segs[0]?.toLowerCase() === "subscriptions" && segs[1]) out.subscriptionId = segs[1];
  if (out.subscriptionId && segs[2]?.toLowerCase() === "resourcegroups" && segs[3]) out.resourceGroup = segs[3];
  let lastProviders = -1;
  for (let i = 0; i < segs.length - 1; i++) if (segs[i].toLowerCase() === "providers") lastProviders = i;
  if (lastProviders >= 0) {
    out.namespace = segs[lastProviders + 1];
    const rest = segs.slice(lastProviders + 2);
    out.parent = lastProviders === 0 ? "" : "/" + segs.slice(0, lastProviders).join("/");
    if (rest.length === 0) return out;
    out.isCollection = rest.length % 2 === 1;
    const types: string[] = [];
    for (let i = 0; i < rest.length; i += 2) types.push(rest[i]);
    out.typeSegments = types;
    out.type = `${out.namespace}/${types.join("/")}`;
    if (!out.isCollection) {
      out.name = rest[rest.length - 1];
      if (rest.length > 2) out.parent = "/" + segs.slice(0, segs.length - 2).join("/");
    }
    return out;
  }
  if (out.resourceGroup && segs.length === 4) {
    out.type = "Microsoft.Resources/resourceGroups";
    out.name = out.resourceGroup;
    out.parent = `/subscriptions/${out.subscriptionId}`;
  } else if (out.subscriptionId && segs.length === 2) {
    out.type = "Microsoft.Resources/subscriptions";
    out.name = out.subscriptionId;
    out.parent = "";
  }
  return out;
}

/** The id a resource hangs off: parent resource, or the scope of an extension resource; "" at tenant level. */
export function parentOf(id: string): string | undefined {
  return parseResourceId(id).parent;
}

export function sameId(a: string, b: string): boolean {
  return normalisePath(a).toLowerCase() === normalisePath(b).toLowerCase();
}

/** Whether `id` equals `scope` or lies beneath it (segment-wise, case-insensitive). "/" and "" are the tenant root. */
export function isAtOrBelow(id: string, scope: string): boolean {
  const s = scope === "" || scope === "/" ? "" : normalisePath(scope).toLowerCase();
  const i = normalisePath(id).toLowerCase();
  return s === "" || i === s || i.startsWith(`${s}/`);
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export function isGuid(s: string): boolean {
  return GUID.test(s);
}

/** The port of a loopback URL (a data plane this emulator served before a restart), if it is one. */
export function loopbackPortOf(url: string | undefined): number | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    return u.hostname === "127.0.0.1" && u.port ? Number(u.port) : undefined;
  } catch {
    return undefined;
  }
}
