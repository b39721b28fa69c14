// ASP.NET-style route templates as used by HTTP triggers: `{p}`, `{p?}`, `{p=default}`, `{p:int}` and other
// constraints (alpha, bool, datetime, decimal, double, float, guid, long, min/max/range, minlength/maxlength/length,
// regex), `{*rest}` catch-all; matched case-insensitively against the path after routePrefix.

export interface CompiledRoute {
  template: string;
  regex: RegExp;
  params: { name: string; constraints: string[]; optional: boolean; defaultValue?: string; catchAll: boolean }[];
  /** Sort key: literal segments before parameters before optional/catch-all (lower sorts first). */
  precedence: number[];
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Splits a constraint list `int:min(1)` into `["int", "min(1)"]`, keeping colons inside parentheses. */
function splitConstraints(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const c of text) {
    if (c === "(") depth++;
    if (c === ")") depth--;
    if (c === ":" && depth === 0) {
      parts.push(current);
      current = "";
    } else current += c;
  }
  if (current !== "") parts.push(current);
  return parts;
}

export function compileRoute(template: string): CompiledRoute {
  const trimmed = template.replace(/^\/+|\/+$/g, "");
  const params: CompiledRoute["params"] = [];
  const precedence: number[] = [];
  let pattern = "";
  const segments = trimmed === "" ? [] : trimmed.split("/");
  segments.forEach((segment, index) => {
    const whole = /^\{([^{}]+)\}$/.exec(segment);
    if (whole) {
      const param = parseParam(whole[1]!, template);
      params.push(param);
      if (param.catchAll) {
        if (index !== segments.length - 1) throw new Error(`Catch-all parameter must be last in route "${template}"`);
        pattern += "(?:/(.*))?";
        precedence.push(4);
      } else if (param.optional || param.defaultValue !== undefined) {
        pattern += "(?:/([^/]+))?";
        precedence.push(3);
      } else {
        pattern += "/([^/]+)";
        precedence.push(param.constraints.length ? 1 : 2);
      }
      return;
    }
    // Literal segment, possibly mixing literal text and parameters like `{name}.{ext}`.
    let segPattern = "";
    let last = 0;
    let sawParam = false;
    for (const m of segment.matchAll(/\{([^{}]+)\}/g)) {
      segPattern += escapeRegex(segment.slice(last, m.index));
      const param = parseParam(m[1]!, template);
      if (param.catchAll || param.optional) throw new Error(`Complex segment "${segment}" cannot hold optional or catch-all parameters`);
      params.push(param);
      segPattern += "([^/]+?)";
      last = m.index! + m[0].length;
      sawParam = true;
    }
    segPattern += escapeRegex(segment.slice(last));
    pattern += "/" + segPattern;
    precedence.push(sawParam ? 1 : 0);
  });
  return { template, regex: new RegExp(`^${pattern}/?$`, "i"), params, precedence };
}

function parseParam(body: string, template: string): CompiledRoute["params"][number] {
  let text = body;
  const catchAll = text.startsWith("*");
  if (catchAll) text = text.replace(/^\*+/, "");
  let defaultValue: string | undefined;
  const eq = text.indexOf("=");
  if (eq >= 0) {
    defaultValue = text.slice(eq + 1);
    text = text.slice(0, eq);
  }
  let optional = false;
  if (text.endsWith("?")) {
    optional = true;
    text = text.slice(0, -1);
  }
  const [name, ...constraints] = splitConstraints(text);
  if (!name || !/^[A-Za-z_][\w]*$/.test(name)) throw new Error(`Invalid route parameter "{${body}}" in route "${template}"`);
  for (const c of constraints) constraintChecker(c);
  return { name, constraints, optional, catchAll, ...(defaultValue !== undefined ? { defaultValue } : {}) };
}

function constraintChecker(constraint: string): (value: string) => boolean {
  const m = /^(\w+)(?:\((.*)\))?$/s.exec(constraint);
  if (!m) throw new Error(`Invalid route constraint "${constraint}"`);
  const kind = m[1]!.toLowerCase();
  const args = m[2] ?? "";
  const nums = () => args.split(",").map((a) => Number(a.trim()));
  switch (kind) {
    case "int":
      return (v) => /^-?\d+$/.test(v) && Math.abs(Number(v)) <= 2147483648;
    case "long":
      return (v) => /^-?\d+$/.test(v);
    case "bool":
      return (v) => /^(true|false)$/i.test(v);
    case "alpha":
      return (v) => /^[a-z]+$/i.test(v);
    case "guid":
      return (v) => /^[({]?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}[)}]?$/i.test(v);
    case "decimal":
    case "double":
    case "float":
      return (v) => /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(v);
    case "datetime":
      return (v) => !Number.isNaN(Date.parse(v));
    case "min":
      return (v) => /^-?\d+$/.test(v) && Number(v) >= nums()[0]!;
    case "max":
      return (v) => /^-?\d+$/.test(v) && Number(v) <= nums()[0]!;
    case "range":
      return (v) => /^-?\d+$/.test(v) && Number(v) >= nums()[0]! && Number(v) <= nums()[1]!;
    case "minlength":
      return (v) => v.length >= nums()[0]!;
    case "maxlength":
      return (v) => v.length <= nums()[0]!;
    case "length": {
      return (v) => {
        const [a, b] = nums();
        return b === undefined ? v.length === a : v.length >= a! && v.length <= b;
      };
    }
    case "regex": {
      const re = new RegExp(args, "i");
      return (v) => re.test(v);
    }
    case "required":
      return (v) => v !== "";
    default:
      throw new Error(`Unknown route constraint "${constraint}"`);
  }
}

/** Matches a decoded-per-segment path (without routePrefix) against a route; returns params or undefined. */
export function matchRoute(route: CompiledRoute, pathname: string): Record<string, string> | undefined {
  const normalized = "/" + pathname.replace(/^\/+/, "");
  const m = route.regex.exec(normalized === "/" ? "" : normalized.replace(/\/+$/, ""));
  if (!m) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < route.params.length; i++) {
    const p = route.params[i]!;
    const raw = m[i + 1];
    if (raw === undefined || raw === "") {
      if (p.defaultValue !== undefined) params[p.name] = p.defaultValue;
      else if (!p.optional && !p.catchAll) return undefined;
      continue;
    }
    let value: string;
    try {
      value = p.catchAll ? raw.split("/").map(decodeURIComponent).join("/") : decodeURIComponent(raw);
    } catch {
      return undefined;
    }
    for (const c of p.constraints) if (!constraintChecker(c)(value)) return undefined;
    params[p.name] = value;
  }
  return params;
}

/** Orders routes by precedence: more specific (literal) segments first, then fewer segments. */
export function compareRoutes(a: CompiledRoute, b: CompiledRoute): number {
  const n = Math.max(a.precedence.length, b.precedence.length);
  for (let i = 0; i < n; i++) {
    const x = a.precedence[i] ?? 5;
    const y = b.precedence[i] ?? 5;
    if (x !== y) return x - y;
  }
  return 0;
}
