// PostgreSQL through `pg`: TLS required and verified against the server's FQDN; the Entra token is the password.
import tls from "node:tls";
import pg from "pg";
import { statementError, type Driver, type Row } from "./driver.js";

export const postgresDriver: Driver = async (conn, statements) => {
  const client = new pg.Client({
    host: conn.host,
    port: conn.port,
    database: conn.database,
    user: conn.user,
    password: conn.token,
    ssl: {
      rejectUnauthorized: true,
      servername: conn.serverName,
      checkServerIdentity: (_host: string, cert: tls.PeerCertificate) => tls.checkServerIdentity(conn.serverName, cert),
    },
    connectionTimeoutMillis: conn.timeoutMs,
    query_timeout: conn.timeoutMs,
    application_name: "linkwright",
  });
  client.on("error", () => { /* reported by the pending call */ });
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => undefined);
    throw statementError(e, undefined, (e as { code?: string }).code);
  }
  const results: Row[][] = [];
  try {
    for (const statement of statements) {
      try {
        const r = await client.query(statement);
        results.push((r.rows ?? []) as Row[]);
      } catch (e) {
        // The server's refusals carry a severity; a dropped connection or a read timeout carries none.
        throw statementError(e, statement, (e as { code?: string }).code, typeof (e as { severity?: unknown }).severity === "string");
      }
    }
  } finally {
    await client.end().catch(() => undefined);
  }
  return results;
};
