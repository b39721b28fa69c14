// A small, strict subset of KQL for the emulated Resource Graph, over the tables `Resources` and
// `AuthorizationResources`: `where` (==, =~, !=, !~, contains, startswith, endswith, in, in~, !in, !in~, and, or,
// not(...), parentheses), `project` and `extend` (dotted paths, `alias = expression`; expressions are literals, paths
// and tostring/tolower/toupper/coalesce/bag_pack/pack calls), `summarize name = make_list(expr) by path`,
// `join kind=inner|leftouter (subquery) on key` (or `on $left.a == $right.b`), `order by`/`sort by`, and
// `limit`/`take`. Anything else is a parse error (never a crash, never a silent ignore). Pure: parse once, then run
// over rows.

export class KqlError extends Error {
  constructor(message: string, readonly position: number, readonly token: string) {
    super(message);
    this.name = "KqlError";
  }
}

/** Tables the emulator serves (lower-case). */
export const KQL_TABLES = ["resources", "authorizationresources"] as const;

type Value = string | number | boolean | null;
type Path = string[];
type Expr =
  | { kind: "and" | "or"; left: Expr; right: Expr }
  | { kind: "not"; inner: Expr }
  | { kind: "cmp"; op: string; path: Path; value: Value }
  | { kind: "in"; op: "in" | "in~" | "!in" | "!in~"; path: Path; values: Value[] };

/** A scalar expression (extend, project, make_list arguments). */
export type Scalar =
  | { kind: "literal"; value: Value }
  | { kind: "path"; path: Path }
  | { kind: "call"; fn: string; args: Scalar[] };

export type Stage =
  | { kind: "where"; expr: Expr }
  | { kind: "project"; columns: { name: string; value: Scalar }[] }
  | { kind: "extend"; columns: { name: string; value: Scalar }[] }
  | { kind: "summarize"; aggregates: { name: string; fn: "make_list"; value: Scalar }[]; by: { name: string; path: Path }[] }
  | { kind: "join"; join: "inner" | "leftouter"; right: KqlQuery; leftKey: string; rightKey: string }
  | { kind: "order"; path: Path; desc: boolean }
  | { kind: "limit"; count: number };

export interface KqlQuery { table: string; stages: Stage[] }

interface Token { type: "ident" | "string" | "number" | "op" | "punct"; text: string; value?: Value; pos: number }

const OPS = ["!in~", "!in", "in~", "==", "=~", "!=", "!~", "=", "|", "(", ")", ",", ".", "[", "]"];
/** Scalar functions and their arity (min, max). */
const FUNCTIONS: Record<string, [number, number]> = {
  tostring: [1, 1], tolower: [1, 1], toupper: [1, 1], coalesce: [2, 64], bag_pack: [2, 64], pack: [2, 64],
};

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) { i++; continue; }
    if (c === "'" || c === '"') {
      let j = i + 1;
      let s = "";
      while (j < src.length && src[j] !== c) {
        if (src[j] === "\\" && j + 1 < src.length) { s += src[j + 1]; j += 2; continue; }
        s += src[j++];
      }
      if (j >= src.length) throw new KqlError("Unterminated string literal", i, src.slice(i, i + 10));
      out.push({ type: "string", text: src.slice(i, j + 1), value: s, pos: i });
      i = j + 1;
      continue;
    }
    if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?/.exec(src.slice(i))!;
      out.push({ type: "number", text: m[0], value: Number(m[0]), pos: i });
      i += m[0].length;
      continue;
    }
    if (/[A-Za-z_$]/.test(c)) {
      const m = /^\$?[A-Za-z_][A-Za-z0-9_]*(~)?/.exec(src.slice(i));
      if (!m) throw new KqlError(`Unexpected character '${c}'`, i, c);
      // `in~` is an operator; other identifiers never end in `~`.
      const text = m[1] && m[0].toLowerCase() !== "in~" ? m[0].slice(0, -1) : m[0];
      out.push({ type: text.toLowerCase() === "in~" ? "op" : "ident", text, pos: i });
      i += text.length;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new KqlError(`Unexpected character '${c}'`, i, c);
    out.push({ type: op.length === 1 && "|(),.[]".includes(op) ? "punct" : "op", text: op, pos: i });
    i += op.length;
  }
  return out;
}

