// Reads Bicep as text — no compiler is available offline — just far enough to check infra/ against the code:
// comments stripped, blocks found by brace matching, params / vars / top-level properties listed, and the small
// expression language the app settings use evaluated. Anything outside that subset throws (never guesses).

/** Removes // and /* *\/ comments, leaving strings (which may contain "//", e.g. URLs) intact. */
export function stripComments(text: string): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "'") {
      const end = stringEnd(text, i);
      out += text.slice(i, end);
      i = end;
    } else if (c === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++;
    } else if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      i = end < 0 ? text.length : end + 2;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Index just past the single-quoted string starting at `start` (backslash escapes; ${…} may nest strings). */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "\\") i += 2;
    else if (c === "'") return i + 1;
    else if (c === "$" && text[i + 1] === "{") i = braceEnd(text, i + 1);
    else i++;
  }
  throw new Error(`unterminated string at offset ${start}`);
}

/** Index just past the brace/bracket group opening at `open`. */
function braceEnd(text: string, open: number): number {
  const pairs: Record<string, string> = { "{": "}", "[": "]", "(": ")" };
  const stack: string[] = [];
  let i = open;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "'") {
      i = stringEnd(text, i);
      continue;
    }
    if (pairs[c]) stack.push(pairs[c]!);
    else if (c === "}" || c === "]" || c === ")") {
      if (stack.pop() !== c) throw new Error(`unbalanced '${c}' at offset ${i}`);
      if (stack.length === 0) return i + 1;
    }
    i++;
  }
  throw new Error(`unclosed group at offset ${open}`);
}

export interface ResourceBlock {
  symbol: string;
  /** e.g. Microsoft.Web/sites */
  type: string;
  apiVersion: string;
  /** The text between the outer braces. */
  body: string;
}

/** Every `resource sym 'Type@version' [existing] = [if (…)] {…}` declaration (comments already stripped). */
export function resources(text: string): ResourceBlock[] {
  const found: ResourceBlock[] = [];
  const header = /^resource\s+(\w+)\s+'([^'@]+)@([^']+)'(?:\s+existing)?\s*=\s*(?:if\s*\(([^\n]*?)\)\s*)?\{/gm;
  for (let m = header.exec(text); m; m = header.exec(text)) {
    const open = m.index + m[0].length - 1;
    const end = braceEnd(text, open);
    found.push({ symbol: m[1]!, type: m[2]!, apiVersion: m[3]!, body: text.slice(open + 1, end - 1) });
  }
  return found;
}

export interface LoopResourceBlock extends ResourceBlock {
  /** The loop variable(s) as written: `s`, `(name, i)`. */
  item: string;
  /** The expression looped over. */
  over: string;
}

/** Every `resource sym 'Type@version' [existing] = [ for item in over: {…} ]` declaration (no filtered loops). */
export function loopResources(text: string): LoopResourceBlock[] {
  const found: LoopResourceBlock[] = [];
  const header = /^resource\s+(\w+)\s+'([^'@]+)@([^']+)'(?:\s+existing)?\s*=\s*\[\s*for\s+(\(?[\w, ]+\)?)\s+in\s+([^:\n]+?)\s*:\s*\{/gm;
  for (let m = header.exec(text); m; m = header.exec(text)) {
    const open = m.index + m[0].length - 1;
    const end = braceEnd(text, open);
    found.push({ symbol: m[1]!, type: m[2]!, apiVersion: m[3]!, item: m[4]!, over: m[5]!, body: text.slice(open + 1, end - 1) });
  }
  return found;
}

export interface ModuleBlock {
  symbol: string;
  /** The module's file, relative to the declaring file. */
  path: string;
  /** The text between the outer braces. */
  body: string;
}

/** Every `module sym 'path' = [if (…)] {…}` declaration (not module loops; comments already stripped). */
export function modules(text: string): ModuleBlock[] {
  const found: ModuleBlock[] = [];
  const header = /^module\s+(\w+)\s+'([^']+)'\s*=\s*(?:if\s*\(([^\n]*?)\)\s*)?\{/gm;
  for (let m = header.exec(text); m; m = header.exec(text)) {
    const open = m.index + m[0].length - 1;
    const end = braceEnd(text, open);
    found.push({ symbol: m[1]!, path: m[2]!, body: text.slice(open + 1, end - 1) });
  }
  return found;
}

/** `output name type = expr` declarations (single-line), name → expression. */
export function outputs(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(/^output\s+(\w+)\s+[\w[\]]+\s*=\s*(.+)$/gm)) out.set(m[1]!, m[2]!.trim());
  return out;
}

/** The bodies of the `{ … }` items of an array literal `[ {…} {…} ]` (items that are not objects are refused). */
export function arrayObjects(raw: string): string[] {
  const text = raw.trim();
  if (!text.startsWith("[") || braceEnd(text, 0) !== text.length) throw new Error(`not an array literal: ${text.slice(0, 60)}`);
  const items: string[] = [];
  let i = 1;
  while (i < text.length - 1) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "{") {
      const end = braceEnd(text, i);
      items.push(text.slice(i + 1, end - 1));
      i = end;
    } else {
      throw new Error(`array item is not an object literal: ${text.slice(i, i + 60)}`);
    }
  }
  return items;
}

