// The database-user step as production runs it: linkwright's managed identity (ARM emulator) checks the Entra admin
// prerequisite through ARM, then logs in to the wire emulators with its own token, routed by
// LINKWRIGHT_DATABASE_ENDPOINTS, and runs the catalogue's statements.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgreSQLManagementFlexibleServerClient } from "@azure/arm-postgresql-flexible";
import { SqlManagementClient } from "@azure/arm-sql";
import { startStepsSandbox, type StepsSandbox } from "./support.js";
import { rawRequest } from "../sandbox-arm/support/raw.js";
import type { DatabaseEmulators } from "../../sandbox/databases/index.js";
import { startSandboxDatabases } from "../../sandbox/databases/sandbox.js";
import { createDatabaseExecutor } from "../../src/databases/executor.js";
import { parseEndpointRoutes } from "../../src/databases/endpoints.js";
import { createDatabaseUserStep, databaseUserInputFor, databaseUserStep, statementsOf } from "../../src/steps/databaseUser.js";
import { type DatabaseUserInput } from "../../src/model/steps.js";
import { readDatabaseSettings } from "../../src/config/settings.js";
import { parseResourceId } from "../../src/azure/resourceId.js";

const PG_FQDN = "lw-demo-pg.postgres.database.azure.com";
const MY_FQDN = "lw-demo-mysql.mysql.database.azure.com";
const SQL_FQDN = "lw-demo-sql.database.windows.net";

let sb: StepsSandbox;
let db: DatabaseEmulators;
let principal: { name: string; objectId: string; clientId: string; type: "ServicePrincipal" };
let self: { principalId: string; clientId: string };
let rg: string;

beforeAll(async () => {
  sb = await startStepsSandbox();
  // As the sandbox runs them: tokens checked against the ARM emulator, logins only for each server's Entra admin.
  const databases = await startSandboxDatabases(sb.te.emulator);
  db = databases.emulators;
  // As a deployment's settings reach the step: read by the one settings module, handed over in the step context.
  sb.ctx.databases = readDatabaseSettings({ ...databases.appSettings, LINKWRIGHT_DATABASE_TIMEOUT_MS: "5000" });
  self = sb.te.emulator.seedResult!.linkwrightIdentity;
  rg = parseResourceId(sb.ids.postgresDatabase!)!.resourceGroup!;
  const uami = parseResourceId(sb.ids.userIdentity!)!;
  const mi = await sb.ctx.clients.msi(uami.subscriptionId).userAssignedIdentities.get(uami.resourceGroup!, sb.ids.userIdentity!.split("/").pop()!);
  principal = { name: mi.name!, objectId: mi.principalId!, clientId: mi.clientId!, type: "ServicePrincipal" };
}, 60_000);

afterAll(async () => {
  await db?.close();
  await sb?.close();
});

const serverOf = (databaseId: string) => databaseId.replace(/\/databases\/[^/]+$/, "");

function inputFor(kind: string, databaseId: string): DatabaseUserInput {
  return databaseUserInputFor({
    targetKind: kind, targetResourceId: serverOf(databaseId), targetId: databaseId, targetFacts: { databaseName: "appdb" },
    principal, connectionName: "conn_1",
  })!;
}

/** Runs statements on the sandbox's PostgreSQL server as its Entra admin (linkwright's identity), outside the step. */
async function asEntraAdmin(input: DatabaseUserInput, statements: string[]): Promise<void> {
  const [host, port] = db.endpoints["*.postgres.database.azure.com"]!.split(":");
  await createDatabaseExecutor().runStatements({
    engine: "postgresql", serverName: PG_FQDN, host: host!, port: Number(port), database: "postgres", user: "lw-linkwright",
    token: await sb.ctx.clients.dataPlaneToken(statementsOf(input).tokenScope), statements, timeoutMs: 5_000,
  });
}

