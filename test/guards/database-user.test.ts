// Database users (issue #11 §4): linkwright never drops a database user it did not create. The create statements
// hold no DROP; a user of the connection's name that appears between the step's existence probe and its CREATE
// (someone else's) makes the step fail with a clear error and stays as it is; only a user this apply created is
// dropped again when a later statement fails.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgreSQLManagementFlexibleServerClient } from "@azure/arm-postgresql-flexible";
import { SqlManagementClient } from "@azure/arm-sql";
import { startStepsSandbox, type StepsSandbox } from "../steps/support.js";
import { rawRequest } from "../sandbox-arm/support/raw.js";
import type { DatabaseEmulators } from "../../sandbox/databases/index.js";
import { startSandboxDatabases } from "../../sandbox/databases/sandbox.js";
import { createDatabaseExecutor, type DatabaseExecutor } from "../../src/databases/executor.js";
import { databaseUserStatements } from "../../src/databases/statements.js";
import { createDatabaseUserStep, databaseUserInputFor, statementsOf } from "../../src/steps/databaseUser.js";
import { type DatabaseUserInput } from "../../src/model/steps.js";
import { parseResourceId } from "../../src/azure/resourceId.js";
import { readDatabaseSettings } from "../../src/config/settings.js";

const FQDN = { postgresql: "lw-demo-pg.postgres.database.azure.com", mysql: "lw-demo-mysql.mysql.database.azure.com", sql: "lw-demo-sql.database.windows.net" };
const KIND = { postgresql: "postgres-flexible", mysql: "mysql-flexible", sql: "sql" } as const;
const FOREIGN = "99999999-8888-7777-6666-555555555555";

let sb: StepsSandbox;
let endpoints: string;
let db: DatabaseEmulators;
let principal: { name: string; objectId: string; clientId: string; type: "ServicePrincipal" };

beforeAll(async () => {
  sb = await startStepsSandbox();
  const databases = await startSandboxDatabases(sb.te.emulator);
  db = databases.emulators;
  endpoints = databases.appSettings.LINKWRIGHT_DATABASE_ENDPOINTS!;
  sb.ctx.databases = readDatabaseSettings({ ...databases.appSettings, LINKWRIGHT_DATABASE_TIMEOUT_MS: "5000" });
  const self = sb.te.emulator.seedResult!.linkwrightIdentity;
  const rg = parseResourceId(sb.ids.postgresDatabase!)!.resourceGroup!;
  const uami = parseResourceId(sb.ids.userIdentity!)!;
  const mi = await sb.ctx.clients.msi(uami.subscriptionId).userAssignedIdentities.get(uami.resourceGroup!, sb.ids.userIdentity!.split("/").pop()!);
  principal = { name: mi.name!, objectId: mi.principalId!, clientId: mi.clientId!, type: "ServicePrincipal" };
  // linkwright is the Microsoft Entra admin of the three servers (the prerequisite).
  const pg = new PostgreSQLManagementFlexibleServerClient(sb.te.credential, sb.te.subscriptionId, sb.te.clientOptions);
  await pg.servers.beginUpdateAndWait(rg, "lw-demo-pg", { authConfig: { activeDirectoryAuth: "Enabled", passwordAuth: "Enabled" } });
  await pg.administratorsMicrosoftEntra.beginCreateOrUpdateAndWait(rg, "lw-demo-pg", self.principalId, { principalType: "ServicePrincipal", principalName: "lw-linkwright", tenantId: sb.te.tenantId });
  const mysqlServer = sb.ids.mysqlDatabase!.replace(/\/databases\/[^/]+$/, "");
  const token = (await sb.te.credential.getToken("https://management.azure.com/.default"))!.token;
  await rawRequest(sb.te.endpoint, "PATCH", `${mysqlServer}?api-version=2023-12-30`, { token, body: JSON.stringify({ identity: { type: "UserAssigned", userAssignedIdentities: { [sb.ids.userIdentity!]: {} } } }) });
  const admin = await rawRequest(sb.te.endpoint, "PUT", `${mysqlServer}/administrators/ActiveDirectory?api-version=2023-12-30`, {
    token, body: JSON.stringify({ properties: { administratorType: "ActiveDirectory", login: "lw-linkwright", sid: self.principalId, tenantId: sb.te.tenantId, identityResourceId: sb.ids.userIdentity } }),
  });
  expect(admin.status, admin.text).toBe(201);
  const sql = new SqlManagementClient(sb.te.credential, sb.te.subscriptionId, sb.te.clientOptions);
  await sql.serverAzureADAdministrators.beginCreateOrUpdateAndWait(rg, "lw-demo-sql", "ActiveDirectory", { administratorType: "ActiveDirectory", login: "lw-linkwright", sid: self.principalId, tenantId: sb.te.tenantId });
}, 90_000);

