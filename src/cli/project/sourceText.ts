// Just enough lexing of JavaScript / TypeScript to read binding declarations textually: a masked copy of the source
// (comments and literal contents blanked, same length and line breaks) to search and match brackets in, while values
// are read from the original text at the same positions. No code is run.

const KEYWORDS_BEFORE_REGEX = new Set(["return", "typeof", "case", "in", "of", "new", "delete", "void", "throw", "yield", "await", "else", "do"]);
const PUNCTUATION_BEFORE_REGEX = "(,=:[!&|?{};+-*%<>~^";

/** The source with comments, string / template / regex contents blanked (quotes and `${…}` code kept). */
export function maskCode(src: string): string {
  const out = src.split("");
  const n = src.length;
  const blank = (from: number, to: number) => {
    for (let k = from; k < to && k < n; k++) if (out[k] !== "\n" && out[k] !== "\r") out[k] = " ";
  };
  /** Open `{` of code blocks and `${` of template substitutions, innermost last. */
  const braces: ("block" | "substitution")[] = [];

  /** Blanks template text from `from` (after a backtick or a substitution's `}`); returns where code resumes. */
  const scanTemplate = (from: number): number => {
    let k = from;
    while (k < n) {
      const ch = src[k];
      if (ch === "\\") { k += 2; continue; }
      if (ch === "`") { blank(from, k); return k + 1; }
      if (ch === "$" && src[k + 1] === "{") { blank(from, k); braces.push("substitution"); return k + 2; }
      k++;
    }
    blank(from, n);
    return n;
  };

  const regexAllowedAt = (at: number): boolean => {
    let j = at - 1;
    while (j >= 0 && /\s/.test(out[j]!)) j--;
    if (j < 0) return true;
    const prev = out[j]!;
    if (PUNCTUATION_BEFORE_REGEX.includes(prev)) return true;
    if (/[\w$]/.test(prev)) {
      let s = j;
      while (s > 0 && /[\w$]/.test(out[s - 1]!)) s--;
      return KEYWORDS_BEFORE_REGEX.has(out.slice(s, j + 1).join(""));
    }
    return false;
  };

  let i = 0;
  while (i < n) {
    const c = src[i]!;
    const next = src[i + 1];
    if (c === "/" && next === "/") {
      let e = src.indexOf("\n", i);
      if (e < 0) e = n;
      blank(i, e);
      i = e;
    } else if (c === "/" && next === "*") {
      const close = src.indexOf("*/", i + 2);
      const e = close < 0 ? n : close + 2;
      blank(i, e);
      i = e;
    } else if (c === '"' || c === "'") {
      const e = endOfQuoted(src, i);
      blank(i + 1, e - 1);
      i = e;
    } else if (c === "`") {
      i = scanTemplate(i + 1);
    } else if (c === "/" && regexAllowedAt(i)) {
      const e = endOfRegex(src, i);
      if (e > 0) {
        blank(i + 1, e);
        i = e;
      } else {
        i++;
      }
    } else if (c === "{") {
      braces.push("block");
      i++;
    } else if (c === "}") {
      const top = braces.pop();
      i = top === "substitution" ? scanTemplate(i + 1) : i + 1;
    } else {
      i++;
    }
  }
  return out.join("");
}

/** Index after the closing quote of the string literal opening at `at` (or the end of the line if unterminated). */
function endOfQuoted(src: string, at: number): number {
  const quote = src[at];
  let k = at + 1;
  while (k < src.length) {
    const ch = src[k];
    if (ch === "\\") { k += 2; continue; }
    if (ch === quote) return k + 1;
    if (ch === "\n") return k;
    k++;
  }
  return src.length;
}

/** Index after a regex literal's flags, or -1 when the `/` at `at` does not open one on this line. */
function endOfRegex(src: string, at: number): number {
  let k = at + 1;
  let inClass = false;
  while (k < src.length) {
    const ch = src[k];
    if (ch === "\n") return -1;
    if (ch === "\\") { k += 2; continue; }
    if (ch === "[") inClass = true;
    else if (ch === "]") inClass = false;
    else if (ch === "/" && !inClass) {
      k++;
      while (k < src.length && /[a-z]/i.test(src[k]!)) k++;
      return k;
    }
    k++;
  }
  return -1;
}