describe("databaseUserInputFor", () => {
  it("builds the input for database targets only, with the catalogue's default user names", () => {
    expect(inputFor("postgres-flexible", sb.ids.postgresDatabase!)).toMatchObject({ engine: "postgresql", userName: "aad_conn_1", databaseName: "appdb", serverId: serverOf(sb.ids.postgresDatabase!) });
    expect(inputFor("mysql-flexible", sb.ids.mysqlDatabase!)).toMatchObject({ engine: "mysql", userName: "aad_conn_1" });
    expect(inputFor("sql", sb.ids.sqlDatabase!)).toMatchObject({ engine: "sql", userName: principal.name });
    expect(databaseUserInputFor({ targetKind: "storage-blob", targetResourceId: sb.ids.storageAccount!, targetId: sb.ids.storageAccount!, targetFacts: {}, principal })).toBeUndefined();
    const custom = databaseUserInputFor({ targetKind: "postgres-flexible", targetResourceId: "x", targetId: sb.ids.postgresDatabase!, targetFacts: { userName: `o'neil"s` }, principal });
    expect(custom!.userName).toBe(`o'neil"s`);
    expect(databaseUserInputFor({ targetKind: "sql", targetResourceId: sb.ids.sqlDatabase!, targetId: sb.ids.sqlDatabase!, targetFacts: {}, principal })!.serverId)
      .toBe(serverOf(sb.ids.sqlDatabase!));
    expect(() => databaseUserInputFor({ targetKind: "mysql-flexible", targetResourceId: "x", targetId: sb.ids.mysqlDatabase!, targetFacts: {}, principal })).toThrow(/connection name/);
  });
});

describe("database user step — PostgreSQL flexible", () => {
  it("reports the statements and the missing prerequisite, then creates, keeps, verifies and drops the user", async () => {
    const input = inputFor("postgres-flexible", sb.ids.postgresDatabase!);
    const stmts = statementsOf(input);

    // Entra auth disabled, no admin: dry run lists the statements + the fix; apply fails loudly; verify says why.
    const blocked = await databaseUserStep.plan(input, sb.ctx);
    expect(blocked.changes).toEqual(expect.arrayContaining(stmts.create));
    expect(blocked.changes.at(-1)).toMatch(/Cannot run yet.*az postgres flexible-server update .*--active-directory-auth Enabled/);
    await expect(databaseUserStep.apply(input, sb.ctx)).rejects.toMatchObject({ code: "DatabaseUserPrerequisiteNotMet" });
    const unverifiable = await databaseUserStep.verify(input, sb.ctx);
    expect(unverifiable).toMatchObject({ result: "failure", errorCode: "DatabaseUserUnverifiable" });
    expect(unverifiable.errorMessage).toContain(stmts.create[0]);
    expect(unverifiable.errorMessage).toContain("Prerequisite:");

    // Entra auth on, but linkwright is not the admin: the exact ad-admin command names its object id.
    const pg = new PostgreSQLManagementFlexibleServerClient(sb.te.credential, sb.te.subscriptionId, sb.te.clientOptions);
    await pg.servers.beginUpdateAndWait(rg, "lw-demo-pg", { authConfig: { activeDirectoryAuth: "Enabled", passwordAuth: "Enabled" } });
    const notAdmin = await databaseUserStep.apply(input, sb.ctx).catch((e: Error) => e);
    expect((notAdmin as Error).message).toContain(`az postgres flexible-server ad-admin create --resource-group ${rg} --server-name lw-demo-pg --display-name linkwright --object-id ${self.principalId} --type ServicePrincipal`);
    expect(db.executed(PG_FQDN)).toHaveLength(0);
    // The emulated server refuses the login as Azure would (linkwright is not its admin yet).
    const [host, port] = db.endpoints["*.postgres.database.azure.com"]!.split(":");
    const direct = await createDatabaseExecutor().userExists({
      engine: "postgresql", serverName: PG_FQDN, host: host!, port: Number(port), database: "postgres", user: "lw-linkwright",
      token: await sb.ctx.clients.dataPlaneToken(stmts.tokenScope), existsQuery: stmts.exists, timeoutMs: 5_000,
    }).catch((e: Error) => e);
    expect((direct as Error).message).toMatch(/password authentication failed for user "lw-linkwright": principal .* is not a Microsoft Entra admin/);

    await pg.administratorsMicrosoftEntra.beginCreateOrUpdateAndWait(rg, "lw-demo-pg", self.principalId, { principalType: "ServicePrincipal", principalName: "lw-linkwright", tenantId: sb.te.tenantId });
    const plan = await databaseUserStep.plan(input, sb.ctx);
    expect(plan.changes.slice(1)).toEqual(stmts.create);

    // Admin in place but the server unreachable: still reported, never skipped.
    const unreachable = createDatabaseUserStep({
      settings: () => ({ routes: parseEndpointRoutes('{"*.postgres.database.azure.com": "127.0.0.1:1"}'), selfDisplayName: "linkwright", timeoutMs: 2_000 }),
    });
    const dry = await unreachable.plan(input, sb.ctx);
    expect(dry.changes.slice(1, -1)).toEqual(stmts.create);
    expect(dry.changes.at(-1)).toMatch(/^Cannot run yet — .*Could not open the database session/);
    await expect(unreachable.apply(input, sb.ctx)).rejects.toMatchObject({ code: "DatabaseUserNotCreated" });
    expect(await unreachable.verify(input, sb.ctx)).toMatchObject({ result: "failure", errorCode: "DatabaseUserUnverifiable" });

    const first = await databaseUserStep.apply(input, sb.ctx);
    expect(first).toMatchObject({ changed: true, prior: { created: true }, outputs: { databaseUser: "aad_conn_1" } });
    const ran = db.executed(PG_FQDN).filter((x) => x.ok && !x.sql.startsWith("SELECT 1"));
    expect(ran.map((x) => x.sql)).toEqual(stmts.create);
    expect(ran.every((x) => x.user === "lw-linkwright" && x.oid === self.principalId && x.database === "postgres")).toBe(true);
    expect(db.principals(PG_FQDN)).toEqual([expect.objectContaining({ name: "aad_conn_1", externalId: principal.objectId, type: "service" })]);

    const before = db.executed(PG_FQDN).length;
    expect(await databaseUserStep.apply(input, sb.ctx)).toMatchObject({ changed: false });
    expect(db.executed(PG_FQDN).slice(before).map((x) => x.sql)).toEqual([stmts.exists]);
    expect((await databaseUserStep.plan(input, sb.ctx)).changes).toEqual([]);
    expect((await databaseUserStep.verify(input, sb.ctx)).result).toBe("success");

    await databaseUserStep.compensate(input, first.prior!, sb.ctx);
    expect(db.principals(PG_FQDN)).toEqual([]);
    const missing = await databaseUserStep.verify(input, sb.ctx);
    expect(missing).toMatchObject({ result: "failure", errorCode: "DatabaseUserMissing" });
    expect(missing.errorMessage).toContain(stmts.create.join(" "));
  });
});

