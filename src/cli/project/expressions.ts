// Reading the values of simple expressions in project sources without running them: string literals, templates and
// concatenations of them, `const X = "…"` constants (in the same file first, else the one file that declares X),
// object literals (with spreads) and `Obj.key` members of constant objects.
import { expressionEnd, maskCode, matchingClose, readQuoted, splitTopLevel, unescape } from "./sourceText.js";

export interface ParsedSource {
  /** Path relative to the project, `/`-separated. */
  path: string;
  text: string;
  masked: string;
}

export function parseSource(path: string, text: string): ParsedSource {
  return { path, text, masked: maskCode(text) };
}

/** A value read from the source, or why it could not be. */
export type Evaluated = { value: string } | { unreadable: string };

/** One `key: value` of an object literal; the value's range in its source. */
export interface ObjectEntry {
  key: string;
  source: ParsedSource;
  start: number;
  end: number;
}

interface Declaration {
  source: ParsedSource;
  start: number;
  end: number;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const MEMBER_CHAIN = /^[A-Za-z_$][\w$]*(?:\s*\??\.\s*[A-Za-z_$][\w$]*)+$/;
const MAX_DEPTH = 12;

/** `const|let|var NAME (: Type)? = <expression>` of every source, by name. */
export class Declarations {
  private readonly byName = new Map<string, Declaration[]>();

  constructor(sources: ParsedSource[]) {
    const re = /\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::\s*[^=;]+?)?\s*=(?![=>])/g;
    for (const source of sources) {
      for (const m of source.masked.matchAll(re)) {
        const start = m.index + m[0].length;
        const list = this.byName.get(m[1]!) ?? [];
        list.push({ source, start, end: expressionEnd(source.masked, start) });
        this.byName.set(m[1]!, list);
      }
    }
  }

  /** The declaration `name` refers to from `from`: its own file's, else the only one in the project. */
  find(name: string, from: ParsedSource): Declaration | undefined {
    const all = this.byName.get(name) ?? [];
    const own = all.filter((d) => d.source === from);
    if (own.length === 1) return own[0];
    if (own.length === 0 && all.length === 1) return all[0];
    return undefined;
  }
}

export class Evaluator {
  constructor(private readonly declarations: Declarations) {}

  /** The string value of `source[start, end)`. */
  string(source: ParsedSource, start: number, end: number, depth = 0): Evaluated {
    [start, end] = trimExpression(source, start, end);
    const shown = () => ({ unreadable: source.text.slice(start, end).replace(/\s+/g, " ").trim() });
    if (start >= end || depth > MAX_DEPTH) return shown();
    const parts = splitTopLevel(source.masked, start, end, "+");
    if (parts.length > 1) {
      let value = "";
      for (const [a, b] of parts) {
        const part = this.string(source, a, b, depth + 1);
        if ("unreadable" in part) return shown();
        value += part.value;
      }
      return { value };
    }
    const first = source.text[start];
    if (first === '"' || first === "'") {
      const q = readQuoted(source.text, start);
      return q && q.end === end ? { value: q.value } : shown();
    }
    if (first === "`") return this.template(source, start, end, depth) ?? shown();
    const code = source.masked.slice(start, end);
    if (IDENTIFIER.test(code)) {
      const d = this.declarations.find(code, source);
      return d ? this.string(d.source, d.start, d.end, depth + 1) : shown();
    }
    if (MEMBER_CHAIN.test(code)) {
      const names = code.split(/\s*\??\.\s*/);
      if (names[0] === "process" && names[1] === "env" && names.length === 3) return { unreadable: `process.env.${names[2]}` };
      const entry = this.member(source, names, depth);
      return entry ? this.string(entry.source, entry.start, entry.end, depth + 1) : shown();
    }
    return shown();
  }

  /** The entries of the object literal `source[start, end)` stands for (a literal, a constant, a member), or undefined. */
  object(source: ParsedSource, start: number, end: number, depth = 0): ObjectEntry[] | undefined {
    [start, end] = trimExpression(source, start, end);
    if (start >= end || depth > MAX_DEPTH) return undefined;
    const code = source.masked.slice(start, end);
    if (source.masked[start] === "{" && matchingClose(source.masked, start) === end - 1) return this.literal(source, start, end, depth);
    if (IDENTIFIER.test(code)) {
      const d = this.declarations.find(code, source);
      return d ? this.object(d.source, d.start, d.end, depth + 1) : undefined;
    }
    if (MEMBER_CHAIN.test(code)) {
      const entry = this.member(source, code.split(/\s*\??\.\s*/), depth);
      return entry ? this.object(entry.source, entry.start, entry.end, depth + 1) : undefined;
    }
    return undefined;
  }

