// One executor over the three drivers: run statements on a server as its Entra admin, or ask whether a user exists.
import type { DatabaseEngine } from "../model/steps.js";
import { DatabaseStatementError, type Driver, type DriverConnection, type Row } from "./drivers/driver.js";

export type DatabaseSessionRequest = Omit<DriverConnection, "timeoutMs"> & {
  engine: DatabaseEngine;
  /** Default 15 s. */
  timeoutMs?: number;
};

export interface DatabaseExecutor {
  /** Runs the statements in order on one session; the first failure throws a DatabaseStatementError. */
  runStatements(request: DatabaseSessionRequest & { statements: string[] }): Promise<Row[][]>;
  /** Whether `existsQuery` (see databaseUserStatements().exists) returns a row. */
  userExists(request: DatabaseSessionRequest & { existsQuery: string }): Promise<boolean>;
}

/** The drivers, loaded on first use (pg, mysql2 and tedious stay out of the app's start-up). */
const DEFAULT_DRIVERS: Record<DatabaseEngine, () => Promise<Driver>> = {
  sql: async () => (await import("./drivers/sqlserver.js")).sqlServerDriver,
  postgresql: async () => (await import("./drivers/postgres.js")).postgresDriver,
  mysql: async () => (await import("./drivers/mysql.js")).mysqlDriver,
};

/** Server errors that say "not now" rather than "no": too many connections, the server starting or failing over,
 *  serialization failures and deadlocks, Azure SQL's "database unavailable / busy" family. The server refused the
 *  statement (it did not run: each is its own transaction), so running it again is safe. */
const TRANSIENT: Record<DatabaseEngine, ReadonlySet<string>> = {
  postgresql: new Set(["53000", "53300", "53400", "57P01", "57P02", "57P03", "40001", "40P01"]),
  mysql: new Set(["ER_CON_COUNT_ERROR", "ER_TOO_MANY_USER_CONNECTIONS", "ER_LOCK_WAIT_TIMEOUT", "ER_LOCK_DEADLOCK"]),
  sql: new Set(["1205", "4060", "4221", "10928", "10929", "40197", "40501", "40613", "49918", "49919", "49920"]),
};
/** A statement that sets up the session (made again on the new session a retry opens). */
const SESSION_SETTING = /^\s*SET\s/i;
/** Waits before the second and third attempt. */
const RETRY_DELAYS_MS = [1_000, 2_000];

function isTransientDatabaseError(engine: DatabaseEngine, e: unknown): boolean {
  return e instanceof DatabaseStatementError && e.answered && e.serverCode !== undefined && TRANSIENT[engine].has(e.serverCode);
}

export function createDatabaseExecutor(drivers: Partial<Record<DatabaseEngine, Driver>> = {}, retryDelaysMs: readonly number[] = RETRY_DELAYS_MS): DatabaseExecutor {
  const once = async (r: DatabaseSessionRequest, statements: string[]) => (drivers[r.engine] ?? await DEFAULT_DRIVERS[r.engine]())({
    serverName: r.serverName, host: r.host, port: r.port, database: r.database, user: r.user, token: r.token, timeoutMs: r.timeoutMs ?? 15_000,
  }, statements);
  /** Runs the statements; a transient refusal runs the rest again from the refused statement on a new session, after
   *  the session settings that came before it (`SET …`); what ran before it stays done (its rows: [] in their place). */
  const run = async (r: DatabaseSessionRequest, statements: string[]) => {
    let from = 0;
    for (let attempt = 0; ; attempt++) {
      const replay = statements.slice(0, from).filter((t) => SESSION_SETTING.test(t));
      try {
        const rows = await once(r, [...replay, ...statements.slice(from)]);
        return [...statements.slice(0, from).map((): Row[] => []), ...rows.slice(replay.length)];
      } catch (e) {
        const delay = retryDelaysMs[attempt];
        if (delay === undefined || !isTransientDatabaseError(r.engine, e)) throw e;
        const refused = (e as DatabaseStatementError).statement;
        const at = refused === undefined ? -1 : statements.indexOf(refused, from);
        if (at >= 0) from = at;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  };
  return {
    runStatements: (r) => run(r, r.statements),
    async userExists(r) {
      const [rows] = await run(r, [r.existsQuery]);
      return (rows ?? []).length > 0;
    },
  };
}

export { DatabaseStatementError };
export type { Row } from "./drivers/driver.js";