describe("database user step — MySQL flexible", () => {
  it("needs linkwright as the server's Entra admin, then creates the AADUSER once and drops it on compensation", async () => {
    const input = inputFor("mysql-flexible", sb.ids.mysqlDatabase!);
    const stmts = statementsOf(input);
    const err = await databaseUserStep.apply(input, sb.ctx).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/has no Microsoft Entra admin.*az mysql flexible-server ad-admin create .*--object-id/);

    const server = serverOf(sb.ids.mysqlDatabase!);
    const token = (await sb.te.credential.getToken("https://management.azure.com/.default"))!.token;
    const patched = await rawRequest(sb.te.endpoint, "PATCH", `${server}?api-version=2023-12-30`, { token, body: JSON.stringify({ identity: { type: "UserAssigned", userAssignedIdentities: { [sb.ids.userIdentity!]: {} } } }) });
    expect(patched.status, patched.text).toBe(200);
    const admin = await rawRequest(sb.te.endpoint, "PUT", `${server}/administrators/ActiveDirectory?api-version=2023-12-30`, {
      token, body: JSON.stringify({ properties: { administratorType: "ActiveDirectory", login: "lw-linkwright", sid: self.principalId, tenantId: sb.te.tenantId, identityResourceId: sb.ids.userIdentity } }),
    });
    expect(admin.status, admin.text).toBe(201);

    const first = await databaseUserStep.apply(input, sb.ctx);
    expect(first.changed).toBe(true);
    expect(db.executed(MY_FQDN).filter((x) => !x.sql.startsWith("SELECT 1")).map((x) => x.sql)).toEqual(stmts.create);
    expect(db.executed(MY_FQDN).every((x) => x.user === "lw-linkwright" && x.database === "appdb")).toBe(true);
    expect(db.principals(MY_FQDN)).toEqual([expect.objectContaining({ name: "aad_conn_1", externalId: principal.clientId })]);
    expect((await databaseUserStep.apply(input, sb.ctx)).changed).toBe(false);
    expect((await databaseUserStep.verify(input, sb.ctx)).result).toBe("success");
    await databaseUserStep.compensate(input, first.prior!, sb.ctx);
    expect(db.principals(MY_FQDN)).toEqual([]);

    // A GRANT the server refuses (injected: the emulator grants whatever it is asked) leaves no half-made user.
    const real = createDatabaseExecutor();
    const refusingGrants = createDatabaseUserStep({
      executor: {
        userExists: (r) => real.userExists(r),
        runStatements: async (r) => {
          const at = r.statements.findIndex((x) => x.startsWith("GRANT"));
          if (at < 0) return real.runStatements(r);
          await real.runStatements({ ...r, statements: r.statements.slice(0, at) });
          throw new Error(`Statement failed: ${r.statements[at]} — Access denied`);
        },
      },
    });
    const refused = await refusingGrants.apply(input, sb.ctx).catch((e: Error) => e);
    expect(refused).toMatchObject({ code: "DatabaseUserNotCreated" });
    expect((refused as Error).message).toContain("What had been created was dropped again.");
    expect(db.principals(MY_FQDN)).toEqual([]);
  });
});