  private member(source: ParsedSource, names: string[], depth: number): ObjectEntry | undefined {
    const d = this.declarations.find(names[0]!, source);
    if (!d) return undefined;
    let entries = this.object(d.source, d.start, d.end, depth + 1);
    let entry: ObjectEntry | undefined;
    for (const name of names.slice(1)) {
      entry = entries ? lastEntry(entries, name) : undefined;
      if (!entry) return undefined;
      entries = this.object(entry.source, entry.start, entry.end, depth + 1);
    }
    return entry;
  }

  private literal(source: ParsedSource, start: number, end: number, depth: number): ObjectEntry[] {
    const { masked, text } = source;
    const entries: ObjectEntry[] = [];
    for (let [a, b] of splitTopLevel(masked, start + 1, end - 1, ",")) {
      while (a < b && /\s/.test(masked[a]!)) a++;
      if (masked.startsWith("...", a)) {
        entries.push(...(this.object(source, a + 3, b, depth + 1) ?? []));
        continue;
      }
      let key: string | undefined;
      let k = a;
      if (text[a] === '"' || text[a] === "'") {
        const q = readQuoted(text, a);
        if (!q) continue;
        key = q.value;
        k = q.end;
      } else {
        const m = /^[A-Za-z_$][\w$]*/.exec(masked.slice(a, b));
        if (!m) continue;
        key = m[0];
        k = a + key.length;
      }
      while (k < b && /\s/.test(masked[k]!)) k++;
      if (masked[k] === ":") entries.push({ key, source, start: k + 1, end: b });
      else if (k === b && IDENTIFIER.test(key)) entries.push({ key, source, start: a, end: a + key.length }); // shorthand
    }
    return entries;
  }

  /** A template literal spanning exactly `[start, end)`, substitutions evaluated. */
  private template(source: ParsedSource, start: number, end: number, depth: number): Evaluated | undefined {
    const { text, masked } = source;
    let value = "";
    let literal = "";
    let k = start + 1;
    while (k < end - 1) {
      if (text[k] === "\\") {
        literal += text.slice(k, k + 2);
        k += 2;
      } else if (text[k] === "$" && text[k + 1] === "{") {
        const close = matchingClose(masked, k + 1);
        if (close < 0) return undefined;
        const inner = this.string(source, k + 2, close, depth + 1);
        if ("unreadable" in inner) return { unreadable: text.slice(start, end) };
        value += unescape(literal) + inner.value;
        literal = "";
        k = close + 1;
      } else {
        literal += text[k];
        k++;
      }
    }
    return text[end - 1] === "`" ? { value: value + unescape(literal) } : undefined;
  }
}

/** The last entry named `key` (later entries and spreads override earlier ones, as in JavaScript). */
export function lastEntry(entries: ObjectEntry[], key: string): ObjectEntry | undefined {
  for (let i = entries.length - 1; i >= 0; i--) if (entries[i]!.key === key) return entries[i];
  return undefined;
}

/** Narrows to the expression proper: whitespace, wrapping parentheses, a trailing `!` or `as Type` / `satisfies Type`. */
function trimExpression(source: ParsedSource, start: number, end: number): [number, number] {
  const { masked } = source;
  for (;;) {
    while (start < end && /\s/.test(masked[start]!)) start++;
    while (end > start && /\s/.test(masked[end - 1]!)) end--;
    const tail = /\s+(?:as|satisfies)\s+[\w$.<>[\]|&\s"']+$/.exec(masked.slice(start, end));
    if (tail && !/[({[]/.test(tail[0])) {
      end -= tail[0].length;
      continue;
    }
    if (masked[end - 1] === "!" && end - 1 > start) {
      end--;
      continue;
    }
    if (masked[start] === "(" && matchingClose(masked, start) === end - 1) {
      start++;
      end--;
      continue;
    }
    return [start, end];
  }
}