class Parser {
  private i = 0;
  constructor(private readonly toks: Token[], private readonly src: string) {}

  private peek(offset = 0): Token | undefined { return this.toks[this.i + offset]; }
  private fail(msg: string, at: Token | undefined = this.peek()): never {
    throw new KqlError(msg, at?.pos ?? this.src.length, at?.text ?? "<EOF>");
  }
  private isWord(w: string, t = this.peek()): boolean { return t?.type === "ident" && t.text.toLowerCase() === w; }
  private expect(text: string): void {
    const t = this.peek();
    if (!t || t.text !== text) this.fail(`Expected '${text}'`);
    this.i++;
  }
  private ident(): string {
    const t = this.peek();
    if (t?.type !== "ident" || t.text.startsWith("$")) this.fail("Expected an identifier");
    this.i++;
    return t.text;
  }

  parse(): KqlQuery {
    const q = this.query();
    if (this.peek()) this.fail("Expected '|'");
    return q;
  }

  /** A tabular expression: a table and its stages, up to the end or a closing parenthesis. */
  private query(): KqlQuery {
    const at = this.peek();
    const table = this.ident();
    if (!(KQL_TABLES as readonly string[]).includes(table.toLowerCase())) {
      this.fail(`Unknown table '${table}' (the emulator serves the 'Resources' and 'AuthorizationResources' tables)`, at);
    }
    const stages: Stage[] = [];
    while (this.peek() && this.peek()!.text !== ")") {
      this.expect("|");
      stages.push(this.stage());
    }
    return { table, stages };
  }

  private stage(): Stage {
    const at = this.peek();
    const word = this.ident().toLowerCase();
    if (word === "where") return { kind: "where", expr: this.or() };
    if (word === "project" || word === "extend") {
      const columns: { name: string; value: Scalar }[] = [];
      do {
        if (columns.length) this.expect(",");
        columns.push(this.column(word === "extend"));
      } while (this.peek()?.text === ",");
      return { kind: word, columns };
    }
    if (word === "summarize") return this.summarize(at!);
    if (word === "join") return this.join();
    if (word === "limit" || word === "take") {
      const t = this.peek();
      if (t?.type !== "number" || !Number.isInteger(t.value)) this.fail("Expected an integer row count");
      this.i++;
      return { kind: "limit", count: t.value as number };
    }
    if (word === "order" || word === "sort") {
      if (!this.isWord("by")) this.fail("Expected 'by'");
      this.i++;
      const path = this.path();
      let desc = true; // KQL's default sort order is descending
      if (this.isWord("asc")) { desc = false; this.i++; } else if (this.isWord("desc")) this.i++;
      return { kind: "order", path, desc };
    }
    this.i--;
    return this.fail(`Unsupported query operator '${word}' (the emulator supports where, project, extend, summarize make_list() by, join, order by, limit/take)`);
  }

  /** `name = expression`, or (project only) a path named after itself. */
  private column(named: boolean): { name: string; value: Scalar } {
    if (this.peek()?.type === "ident" && this.peek(1)?.text === "=") {
      const name = this.ident();
      this.i++;
      return { name, value: this.scalar() };
    }
    if (named) this.fail("Expected 'name = expression'");
    const path = this.path();
    return { name: path.join("_"), value: { kind: "path", path } };
  }

