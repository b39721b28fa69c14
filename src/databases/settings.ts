// The app settings the database-user step reads (one place, so the settings table stays true).
import type { Env } from "../config/settings.js";
import { readEndpointRoutes, type EndpointRoutes } from "./endpoints.js";

export interface DatabaseSettings {
  /** LINKWRIGHT_DATABASE_ENDPOINTS: {"<fqdn>": "host:port"} routes. */
  routes: EndpointRoutes;
  /** The display name an Entra admin entry for linkwright carries: its app's name (WEBSITE_SITE_NAME), which is the
   *  system-assigned identity's name; LINKWRIGHT_IDENTITY_NAME overrides it (a user-assigned identity's name). */
  selfDisplayName: string;
  /** LINKWRIGHT_DATABASE_TIMEOUT_MS: connect and per-statement timeout (default 15000). */
  timeoutMs: number;
}

export function readDatabaseSettings(env: Env = process.env): DatabaseSettings {
  const timeout = Number(env.LINKWRIGHT_DATABASE_TIMEOUT_MS ?? "15000");
  return {
    routes: readEndpointRoutes(env),
    selfDisplayName: env.LINKWRIGHT_IDENTITY_NAME || env.WEBSITE_SITE_NAME || "linkwright",
    timeoutMs: Number.isFinite(timeout) && timeout > 0 ? timeout : 15_000,
  };
}
