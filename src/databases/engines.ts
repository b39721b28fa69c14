// The three database engines whose Entra principals need a database user (targets.md §5b): which catalogue kind
// each serves, the port a server listens on, the token audience of its Entra logins, and how its Entra admin is
// set (the prerequisite the step checks through ARM and names, with the exact `az` command, when it is missing).
import type { TargetKind } from "../catalogue/types.js";
import type { DatabaseEngine } from "../model/steps.js";

export interface EngineProfile {
  engine: DatabaseEngine;
  targetKind: TargetKind;
  displayName: string;
  defaultPort: number;
  /** Token scope of the engine's Entra logins (resource + "/.default"). */
  tokenScope: string;
  /** The longest user name the engine accepts. */
  maxUserNameLength: number;
}

export const ENGINES: Record<DatabaseEngine, EngineProfile> = {
  sql: {
    engine: "sql", targetKind: "sql", displayName: "Azure SQL Database", defaultPort: 1433,
    tokenScope: "https://database.windows.net/.default", maxUserNameLength: 128,
  },
  postgresql: {
    engine: "postgresql", targetKind: "postgres-flexible", displayName: "Azure Database for PostgreSQL flexible server", defaultPort: 5432,
    tokenScope: "https://ossrdbms-aad.database.windows.net/.default", maxUserNameLength: 63,
  },
  mysql: {
    engine: "mysql", targetKind: "mysql-flexible", displayName: "Azure Database for MySQL flexible server", defaultPort: 3306,
    tokenScope: "https://ossrdbms-aad.database.windows.net/.default", maxUserNameLength: 32,
  },
};

/** The engine of a catalogue target kind, if that kind grants in a database. */
export function engineOfKind(kind: string): DatabaseEngine | undefined {
  return (Object.values(ENGINES).find((e) => e.targetKind === kind))?.engine;
}