  private summarize(at: Token): Stage {
    const aggregates: { name: string; fn: "make_list"; value: Scalar }[] = [];
    do {
      if (aggregates.length) this.expect(",");
      const named = this.peek()?.type === "ident" && this.peek(1)?.text === "=";
      if (!named || !this.isWord("make_list", this.peek(2)) || this.peek(3)?.text !== "(") {
        // Reported at the operator: the emulator's summarize knows only `name = make_list(expression)`.
        this.fail("Unsupported aggregation in 'summarize' (the emulator supports name = make_list(expression))", at);
      }
      const name = this.ident();
      this.i += 3;
      const value = this.scalar();
      this.expect(")");
      aggregates.push({ name, fn: "make_list", value });
    } while (this.peek()?.text === ",");
    if (!this.isWord("by")) this.fail("Expected 'by' (the emulator's summarize groups by columns)");
    this.i++;
    const by: { name: string; path: Path }[] = [];
    do {
      if (by.length) this.expect(",");
      const path = this.path();
      by.push({ name: path.join("_"), path });
    } while (this.peek()?.text === ",");
    return { kind: "summarize", aggregates, by };
  }

  private join(): Stage {
    if (!this.isWord("kind")) this.fail("Expected 'kind=inner' or 'kind=leftouter' (the emulator requires an explicit join kind)");
    this.i++;
    this.expect("=");
    const kindTok = this.peek();
    const kind = kindTok?.type === "ident" ? kindTok.text.toLowerCase() : "";
    if (kind !== "inner" && kind !== "leftouter") this.fail("Unsupported join kind (the emulator supports inner and leftouter)");
    this.i++;
    this.expect("(");
    const right = this.query();
    this.expect(")");
    if (!this.isWord("on")) this.fail("Expected 'on'");
    this.i++;
    if (this.isWord("$left")) {
      this.i++;
      this.expect(".");
      const leftKey = this.ident();
      this.expect("==");
      if (!this.isWord("$right")) this.fail("Expected '$right'");
      this.i++;
      this.expect(".");
      return { kind: "join", join: kind, right, leftKey, rightKey: this.ident() };
    }
    const key = this.ident();
    return { kind: "join", join: kind, right, leftKey: key, rightKey: key };
  }

  private scalar(): Scalar {
    const t = this.peek();
    if (t?.type === "ident" && this.peek(1)?.text === "(") {
      const fn = t.text.toLowerCase();
      const arity = FUNCTIONS[fn];
      if (!arity) this.fail(`Unsupported function '${t.text}' (the emulator supports ${Object.keys(FUNCTIONS).join(", ")})`);
      this.i += 2;
      const args: Scalar[] = [];
      if (this.peek()?.text !== ")") {
        do {
          if (args.length) this.expect(",");
          args.push(this.scalar());
        } while (this.peek()?.text === ",");
      }
      this.expect(")");
      if (args.length < arity[0] || args.length > arity[1] || ((fn === "bag_pack" || fn === "pack") && args.length % 2 !== 0)) {
        this.fail(`Wrong number of arguments to '${t.text}'`, t);
      }
      if ((fn === "bag_pack" || fn === "pack") && args.some((a, k) => k % 2 === 0 && (a.kind !== "literal" || typeof a.value !== "string"))) {
        this.fail(`The keys of '${t.text}' must be string literals`, t);
      }
      return { kind: "call", fn, args };
    }
    if (t?.type === "string" || t?.type === "number" || this.isWord("true") || this.isWord("false") || this.isWord("null")) {
      return { kind: "literal", value: this.literal() };
    }
    return { kind: "path", path: this.path() };
  }

  private or(): Expr {
    let left = this.and();
    while (this.isWord("or")) { this.i++; left = { kind: "or", left, right: this.and() }; }
    return left;
  }

  private and(): Expr {
    let left = this.term();
    while (this.isWord("and")) { this.i++; left = { kind: "and", left, right: this.term() }; }
    return left;
  }

