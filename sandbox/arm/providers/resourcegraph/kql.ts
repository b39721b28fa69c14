// A small, strict subset of KQL for the emulated Resource Graph: `Resources` followed by `where` (==, =~, !=, !~,
// contains, startswith, in, in~, !in, !in~, and, or, not(...), parentheses), `project` (dotted paths, `alias = path`),
// `order by`/`sort by`, and `limit`/`take`. Anything else is a parse error (never a crash, never a silent ignore).
// Pure: parse once, then run over rows.

export class KqlError extends Error {
  constructor(message: string, readonly position: number, readonly token: string) {
    super(message);
    this.name = "KqlError";
  }
}

type Value = string | number | boolean | null;
type Path = string[];
type Expr =
  | { kind: "and" | "or"; left: Expr; right: Expr }
  | { kind: "not"; inner: Expr }
  | { kind: "cmp"; op: string; path: Path; value: Value }
  | { kind: "in"; op: "in" | "in~" | "!in" | "!in~"; path: Path; values: Value[] };

export type Stage =
  | { kind: "where"; expr: Expr }
  | { kind: "project"; columns: { name: string; path: Path }[] }
  | { kind: "order"; path: Path; desc: boolean }
  | { kind: "limit"; count: number };

export interface KqlQuery { table: string; stages: Stage[] }

interface Token { type: "ident" | "string" | "number" | "op" | "punct"; text: string; value?: Value; pos: number }

const OPS = ["!in~", "!in", "in~", "==", "=~", "!=", "!~", "=", "|", "(", ")", ",", ".", "[", "]"];

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
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*(~)?/.exec(src.slice(i))!;
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

  private peek(): Token | undefined { return this.toks[this.i]; }
  private fail(msg: string): never {
    const t = this.peek();
    throw new KqlError(msg, t?.pos ?? this.src.length, t?.text ?? "<EOF>");
  }
  private isWord(w: string, t = this.peek()): boolean { return t?.type === "ident" && t.text.toLowerCase() === w; }
  private expect(text: string): void {
    const t = this.peek();
    if (!t || t.text !== text) this.fail(`Expected '${text}'`);
    this.i++;
  }
  private ident(): string {
    const t = this.peek();
    if (t?.type !== "ident") this.fail("Expected an identifier");
    this.i++;
    return t.text;
  }

  parse(): KqlQuery {
    const table = this.ident();
    const stages: Stage[] = [];
    while (this.peek()) {
      this.expect("|");
      stages.push(this.stage());
    }
    return { table, stages };
  }

  private stage(): Stage {
    const word = this.ident().toLowerCase();
    if (word === "where") return { kind: "where", expr: this.or() };
    if (word === "project") {
      const columns: { name: string; path: Path }[] = [];
      do {
        if (columns.length) this.expect(",");
        const first = this.path();
        if (this.peek()?.text === "=") {
          if (first.length !== 1) this.fail("Expected a column name before '='");
          this.i++;
          columns.push({ name: first[0], path: this.path() });
        } else columns.push({ name: first.join("_"), path: first });
      } while (this.peek()?.text === ",");
      return { kind: "project", columns };
    }
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
    return this.fail(`Unsupported query operator '${word}' (the emulator supports where, project, order by, limit/take)`);
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
    if (this.isWord("not") && this.toks[this.i + 1]?.text === "(") {
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
  const q = new Parser(tokenize(src), src).parse();
  if (q.table.toLowerCase() !== "resources") {
    throw new KqlError(`Unknown table '${q.table}' (the emulator serves the 'Resources' table)`, 0, q.table);
  }
  return q;
}

type Row = Record<string, unknown>;

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

/** Runs a parsed query over rows; returns the resulting rows (projected objects). */
export function runKql(q: KqlQuery, rows: Row[]): Row[] {
  let out = rows;
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
    } else {
      out = out.map((r) => {
        const p: Row = {};
        for (const c of s.columns) p[c.name] = get(r, c.path) ?? null;
        return p;
      });
    }
  }
  return out;
}
