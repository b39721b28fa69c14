// Azure ABAC role-assignment conditions (conditionVersion 2.0), the subset that constrains role-assignment
// delegation ("Role Based Access Control Administrator" / User Access Administrator with conditions):
//   ((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR
//    (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {guid, …}))
//   AND ((!(ActionMatches{'Microsoft.Authorization/roleAssignments/delete'})) OR
//    (@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAllValues:GuidNotEquals {guid, …}))
// Grammar: ActionMatches{'…'[, '…']}, ! / NOT, AND / &&, OR / ||, parentheses; @Request / @Resource
// [Microsoft.Authorization/roleAssignments:RoleDefinitionId|PrincipalId|PrincipalType] with an optional cross-product
// quantifier (ForAnyOfAnyValues, ForAnyOfAllValues, ForAllOfAnyValues, ForAllOfAllValues) and GuidEquals, GuidNotEquals,
// StringEquals, StringNotEquals, StringEqualsIgnoreCase, StringNotEqualsIgnoreCase; values are a single 'string' / GUID
// or a {set}. Anything else (storage attributes, SubOperationMatches, Exists, @Principal, …) is refused by parse() with
// a message saying the sandbox does not implement it. Pure: no I/O.
import { isGuid } from "./ids.js";

export type AbacSource = "Request" | "Resource";
export type AbacAttribute = "RoleDefinitionId" | "PrincipalId" | "PrincipalType";
export type AbacQuantifier = "ForAnyOfAnyValues" | "ForAnyOfAllValues" | "ForAllOfAnyValues" | "ForAllOfAllValues";
export type AbacOperator = "GuidEquals" | "GuidNotEquals" | "StringEquals" | "StringNotEquals" | "StringEqualsIgnoreCase" | "StringNotEqualsIgnoreCase";

export type AbacExpr =
  | { kind: "and" | "or"; left: AbacExpr; right: AbacExpr }
  | { kind: "not"; operand: AbacExpr }
  | { kind: "action"; actions: string[] }
  | { kind: "compare"; source: AbacSource; attribute: AbacAttribute; quantifier?: AbacQuantifier; operator: AbacOperator; values: string[] };

/** Attribute values of one request: `@Request[…]` (the role assignment being written) and `@Resource[…]` (the one being deleted). */
export interface AbacContext {
  action: string;
  request?: Partial<Record<AbacAttribute, string[]>>;
  resource?: Partial<Record<AbacAttribute, string[]>>;
}

export class AbacSyntaxError extends Error {}

const ATTRIBUTE_PREFIX = "microsoft.authorization/roleassignments:";
const ATTRIBUTES: AbacAttribute[] = ["RoleDefinitionId", "PrincipalId", "PrincipalType"];
const QUANTIFIERS: AbacQuantifier[] = ["ForAnyOfAnyValues", "ForAnyOfAllValues", "ForAllOfAnyValues", "ForAllOfAllValues"];
const OPERATORS: AbacOperator[] = ["GuidEquals", "GuidNotEquals", "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase"];