  private term(): Expr {
    if (this.peek()?.text === "(") {
      this.i++;
      const e = this.or();
      this.expect(")");
      return e;
    }
    if (this.isWord("not") && this.peek(1)?.text === "(") {
      this.i += 2;
      const inner = this.or();
      this.expect(")");
      return { kind: "not", inner };
    }
    const path = this.path();
    const t = this.peek();
    if (!t) this.fail("Expected an operator");
    const op = t.type === "ident" ? t.text.toLowerCase() : t.text;
    if (["in", "in~", "!in", "!in~"].includes(op)) {
      this.i++;
      this.expect("(");
      const values: Value[] = [];
      do {
        if (values.length) this.expect(",");
        values.push(this.literal());
      } while (this.peek()?.text === ",");
      this.expect(")");
      return { kind: "in", op: op as "in", path, values };
    }
    if (["==", "=~", "!=", "!~", "contains", "startswith", "!contains", "endswith"].includes(op)) {
      this.i++;
      return { kind: "cmp", op, path, value: this.literal() };
    }
    return this.fail(`Unsupported operator '${t.text}'`);
  }

  private literal(): Value {
    const t = this.peek();
    if (t?.type === "string" || t?.type === "number") { this.i++; return t.value!; }
    if (this.isWord("true")) { this.i++; return true; }
    if (this.isWord("false")) { this.i++; return false; }
    if (this.isWord("null")) { this.i++; return null; }
    return this.fail("Expected a literal");
  }

  private path(): Path {
    const out = [this.ident()];
    for (;;) {
      const t = this.peek();
      if (t?.text === ".") { this.i++; out.push(this.ident()); continue; }
      if (t?.text === "[") {
        this.i++;
        const k = this.peek();
        if (k?.type !== "string" && k?.type !== "number") this.fail("Expected a key");
        this.i++;
        out.push(String(k.value));
        this.expect("]");
        continue;
      }
      return out;
    }
  }
}

export function parseKql(src: string): KqlQuery {
  return new Parser(tokenize(src), src).parse();
}

type Row = Record<string, unknown>;
/** The rows of a table by its lower-case name (or one set of rows for every table). */
export type TableRows = Row[] | ((table: string) => Row[]);

function get(row: Row, path: Path): unknown {
  let cur: unknown = row;
  for (const seg of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    const obj = cur as Record<string, unknown>;
    const key = seg in obj ? seg : Object.keys(obj).find((k) => k.toLowerCase() === seg.toLowerCase());
    cur = key === undefined ? undefined : obj[key];
  }
  return cur;
}

const ordinal = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const str = (v: unknown) => (v === undefined || v === null ? "" : typeof v === "object" ? JSON.stringify(v) : String(v));

function evaluate(s: Scalar, row: Row): unknown {
  if (s.kind === "literal") return s.value;
  if (s.kind === "path") return get(row, s.path) ?? null;
  const args = s.args.map((a) => evaluate(a, row));
  switch (s.fn) {
    case "tostring": return str(args[0]);
    case "tolower": return str(args[0]).toLowerCase();
    case "toupper": return str(args[0]).toUpperCase();
    case "coalesce": return args.find((a) => a !== null && a !== undefined && a !== "") ?? null;
    default: { // bag_pack / pack
      const bag: Row = {};
      for (let k = 0; k < args.length; k += 2) bag[String(args[k])] = args[k + 1] ?? null;
      return bag;
    }
  }
}

function test(e: Expr, row: Row): boolean {
  switch (e.kind) {
    case "and": return test(e.left, row) && test(e.right, row);
    case "or": return test(e.left, row) || test(e.right, row);
    case "not": return !test(e.inner, row);
    case "in": {
      const v = str(get(row, e.path));
      const ci = e.op.endsWith("~");
      const hit = e.values.some((x) => (ci ? str(x).toLowerCase() === v.toLowerCase() : str(x) === v));
      return e.op.startsWith("!") ? !hit : hit;
    }
    case "cmp": {
      const raw = get(row, e.path);
      const v = str(raw);
      const x = str(e.value);
      switch (e.op) {
        case "==": return typeof e.value === "string" ? v === x : raw === e.value;
        case "!=": return typeof e.value === "string" ? v !== x : raw !== e.value;
        case "=~": return v.toLowerCase() === x.toLowerCase();
        case "!~": return v.toLowerCase() !== x.toLowerCase();
        case "contains": return v.toLowerCase().includes(x.toLowerCase());
        case "!contains": return !v.toLowerCase().includes(x.toLowerCase());
        case "startswith": return v.toLowerCase().startsWith(x.toLowerCase());
        case "endswith": return v.toLowerCase().endsWith(x.toLowerCase());
      }
      return false;
    }
  }
}

