import { describe, expect, it } from "vitest";
import { createSealer, isSealed } from "../../src/secrets/seal.js";

const KEY = "k".repeat(40);

describe("sealer", () => {
  it("round-trips and never shows the plaintext", () => {
    const s = createSealer(KEY);
    const secret = "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=c2VjcmV0";
    const sealed = s.seal(secret);
    expect(isSealed(sealed)).toBe(true);
    expect(sealed).not.toContain("AccountKey");
    expect(sealed).not.toContain("c2VjcmV0");
    expect(s.unseal(sealed)).toBe(secret);
  });

  it("uses a fresh IV each time", () => {
    const s = createSealer(KEY);
    expect(s.seal("x")).not.toBe(s.seal("x"));
  });

  it("rejects tampering and a wrong key", () => {
    const sealed = createSealer(KEY).seal("value");
    const body = sealed.slice("sealed:v1:".length);
    const flipped = "sealed:v1:" + (body[0] === "A" ? "B" : "A") + body.slice(1);
    expect(() => createSealer(KEY).unseal(flipped)).toThrow();
    expect(() => createSealer("z".repeat(40)).unseal(sealed)).toThrow();
    expect(() => createSealer(KEY).unseal("plain")).toThrow(/not sealed/);
  });

  it("refuses a short key", () => {
    expect(() => createSealer("short")).toThrow(/32 characters/);
  });
});