/** The text inside `key: { … }` at the top level of a block body. */
export function objectProperty(body: string, key: string): string | undefined {
  const props = topLevelProperties(body);
  const raw = props.get(key);
  if (raw === undefined || !raw.startsWith("{")) return undefined;
  return raw.slice(1, -1);
}

/** key → raw value text of the properties at depth 0 of an object body (values may span lines when grouped). */
export function topLevelProperties(body: string): Map<string, string> {
  const props = new Map<string, string>();
  let i = 0;
  while (i < body.length) {
    while (i < body.length && /\s/.test(body[i]!)) i++;
    if (i >= body.length) break;
    const key = /^('(?:[^'\\]|\\.)*'|[A-Za-z_][\w]*)\s*:\s*/.exec(body.slice(i));
    if (!key) throw new Error(`cannot read a property at: ${body.slice(i, i + 60)}`);
    const name = key[1]!.startsWith("'") ? key[1]!.slice(1, -1) : key[1]!;
    i += key[0].length;
    const start = i;
    // The value runs to the end of the line, extended over any group it opens.
    while (i < body.length && body[i] !== "\n") {
      const c = body[i]!;
      if (c === "'") i = stringEnd(body, i);
      else if (c === "{" || c === "[" || c === "(") i = braceEnd(body, i);
      else i++;
    }
    if (props.has(name)) throw new Error(`duplicate property ${name}`);
    props.set(name, body.slice(start, i).trim());
  }
  return props;
}

export interface ParamDecl {
  name: string;
  type: string;
  /** Raw default expression, when there is one. */
  defaultExpr?: string;
  decorators: string[];
}

/** `param` declarations with their decorators (comments already stripped; one declaration per line). */
export function params(text: string): Map<string, ParamDecl> {
  const out = new Map<string, ParamDecl>();
  const lines = text.split("\n");
  let decorators: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line.startsWith("@")) {
      // A decorator may span lines (@allowed([ … ])): join until its parentheses close.
      let deco = line;
      while (!balanced(deco) && i + 1 < lines.length) deco += ` ${lines[++i]!.trim()}`;
      decorators.push(deco);
      continue;
    }
    const m = /^param\s+(\w+)\s+([\w[\]]+)(?:\s*=\s*(.*))?$/.exec(line);
    if (m) {
      let defaultExpr = m[3];
      // A multi-line default ([ … ] or { … }) continues until balanced.
      while (defaultExpr !== undefined && !balanced(defaultExpr) && i + 1 < lines.length) defaultExpr += `\n${lines[++i]}`;
      out.set(m[1]!, { name: m[1]!, type: m[2]!, ...(defaultExpr !== undefined ? { defaultExpr: defaultExpr.trim() } : {}), decorators });
    }
    if (line !== "") decorators = [];
  }
  return out;
}

