// Dotted-quad IPv4 addresses in request bodies (firewall rules of SQL, the flexible servers and Redis).

/** The address as a number (for ordering ranges), or undefined when `v` is not a dotted-quad IPv4 address. */
export function ipv4Value(v: unknown): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(String(v ?? ""));
  if (!m || m.slice(1).some((x) => Number(x) > 255)) return undefined;
  return m.slice(1).reduce((n, x) => n * 256 + Number(x), 0);
}
