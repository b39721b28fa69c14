// isLoopbackHost: the only hosts for which a Key Vault client may skip its challenge-resource check.
import { describe, expect, it } from "vitest";
import { isLoopbackHost } from "../../src/secrets/loopback.js";

describe("isLoopbackHost", () => {
  it("accepts 127.0.0.0/8, ::1 and localhost, in the forms a URL parser normalises", () => {
    for (const url of ["https://127.0.0.1:8443/", "https://127.12.0.9/secrets/x", "https://localhost:1234", "https://LOCALHOST/", "https://[::1]:443/",
      "https://127.1/", "https://0x7f.0.0.1/", "https://[::ffff:127.0.0.1]/", "127.0.0.1:9000"]) {
      expect(isLoopbackHost(url), url).toBe(true);
    }
  });
  it("refuses every other host, look-alikes included", () => {
    for (const url of ["https://kv1.vault.azure.net/", "https://127.0.0.1.attacker.example/", "https://localhost.attacker.example/",
      "https://attacker.example/?h=127.0.0.1", "https://user@attacker.example/", "https://128.0.0.1/", "https://[::2]/", "https://[::ffff:10.0.0.1]/",
      "https://10.0.0.1/", "not a url at all", ""]) {
      expect(isLoopbackHost(url), url).toBe(false);
    }
  });
});