describe("database user step — Azure SQL", () => {
  it("checks the Entra admin's sid, then creates the contained user bound to the object id", async () => {
    const input = inputFor("sql", sb.ids.sqlDatabase!);
    const stmts = statementsOf(input);
    const sql = new SqlManagementClient(sb.te.credential, sb.te.subscriptionId, sb.te.clientOptions);
    await sql.serverAzureADAdministrators.beginCreateOrUpdateAndWait(rg, "lw-demo-sql", "ActiveDirectory", { administratorType: "ActiveDirectory", login: "someone-else", sid: sb.te.emulator.credentials.admin.objectId, tenantId: sb.te.tenantId });
    const other = await databaseUserStep.verify(input, sb.ctx);
    expect(other.errorMessage).toMatch(/its admin is 'someone-else'.*az sql server ad-admin create --resource-group .* --server-name lw-demo-sql --display-name linkwright --object-id /);

    await sql.serverAzureADAdministrators.beginCreateOrUpdateAndWait(rg, "lw-demo-sql", "ActiveDirectory", { administratorType: "ActiveDirectory", login: "lw-linkwright", sid: self.principalId, tenantId: sb.te.tenantId });
    const first = await databaseUserStep.apply(input, sb.ctx);
    expect(first.changed).toBe(true);
    expect(db.executed(SQL_FQDN).filter((x) => !x.sql.startsWith("SELECT 1")).map((x) => x.sql)).toEqual(stmts.create);
    expect(db.executed(SQL_FQDN).every((x) => x.oid === self.principalId && x.database === "appdb")).toBe(true);
    expect(db.principals(SQL_FQDN)).toEqual([expect.objectContaining({ name: principal.name, externalId: principal.objectId })]);
    expect((await databaseUserStep.verify(input, sb.ctx)).result).toBe("success");
    await databaseUserStep.compensate(input, first.prior!, sb.ctx);
    expect(db.principals(SQL_FQDN)).toEqual([]);
  });
});

