import { describe, expect, it } from "vitest";
import { acceptedIssuers } from "../../src/api/auth/jwtAuthenticator.js";

describe("acceptedIssuers", () => {
  const tid = "72f988bf-86f1-41af-91ab-2d7cd011db47";
  it("accepts the v1.0 twin of an Entra v2.0 issuer (ARM-audience tokens are v1.0)", () => {
    expect(acceptedIssuers(`https://login.microsoftonline.com/${tid}/v2.0`)).toEqual([`https://login.microsoftonline.com/${tid}/v2.0`, `https://sts.windows.net/${tid}/`]);
  });
  it("accepts the v2.0 twin of an Entra v1.0 issuer", () => {
    expect(acceptedIssuers(`https://sts.windows.net/${tid}/`)).toEqual([`https://sts.windows.net/${tid}/`, `https://login.microsoftonline.com/${tid}/v2.0`]);
  });
  it("any other issuer only exactly (the sandbox's, another IdP)", () => {
    expect(acceptedIssuers("https://127.0.0.1:4433/tenant/v2.0")).toEqual(["https://127.0.0.1:4433/tenant/v2.0"]);
    expect(acceptedIssuers("https://login.microsoftonline.com/common/v2.0")).toEqual(["https://login.microsoftonline.com/common/v2.0"]);
  });
});
