// The one classifier: every thrown value becomes a ConnectionError, the same way for the saga's activities, the
// orchestrator and the dry run.
import { describe, expect, it } from "vitest";
import { classifyError, isProgrammingError } from "../../src/connections/classifyError.js";
import { PlanError } from "../../src/model/errors.js";

const ME = "11111111-1111-1111-1111-111111111111";
const SCOPE = "/subscriptions/00000000-0000-0000-0000-0000000000aa/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/sa";

describe("classifyError", () => {
  it("a plan error keeps its code and target; a context prefixes the message", () => {
    expect(classifyError(new PlanError("InvalidConnection", "bad", "properties.authInfo"))).toEqual({ code: "InvalidConnection", message: "bad", target: "properties.authInfo" });
    expect(classifyError(new PlanError("InvalidConnection", "bad"), "identity")).toEqual({ code: "InvalidConnection", message: "identity: bad" });
  });

  it("an ARM error keeps its code; else its status says it; anything else is InternalError", () => {
    expect(classifyError(Object.assign(new Error("gone"), { code: "ResourceGroupNotFound", statusCode: 404 }))).toEqual({ code: "ResourceGroupNotFound", message: "gone" });
    expect(classifyError(Object.assign(new Error("gone"), { statusCode: 404 }))).toEqual({ code: "ResourceNotFound", message: "gone" });
    expect(classifyError(Object.assign(new Error("busy"), { statusCode: 429 }))).toEqual({ code: "Http429", message: "busy" });
    expect(classifyError("plain")).toEqual({ code: "InternalError", message: "plain" });
  });

  it("linkwright's own 403 names the grant that fixes it", () => {
    const refused = Object.assign(new Error(`The client 'x' with object id '${ME}' does not have authorization to perform action 'Microsoft.Storage/storageAccounts/listKeys/action' over scope '${SCOPE}' or the scope is invalid.`),
      { statusCode: 403, code: "AuthorizationFailed" });
    const e = classifyError(refused, "configuration");
    expect(e.code).toBe("AuthorizationFailed");
    expect(e.message).toMatch(/^configuration: linkwright's identity \(principal 1111/);
    expect(e.message).toContain(`az role assignment create --assignee-object-id ${ME}`);
  });

  it("programming errors are told apart", () => {
    expect(isProgrammingError(new TypeError("x"))).toBe(true);
    expect(isProgrammingError(new PlanError("C", "m"))).toBe(false);
  });
});