/** `var name = expr` declarations (single-line or a balanced multi-line group). */
export function vars(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const m = /^var\s+(\w+)\s*=\s*(.*)$/.exec(lines[i]!.trim());
    if (!m) continue;
    let expr = m[2]!;
    while ((!balanced(expr) || /[?:]\s*$/.test(expr) || /^\s*[?:]/.test(lines[i + 1] ?? "x")) && i + 1 < lines.length) expr += `\n${lines[++i]}`;
    out.set(m[1]!, expr.trim());
  }
  return out;
}

function balanced(text: string): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'") {
      try {
        i = stringEnd(text, i) - 1;
      } catch {
        return false;
      }
    } else if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") depth--;
  }
  return depth === 0;
}

// ---------------------------------------------------------------------------------------------------------------
// Expressions: the subset the app settings use.
// ---------------------------------------------------------------------------------------------------------------

export type Value = string | number | boolean | null | Value[] | { [k: string]: Value };

export interface Scope {
  params: Map<string, ParamDecl>;
  /** Values for parameters without a usable default (e.g. @secure ones) or overriding it. */
  paramValues?: Record<string, Value>;
  vars: Map<string, string>;
  /** Values of references that are not params or vars: `tenant().tenantId`, `appInsights.properties.ConnectionString`… */
  references: Record<string, Value>;
}

type Token = { kind: "str"; raw: string } | { kind: "num"; value: number } | { kind: "ref"; text: string } | { kind: "op"; text: string };

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      const end = stringEnd(src, i);
      tokens.push({ kind: "str", raw: src.slice(i + 1, end - 1) });
      i = end;
    } else if (/\d/.test(c)) {
      const m = /^\d+/.exec(src.slice(i))!;
      tokens.push({ kind: "num", value: Number(m[0]) });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_]\w*(?:\(\))?(?:\.[A-Za-z_]\w*(?:\(\))?|\[\d+\])*/.exec(src.slice(i))!;
      tokens.push({ kind: "ref", text: m[0] });
      i += m[0].length;
    } else if (src.startsWith("==", i) || src.startsWith("!=", i)) {
      tokens.push({ kind: "op", text: src.slice(i, i + 2) });
      i += 2;
    } else if ("?:(),[]{}".includes(c)) {
      tokens.push({ kind: "op", text: c });
      i++;
    } else {
      throw new Error(`unsupported character '${c}' in expression: ${src}`);
    }
  }
  return tokens;
}

const FUNCTIONS: Record<string, (args: Value[]) => Value> = {
  string: ([v]) => (typeof v === "string" ? v : JSON.stringify(v)),
  empty: ([v]) => (typeof v === "string" || Array.isArray(v) ? v.length === 0 : v !== null && typeof v === "object" ? Object.keys(v).length === 0 : false),
  join: ([list, sep]) => {
    if (!Array.isArray(list) || typeof sep !== "string") throw new Error("join(array, string) expected");
    return list.map(String).join(sep);
  },
  toLower: ([v]) => String(v).toLowerCase(),
  take: ([v, n]) => String(v).slice(0, Number(n)),
  // Objects only (what the app settings merge), later arguments winning, as Bicep's union() does for flat objects.
  union: (args) => {
    if (!args.every((a) => a !== null && typeof a === "object" && !Array.isArray(a))) throw new Error("union() of objects only");
    return Object.assign({}, ...(args as { [k: string]: Value }[]));
  },
  max: (args) => Math.max(...args.map(Number)),
};

