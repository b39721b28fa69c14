// Endpoint routing (LINKWRIGHT_DATABASE_ENDPOINTS) and the emulators' statement model, as pure units.
import { describe, expect, it } from "vitest";
import { parseEndpointRoutes, resolveEndpoint } from "../../src/databases/endpoints.js";
import { readDatabaseSettings } from "../../src/config/settings.js";
import { selfFromToken, adminCommands } from "../../src/databases/admin.js";
import { ServerModel, DbError } from "../../sandbox/databases/model.js";

const session = { server: "s", database: "postgres", user: "admin", oid: "o" };

describe("LINKWRIGHT_DATABASE_ENDPOINTS", () => {
  it("routes a server name to host:port, case-insensitively, and leaves others on the FQDN", () => {
    const routes = parseEndpointRoutes(JSON.stringify({ "My-PG.postgres.database.azure.com": "127.0.0.1:6543", "x.mysql.database.azure.com": "[::1]:3307" }));
    expect(resolveEndpoint("my-pg.postgres.database.azure.com", 5432, routes)).toEqual({ fqdn: "my-pg.postgres.database.azure.com", host: "127.0.0.1", port: 6543 });
    expect(resolveEndpoint("x.mysql.database.azure.com", 3306, routes)).toMatchObject({ host: "::1", port: 3307 });
    expect(resolveEndpoint("other.database.windows.net", 1433, routes)).toEqual({ fqdn: "other.database.windows.net", host: "other.database.windows.net", port: 1433 });
    expect(parseEndpointRoutes(undefined).size).toBe(0);
    const wild = parseEndpointRoutes(JSON.stringify({ "*.postgres.database.azure.com": "127.0.0.1:1", "b.postgres.database.azure.com": "127.0.0.1:2" }));
    expect(resolveEndpoint("a.postgres.database.azure.com", 5432, wild).port).toBe(1);
    expect(resolveEndpoint("b.postgres.database.azure.com", 5432, wild).port).toBe(2);
    expect(resolveEndpoint("a.b.postgres.database.azure.com", 5432, wild).host).toBe("a.b.postgres.database.azure.com");
    expect(() => parseEndpointRoutes(JSON.stringify({ "*": "h:1" }))).toThrow(/not a server name/);
  });

  it("refuses malformed settings instead of silently using the public name", () => {
    expect(() => parseEndpointRoutes("{not json")).toThrow(/not JSON/);
    expect(() => parseEndpointRoutes("[]")).toThrow(/JSON object/);
    expect(() => parseEndpointRoutes(JSON.stringify({ "a.b.c": "127.0.0.1" }))).toThrow(/host:port/);
    expect(() => parseEndpointRoutes(JSON.stringify({ "a.b.c": "h:70000" }))).toThrow(/host:port/);
    expect(() => parseEndpointRoutes(JSON.stringify({ "a.b.c": 5432 }))).toThrow(/string/);
    expect(() => readDatabaseSettings({ LINKWRIGHT_DATABASE_ENDPOINTS: "{" })).toThrow();
    expect(readDatabaseSettings({ WEBSITE_SITE_NAME: "lw-func" }).selfDisplayName).toBe("lw-func");
  });
});

describe("admin prerequisite helpers", () => {
  it("reads linkwright's ids from its token and quotes the az arguments", () => {
    const payload = Buffer.from(JSON.stringify({ oid: "oid-1", appid: "app-1" })).toString("base64url");
    expect(selfFromToken(`h.${payload}.s`, "lw")).toEqual({ objectId: "oid-1", clientId: "app-1", displayName: "lw" });
    expect(() => selfFromToken("opaque", "lw")).toThrow(/not a JWT|no oid/);
    const [cmd] = adminCommands("sql", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Sql/servers/srv", { objectId: "oid-1", displayName: "my app $x" });
    expect(cmd).toBe('az sql server ad-admin create --resource-group rg --server-name srv --display-name "my app \\$x" --object-id oid-1');
  });
});

describe("emulator statement model", () => {
  it("refuses statements it does not model, with the engine's error", () => {
    const pg = new ServerModel("postgresql", "s");
    expect(() => pg.run(session, "CREATE TABLE t (a int)")).toThrow(DbError);
    try { pg.run(session, "CREATE TABLE t (a int)"); } catch (e) { expect((e as DbError).code).toBe("42601"); }
    expect(pg.executed.every((x) => !x.ok)).toBe(true);
  });

  it("reads E'' strings and doubled quotes back to the exact name; DROP ROLE needs the grants revoked", () => {
    const pg = new ServerModel("postgresql", "s");
    pg.run(session, `select * from pgaadauth_create_principal_with_oid(E'a\\\\b''c', '11111111-2222-3333-4444-555555555555', 'service', false, false); GRANT ALL PRIVILEGES ON DATABASE "d" TO "a\\b'c"`);
    expect([...pg.principals.keys()]).toEqual(["a\\b'c"]);
    expect(() => pg.run(session, `DROP ROLE "a\\b'c"`)).toThrow(/cannot be dropped/);
    pg.run(session, `REVOKE ALL PRIVILEGES ON DATABASE "d" FROM "a\\b'c"; DROP ROLE "a\\b'c"`);
    expect(pg.principals.size).toBe(0);
  });

  it("MySQL: CREATE AADUSER twice fails with 1396; GRANT to a missing user with 1410", () => {
    const my = new ServerModel("mysql", "s");
    my.run(session, "CREATE AADUSER 'u' IDENTIFIED BY '11111111-2222-3333-4444-555555555555'");
    expect(() => my.run(session, "CREATE AADUSER 'u' IDENTIFIED BY '11111111-2222-3333-4444-555555555555'")).toThrow(expect.objectContaining({ number: 1396 }));
    expect(() => my.run(session, "GRANT ALL PRIVILEGES ON `d`.* TO 'v'@'%'")).toThrow(expect.objectContaining({ number: 1410 }));
  });
});
