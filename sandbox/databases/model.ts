// The database emulators' state: per server, the Entra principals created in it (with their grants), and a log of
// every statement executed (who ran it, on which database). The interpreters understand exactly the user-management
// statements linkwright runs — anything else is refused with the engine's syntax error, never silently accepted.
import { Cursor, splitStatements, SqlSyntaxError, tokenize, type Dialect } from "./lexer.js";

export interface DbPrincipal {
  name: string;
  /** PostgreSQL / SQL: the object id; MySQL: what CREATE AADUSER was IDENTIFIED BY. */
  externalId: string;
  /** PostgreSQL: service | user | group. */
  type?: string;
  grants: string[];
}

export interface ExecutedStatement {
  server: string;
  database: string;
  /** The login name (SQL Server: the token's oid). */
  user: string;
  /** The token's object id. */
  oid: string;
  sql: string;
  ok: boolean;
  error?: string;
}

export interface StatementResult {
  /** PostgreSQL command tag / MySQL OK / SQL DONE. */
  tag: string;
  columns?: string[];
  rows?: (string | null)[][];
}

/** An error as the engine reports it (SQLSTATE for PostgreSQL, error number for MySQL and SQL Server). */
export class DbError extends Error {
  constructor(readonly code: string, message: string, readonly number = 0) {
    super(message);
  }
}