/** Evaluates an expression of the subset (literals, ${} interpolation, params, vars, listed references, ?:, ==, calls). */
export function evaluate(expr: string, scope: Scope, depth = 0): Value {
  if (depth > 20) throw new Error(`expression nests too deeply: ${expr}`);
  const tokens = tokenize(expr);
  let pos = 0;
  const peek = () => tokens[pos];
  const take = (text?: string): Token => {
    const t = tokens[pos++];
    if (!t) throw new Error(`unexpected end of expression: ${expr}`);
    if (text !== undefined && !(t.kind === "op" && t.text === text)) throw new Error(`expected '${text}' in: ${expr}`);
    return t;
  };
  const isOp = (text: string) => {
    const t = peek();
    return t?.kind === "op" && t.text === text;
  };

  function ternary(): Value {
    const cond = comparison();
    if (!isOp("?")) return cond;
    take("?");
    const yes = ternary();
    take(":");
    const no = ternary();
    if (typeof cond !== "boolean") throw new Error(`condition is not a bool in: ${expr}`);
    return cond ? yes : no;
  }
  function comparison(): Value {
    const left = primary();
    if (isOp("==") || isOp("!=")) {
      const op = (take() as { text: string }).text;
      const right = primary();
      const same = JSON.stringify(left) === JSON.stringify(right);
      return op === "==" ? same : !same;
    }
    return left;
  }
  function primary(): Value {
    const t = take();
    if (t.kind === "str") return interpolate(t.raw, scope, depth);
    if (t.kind === "num") return t.value;
    if (t.kind === "op" && t.text === "(") {
      const v = ternary();
      take(")");
      return v;
    }
    if (t.kind === "op" && t.text === "[") {
      const items: Value[] = [];
      while (!isOp("]")) {
        items.push(ternary());
        if (isOp(",")) take(",");
      }
      take("]");
      return items;
    }
    if (t.kind === "op" && t.text === "{") {
      const obj: { [k: string]: Value } = {};
      while (!isOp("}")) {
        const key = take();
        if (key.kind !== "ref" && key.kind !== "str") throw new Error(`object key expected in: ${expr}`);
        take(":");
        obj[key.kind === "ref" ? key.text : key.raw] = ternary();
        if (isOp(",")) take(",");
      }
      take("}");
      return obj;
    }
    if (t.kind === "ref") {
      if (t.text === "true" || t.text === "false") return t.text === "true";
      if (t.text === "null") return null;
      if (isOp("(")) {
        const fn = FUNCTIONS[t.text];
        if (!fn) throw new Error(`unsupported function ${t.text}() in: ${expr}`);
        take("(");
        const args: Value[] = [];
        while (!isOp(")")) {
          args.push(ternary());
          if (isOp(",")) take(",");
        }
        take(")");
        return fn(args);
      }
      return reference(t.text, scope, depth);
    }
    throw new Error(`unexpected token in: ${expr}`);
  }

  const value = ternary();
  if (pos !== tokens.length) throw new Error(`unsupported expression: ${expr}`);
  return value;
}

function reference(name: string, scope: Scope, depth: number): Value {
  if (scope.paramValues && name in scope.paramValues) return scope.paramValues[name]!;
  const param = scope.params.get(name);
  if (param) {
    if (param.defaultExpr === undefined) throw new Error(`parameter ${name} has no default and no value was given`);
    return evaluate(param.defaultExpr, scope, depth + 1);
  }
  const v = scope.vars.get(name);
  if (v !== undefined) return evaluate(v, scope, depth + 1);
  if (name in scope.references) return scope.references[name]!;
  // A member of a param or var: walk the path.
  const root = /^\w+/.exec(name)![0];
  if (root !== name && (scope.params.has(root) || scope.vars.has(root) || (scope.paramValues && root in scope.paramValues))) {
    let value = reference(root, scope, depth);
    for (const step of name.slice(root.length).match(/\.\w+|\[\d+\]/g) ?? []) {
      const key = step.startsWith(".") ? step.slice(1) : Number(step.slice(1, -1));
      const next = value !== null && typeof value === "object" ? (value as Record<string, Value>)[key] : undefined;
      if (next === undefined) throw new Error(`${name}: no member ${String(key)}`);
      value = next;
    }
    return value;
  }
  throw new Error(`unknown reference ${name}`);
}

function interpolate(raw: string, scope: Scope, depth: number): string {
  let out = "";
  let i = 0;
  while (i < raw.length) {
    const c = raw[i]!;
    if (c === "\\") {
      const next = raw[i + 1]!;
      out += next === "n" ? "\n" : next === "t" ? "\t" : next;
      i += 2;
    } else if (c === "$" && raw[i + 1] === "{") {
      const end = braceEnd(raw, i + 1);
      const v = evaluate(raw.slice(i + 2, end - 1), scope, depth + 1);
      out += typeof v === "string" ? v : JSON.stringify(v);
      i = end;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}
