// What every response must satisfy, whatever the request (issue #15, fuzzing): pure checks over one exchange and the
// store before and after it.
import { validateHeaderName, validateHeaderValue } from "node:http";
import type { ApiResponse } from "../../src/api/types.js";
import { SECRET_VALUES } from "./requests.js";

export type ViolationKind =
  | "status>=500"      // an internal error (or an unserialisable body, which the host would turn into one)
  | "envelope"         // a 4xx/5xx whose body is not the ARM error envelope
  | "stateChanged"     // a refused request (or a GET) changed a table row
  | "seamCalled"       // a refused request (or a GET) started an orchestration, a dry-run computation or a loop scan
  | "header"           // a response header the host could not send
  | "link"             // an Azure-AsyncOperation, Location or nextLink that is not an absolute http(s) URL
  | "secretEchoed"     // a response carries a secret value a request sent
  | "slow";            // longer than SLOW_MS (a pathological regex or loop)

export const SLOW_MS = 10_000;

/** The ARM error detail: code and message (non-empty strings), optional target, details (recursively), additionalInfo. */
function envelopeProblem(detail: unknown, at: string): string | undefined {
  if (typeof detail !== "object" || detail === null || Array.isArray(detail)) return `${at} is not an object`;
  const d = detail as Record<string, unknown>;
  const extra = Object.keys(d).filter((k) => !["code", "message", "target", "details", "additionalInfo"].includes(k));
  if (extra.length) return `${at} has unexpected properties ${extra.join(", ")}`;
  if (typeof d["code"] !== "string" || d["code"] === "") return `${at}.code is not a non-empty string`;
  if (typeof d["message"] !== "string" || d["message"] === "") return `${at}.message is not a non-empty string`;
  if (d["target"] !== undefined && typeof d["target"] !== "string") return `${at}.target is not a string`;
  if (d["additionalInfo"] !== undefined && !Array.isArray(d["additionalInfo"])) return `${at}.additionalInfo is not an array`;
  if (d["details"] !== undefined) {
    if (!Array.isArray(d["details"])) return `${at}.details is not an array`;
    for (const [i, x] of d["details"].entries()) {
      const p = envelopeProblem(x, `${at}.details[${i}]`);
      if (p) return p;
    }
  }
  return undefined;
}

/** Why this error response is not `{"error": {code, message, target?, details?}}` as JSON, or undefined. */
export function armEnvelopeProblem(response: ApiResponse): string | undefined {
  const contentType = Object.entries(response.headers).find(([k]) => k.toLowerCase() === "content-type")?.[1] ?? "";
  if (!/^application\/json\b/i.test(contentType)) return `Content-Type is '${contentType}'`;
  const body = response.body;
  if (typeof body !== "object" || body === null || Array.isArray(body)) return "the body is not a JSON object";
  const keys = Object.keys(body);
  if (keys.length !== 1 || keys[0] !== "error") return `the body has properties ${keys.join(", ") || "(none)"} instead of just 'error'`;
  return envelopeProblem((body as { error: unknown }).error, "error");
}

/** Why a header could not be sent by Node's HTTP server (as the Functions worker would), or undefined. */
export function headerProblem(response: ApiResponse): string | undefined {
  for (const [name, value] of Object.entries(response.headers)) {
    try {
      validateHeaderName(name);
      validateHeaderValue(name, value);
    } catch (e) {
      return `header '${name.slice(0, 60)}': ${(e as Error).message.slice(0, 120)}`;
    }
  }
  if (!Object.keys(response.headers).some((k) => k.toLowerCase() === "x-ms-request-id")) return "no x-ms-request-id";
  return undefined;
}

function absoluteHttpUrl(value: unknown): boolean {
  if (typeof value !== "string") return false;
  try {
    const url = new URL(value);
    return (url.protocol === "https:" || url.protocol === "http:") && url.host !== "";
  } catch {
    return false;
  }
}

/** Why a link a client follows (LRO headers, nextLink) is not an absolute http(s) URL, or undefined. */
export function linkProblem(response: ApiResponse): string | undefined {
  for (const [name, value] of Object.entries(response.headers)) {
    if (["azure-asyncoperation", "location"].includes(name.toLowerCase()) && !absoluteHttpUrl(value)) return `${name}: '${value.slice(0, 200)}'`;
  }
  const body = response.body as { nextLink?: unknown } | undefined;
  if (body && typeof body === "object" && body.nextLink !== undefined && body.nextLink !== null && !absoluteHttpUrl(body.nextLink)) {
    return `nextLink: '${String(body.nextLink).slice(0, 200)}'`;
  }
  return undefined;
}

export interface Exchange {
  method: string;
  response: ApiResponse;
  ms: number;
  stateBefore: string;
  stateAfter: string;
  seamBefore: number;
  seamAfter: number;
}

/** A request is refused when it answers ≥ 400; a GET never writes, whatever it answers. */
export function mustNotChange(e: Pick<Exchange, "method" | "response">): boolean {
  return e.response.status >= 400 || e.method.toUpperCase() === "GET";
}

export function violationsOf(e: Exchange): { kind: ViolationKind; detail: string }[] {
  const out: { kind: ViolationKind; detail: string }[] = [];
  const status = e.response.status;
  // The host serialises the body: one it cannot serialise is a 500 the router never saw.
  let serialised = true;
  try { JSON.stringify(e.response.body); } catch (error) { serialised = false; out.push({ kind: "status>=500", detail: `unserialisable body: ${(error as Error).message}` }); }
  if (status >= 500) out.push({ kind: "status>=500", detail: `${status} ${JSON.stringify(e.response.body)?.slice(0, 300)}` });
  if (status >= 400 && serialised) {
    const problem = armEnvelopeProblem(e.response);
    if (problem) out.push({ kind: "envelope", detail: `${status}: ${problem}` });
  }
  const header = headerProblem(e.response);
  if (header) out.push({ kind: "header", detail: header });
  const link = linkProblem(e.response);
  if (link) out.push({ kind: "link", detail: link });
  if (mustNotChange(e)) {
    if (e.stateAfter !== e.stateBefore) out.push({ kind: "stateChanged", detail: `${status}: ${diff(e.stateBefore, e.stateAfter)}` });
    if (e.seamAfter !== e.seamBefore) out.push({ kind: "seamCalled", detail: `${status}: ${e.seamAfter - e.seamBefore} call(s)` });
  }
  const text = `${JSON.stringify(e.response.headers)}${serialised ? JSON.stringify(e.response.body) ?? "" : ""}`;
  const echoed = SECRET_VALUES.find((secret) => text.includes(secret) || text.includes(JSON.stringify(secret).slice(1, -1)));
  if (echoed) out.push({ kind: "secretEchoed", detail: `${status}: the response carries '${echoed}'` });
  if (e.ms > SLOW_MS) out.push({ kind: "slow", detail: `${e.ms.toFixed(0)} ms` });
  return out;
}

function diff(before: string, after: string): string {
  const a = new Set(before.split("\n"));
  const b = new Set(after.split("\n"));
  const added = [...b].filter((x) => x && !a.has(x));
  const removed = [...a].filter((x) => x && !b.has(x));
  return `+${added.length} -${removed.length} rows (${[...added.map((x) => `+${x}`), ...removed.map((x) => `-${x}`)].slice(0, 3).join("; ").slice(0, 400)})`;
}
