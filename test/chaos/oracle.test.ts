// The fuzz oracle itself (pure): each check fires on what it is meant to catch, so a clean fuzz run means something.
import { describe, expect, it } from "vitest";
import { armEnvelopeProblem, headerProblem, linkProblem, violationsOf, type Exchange } from "./oracle.js";
import { SECRET_VALUES } from "./requests.js";

const json = { "Content-Type": "application/json; charset=utf-8", "x-ms-request-id": "r" };
const exchange = (over: Partial<Exchange> & { response: Exchange["response"] }): Exchange =>
  ({ method: "PUT", ms: 1, stateBefore: "a", stateAfter: "a", seamBefore: 0, seamAfter: 0, ...over });
const kinds = (e: Exchange) => violationsOf(e).map((v) => v.kind);

describe("chaos oracle", () => {
  it("accepts the ARM envelope and rejects anything else", () => {
    expect(armEnvelopeProblem({ status: 400, headers: json, body: { error: { code: "BadRequest", message: "m", target: "t", details: [{ code: "c", message: "m" }] } } })).toBeUndefined();
    expect(armEnvelopeProblem({ status: 400, headers: json, body: { code: "BadRequest", message: "m" } })).toBeDefined();
    expect(armEnvelopeProblem({ status: 400, headers: json, body: { error: { code: "", message: "m" } } })).toBeDefined();
    expect(armEnvelopeProblem({ status: 400, headers: json, body: { error: { code: "c", message: "m", stack: "…" } } })).toBeDefined();
    expect(armEnvelopeProblem({ status: 400, headers: json, body: { error: { code: "c", message: "m", details: [{ code: 1 }] } } })).toBeDefined();
    expect(armEnvelopeProblem({ status: 400, headers: { "Content-Type": "text/plain" }, body: { error: { code: "c", message: "m" } } })).toBeDefined();
  });

  it("flags a 5xx, an unserialisable body, a changed row or seam after a refusal or a GET, unsendable headers, bad links and echoed secrets", () => {
    expect(kinds(exchange({ response: { status: 500, headers: json, body: { error: { code: "InternalServerError", message: "m" } } } }))).toContain("status>=500");
    const cyclic: Record<string, unknown> = {};
    cyclic["self"] = cyclic;
    expect(kinds(exchange({ response: { status: 200, headers: json, body: cyclic } }))).toContain("status>=500");
    expect(kinds(exchange({ response: { status: 404, headers: json, body: { error: { code: "c", message: "m" } } }, stateAfter: "b" }))).toContain("stateChanged");
    expect(kinds(exchange({ method: "GET", response: { status: 200, headers: json, body: {} }, seamAfter: 1 }))).toContain("seamCalled");
    expect(kinds(exchange({ response: { status: 201, headers: json, body: {} }, stateAfter: "b", seamAfter: 1 }))).toEqual([]);
    expect(headerProblem({ status: 200, headers: { ...json, "x-ms-client-request-id": "a\u000eb" } })).toBeDefined();
    expect(headerProblem({ status: 200, headers: { "Content-Type": "application/json" } })).toBe("no x-ms-request-id");
    expect(linkProblem({ status: 201, headers: { ...json, "Azure-AsyncOperation": "null/subscriptions/s" } })).toBeDefined();
    expect(linkProblem({ status: 200, headers: json, body: { value: [], nextLink: "/relative" } })).toBeDefined();
    expect(linkProblem({ status: 200, headers: json, body: { value: [], nextLink: null } })).toBeUndefined();
    expect(kinds(exchange({ response: { status: 400, headers: json, body: { error: { code: "c", message: `bad '${SECRET_VALUES[1]}'` } } } }))).toContain("secretEchoed");
  });
});
