// MySQL through `mysql2`: TLS required and verified against the server's FQDN (the socket goes to the route, the
// session is named by the FQDN); the Entra token is sent with mysql_clear_password, which Azure asks for.
import net from "node:net";
import mysql from "mysql2/promise";
import { statementError, type Driver, type Row } from "./driver.js";

export const mysqlDriver: Driver = async (conn, statements) => {
  let connection: mysql.Connection;
  try {
    connection = await mysql.createConnection({
      host: conn.serverName,
      port: conn.port,
      stream: () => net.connect(conn.port, conn.host),
      user: conn.user,
      password: conn.token,
      database: conn.database,
      ssl: { rejectUnauthorized: true, verifyIdentity: true },
      authPlugins: { mysql_clear_password: () => () => Buffer.from(`${conn.token}\0`) },
      connectTimeout: conn.timeoutMs,
      multipleStatements: false,
    });
  } catch (e) {
    throw statementError(e, undefined, (e as { code?: string }).code);
  }
  connection.on("error", () => { /* reported by the pending call */ });
  const results: Row[][] = [];
  try {
    for (const statement of statements) {
      try {
        const [rows] = await connection.query({ sql: statement, timeout: conn.timeoutMs });
        results.push(Array.isArray(rows) ? (rows as Row[]) : []);
      } catch (e) {
        // The server's refusals carry a SQL state; a lost connection or a timeout carries none.
        throw statementError(e, statement, (e as { code?: string }).code, typeof (e as { sqlState?: unknown }).sqlState === "string");
      }
    }
  } finally {
    await connection.end().catch(() => connection.destroy());
  }
  return results;
};
