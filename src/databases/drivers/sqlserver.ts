// Azure SQL through `tedious`: TDS 8.0 strict encryption (TLS before any TDS byte, verified against the server's
// FQDN); authentication is the Entra access token (FEDAUTH), so no user name is sent.
import { Connection, Request } from "tedious";
import { statementError, type Driver, type Row } from "./driver.js";

function open(conn: Parameters<Driver>[0]): Promise<Connection> {
  return new Promise((resolve, reject) => {
    const connection = new Connection({
      server: conn.host,
      authentication: { type: "azure-active-directory-access-token", options: { token: conn.token } },
      options: {
        port: conn.port,
        database: conn.database,
        encrypt: "strict",
        serverName: conn.serverName,
        trustServerCertificate: false,
        connectTimeout: conn.timeoutMs,
        requestTimeout: conn.timeoutMs,
        appName: "linkwright",
      },
    });
    connection.connect((err) => {
      if (err) {
        connection.close();
        reject(statementError(err, undefined, (err as { code?: string }).code));
      } else resolve(connection);
    });
  });
}

function execute(connection: Connection, statement: string): Promise<Row[]> {
  return new Promise((resolve, reject) => {
    const rows: Row[] = [];
    const request = new Request(statement, (err) => {
      // The server's refusals carry an error number; a dropped connection or a timeout carries none.
      if (err) reject(statementError(err, statement, String((err as { number?: number }).number ?? (err as { code?: string }).code ?? ""), typeof (err as { number?: unknown }).number === "number"));
      else resolve(rows);
    });
    request.on("row", (columns: { metadata: { colName: string }; value: unknown }[]) => {
      const row: Row = {};
      for (const c of columns) row[c.metadata.colName] = c.value;
      rows.push(row);
    });
    connection.execSqlBatch(request);
  });
}

export const sqlServerDriver: Driver = async (conn, statements) => {
  const connection = await open(conn);
  connection.on("error", () => { /* reported by the pending call */ });
  try {
    const results: Row[][] = [];
    for (const statement of statements) results.push(await execute(connection, statement));
    return results;
  } finally {
    connection.close();
  }
};