describe("database user step — answers lost after the statement ran (fault matrix)", () => {
  it("a CREATE whose answer was lost took effect: recorded as created and granted; a lost DROP took effect too", async () => {
    const pg = new PostgreSQLManagementFlexibleServerClient(sb.te.credential, sb.te.subscriptionId, sb.te.clientOptions);
    await pg.servers.beginUpdateAndWait(rg, "lw-demo-pg", { authConfig: { activeDirectoryAuth: "Enabled", passwordAuth: "Enabled" } });
    await pg.administratorsMicrosoftEntra.beginCreateOrUpdateAndWait(rg, "lw-demo-pg", self.principalId, { principalType: "ServicePrincipal", principalName: "lw-linkwright", tenantId: sb.te.tenantId });
    const input = { ...inputFor("postgres-flexible", sb.ids.postgresDatabase!), userName: "aad_lost_answer" };
    const user = () => db.principals(PG_FQDN).find((p) => p.name === "aad_lost_answer");
    try {
      db.faults.add({ sql: "pgaadauth_create_principal_with_oid", mode: "lost" });
      const out = await databaseUserStep.apply(input, sb.ctx);
      expect(out).toMatchObject({ changed: true, prior: { created: true } });
      expect(user()?.grants.length).toBeGreaterThan(0);

      db.faults.add({ sql: "^\\s*DROP ROLE", mode: "lost" });
      await databaseUserStep.compensate(input, out.prior!, sb.ctx);
      expect(user()).toBeUndefined();
      expect(db.faults.rules.every((r) => r.hits === 1)).toBe(true);
    } finally {
      db.faults.clear();
    }
  });

  it("a DROP the server refused after the REVOKEs ran: the user keeps its grants (left as it was)", async () => {
    const input = { ...inputFor("postgres-flexible", sb.ids.postgresDatabase!), userName: "aad_drop_refused" };
    const out = await databaseUserStep.apply(input, sb.ctx);
    const user = () => db.principals(PG_FQDN).find((p) => p.name === "aad_drop_refused");
    const granted = user()!.grants;
    expect(granted.length).toBeGreaterThan(0);
    try {
      db.faults.add({ sql: "^\\s*DROP ROLE", mode: "error", code: "2BP01", message: "role owns objects (injected)", times: -1 });
      await expect(databaseUserStep.compensate(input, out.prior!, sb.ctx)).rejects.toMatchObject({ code: "DatabaseUserNotDropped" });
      expect(user()?.grants).toEqual(granted);
    } finally {
      db.faults.clear();
    }
    await databaseUserStep.compensate(input, out.prior!, sb.ctx);
    expect(user()).toBeUndefined();
  });

  it("a CREATE the server refused because the user exists: someone else's user, left alone", async () => {
    const input = { ...inputFor("postgres-flexible", sb.ids.postgresDatabase!), userName: "aad_someone_elses" };
    // Created by someone else between linkwright's probe (answered "absent") and its CREATE.
    await asEntraAdmin(input, [statementsOf(input).createUser.at(-1)!]);
    const real = createDatabaseExecutor();
    let probes = 0;
    const step = createDatabaseUserStep({ executor: { ...real, userExists: async (r) => (probes++ === 0 ? false : real.userExists(r)) } });
    await expect(step.apply(input, sb.ctx)).rejects.toMatchObject({ code: "DatabaseUserNotCreated", message: expect.stringContaining("was not created by linkwright") });
    expect(db.principals(PG_FQDN).find((p) => p.name === "aad_someone_elses")).toBeDefined();
  });
});

describe("database user step — run again after the host died (kill-and-resume)", () => {
  it("an undo run again after an earlier run dropped the user finds it gone (its REVOKEs find no role): done", async () => {
    const input = { ...inputFor("postgres-flexible", sb.ids.postgresDatabase!), userName: "aad_undo_twice" };
    const out = await databaseUserStep.apply(input, sb.ctx);
    await databaseUserStep.compensate(input, out.prior!, sb.ctx);
    await databaseUserStep.compensate(input, out.prior!, sb.ctx);
    expect(db.principals(PG_FQDN).find((p) => p.name === "aad_undo_twice")).toBeUndefined();
  });

  it("a create resumed after its CREATE ran but before its grants: the resumed run grants the user it created", async () => {
    const input = { ...inputFor("postgres-flexible", sb.ids.postgresDatabase!), userName: "aad_resumed" };
    // What the killed run left: the CREATE ran (and the run wrote { created: true } ahead of it), the grants did not.
    await asEntraAdmin(input, statementsOf(input).createUser);
    const user = () => db.principals(PG_FQDN).find((p) => p.name === "aad_resumed");
    expect(user()?.grants).toEqual([]);
    const now = await databaseUserStep.apply(input, sb.ctx);
    expect(now.changed).toBe(false);
    expect(await databaseUserStep.resume!({ created: true }, now, input, sb.ctx)).toEqual({ created: true });
    expect(user()?.grants.length).toBeGreaterThan(0);
    await databaseUserStep.compensate(input, { created: true }, sb.ctx);
    expect(user()).toBeUndefined();
  });
});
