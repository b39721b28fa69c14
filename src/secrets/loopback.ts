// Whether a URL's host is this machine: 127.0.0.0/8, ::1 (also as an IPv4-mapped address) or `localhost`. Key Vault
// clients may skip their challenge-resource check (LINKWRIGHT_KEYVAULT_DISABLE_CHALLENGE_VERIFICATION) only for such
// hosts — the sandbox's vault data plane — never for a host name a setting value or a request could point anywhere.

/** true only for a parseable URL (or bare host) whose host is loopback. */
export function isLoopbackHost(url: string): boolean {
  let host: string;
  try {
    host = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `https://${url}`).hostname.toLowerCase();
  } catch {
    return false;
  }
  if (host === "localhost" || host === "localhost.") return true;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) return true; // the WHATWG parser already normalised 127.1, 0x7f.1, …
  const v6 = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : undefined;
  if (v6 === undefined) return false;
  if (v6 === "::1") return true;
  // IPv4-mapped loopback: ::ffff:127.x.y.z, which the parser writes as ::ffff:7fxx:yyzz.
  return /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(v6);
}