const OPEN_TO_CLOSE: Record<string, string> = { "(": ")", "[": "]", "{": "}" };

/** Index of the bracket closing the one at `open` in masked text, or -1. */
export function matchingClose(masked: string, open: number): number {
  const stack: string[] = [];
  for (let k = open; k < masked.length; k++) {
    const ch = masked[k]!;
    if (ch in OPEN_TO_CLOSE) stack.push(OPEN_TO_CLOSE[ch]!);
    else if (ch === ")" || ch === "]" || ch === "}") {
      if (stack.pop() !== ch) return -1;
      if (stack.length === 0) return k;
    }
  }
  return -1;
}

/** Ranges of `masked[start, end)` split at `separator` outside brackets; empty (whitespace-only) pieces dropped. */
export function splitTopLevel(masked: string, start: number, end: number, separator = ","): [number, number][] {
  const parts: [number, number][] = [];
  let depth = 0;
  let from = start;
  for (let k = start; k < end; k++) {
    const ch = masked[k]!;
    if (ch === "(" || ch === "[" || ch === "{") depth++;
    else if (ch === ")" || ch === "]" || ch === "}") depth--;
    else if (depth === 0 && masked.startsWith(separator, k) && !isCompoundPlus(masked, k, separator)) {
      parts.push([from, k]);
      from = k + separator.length;
      k += separator.length - 1;
    }
  }
  parts.push([from, end]);
  return parts.filter(([a, b]) => masked.slice(a, b).trim() !== "");
}

/** `+` as a separator must not split `++` / `+=`. */
function isCompoundPlus(masked: string, at: number, separator: string): boolean {
  if (separator !== "+") return false;
  return masked[at + 1] === "+" || masked[at + 1] === "=" || masked[at - 1] === "+";
}

/** Where the expression starting at `start` ends: `;`, or `,` / a closing bracket at depth 0, or a line break at
 *  depth 0 that the next line does not continue. */
export function expressionEnd(masked: string, start: number): number {
  let depth = 0;
  for (let k = start; k < masked.length; k++) {
    const ch = masked[k]!;
    if (ch === "(" || ch === "[" || ch === "{") depth++;
    else if (ch === ")" || ch === "]" || ch === "}") {
      if (depth === 0) return k;
      depth--;
    } else if (depth === 0 && (ch === ";" || ch === ",")) return k;
    else if (depth === 0 && ch === "\n") {
      const before = masked.slice(start, k).trimEnd();
      const after = masked.slice(k + 1).trimStart();
      const continues = /[+\-*/=(,?:|&.]$/.test(before) || /^[+\-*/?:|&.]/.test(after) || /^as\b/.test(after);
      if (!continues && before.length > 0) return k;
    }
  }
  return masked.length;
}

/** 1-based line number of `index`. */
export function lineAt(src: string, index: number): number {
  let line = 1;
  for (let k = 0; k < index && k < src.length; k++) if (src[k] === "\n") line++;
  return line;
}

/** The value of the quoted string literal at `at` ('…' or "…"), unescaped. */
export function readQuoted(src: string, at: number): { value: string; end: number } | undefined {
  const quote = src[at];
  if (quote !== '"' && quote !== "'") return undefined;
  const end = endOfQuoted(src, at);
  if (src[end - 1] !== quote || end - 1 === at) return undefined;
  return { value: unescape(src.slice(at + 1, end - 1)), end };
}

export function unescape(raw: string): string {
  return raw.replace(/\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[\s\S])/g, (_, e: string) => {
    if (e.startsWith("u{")) return String.fromCodePoint(parseInt(e.slice(2, -1), 16));
    if (e.startsWith("u") && e.length === 5) return String.fromCharCode(parseInt(e.slice(1), 16));
    if (e.startsWith("x") && e.length === 3) return String.fromCharCode(parseInt(e.slice(1), 16));
    return ({ n: "\n", t: "\t", r: "\r", "0": "\0", b: "\b", f: "\f", v: "\v", "\n": "" } as Record<string, string>)[e] ?? e;
  });
}