export interface Session {
  server: string;
  database: string;
  user: string;
  oid: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class ServerModel {
  readonly principals = new Map<string, DbPrincipal>();
  readonly executed: ExecutedStatement[] = [];
  constructor(readonly engine: Dialect, readonly fqdn: string) {}

  private key(name: string): string {
    return this.engine === "sql" ? name.toLowerCase() : name; // SQL Server's default collation is case-insensitive
  }
  get(name: string): DbPrincipal | undefined { return this.principals.get(this.key(name)); }
  add(p: DbPrincipal): void { this.principals.set(this.key(p.name), p); }
  remove(name: string): boolean { return this.principals.delete(this.key(name)); }

  /** Runs a query text (one or more statements); results in order, the first error stops and throws. */
  run(session: Session, text: string): StatementResult[] {
    let statements;
    try {
      statements = splitStatements(tokenize(this.engine, text));
    } catch (e) {
      this.log(session, text, e as Error);
      throw syntaxError(this.engine, (e as Error).message);
    }
    const results: StatementResult[] = [];
    for (const tokens of statements) {
      const cursor = new Cursor(tokens);
      const raw = tokens.map((t) => t.value).join(" ");
      try {
        const r = this.engine === "postgresql" ? postgres(this, cursor) : this.engine === "mysql" ? mysql(this, cursor) : sqlServer(this, cursor);
        results.push(r);
        this.log(session, text, undefined);
      } catch (e) {
        this.log(session, text, e as Error);
        if (e instanceof SqlSyntaxError) throw syntaxError(this.engine, `${e.message} (in: ${raw})`);
        throw e;
      }
    }
    return results;
  }

  private log(s: Session, sql: string, error: Error | undefined): void {
    this.executed.push({ server: this.fqdn, database: s.database, user: s.user, oid: s.oid, sql, ok: !error, ...(error ? { error: error.message } : {}) });
  }
}

function syntaxError(engine: Dialect, message: string): DbError {
  return engine === "postgresql" ? new DbError("42601", message)
    : engine === "mysql" ? new DbError("42000", `You have an error in your SQL syntax: ${message}`, 1064)
    : new DbError("S0001", `Incorrect syntax: ${message}`, 102);
}

function exists(columns: string[], found: boolean): StatementResult {
  return { tag: found ? "SELECT 1" : "SELECT 0", columns, rows: found ? [["1"]] : [] };
}

function postgres(m: ServerModel, c: Cursor): StatementResult {
  const missing = (name: string) => new DbError("42704", `role "${name}" does not exist`);
  if (c.accept("SET")) { while (!c.done) c.name(), c.acceptPunct("="); return { tag: "SET" }; }
  if (c.accept("SELECT")) {
    // SELECT 1 AS present FROM pg_roles WHERE rolname = '…'  |  select * from pgaadauth_create_principal_with_oid(…)
    if (c.acceptPunct("*")) {
      c.expect("FROM", "PGAADAUTH_CREATE_PRINCIPAL_WITH_OID");
      c.expectPunct("(");
      const name = c.string(); c.expectPunct(",");
      const oid = c.string(); c.expectPunct(",");
      const type = c.string(); c.expectPunct(",");
      const isAdmin = c.name(); c.expectPunct(",");
      const isMfa = c.name(); c.expectPunct(")"); c.end();
      if (!GUID.test(oid)) throw new DbError("22023", `invalid object id "${oid}"`);
      if (!["service", "user", "group"].includes(type)) throw new DbError("22023", `invalid principal type "${type}"`);
      if (!/^(true|false)$/i.test(isAdmin) || !/^(true|false)$/i.test(isMfa)) throw new DbError("42804", "isAdmin and isMfa must be boolean");
      if (m.get(name)) throw new DbError("42710", `role "${name}" already exists`);
      m.add({ name, externalId: oid, type, grants: [] });
      return { tag: "SELECT 1", columns: ["pgaadauth_create_principal_with_oid"], rows: [[`Created role for "${name}"`]] };
    }
    return selectExists(m, c, "PG_ROLES", "ROLNAME");
  }
  if (c.accept("GRANT")) {
    const what = c.until("TO"); c.expect("TO");
    const name = c.name(); c.end();
    const p = m.get(name);
    if (!p) throw missing(name);
    p.grants.push(what);
    return { tag: "GRANT" };
  }
  if (c.accept("REVOKE")) {
    const what = c.until("FROM"); c.expect("FROM");
    const name = c.name(); c.end();
    const p = m.get(name);
    if (!p) throw missing(name);
    p.grants = p.grants.filter((g) => g !== what);
    return { tag: "REVOKE" };
  }
  if (c.accept("DROP", "ROLE")) {
    const ifExists = c.accept("IF", "EXISTS");
    const name = c.name(); c.end();
    const p = m.get(name);
    if (!p && !ifExists) throw missing(name);
    if (p && p.grants.length) throw new DbError("2BP01", `role "${name}" cannot be dropped because some objects depend on it`);
    m.remove(name);
    return { tag: "DROP ROLE" };
  }
  throw new SqlSyntaxError("statement not supported by the sandbox PostgreSQL emulator");
}

/** `<n> AS present FROM <table> WHERE <column> = '<name>'` (the SELECT keyword already consumed). */
function selectExists(m: ServerModel, c: Cursor, table: string, column: string, extra?: (c: Cursor) => void): StatementResult {
  if (!c.acceptNumber()) throw new SqlSyntaxError("only SELECT 1 … existence queries are served by the sandbox emulator");
  const alias = c.accept("AS") ? c.name() : "present";
  c.expect("FROM");
  const schema = c.name();
  const full = c.acceptPunct(".") ? `${schema}.${c.name()}` : schema;
  if (full.toUpperCase() !== table) throw new SqlSyntaxError(`relation "${full}" is not served by the sandbox emulator`);
  c.expect("WHERE");
  if (c.name().toUpperCase() !== column) throw new SqlSyntaxError(`column filter not supported`);
  c.expectPunct("=");
  const name = c.string();
  extra?.(c);
  c.end();
  return exists([alias], Boolean(m.get(name)));
}

function mysqlUser(c: Cursor): string {
  const name = c.string();
  c.expectPunct("@");
  const host = c.string();
  if (host !== "%") throw new DbError("HY000", `only '%' hosts are served by the sandbox emulator, not '${host}'`, 1396);
  return name;
}

function mysql(m: ServerModel, c: Cursor): StatementResult {
  if (c.accept("SET")) {
    const v = c.name(); c.expectPunct("="); const value = c.name(); c.end();
    if (v.toLowerCase() !== "aad_auth_validate_oids_in_tenant" || !/^(on|off)$/i.test(value)) throw new DbError("HY000", `Unknown system variable '${v}'`, 1193);
    return { tag: "OK" };
  }
  if (c.accept("FLUSH")) { c.name(); c.end(); return { tag: "OK" }; }
  if (c.accept("DROP", "USER")) {
    const ifExists = c.accept("IF", "EXISTS");
    const name = mysqlUser(c); c.end();
    if (!m.get(name) && !ifExists) throw new DbError("HY000", `Operation DROP USER failed for '${name}'@'%'`, 1396);
    m.remove(name);
    return { tag: "OK" };
  }
  if (c.accept("CREATE", "AADUSER")) {
    const name = c.string(); c.expect("IDENTIFIED", "BY"); const id = c.string(); c.end();
    if (!GUID.test(id)) throw new DbError("HY000", `'${id}' is not a valid object or client id`, 1396);
    if (m.get(name)) throw new DbError("HY000", `Operation CREATE USER failed for '${name}'@'%'`, 1396);
    m.add({ name, externalId: id, grants: [] });
    return { tag: "OK" };
  }
  if (c.accept("GRANT")) {
    const what = c.until("TO"); c.expect("TO");
    const name = mysqlUser(c); c.end();
    const p = m.get(name);
    if (!p) throw new DbError("42000", "You are not allowed to create a user with GRANT", 1410);
    p.grants.push(what);
    return { tag: "OK" };
  }
  if (c.accept("SELECT")) {
    return selectExists(m, c, "MYSQL.USER", "USER", (cur) => {
      cur.expect("AND");
      if (cur.name().toUpperCase() !== "HOST") throw new SqlSyntaxError("expected host");
      cur.expectPunct("=");
      if (cur.string() !== "%") throw new SqlSyntaxError("only host '%'");
    });
  }
  throw new SqlSyntaxError("statement not supported by the sandbox MySQL emulator");
}

function sqlServer(m: ServerModel, c: Cursor): StatementResult {
  if (c.accept("DROP", "USER")) {
    const ifExists = c.accept("IF", "EXISTS");
    const name = c.name(); c.end();
    if (!m.get(name) && !ifExists) throw new DbError("S0001", `Cannot drop the user '${name}', because it does not exist or you do not have permission.`, 15151);
    m.remove(name);
    return { tag: "DONE" };
  }
  if (c.accept("CREATE", "USER")) {
    const name = c.name();
    c.expect("FROM", "EXTERNAL", "PROVIDER");
    let oid = "";
    if (c.accept("WITH", "OBJECT_ID")) { c.expectPunct("="); oid = c.string(); }
    c.end();
    if (oid && !GUID.test(oid)) throw new DbError("S0001", `'${oid}' is not a valid object id.`, 33134);
    if (m.get(name)) throw new DbError("S0001", `User, group, or role '${name}' already exists in the current database.`, 15023);
    m.add({ name, externalId: oid, grants: [] });
    return { tag: "DONE" };
  }
  if (c.accept("GRANT")) {
    const what = c.until("TO"); c.expect("TO");
    const name = c.name(); c.end();
    const p = m.get(name);
    if (!p) throw new DbError("S0001", `Cannot find the user '${name}', because it does not exist or you do not have permission.`, 15151);
    p.grants.push(what);
    return { tag: "DONE" };
  }
  if (c.accept("SELECT")) return selectExists(m, c, "SYS.DATABASE_PRINCIPALS", "NAME");
  throw new SqlSyntaxError("statement not supported by the sandbox SQL Server emulator");
}