type Token =
  | { t: "lp" | "rp" | "lb" | "rb" | "comma" | "not" | "and" | "or"; at: number }
  | { t: "str"; v: string; at: number }
  | { t: "word"; v: string; at: number }
  | { t: "attr"; source: string; name: string; at: number };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) { i++; continue; }
    const at = i;
    if (c === "(") { out.push({ t: "lp", at }); i++; continue; }
    if (c === ")") { out.push({ t: "rp", at }); i++; continue; }
    if (c === "{") { out.push({ t: "lb", at }); i++; continue; }
    if (c === "}") { out.push({ t: "rb", at }); i++; continue; }
    if (c === ",") { out.push({ t: "comma", at }); i++; continue; }
    if (c === "!") { out.push({ t: "not", at }); i++; continue; }
    if (src.startsWith("&&", i)) { out.push({ t: "and", at }); i += 2; continue; }
    if (src.startsWith("||", i)) { out.push({ t: "or", at }); i += 2; continue; }
    if (c === "'") {
      const end = src.indexOf("'", i + 1);
      if (end < 0) throw new AbacSyntaxError(`unterminated string starting at position ${at}`);
      out.push({ t: "str", v: src.slice(i + 1, end), at });
      i = end + 1;
      continue;
    }
    if (c === "@") {
      const m = /^@([A-Za-z]+)\[([^\]]*)\]/.exec(src.slice(i));
      if (!m) throw new AbacSyntaxError(`malformed attribute at position ${at}`);
      out.push({ t: "attr", source: m[1], name: m[2].trim(), at });
      i += m[0].length;
      continue;
    }
    const m = /^[A-Za-z0-9_.:\-/*]+/.exec(src.slice(i));
    if (!m) throw new AbacSyntaxError(`unexpected character '${c}' at position ${at}`);
    const word = m[0];
    const upper = word.toUpperCase();
    if (upper === "AND") out.push({ t: "and", at });
    else if (upper === "OR") out.push({ t: "or", at });
    else if (upper === "NOT") out.push({ t: "not", at });
    else out.push({ t: "word", v: word, at });
    i += word.length;
  }
  return out;
}

function pick<T extends string>(list: readonly T[], word: string): T | undefined {
  return list.find((x) => x.toLowerCase() === word.toLowerCase());
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): AbacExpr {
    if (this.tokens.length === 0) throw new AbacSyntaxError("the condition is empty");
    const e = this.or();
    const rest = this.tokens[this.i];
    if (rest) throw new AbacSyntaxError(`unexpected ${describe(rest)} at position ${rest.at}`);
    return e;
  }

  private peek(): Token | undefined { return this.tokens[this.i]; }
  private next(): Token {
    const t = this.tokens[this.i++];
    if (!t) throw new AbacSyntaxError("unexpected end of the condition");
    return t;
  }
  private expect(kind: Token["t"]): Token {
    const t = this.next();
    if (t.t !== kind) throw new AbacSyntaxError(`expected ${kind === "rp" ? "')'" : kind === "rb" ? "'}'" : kind === "lb" ? "'{'" : kind} but found ${describe(t)} at position ${t.at}`);
    return t;
  }

  private or(): AbacExpr {
    let left = this.and();
    while (this.peek()?.t === "or") { this.i++; left = { kind: "or", left, right: this.and() }; }
    return left;
  }

  private and(): AbacExpr {
    let left = this.unary();
    while (this.peek()?.t === "and") { this.i++; left = { kind: "and", left, right: this.unary() }; }
    return left;
  }

  private unary(): AbacExpr {
    if (this.peek()?.t === "not") { this.i++; return { kind: "not", operand: this.unary() }; }
    return this.primary();
  }

  private primary(): AbacExpr {
    const t = this.next();
    if (t.t === "lp") {
      const e = this.or();
      this.expect("rp");
      return e;
    }
    if (t.t === "word" && t.v.toLowerCase() === "actionmatches") {
      this.expect("lb");
      const actions = this.list("str");
      return { kind: "action", actions };
    }
    if (t.t === "word") {
      throw new AbacSyntaxError(`'${t.v}' at position ${t.at} (only ActionMatches{…} and @Request/@Resource comparisons are implemented)`);
    }
    if (t.t === "attr") return this.comparison(t);
    throw new AbacSyntaxError(`unexpected ${describe(t)} at position ${t.at}`);
  }

  private comparison(t: Extract<Token, { t: "attr" }>): AbacExpr {
    const source = t.source.toLowerCase() === "request" ? "Request" : t.source.toLowerCase() === "resource" ? "Resource" : undefined;
    if (!source) throw new AbacSyntaxError(`the attribute source '@${t.source}' (only @Request and @Resource are implemented)`);
    const name = t.name.toLowerCase();
    const attribute = name.startsWith(ATTRIBUTE_PREFIX) ? pick(ATTRIBUTES, name.slice(ATTRIBUTE_PREFIX.length)) : undefined;
    if (!attribute) {
      throw new AbacSyntaxError(`the attribute '@${t.source}[${t.name}]' (only Microsoft.Authorization/roleAssignments:RoleDefinitionId, PrincipalId and PrincipalType are implemented)`);
    }
    const op = this.next();
    if (op.t !== "word") throw new AbacSyntaxError(`expected an operator after '@${t.source}[${t.name}]' but found ${describe(op)} at position ${op.at}`);
    const [q, o] = op.v.includes(":") ? op.v.split(":", 2) : [undefined, op.v];
    const quantifier = q === undefined ? undefined : pick(QUANTIFIERS, q);
    if (q !== undefined && !quantifier) throw new AbacSyntaxError(`the quantifier '${q}' at position ${op.at} (implemented: ${QUANTIFIERS.join(", ")})`);
    const operator = pick(OPERATORS, o);
    if (!operator) throw new AbacSyntaxError(`the operator '${o}' at position ${op.at} (implemented: ${OPERATORS.join(", ")})`);
    let values: string[];
    if (this.peek()?.t === "lb") {
      this.i++;
      values = this.list("any");
    } else {
      values = [this.value()];
    }
    if (operator.startsWith("Guid")) {
      const bad = values.find((v) => !isGuid(v));
      if (bad !== undefined) throw new AbacSyntaxError(`'${bad}' is not a GUID (operator ${operator})`);
    }
    if (!quantifier && values.length > 1) throw new AbacSyntaxError(`the operator ${operator} without a ForAnyOf…/ForAllOf… quantifier takes one value`);
    return { kind: "compare", source, attribute, quantifier, operator, values };
  }

  private value(): string {
    const v = this.next();
    if (v.t === "str" || v.t === "word") return v.v;
    throw new AbacSyntaxError(`expected a value but found ${describe(v)} at position ${v.at}`);
  }

  /** Items after '{' up to '}', comma-separated. */
  private list(kind: "str" | "any"): string[] {
    const out: string[] = [];
    for (;;) {
      const v = this.next();
      if (v.t === "str" || (kind === "any" && v.t === "word")) out.push(v.v);
      else throw new AbacSyntaxError(`expected ${kind === "str" ? "a quoted string" : "a value"} but found ${describe(v)} at position ${v.at}`);
      const sep = this.next();
      if (sep.t === "rb") return out;
      if (sep.t !== "comma") throw new AbacSyntaxError(`expected ',' or '}' but found ${describe(sep)} at position ${sep.at}`);
    }
  }
}

