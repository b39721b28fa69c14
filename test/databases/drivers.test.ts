// The real drivers (pg, mysql2, tedious) against the wire emulators: TLS verified against the server FQDN while the
// socket goes to the configured route, the Entra token as the password (verified by audience), statements run.
import { afterAll, beforeAll, describe, expect, it, inject } from "vitest";
import { startTestEmulator, type TestEmulator } from "../sandbox-arm/support/emulator.js";
import { armEmulatorTokenVerifier, startDatabaseEmulators, type DatabaseEmulators } from "../../sandbox/databases/index.js";
import { createDatabaseExecutor, DatabaseStatementError, type DatabaseSessionRequest } from "../../src/databases/executor.js";
import { parseEndpointRoutes, resolveEndpoint } from "../../src/databases/endpoints.js";
import { databaseUserStatements } from "../../src/databases/statements.js";
import { ENGINES } from "../../src/databases/engines.js";
import { type DatabaseEngine } from "../../src/model/steps.js";

const OID = "0b8f2f64-5a5c-4c1e-9a55-0d3f3e1c2b11";
const CID = "7c1d7a54-3d1b-4d35-9a0e-1f2e3d4c5b6a";
const SERVERS: Record<DatabaseEngine, string> = {
  postgresql: "lw-drv-pg.postgres.database.azure.com",
  mysql: "lw-drv-my.mysql.database.azure.com",
  sql: "lw-drv-sql.database.windows.net",
};

let te: TestEmulator;
let db: DatabaseEmulators;
const executor = createDatabaseExecutor();

beforeAll(async () => {
  te = await startTestEmulator();
  const tokenVerifier = await armEmulatorTokenVerifier({ armEndpoint: te.endpoint, tenantId: te.tenantId, caCertFile: te.emulator.caCertFile });
  db = await startDatabaseEmulators({ tokenVerifier, certDir: inject("armCerts").certDir });
}, 60_000);
afterAll(async () => { await db?.close(); await te?.close(); });

async function session(engine: DatabaseEngine, database: string, resource = ENGINES[engine].tokenScope.replace("/.default", "")): Promise<DatabaseSessionRequest> {
  const routes = parseEndpointRoutes(JSON.stringify(db.endpoints));
  const ep = resolveEndpoint(SERVERS[engine], ENGINES[engine].defaultPort, routes);
  return {
    engine, serverName: ep.fqdn, host: ep.host, port: ep.port, database, user: "lw-admin",
    token: await te.emulator.tokenFor("admin", resource), timeoutMs: 5_000,
  };
}

