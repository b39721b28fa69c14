// The statements per engine, rendered from the catalogue's templates, with hostile names kept inside their quotes.
import { describe, expect, it } from "vitest";
import { databaseUserStatements, renderTemplate, StatementsError } from "../../src/databases/statements.js";
import { quoteIdentifier, quoteLiteral } from "../../src/databases/quoting.js";

const OID = "11111111-2222-3333-4444-555555555555";
const CID = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";

describe("database user statements", () => {
  it("SQL: the catalogue's statements, the user bound by object id, bracket-quoted", () => {
    const s = databaseUserStatements({ engine: "sql", databaseName: "appdb", userName: "my-app", objectId: OID, principalType: "ServicePrincipal" });
    expect(s.create).toEqual([
      `CREATE USER [my-app] FROM EXTERNAL PROVIDER WITH OBJECT_ID = '${OID}';`,
      "GRANT CONTROL ON DATABASE::[appdb] TO [my-app];",
    ]);
    expect(s.connectDatabase).toBe("appdb");
    expect(s.tokenScope).toBe("https://database.windows.net/.default");
    expect(s.prerequisite).toContain("az sql server ad-admin create");
    expect(s.createUser).toEqual([s.create[0]]);
    expect(s.grant).toEqual([s.create[1]]);
    expect(s.drop).toEqual(["DROP USER IF EXISTS [my-app];"]);
    expect(s.exists).toBe("SELECT 1 AS present FROM sys.database_principals WHERE name = 'my-app';");
  });

  it("PostgreSQL: pgaadauth_create_principal_with_oid on the postgres database, then the grants", () => {
    const s = databaseUserStatements({ engine: "postgresql", databaseName: "appdb", userName: "aad_conn1", objectId: OID, clientId: CID, principalType: "ServicePrincipal" });
    expect(s.create).toEqual([
      `select * from pgaadauth_create_principal_with_oid('aad_conn1', '${OID}', 'service', false, false);`,
      'GRANT ALL PRIVILEGES ON DATABASE "appdb" TO "aad_conn1";',
      'GRANT ALL PRIVILEGES ON ALL TABLES IN SCHEMA public TO "aad_conn1";',
      'GRANT ALL PRIVILEGES ON ALL SEQUENCES IN SCHEMA public TO "aad_conn1";',
    ]);
    expect(s.connectDatabase).toBe("postgres");
    expect(s.tokenScope).toBe("https://ossrdbms-aad.database.windows.net/.default");
    expect(s.drop).toEqual([
      'REVOKE ALL PRIVILEGES ON DATABASE "appdb" FROM "aad_conn1";',
      'REVOKE ALL PRIVILEGES ON ALL TABLES IN SCHEMA public FROM "aad_conn1";',
      'REVOKE ALL PRIVILEGES ON ALL SEQUENCES IN SCHEMA public FROM "aad_conn1";',
      'DROP ROLE IF EXISTS "aad_conn1";',
    ]);
    expect(s.exists).toBe("SELECT 1 AS present FROM pg_roles WHERE rolname = 'aad_conn1';");
    const user = databaseUserStatements({ engine: "postgresql", databaseName: "appdb", userName: "aad_u", objectId: OID, principalType: "User" });
    expect(user.create[0]).toContain(`'${OID}', 'user', false, false`);
  });

  it("MySQL: CREATE AADUSER identified by the client id (the object id for a user), on the target database", () => {
    const s = databaseUserStatements({ engine: "mysql", databaseName: "appdb", userName: "aad_conn1", objectId: OID, clientId: CID, principalType: "ServicePrincipal" });
    expect(s.create).toEqual([
      "SET aad_auth_validate_oids_in_tenant = OFF;",
      `CREATE AADUSER 'aad_conn1' IDENTIFIED BY '${CID}';`,
      "GRANT ALL PRIVILEGES ON `appdb`.* TO 'aad_conn1'@'%';",
      "FLUSH privileges;",
    ]);
    expect(s.connectDatabase).toBe("appdb");
    expect(s.createUser).toEqual(s.create.slice(0, 2)); // the session setting, then CREATE AADUSER
    expect(s.grant).toEqual(s.create.slice(2));
    expect(s.drop).toEqual(["DROP USER IF EXISTS 'aad_conn1'@'%';"]);
    expect(s.exists).toBe("SELECT 1 AS present FROM mysql.user WHERE user = 'aad_conn1' AND host = '%';");
    const user = databaseUserStatements({ engine: "mysql", databaseName: "appdb", userName: "aad_u", objectId: OID, principalType: "User" });
    expect(user.create[1]).toBe(`CREATE AADUSER 'aad_u' IDENTIFIED BY '${OID}';`);
    expect(() => databaseUserStatements({ engine: "mysql", databaseName: "appdb", userName: "aad_x", objectId: OID, principalType: "ServicePrincipal" }))
      .toThrow(/needs <identifiedBy>/);
  });

  it("keeps hostile names inside their quotes", () => {
    const evil = `x]"'\`\\; DROP TABLE t; --`;
    const sql = databaseUserStatements({ engine: "sql", databaseName: "d]b", userName: evil, objectId: OID, principalType: "ServicePrincipal" });
    expect(sql.create[0]).toBe(`CREATE USER [x]]"'\`\\; DROP TABLE t; --] FROM EXTERNAL PROVIDER WITH OBJECT_ID = '${OID}';`);
    expect(sql.create[1]).toBe(`GRANT CONTROL ON DATABASE::[d]]b] TO [x]]"'\`\\; DROP TABLE t; --];`);
    const pg = databaseUserStatements({ engine: "postgresql", databaseName: 'd"b', userName: evil, objectId: OID, principalType: "ServicePrincipal" });
    expect(pg.create[0]).toBe(`select * from pgaadauth_create_principal_with_oid(E'x]"''\`\\\\; DROP TABLE t; --', '${OID}', 'service', false, false);`);
    expect(pg.create[1]).toBe(`GRANT ALL PRIVILEGES ON DATABASE "d""b" TO "x]""'\`\\; DROP TABLE t; --";`);
    const my = databaseUserStatements({ engine: "mysql", databaseName: "d`b", userName: "a'b\\c", objectId: OID, clientId: CID, principalType: "ServicePrincipal" });
    expect(my.create[1]).toBe(`CREATE AADUSER 'a''b\\\\c' IDENTIFIED BY '${CID}';`);
    expect(my.create[2]).toBe("GRANT ALL PRIVILEGES ON `d``b`.* TO 'a''b\\\\c'@'%';");
  });

  it("refuses control characters, non-GUID ids, over-long names and unquoted placeholders", () => {
    expect(() => databaseUserStatements({ engine: "sql", databaseName: "db", userName: "a\u0000b", objectId: OID, principalType: "User" })).toThrow(StatementsError);
    expect(() => databaseUserStatements({ engine: "sql", databaseName: "db", userName: "a", objectId: "x' OR 1=1", principalType: "User" })).toThrow(/not a GUID/);
    expect(() => databaseUserStatements({ engine: "mysql", databaseName: "db", userName: "a".repeat(33), objectId: OID, clientId: CID, principalType: "ServicePrincipal" })).toThrow(/longer than 32/);
    expect(() => renderTemplate("postgresql", "DROP ROLE <u>;", { u: "x" })).toThrow(/not quoted/);
  });

  it("quotes literals per engine", () => {
    expect(quoteLiteral("sql", "é'")).toBe("N'é'''");
    expect(quoteLiteral("postgresql", "a\\b")).toBe("E'a\\\\b'");
    expect(quoteIdentifier("mysql", "a`b")).toBe("`a``b`");
  });
});
