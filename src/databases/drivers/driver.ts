// What each engine's driver does: open one TLS session as the Entra admin (the token is the password), run
// statements in order on it, return each statement's rows, close. The first failing statement ends the run.
export interface DriverConnection {
  /** The server's FQDN: TLS is verified against it (and sent as SNI where the driver allows). */
  serverName: string;
  /** Where the socket connects (the FQDN, or a configured route). */
  host: string;
  port: number;
  database: string;
  /** Login name: the Entra admin's name (PostgreSQL, MySQL); SQL Server reads the identity from the token. */
  user: string;
  /** Entra access token of the admin, used as the password. Never logged. */
  token: string;
  /** Connect and per-statement timeout. */
  timeoutMs: number;
}

export type Row = Record<string, unknown>;

export type Driver = (conn: DriverConnection, statements: string[]) => Promise<Row[][]>;

/** A statement the server refused (or a connection that failed before the first statement). */
export class DatabaseStatementError extends Error {
  constructor(
    message: string,
    readonly statement: string | undefined,
    readonly serverCode: string | undefined,
    /** Whether the server answered (refused the statement); false: the connection dropped or timed out while the
     *  statement was on its way, so it may have run. */
    readonly answered = true,
  ) {
    super(message);
  }
}

/** The error for statement `index` (or the connection), without anything token-bearing. `answered`: the server
 *  refused it (false: no answer came). */
export function statementError(e: unknown, statement: string | undefined, code?: string, answered = true): DatabaseStatementError {
  const message = e instanceof Error ? e.message : String(e);
  const where = statement ? `Statement failed: ${statement} — ` : "Could not open the database session: ";
  return new DatabaseStatementError(`${where}${message}`, statement, code, answered);
}
