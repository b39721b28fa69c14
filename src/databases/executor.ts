// One executor over the three drivers: run statements on a server as its Entra admin, or ask whether a user exists.
import type { DatabaseEngine } from "../model/steps.js";
import type { Driver, DriverConnection, Row } from "./drivers/driver.js";

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

export function createDatabaseExecutor(drivers: Partial<Record<DatabaseEngine, Driver>> = {}): DatabaseExecutor {
  const run = async (r: DatabaseSessionRequest, statements: string[]) => (drivers[r.engine] ?? await DEFAULT_DRIVERS[r.engine]())({
    serverName: r.serverName, host: r.host, port: r.port, database: r.database, user: r.user, token: r.token, timeoutMs: r.timeoutMs ?? 15_000,
  }, statements);
  return {
    runStatements: (r) => run(r, r.statements),
    async userExists(r) {
      const [rows] = await run(r, [r.existsQuery]);
      return (rows ?? []).length > 0;
    },
  };
}

export { DatabaseStatementError } from "./drivers/driver.js";
export type { Row } from "./drivers/driver.js";
