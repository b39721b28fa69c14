// Route table: compiles `{name}` / `{*scope}` templates and matches normalised paths case-insensitively.
import type { HttpMethod, Provider, Route } from "./contract.js";

type Segment = { kind: "literal"; value: string } | { kind: "param"; name: string } | { kind: "scope" };

interface CompiledRoute {
  route: Route;
  provider: string;
  segments: Segment[];
  /** Number of literal segments: more literals = more specific. */
  literals: number;
  hasScope: boolean;
}

export interface RouteMatch {
  route: Route;
  provider: string;
  params: Record<string, string>;
}

export class Router {
  private readonly routes: CompiledRoute[] = [];
  private readonly namespaces = new Set<string>();

  addProvider(provider: Provider): void {
    this.namespaces.add(provider.namespace.toLowerCase());
    for (const route of provider.routes) {
      const segments = compile(route.template);
      this.routes.push({
        route, provider: provider.namespace, segments,
        literals: segments.filter((s) => s.kind === "literal").length,
        hasScope: segments.some((s) => s.kind === "scope"),
      });
    }
  }

  hasNamespace(ns: string): boolean {
    return this.namespaces.has(ns.toLowerCase());
  }

  /** Best match for method + path; `pathMatched` tells whether another method would have matched. */
  match(method: HttpMethod, path: string): { match?: RouteMatch; pathMatched: boolean } {
    const segs = path.split("/").slice(1).filter((s) => s.length > 0);
    let best: { c: CompiledRoute; params: Record<string, string> } | undefined;
    let pathMatched = false;
    for (const c of this.routes) {
      const params = matchSegments(c.segments, segs);
      if (!params) continue;
      pathMatched = true;
      const m = c.route.method === method || (method === "HEAD" && c.route.method === "GET");
      if (!m) continue;
      if (!best || better(c, best.c, method)) best = { c, params };
    }
    return { match: best && { route: best.c.route, provider: best.c.provider, params: best.params }, pathMatched };
  }

  /** Every GET route whose template matches `path` (for generic get-by-id). */
  all(): { route: Route; provider: string }[] {
    return this.routes.map((c) => ({ route: c.route, provider: c.provider }));
  }
}

function better(a: CompiledRoute, b: CompiledRoute, method: HttpMethod): boolean {
  if (method === "HEAD" && a.route.method !== b.route.method) return a.route.method === "HEAD";
  if (a.hasScope !== b.hasScope) return !a.hasScope;
  return a.literals > b.literals;
}

function compile(template: string): Segment[] {
  return template.split("/").filter((s) => s.length > 0).map((s, i): Segment => {
    const m = /^\{(\*)?([A-Za-z0-9_]+)\}$/.exec(s);
    if (!m) return { kind: "literal", value: s.toLowerCase() };
    if (m[1]) {
      if (i !== 0) throw new Error(`{*${m[2]}} must be the first segment of ${template}`);
      return { kind: "scope" };
    }
    return { kind: "param", name: m[2] };
  });
}

function matchFixed(segments: Segment[], segs: string[], params: Record<string, string>): boolean {
  if (segments.length !== segs.length) return false;
  for (let i = 0; i < segments.length; i++) {
    const t = segments[i];
    const s = segs[i];
    if (t.kind === "literal") {
      if (t.value !== s.toLowerCase()) return false;
    } else if (t.kind === "param") {
      params[t.name] = safeDecode(s);
    } else return false;
  }
  return true;
}

function matchSegments(segments: Segment[], segs: string[]): Record<string, string> | undefined {
  if (segments[0]?.kind === "scope") {
    const tail = segments.slice(1);
    // The scope takes the longest prefix that still lets the tail match (extension resources
    // at the deepest scope, e.g. a role assignment on a resource that itself has providers/ in its id).
    for (let n = segs.length - tail.length; n >= 1; n--) {
      const params: Record<string, string> = {};
      if (matchFixed(tail, segs.slice(n), params)) {
        params.scope = "/" + segs.slice(0, n).join("/");
        return params;
      }
    }
    return undefined;
  }
  const params: Record<string, string> = {};
  return matchFixed(segments, segs, params) ? params : undefined;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