function describe(t: Token): string {
  switch (t.t) {
    case "str": return `'${t.v}'`;
    case "word": return `'${t.v}'`;
    case "attr": return `@${t.source}[${t.name}]`;
    case "lp": return "'('";
    case "rp": return "')'";
    case "lb": return "'{'";
    case "rb": return "'}'";
    case "comma": return "','";
    case "not": return "'!'";
    case "and": return "AND";
    case "or": return "OR";
  }
}

/** Parses a version 2.0 condition; throws AbacSyntaxError naming what the sandbox does not implement. */
export function parseCondition(condition: string): AbacExpr {
  return new Parser(tokenize(condition)).parse();
}

const cache = new Map<string, AbacExpr | AbacSyntaxError>();
/** parseCondition, memoised (conditions are evaluated on every authorised request). */
export function parseConditionCached(condition: string): AbacExpr {
  let e = cache.get(condition);
  if (!e) {
    try { e = parseCondition(condition); } catch (err) { e = err instanceof AbacSyntaxError ? err : new AbacSyntaxError(String(err)); }
    if (cache.size > 500) cache.clear();
    cache.set(condition, e);
  }
  if (e instanceof AbacSyntaxError) throw e;
  return e;
}

function wildcard(pattern: string): RegExp {
  return new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`, "i");
}

function normaliseValue(operator: AbacOperator, v: string): string {
  // RoleDefinitionId attributes may arrive as full ids; GUID comparisons use the last segment.
  return operator.startsWith("Guid") ? (v.split("/").pop() ?? v).toLowerCase() : v;
}

function compareOne(operator: AbacOperator, left: string, right: string): boolean {
  const l = normaliseValue(operator, left);
  const r = normaliseValue(operator, right);
  switch (operator) {
    case "GuidEquals": return l === r;
    case "GuidNotEquals": return l !== r;
    case "StringEquals": return l === r;
    case "StringNotEquals": return l !== r;
    case "StringEqualsIgnoreCase": return l.toLowerCase() === r.toLowerCase();
    case "StringNotEqualsIgnoreCase": return l.toLowerCase() !== r.toLowerCase();
  }
}

/** Evaluates a parsed condition. A missing attribute is an empty set: ForAny… is false, ForAll… vacuously true. */
export function evaluateCondition(e: AbacExpr, ctx: AbacContext): boolean {
  switch (e.kind) {
    case "and": return evaluateCondition(e.left, ctx) && evaluateCondition(e.right, ctx);
    case "or": return evaluateCondition(e.left, ctx) || evaluateCondition(e.right, ctx);
    case "not": return !evaluateCondition(e.operand, ctx);
    case "action": return e.actions.some((a) => wildcard(a).test(ctx.action));
    case "compare": {
      const bag = e.source === "Request" ? ctx.request : ctx.resource;
      const left = bag?.[e.attribute] ?? [];
      const q = e.quantifier ?? "ForAnyOfAnyValues";
      const lhsAll = q.startsWith("ForAllOf");
      const rhsAll = q.endsWith("AllValues");
      const matchesRight = (l: string) => (rhsAll ? e.values.every((r) => compareOne(e.operator, l, r)) : e.values.some((r) => compareOne(e.operator, l, r)));
      return lhsAll ? left.every(matchesRight) : left.some(matchesRight);
    }
  }
}

/** Parse (cached) and evaluate; an unparseable condition grants nothing. */
export function conditionHolds(condition: string, ctx: AbacContext): boolean {
  try {
    return evaluateCondition(parseConditionCached(condition), ctx);
  } catch {
    return false;
  }
}
