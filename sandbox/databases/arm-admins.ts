// Login authorization as Azure does it, read from the ARM emulator's store: a login is accepted only for the
// server's Microsoft Entra admin — SQL: servers/administrators/ActiveDirectory (sid = the token's oid or appid);
// PostgreSQL flexible: Entra auth enabled and administrators/{oid} whose principalName is the login user;
// MySQL flexible: administrators/ActiveDirectory with that sid and login.
import type { StoredResource } from "../arm/core/contract.js";
import type { DatabaseEmulatorEngine } from "./index.js";

export interface LoginAttempt {
  engine: DatabaseEmulatorEngine;
  fqdn: string;
  /** The login name (empty for SQL Server, which reads the identity from the token). */
  user: string;
  oid: string;
  appid?: string;
}

/** Resolves with undefined when the login may proceed, else with the reason it is refused. */
export type LoginAuthorizer = (login: LoginAttempt) => Promise<string | undefined>;

const SERVER_TYPES: Record<DatabaseEmulatorEngine, string> = {
  sql: "microsoft.sql/servers",
  postgresql: "microsoft.dbforpostgresql/flexibleservers",
  mysql: "microsoft.dbformysql/flexibleservers",
};

export function armAdminAuthorizer(store: { all(): StoredResource[]; get(id: string): StoredResource | undefined }): LoginAuthorizer {
  return async (login) => {
    const server = store.all().find((r) => r.type.toLowerCase() === SERVER_TYPES[login.engine]
      && String(r.properties?.fullyQualifiedDomainName ?? "").toLowerCase() === login.fqdn.toLowerCase());
    if (!server) return `no ${login.engine} server '${login.fqdn}' in the ARM emulator`;
    const ids = [login.oid, login.appid].filter(Boolean).map((x) => x!.toLowerCase());
    if (login.engine === "postgresql") {
      const auth = (server.properties?.authConfig ?? {}) as { activeDirectoryAuth?: string };
      if (String(auth.activeDirectoryAuth).toLowerCase() !== "enabled") return "Microsoft Entra authentication is not enabled on the server";
      const admin = store.get(`${server.id}/administrators/${login.oid}`);
      if (!admin) return `principal ${login.oid} is not a Microsoft Entra admin of the server`;
      if (admin.properties?.principalName !== login.user) return `the admin with object id ${login.oid} logs in as "${String(admin.properties?.principalName)}", not "${login.user}"`;
      return undefined;
    }
    const admin = store.get(`${server.id}/administrators/ActiveDirectory`);
    const sid = String(admin?.properties?.sid ?? "").toLowerCase();
    if (!admin || !ids.includes(sid)) return `principal ${login.oid} is not the Microsoft Entra admin of the server`;
    if (login.engine === "mysql" && admin.properties?.login !== login.user) return `the Entra admin logs in as '${String(admin.properties?.login)}', not '${login.user}'`;
    return undefined;
  };
}