afterAll(async () => {
  await db?.close();
  await sb?.close();
});

function inputFor(engine: keyof typeof KIND): DatabaseUserInput {
  const databaseId = engine === "postgresql" ? sb.ids.postgresDatabase! : engine === "mysql" ? sb.ids.mysqlDatabase! : sb.ids.sqlDatabase!;
  return databaseUserInputFor({
    targetKind: KIND[engine], targetResourceId: databaseId.replace(/\/databases\/[^/]+$/, ""), targetId: databaseId,
    targetFacts: { databaseName: "appdb" }, principal, connectionName: "conn_1",
  })!;
}

/** The statements someone else runs to create a user of the same name for another principal. */
function foreignCreate(engine: keyof typeof KIND, userName: string): string[] {
  const other = databaseUserStatements({ engine, databaseName: "appdb", userName, objectId: FOREIGN, clientId: FOREIGN, principalType: "ServicePrincipal" });
  return other.create.filter((s) => !/^\s*GRANT|^\s*FLUSH/i.test(s));
}

describe("database user: never drops a user linkwright did not create", () => {
  it("the create statements of every engine hold no DROP", () => {
    for (const engine of ["sql", "postgresql", "mysql"] as const) {
      const s = statementsOf(inputFor(engine));
      expect(s.create.filter((x) => /\bDROP\b/i.test(x)), engine).toEqual([]);
    }
  });

  for (const engine of ["mysql", "sql", "postgresql"] as const) {
    it(`${engine}: a same-name user that appears after the existence probe is left as it is and the step fails clearly`, async () => {
      const input = inputFor(engine);
      const real = createDatabaseExecutor();
      let probes = 0;
      // The race: the probe says "absent", then someone else creates the user before linkwright's CREATE runs.
      const racing: DatabaseExecutor = {
        userExists: async (r) => {
          if (probes++ === 0) {
            await real.runStatements({ ...r, statements: foreignCreate(engine, input.userName) });
            return false;
          }
          return real.userExists(r);
        },
        runStatements: (r) => real.runStatements(r),
      };
      try {
        const err = await createDatabaseUserStep({ executor: racing }).apply(input, sb.ctx).catch((e: Error) => e);
        expect(err).toMatchObject({ code: "DatabaseUserNotCreated" });
        expect((err as Error).message).toMatch(/already exists and was not created by linkwright; it was left as it is/);
        expect(db.principals(FQDN[engine])).toEqual([expect.objectContaining({ name: input.userName, externalId: FOREIGN, grants: [] })]);
        expect(db.executed(FQDN[engine]).filter((x) => /^\s*(DROP|REVOKE)/i.test(x.sql))).toEqual([]);
      } finally {
        await real.runStatements({ ...(await sessionOf(input)), statements: statementsOf(input).drop }); // tidy up for the next case
      }
    });
  }

  it("a user this apply created is dropped again when a later statement fails", async () => {
    const input = inputFor("sql");
    const real = createDatabaseExecutor();
    const refusingGrants = createDatabaseUserStep({
      executor: {
        userExists: (r) => real.userExists(r),
        runStatements: async (r) => {
          if (r.statements.some((x) => x.startsWith("GRANT"))) throw new Error(`Statement failed: ${r.statements[0]} — Access denied`);
          return real.runStatements(r);
        },
      },
    });
    const err = await refusingGrants.apply(input, sb.ctx).catch((e: Error) => e);
    expect((err as Error).message).toContain("What had been created was dropped again.");
    expect(db.principals(FQDN.sql)).toEqual([]);
  });
});

/** A session as the step opens it (linkwright's token, the admin login), for tidying up. */
async function sessionOf(input: DatabaseUserInput) {
  const stmts = statementsOf(input);
  const routes = JSON.parse(endpoints) as Record<string, string>;
  const fqdn = FQDN[input.engine];
  const route = Object.entries(routes).find(([k]) => fqdn.endsWith(k.replace(/^\*/, "")))![1];
  const [host, port] = route.split(":");
  return {
    engine: input.engine, serverName: fqdn, host: host!, port: Number(port), database: stmts.connectDatabase, user: "lw-linkwright",
    token: await sb.ctx.clients.dataPlaneToken(stmts.tokenScope), timeoutMs: 5_000,
  };
}