describe.each(["postgresql", "mysql"] as DatabaseEngine[])("%s driver + emulator", (engine) => {
  const hostile = engine === "mysql" ? `a'b\`c"d\\e` : `a'b]c"d\\e; --`;
  const stmts = databaseUserStatements({ engine, databaseName: 'app"db', userName: hostile, objectId: OID, clientId: CID, principalType: "ServicePrincipal" });

  it("creates the user with the exact statements, reads it back by its exact name, then drops it", async () => {
    const s = await session(engine, stmts.connectDatabase);
    expect(await executor.userExists({ ...s, existsQuery: stmts.exists })).toBe(false);
    await executor.runStatements({ ...s, statements: stmts.create });
    expect(await executor.userExists({ ...s, existsQuery: stmts.exists })).toBe(true);
    const created = db.principals(SERVERS[engine]).find((p) => p.name === hostile);
    expect(created?.externalId).toBe(engine === "mysql" ? CID : OID);
    expect(created?.grants.length).toBeGreaterThan(0);
    const log = db.executed(SERVERS[engine]);
    expect(log.map((x) => x.sql)).toEqual(expect.arrayContaining(stmts.create));
    expect(log.every((x) => x.user === "lw-admin" && x.oid === te.emulator.credentials.admin.objectId && x.database === stmts.connectDatabase)).toBe(true);

    await expect(executor.runStatements({ ...s, statements: [stmts.create.find((x) => /pgaadauth|CREATE AADUSER/.test(x))!] }))
      .rejects.toMatchObject({ serverCode: engine === "postgresql" ? "42710" : "ER_CANNOT_USER" });
    await executor.runStatements({ ...s, statements: stmts.drop });
    expect(await executor.userExists({ ...s, existsQuery: stmts.exists })).toBe(false);
  });

  it("refuses a token for another audience", async () => {
    const s = await session(engine, stmts.connectDatabase, "https://management.azure.com");
    const err = await executor.runStatements({ ...s, statements: [stmts.exists] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatabaseStatementError);
    expect((err as Error).message).toMatch(/audience/);
    expect((err as DatabaseStatementError).statement).toBeUndefined();
  });

  it("verifies TLS against the server name, not the route", async () => {
    const s = await session(engine, stmts.connectDatabase);
    const err = await executor.runStatements({ ...s, serverName: "lw-other.example.com", statements: [stmts.exists] }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/altnames|Hostname|certificate/i);
  });

  it("serves a server by the name the client asks for (SNI), and only names of its engine", async () => {
    const s = await session(engine, stmts.connectDatabase);
    const other = engine === "mysql" ? "lw-drv-other.mysql.database.azure.com" : "lw-drv-other.postgres.database.azure.com";
    await executor.runStatements({ ...s, serverName: other, statements: [stmts.create.find((x) => /pgaadauth|CREATE AADUSER/.test(x))!] });
    expect(db.principals(other).map((p) => p.name)).toEqual([hostile]);
    expect(db.principals(SERVERS[engine]).map((p) => p.name)).not.toContain(hostile);
    const wrongEngine = engine === "mysql" ? SERVERS.postgresql : SERVERS.mysql;
    await expect(executor.runStatements({ ...s, serverName: wrongEngine, statements: [stmts.exists] })).rejects.toThrow(/is not a (mysql|postgresql) server name/);
  });

  it("reports the statement the server refused", async () => {
    const s = await session(engine, stmts.connectDatabase);
    const bad = engine === "mysql" ? "GRANT ALL PRIVILEGES ON `x`.* TO 'nobody'@'%';" : 'GRANT ALL PRIVILEGES ON DATABASE "x" TO "nobody";';
    const err = await executor.runStatements({ ...s, statements: [bad] }).catch((e: unknown) => e) as DatabaseStatementError;
    expect(err.statement).toBe(bad);
    expect(err.message).toContain(bad);
  });
});

describe("sql driver (tedious, TDS 8.0 strict) + emulator", () => {
  const stmts = databaseUserStatements({ engine: "sql", databaseName: "app]db", userName: `it's [my] "app"`, objectId: OID, principalType: "ServicePrincipal" });

  it("logs in with the access token, creates the contained user and drops it", async () => {
    const s = await session("sql", stmts.connectDatabase);
    expect(await executor.userExists({ ...s, existsQuery: stmts.exists })).toBe(false);
    await executor.runStatements({ ...s, statements: stmts.create });
    expect(await executor.userExists({ ...s, existsQuery: stmts.exists })).toBe(true);
    expect(db.principals(SERVERS.sql)).toEqual([expect.objectContaining({ name: `it's [my] "app"`, externalId: OID, grants: ["CONTROL ON DATABASE :: app]db"] })]);
    expect(db.executed(SERVERS.sql).every((x) => x.oid === te.emulator.credentials.admin.objectId && x.database === "app]db")).toBe(true);
    const dup = await executor.runStatements({ ...s, statements: [stmts.createUser.at(-1)!] }).catch((e: unknown) => e) as DatabaseStatementError;
    expect([dup.serverCode, dup.statement]).toEqual(["15023", stmts.createUser.at(-1)]);
    await executor.runStatements({ ...s, statements: stmts.drop });
    expect(await executor.userExists({ ...s, existsQuery: stmts.exists })).toBe(false);
  });

  it("refuses a token for another audience and a certificate for another name", async () => {
    const wrongAudience = await session("sql", "appdb", "https://ossrdbms-aad.database.windows.net");
    await expect(executor.runStatements({ ...wrongAudience, statements: [stmts.exists] })).rejects.toThrow(/Login failed.*audience/);
    const s = await session("sql", "appdb");
    await expect(executor.runStatements({ ...s, serverName: "lw-other.example.com", statements: [stmts.exists] })).rejects.toThrow(/altnames|Hostname|certificate/i);
  });
});

describe.each(["postgresql", "mysql", "sql"] as DatabaseEngine[])("%s emulator faults", (engine) => {
  const stmts = databaseUserStatements({ engine, databaseName: "appdb", userName: `faulted_${engine}`, objectId: OID, clientId: CID, principalType: "ServicePrincipal" });
  const create = stmts.createUser.at(-1)!;

  it("error: fails before any effect; lost: takes effect, then drops the connection; slow: takes effect, answers late", async () => {
    const s = await session(engine, stmts.connectDatabase);
    const created = () => db.principals(SERVERS[engine]).some((p) => p.name === `faulted_${engine}`);
    try {
      db.faults.add({ sql: "faulted_", server: SERVERS[engine], mode: "error", message: "injected before any effect" });
      await expect(executor.runStatements({ ...s, statements: [create] })).rejects.toThrow(/injected before any effect/);
      expect(created()).toBe(false);

      db.faults.add({ sql: "faulted_", server: SERVERS[engine], mode: "lost" });
      const lost = await executor.runStatements({ ...s, statements: [create] }).catch((e: unknown) => e);
      expect(lost).toBeInstanceOf(DatabaseStatementError);
      expect(created()).toBe(true);
      const snapshot = db.snapshot();
      await executor.runStatements({ ...s, statements: stmts.drop });
      expect(created()).toBe(false);
      db.restore(snapshot);
      expect(created()).toBe(true);
      await executor.runStatements({ ...s, statements: stmts.drop });

      db.faults.add({ sql: "faulted_", server: SERVERS[engine], mode: "slow", delayMs: 1_500 });
      const slow = await executor.runStatements({ ...s, timeoutMs: 500, statements: [create] }).catch((e: unknown) => e);
      expect(slow).toBeInstanceOf(Error);
      expect(created()).toBe(true);
      await executor.runStatements({ ...s, statements: stmts.drop });
      expect(db.faults.rules.every((r) => r.hits === 1)).toBe(true);
    } finally {
      db.faults.clear();
    }
  });
});

describe.each([
  ["postgresql", { code: "53300", message: "sorry, too many clients already (injected)" }, { code: "42501", message: "permission denied (injected)" }],
  ["mysql", { number: 1040, code: "08004", message: "Too many connections (injected)" }, { number: 1044, code: "42000", message: "Access denied (injected)" }],
  ["sql", { number: 40613, message: "Database is not currently available (injected)" }, { number: 15247, message: "User does not have permission (injected)" }],
] as [DatabaseEngine, { code?: string; number?: number; message: string }, { code?: string; number?: number; message: string }][])(
  "%s: transient refusals are run again", (engine, transient, refusal) => {
  const stmts = databaseUserStatements({ engine, databaseName: "appdb", userName: `retried_${engine}`, objectId: OID, clientId: CID, principalType: "ServicePrincipal" });
  const quick = createDatabaseExecutor({}, [10, 10]);

  it("a statement refused twice as 'not now' runs on the third attempt, from that statement on (what ran before runs once)", async () => {
    const s = await session(engine, stmts.connectDatabase);
    const last = stmts.create.at(-1)!;
    const escaped = last.slice(0, 40).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    try {
      const rule = db.faults.add({ sql: `^\\s*${escaped}`, server: SERVERS[engine], mode: "error", ...transient, times: 2 });
      const runsOf = (statement: string) => db.executed(SERVERS[engine]).filter((x) => x.sql === statement).length;
      const before = stmts.create.map(runsOf);
      await quick.runStatements({ ...s, statements: stmts.create });
      expect(rule.hits).toBe(2);
      expect(db.principals(SERVERS[engine]).find((p) => p.name === `retried_${engine}`)).toBeDefined();
      // Each statement before the refused one ran once, but a session setting, made again on each new session.
      stmts.create.slice(0, -1).forEach((statement, i) => expect(runsOf(statement) - before[i]!, statement).toBe(/^\s*SET\s/i.test(statement) ? 3 : 1));
    } finally {
      db.faults.clear();
      await quick.runStatements({ ...s, statements: stmts.drop });
    }
  });

  it("a refusal that means 'no' is not run again", async () => {
    const s = await session(engine, stmts.connectDatabase);
    try {
      const rule = db.faults.add({ sql: `retried_${engine}`, server: SERVERS[engine], mode: "error", ...refusal, times: -1 });
      await expect(quick.runStatements({ ...s, statements: [stmts.createUser.at(-1)!] })).rejects.toBeInstanceOf(DatabaseStatementError);
      expect(rule.hits).toBe(1);
    } finally {
      db.faults.clear();
    }
  });
});
