/**
 * Binding-expression patterns as globs, and the emptiness test of the intersection of two globs.
 *
 * Placeholder rule (the choice this module makes): every `{…}` binding expression — `{name}`, `{queueTrigger}`,
 * `{rand-guid}`, `{DateTime}`, `{data.url}` — matches ANY string, including `/`. That is what the Functions host
 * does for blob trigger paths: the WebJobs SDK turns each parameter into `(?<p>.*)` (azure-webjobs-sdk,
 * `BindingTemplateToken.BuildCapturePattern`, whose test expects `input/{name}.{ext}` → `^input/(?<name>.*)\.(?<ext>.*)$`),
 * so a trigger on `images/{name}` also fires for `images/thumbs/a.png` with name = `thumbs/a.png`. On the output side
 * a placeholder is filled from trigger data at run time, so it can produce any string as well.
 * `{{` and `}}` are literal braces; `%Setting%` is replaced by the app setting's value before anything else.
 */

/** The wildcard symbol inside a compiled glob. Blob names, queue and entity names cannot contain NUL. */
export const STAR = "\u0000";

export interface CompiledPattern {
  /** Literal characters and STAR; adjacent STARs are collapsed. */
  glob: string;
  /** The expression after `%Setting%` substitution (for messages). */
  display: string;
  /** `%Setting%` names that had no value; each became a STAR. */
  unresolved: string[];
}

export type SettingLookup = (name: string) => string | undefined;

/** Replaces `%Name%` with the setting value; unknown names are kept and reported. */
export function substituteSettings(expr: string, lookup: SettingLookup): { text: string; unresolved: string[] } {
  const unresolved: string[] = [];
  const text = expr.replace(/%([^%]+)%/g, (whole, name: string) => {
    const value = lookup(name);
    if (value === undefined) {
      unresolved.push(name);
      return whole;
    }
    return value;
  });
  return { text, unresolved };
}

/** Compiles a binding expression (after `%Setting%` substitution) to a glob. */
export function compilePattern(expr: string, lookup: SettingLookup): CompiledPattern {
  const { text, unresolved } = substituteSettings(expr, lookup);
  let glob = "";
  const pushStar = () => {
    if (!glob.endsWith(STAR)) glob += STAR;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "{" && text[i + 1] === "{") {
      glob += "{";
      i++;
    } else if (c === "}" && text[i + 1] === "}") {
      glob += "}";
      i++;
    } else if (c === "{") {
      const close = text.indexOf("}", i + 1);
      pushStar();
      i = close < 0 ? text.length : close;
    } else if (c === "%") {
      // An unresolved %Setting%: any value.
      const close = text.indexOf("%", i + 1);
      if (close > i && unresolved.includes(text.slice(i + 1, close))) {
        pushStar();
        i = close;
      } else {
        glob += c;
      }
    } else {
      glob += c;
    }
  }
  return { glob, display: text, unresolved };
}

export function isLiteral(glob: string): boolean {
  return !glob.includes(STAR);
}

/**
 * True when some string matches both globs. Backward dynamic programme over (i, j) positions:
 * ok(i, j) = a[i..] and b[j..] share a word. A star may match nothing (advance past it) or absorb one symbol of
 * the other side (stay). O(|a|·|b|) time, O(|b|) memory.
 */
export function globsIntersect(a: string, b: string): boolean {
  const n = a.length;
  const m = b.length;
  // Fast paths for the common shapes.
  if (n === 0 && m === 0) return true;
  if (isLiteral(a) && isLiteral(b)) return a === b;
  let next = new Uint8Array(m + 1); // row i + 1
  let cur = new Uint8Array(m + 1); // row i
  for (let i = n; i >= 0; i--) {
    for (let j = m; j >= 0; j--) {
      let ok = false;
      if (i === n && j === m) ok = true;
      else if (i < n && a[i] === STAR) ok = next[j] === 1 || (j < m && cur[j + 1] === 1);
      else if (j < m && b[j] === STAR) ok = cur[j + 1] === 1 || (i < n && next[j] === 1);
      else if (i < n && j < m && a[i] === b[j]) ok = next[j + 1] === 1;
      cur[j] = ok ? 1 : 0;
    }
    const t = next;
    next = cur;
    cur = t;
  }
  return next[0] === 1;
}

/** True when `text` matches the glob. */
export function globMatches(glob: string, text: string): boolean {
  return globsIntersect(glob, text.replaceAll(STAR, ""));
}

/** Human form of a glob (`*` for wildcards). */
export function showGlob(glob: string): string {
  return glob.replaceAll(STAR, "*");
}
