import { describe, expect, it } from "vitest";
import { decodeKey, encodeKey } from "../../src/store/keys.js";

const AWKWARD = [
  "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/RG-One/providers/Microsoft.Web/sites/My.App",
  "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/a/slots/staging/providers/Microsoft.ServiceLinker/linkers/conn_1",
  "weird\\back#hash?query'quote%pct!bang|pipe",
  "ctrl\u0001\u001f\u007f\u0085chars",
  "ünïcødé/名前/emoji-😀",
  "",
];

describe("table key encoding", () => {
  it.each(AWKWARD)("round-trips %j (lower-cased) and yields a legal key", (id) => {
    const key = encodeKey(id);
    expect(decodeKey(key)).toBe(id.toLowerCase());
    expect(key).not.toMatch(/[/\\#?'%\u0000-\u001f\u007f-\u009f|]/);
  });

  it("is case-insensitive for lookup", () => {
    expect(encodeKey("/subscriptions/S/resourceGroups/RG")).toBe(encodeKey("/SUBSCRIPTIONS/s/resourcegroups/rg"));
  });

  it("is injective on distinct lower-case ids", () => {
    const ids = ["a/b", "a!2Fb", "a!b", "a_b", "a.b", "a-b", "a~b"];
    expect(new Set(ids.map(encodeKey)).size).toBe(ids.length);
  });

  it("fails loudly on ids too long for a key", () => {
    expect(() => encodeKey("/x".repeat(400))).toThrow(RangeError);
  });

  it("rejects malformed keys", () => {
    expect(() => decodeKey("abc!zz")).toThrow();
  });
});
