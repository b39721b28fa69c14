// startDatabaseEmulators(): wire-protocol emulators of the Azure database servers linkwright creates users in —
// PostgreSQL, MySQL and SQL Server (TDS 8.0) — one listener per engine on 127.0.0.1. Every connection is TLS with a
// certificate the sandbox CA signs for the Azure DNS suffixes, and names its server by SNI (linkwright's drivers
// always send the server FQDN), so any server — seeded or created later through ARM — is served without restarting.
// `endpoints` ({"*.postgres.database.azure.com": "127.0.0.1:<port>", …}) is the value for LINKWRIGHT_DATABASE_ENDPOINTS.
import net from "node:net";
import type { AddressInfo } from "node:net";
import { ensureDatabaseCertificate, DATABASE_DNS_SUFFIXES } from "./certs.js";
import type { Dialect } from "./lexer.js";
import { ServerModel, type DbPrincipal, type ExecutedStatement } from "./model.js";
import { handlePostgresConnection } from "./postgres-wire.js";
import { handleMySqlConnection } from "./mysql-wire.js";
import { handleTdsConnection } from "./tds-wire.js";
import type { TokenVerifier } from "./tokens.js";
import type { LoginAuthorizer } from "./arm-admins.js";
import { StatementFaults } from "./faults.js";

export type DatabaseEmulatorEngine = Dialect;

export interface DatabaseEmulatorOptions {
  /** Verifies the Entra token a login presents (see armEmulatorTokenVerifier). */
  tokenVerifier: TokenVerifier;
  /** Refuses logins Azure would refuse (armAdminAuthorizer: only the server's Entra admin); default: any valid token. */
  authorizeLogin?: LoginAuthorizer;
  /** Where the sandbox CA lives (default .sandbox/certs, as the ARM emulator). */
  certDir?: string;
}

export interface DatabaseEmulators {
  /** {"*.<dns suffix>": "127.0.0.1:<port>"} per engine: JSON.stringify it into LINKWRIGHT_DATABASE_ENDPOINTS. */
  readonly endpoints: Record<string, string>;
  /** Every statement run on the server (in order), with the login and the token's object id; [] before any. */
  executed(fqdn: string): ExecutedStatement[];
  /** The Entra principals that exist in the server now. */
  principals(fqdn: string): DbPrincipal[];
  /** Injected faults, per query text (./faults.ts): add, remove, clear. */
  readonly faults: StatementFaults;
  /** Every server's principals (deep copies), for restore(). */
  snapshot(): DatabaseSnapshot;
  /** Back to a snapshot's principals (servers created since lose theirs); the statement log is kept. */
  restore(snapshot: DatabaseSnapshot): void;
  close(): Promise<void>;
}

export type DatabaseSnapshot = Record<string, DbPrincipal[]>;

const ENGINE_SUFFIX: Record<DatabaseEmulatorEngine, string> = {
  sql: DATABASE_DNS_SUFFIXES[0]!,
  postgresql: DATABASE_DNS_SUFFIXES[1]!,
  mysql: DATABASE_DNS_SUFFIXES[2]!,
};
const HANDLERS = { postgresql: handlePostgresConnection, mysql: handleMySqlConnection, sql: handleTdsConnection } as const;

export async function startDatabaseEmulators(options: DatabaseEmulatorOptions): Promise<DatabaseEmulators> {
  const tls = await ensureDatabaseCertificate(options.certDir);
  const models = new Map<string, ServerModel>();
  const faults = new StatementFaults();
  const listeners: { engine: DatabaseEmulatorEngine; server: net.Server; endpoint: string; sockets: Set<net.Socket> }[] = [];

  const serverFor = (engine: DatabaseEmulatorEngine) => (servername: string | false | null | undefined): ServerModel => {
    const suffix = ENGINE_SUFFIX[engine];
    const name = (servername || "").toLowerCase();
    if (!name) throw new Error(`the sandbox ${engine} emulator needs the server name (TLS SNI); connect with the server's FQDN`);
    if (!name.endsWith(`.${suffix}`) || name.slice(0, -suffix.length - 1).includes(".")) {
      throw new Error(`'${name}' is not a ${engine} server name (*.${suffix})`);
    }
    let model = models.get(name);
    if (!model) models.set(name, (model = new ServerModel(engine, name)));
    return model;
  };

  try {
    for (const engine of Object.keys(HANDLERS) as DatabaseEmulatorEngine[]) {
      const sockets = new Set<net.Socket>();
      const handler = HANDLERS[engine];
      const wire = { serverFor: serverFor(engine), tls, verify: options.tokenVerifier, faults, authorize: options.authorizeLogin && ((l: { fqdn: string; user: string; oid: string; appid?: string }) => options.authorizeLogin!({ engine, ...l })) };
      const server = net.createServer((socket) => {
        sockets.add(socket);
        socket.on("close", () => sockets.delete(socket));
        socket.setTimeout(60_000, () => socket.destroy());
        handler(socket, wire);
      });
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => { server.off("error", reject); resolve(); });
      });
      listeners.push({ engine, server, endpoint: `127.0.0.1:${(server.address() as AddressInfo).port}`, sockets });
    }
  } catch (e) {
    for (const l of listeners) l.server.close();
    throw e;
  }

  const model = (fqdn: string) => models.get(fqdn.toLowerCase());
  return {
    endpoints: Object.fromEntries(listeners.map((l) => [`*.${ENGINE_SUFFIX[l.engine]}`, l.endpoint])),
    executed: (fqdn) => [...(model(fqdn)?.executed ?? [])],
    principals: (fqdn) => [...(model(fqdn)?.principals.values() ?? [])].map((p) => ({ ...p, grants: [...p.grants] })),
    faults,
    snapshot: () => Object.fromEntries([...models].map(([fqdn, m]) => [fqdn, [...m.principals.values()].map((p) => ({ ...p, grants: [...p.grants] }))])),
    restore(snapshot) {
      for (const [fqdn, m] of models) {
        m.principals.clear();
        for (const p of snapshot[fqdn] ?? []) m.add({ ...p, grants: [...p.grants] });
      }
    },
    async close() {
      await Promise.all(listeners.map((l) => new Promise<void>((resolve) => {
        for (const sock of l.sockets) sock.destroy();
        l.server.close(() => resolve());
      })));
    },
  };
}

export { armEmulatorTokenVerifier, type TokenVerifier, type VerifiedLogin } from "./tokens.js";
export type { DbPrincipal, ExecutedStatement } from "./model.js";
export type { StatementFaultRule } from "./faults.js";
export { armAdminAuthorizer, type LoginAttempt, type LoginAuthorizer } from "./arm-admins.js";
