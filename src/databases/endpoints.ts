// Where linkwright reaches a database server. Normally the server's FQDN (properties.fullyQualifiedDomainName) and
// the engine's port; the setting LINKWRIGHT_DATABASE_ENDPOINTS (JSON {"<fqdn>": "host:port"}) routes a server name
// elsewhere (private DNS, an SSH tunnel, a local emulator). A key "*.<suffix>" routes every server one label under
// that suffix (an exact key wins). TLS is always verified against the FQDN, and the FQDN is sent as SNI, wherever
// the socket goes, so a route cannot weaken the server's identity check.

export interface DatabaseEndpoint {
  /** The server's own name; TLS certificates are checked against it. */
  fqdn: string;
  /** Where the socket connects. */
  host: string;
  port: number;
}

export type EndpointRoutes = ReadonlyMap<string, { host: string; port: number }>;

export const DATABASE_ENDPOINTS_SETTING = "LINKWRIGHT_DATABASE_ENDPOINTS";

function parseHostPort(value: string, key: string): { host: string; port: number } {
  const m = /^(\[[0-9a-f:.]+\]|[^:\s/]+):(\d{1,5})$/i.exec(value.trim());
  const port = m ? Number(m[2]) : NaN;
  if (!m || port < 1 || port > 65535) throw new Error(`${DATABASE_ENDPOINTS_SETTING}: '${key}' must map to "host:port", not '${value}'.`);
  return { host: m[1]!.replace(/^\[|\]$/g, ""), port };
}

/** Parses the setting; throws on malformed JSON or entries (a typo must not silently send logins to the public name). */
export function parseEndpointRoutes(raw: string | undefined): EndpointRoutes {
  const routes = new Map<string, { host: string; port: number }>();
  if (!raw || !raw.trim()) return routes;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error(`${DATABASE_ENDPOINTS_SETTING} is not JSON: expected {"<server fqdn>": "host:port"}.`);
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error(`${DATABASE_ENDPOINTS_SETTING} must be a JSON object {"<server fqdn>": "host:port"}.`);
  for (const [fqdn, v] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof v !== "string") throw new Error(`${DATABASE_ENDPOINTS_SETTING}: '${fqdn}' must map to a "host:port" string.`);
    if (!/^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(fqdn)) throw new Error(`${DATABASE_ENDPOINTS_SETTING}: '${fqdn}' is not a server name or "*.<dns suffix>".`);
    routes.set(fqdn.toLowerCase(), parseHostPort(v, fqdn));
  }
  return routes;
}

/** The endpoint of a server: its route when one is configured, else the FQDN on the engine's port. */
export function resolveEndpoint(fqdn: string, defaultPort: number, routes: EndpointRoutes): DatabaseEndpoint {
  const name = fqdn.toLowerCase();
  const dot = name.indexOf(".");
  const route = routes.get(name) ?? (dot > 0 ? routes.get(`*${name.slice(dot)}`) : undefined);
  return route ? { fqdn, host: route.host, port: route.port } : { fqdn, host: fqdn, port: defaultPort };
}