function summarize(s: Extract<Stage, { kind: "summarize" }>, rows: Row[]): Row[] {
  const groups = new Map<string, { keys: unknown[]; lists: unknown[][] }>();
  for (const r of rows) {
    const keys = s.by.map((b) => get(r, b.path) ?? null);
    const k = JSON.stringify(keys.map(str));
    let g = groups.get(k);
    if (!g) { g = { keys, lists: s.aggregates.map(() => []) }; groups.set(k, g); }
    s.aggregates.forEach((a, idx) => {
      const v = evaluate(a.value, r);
      if (v !== null && v !== undefined) g!.lists[idx]!.push(v);
    });
  }
  return [...groups.values()].map((g) => {
    const out: Row = {};
    s.by.forEach((b, idx) => { out[b.name] = g.keys[idx]; });
    s.aggregates.forEach((a, idx) => { out[a.name] = g.lists[idx]; });
    return out;
  });
}

/** Kusto's join: left columns, then right columns (a clashing name gets the suffix 1, 2, …). */
function join(s: Extract<Stage, { kind: "join" }>, left: Row[], tables: TableRows): Row[] {
  const right = runKql(s.right, tables);
  const byKey = new Map<string, Row[]>();
  for (const r of right) {
    const k = str(get(r, [s.rightKey]));
    byKey.set(k, [...(byKey.get(k) ?? []), r]);
  }
  const rightColumns = [...new Set(right.flatMap((r) => Object.keys(r)))];
  const merge = (l: Row, r: Row | undefined): Row => {
    const out: Row = { ...l };
    for (const c of rightColumns) {
      let name = c;
      for (let n = 1; name in out; n++) name = `${c}${n}`;
      out[name] = r ? r[c] ?? null : null;
    }
    return out;
  };
  const out: Row[] = [];
  for (const l of left) {
    const matches = byKey.get(str(get(l, [s.leftKey]))) ?? [];
    if (matches.length) for (const r of matches) out.push(merge(l, r));
    else if (s.join === "leftouter") out.push(merge(l, undefined));
  }
  return out;
}

/** Runs a parsed query over the rows of its tables; returns the resulting rows (projected objects). */
export function runKql(q: KqlQuery, tables: TableRows): Row[] {
  let out = Array.isArray(tables) ? tables : tables(q.table.toLowerCase());
  for (const s of q.stages) {
    if (s.kind === "where") out = out.filter((r) => test(s.expr, r));
    else if (s.kind === "limit") out = out.slice(0, s.count);
    else if (s.kind === "order") {
      out = [...out].sort((a, b) => {
        const x = get(a, s.path);
        const y = get(b, s.path);
        const c = typeof x === "number" && typeof y === "number" ? x - y : ordinal(str(x), str(y));
        return s.desc ? -c : c;
      });
    } else if (s.kind === "extend") {
      out = out.map((r) => {
        const p: Row = { ...r };
        for (const c of s.columns) p[c.name] = evaluate(c.value, p);
        return p;
      });
    } else if (s.kind === "project") {
      out = out.map((r) => {
        const p: Row = {};
        for (const c of s.columns) p[c.name] = evaluate(c.value, r);
        return p;
      });
    } else if (s.kind === "summarize") out = summarize(s, out);
    else out = join(s, out, tables);
  }
  return out;
}
