// A small SQL tokenizer per dialect, enough for the emulators to read the user-management statements with the
// engines' real quoting rules (so a hostile name is read back as exactly one identifier / literal, or rejected).
export type Dialect = "sql" | "postgresql" | "mysql";

export type Token =
  | { kind: "word"; value: string; upper: string }
  | { kind: "ident"; value: string }
  | { kind: "string"; value: string }
  | { kind: "number"; value: string }
  | { kind: "punct"; value: string };

export class SqlSyntaxError extends Error {}

function readQuoted(sql: string, start: number, close: string, backslashEscapes: boolean): { value: string; end: number } {
  let value = "";
  let i = start;
  for (;;) {
    if (i >= sql.length) throw new SqlSyntaxError(`unterminated quoted string at or near "${sql.slice(start - 1, start + 20)}"`);
    const c = sql[i]!;
    if (backslashEscapes && c === "\\") {
      const n = sql[i + 1];
      if (n === undefined) throw new SqlSyntaxError("unterminated escape");
      value += n === "n" ? "\n" : n === "t" ? "\t" : n === "0" ? "\0" : n;
      i += 2;
      continue;
    }
    if (c === close) {
      if (sql[i + 1] === close) { value += close; i += 2; continue; }
      return { value, end: i + 1 };
    }
    value += c;
    i++;
  }
}

export function tokenize(dialect: Dialect, sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (/\s/.test(c)) { i++; continue; }
    if (c === "-" && sql[i + 1] === "-") { while (i < sql.length && sql[i] !== "\n") i++; continue; }
    if (c === "/" && sql[i + 1] === "*") {
      const end = sql.indexOf("*/", i + 2);
      if (end < 0) throw new SqlSyntaxError("unterminated /* comment");
      i = end + 2;
      continue;
    }
    // String literals (PostgreSQL E'…', SQL Server N'…').
    const prefix = /[EeNn]/.test(c) && sql[i + 1] === "'" ? c.toUpperCase() : "";
    if (c === "'" || prefix) {
      const escapes = dialect === "mysql" || (dialect === "postgresql" && prefix === "E");
      if ((prefix === "E" && dialect !== "postgresql") || (prefix === "N" && dialect === "postgresql")) {
        // not a prefix in this dialect: fall through to the word reader
      } else {
        const r = readQuoted(sql, i + (prefix ? 2 : 1), "'", escapes);
        out.push({ kind: "string", value: r.value });
        i = r.end;
        continue;
      }
    }
    if (c === '"') {
      const r = readQuoted(sql, i + 1, '"', dialect === "mysql");
      out.push(dialect === "mysql" ? { kind: "string", value: r.value } : { kind: "ident", value: r.value });
      i = r.end;
      continue;
    }
    if (c === "`" && dialect === "mysql") {
      const r = readQuoted(sql, i + 1, "`", false);
      out.push({ kind: "ident", value: r.value });
      i = r.end;
      continue;
    }
    if (c === "[" && dialect === "sql") {
      const r = readQuoted(sql, i + 1, "]", false);
      out.push({ kind: "ident", value: r.value });
      i = r.end;
      continue;
    }
    const word = (dialect === "sql" ? /^[A-Za-z_@#][A-Za-z0-9_$@#]*/ : /^[A-Za-z_][A-Za-z0-9_$]*/).exec(sql.slice(i));
    if (word) {
      out.push({ kind: "word", value: word[0], upper: word[0].toUpperCase() });
      i += word[0].length;
      continue;
    }
    const num = /^\d+(\.\d+)?/.exec(sql.slice(i));
    if (num) { out.push({ kind: "number", value: num[0] }); i += num[0].length; continue; }
    const two = sql.slice(i, i + 2);
    if (two === "::") { out.push({ kind: "punct", value: two }); i += 2; continue; }
    if ("(),;.*=@%".includes(c)) { out.push({ kind: "punct", value: c }); i++; continue; }
    throw new SqlSyntaxError(`syntax error at or near "${sql.slice(i, i + 10)}"`);
  }
  return out;
}

/** Splits on top-level `;` (empty statements dropped). */
export function splitStatements(tokens: Token[]): Token[][] {
  const out: Token[][] = [];
  let cur: Token[] = [];
  for (const t of tokens) {
    if (t.kind === "punct" && t.value === ";") { if (cur.length) out.push(cur); cur = []; } else cur.push(t);
  }
  if (cur.length) out.push(cur);
  return out;
}

/** A cursor over one statement's tokens with the few matchers the interpreters need. */
export class Cursor {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}
  get done(): boolean { return this.i >= this.tokens.length; }
  peekWord(): string | undefined {
    const t = this.tokens[this.i];
    return t?.kind === "word" ? t.upper : undefined;
  }
  /** Consumes the keywords if they come next (all of them), else nothing. */
  accept(...words: string[]): boolean {
    for (let k = 0; k < words.length; k++) {
      const t = this.tokens[this.i + k];
      if (t?.kind !== "word" || t.upper !== words[k]) return false;
    }
    this.i += words.length;
    return true;
  }
  expect(...words: string[]): void {
    if (!this.accept(...words)) throw new SqlSyntaxError(`syntax error: expected ${words.join(" ")} near ${this.describe()}`);
  }
  acceptPunct(p: string): boolean {
    const t = this.tokens[this.i];
    if (t?.kind === "punct" && t.value === p) { this.i++; return true; }
    return false;
  }
  acceptNumber(): boolean {
    if (this.tokens[this.i]?.kind === "number") { this.i++; return true; }
    return false;
  }
  expectPunct(p: string): void {
    if (!this.acceptPunct(p)) throw new SqlSyntaxError(`syntax error: expected '${p}' near ${this.describe()}`);
  }
  /** An identifier: quoted, or a bare word. */
  name(): string {
    const t = this.tokens[this.i];
    if (t?.kind === "ident" || t?.kind === "word") { this.i++; return t.value; }
    throw new SqlSyntaxError(`syntax error: expected a name near ${this.describe()}`);
  }
  string(): string {
    const t = this.tokens[this.i];
    if (t?.kind === "string") { this.i++; return t.value; }
    throw new SqlSyntaxError(`syntax error: expected a string literal near ${this.describe()}`);
  }
  /** Everything up to (not including) the keyword, as raw text; throws when the keyword never comes. */
  until(word: string): string {
    const parts: string[] = [];
    while (!this.done && this.peekWord() !== word) parts.push(this.tokens[this.i++]!.value);
    if (this.done) throw new SqlSyntaxError(`syntax error: expected ${word}`);
    return parts.join(" ");
  }
  end(): void {
    if (!this.done) throw new SqlSyntaxError(`syntax error at or near ${this.describe()}`);
  }
  private describe(): string {
    const t = this.tokens[this.i];
    return t ? `"${t.value}"` : "end of input";
  }
}
