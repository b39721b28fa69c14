// Identity auth to a database end to end: ServiceLinker client → ARM endpoint → linkwright in the dev host → saga
// (identity, then the database user for its principal) → the ARM emulator and the database wire emulators.
// linkwright logs in as the server's Microsoft Entra admin (set through ARM, as a platform team would), creates the
// user for the web app's identity, and delete drops it. Without the admin the linker fails with the prerequisite and
// the exact statements, and nothing is left changed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLinkwright, type Linkwright } from "./linkwright.js";
import { grantLinkwrightPlatformAccess, LINKWRIGHT_ADMIN_LOGIN } from "../../sandbox/seed/platform-grants.js";

const PG_FQDN = "lw-demo-pg.postgres.database.azure.com";
const MY_FQDN = "lw-demo-mysql.mysql.database.azure.com";
const SQL_FQDN = "lw-demo-sql.database.windows.net";

let lw: Linkwright;
let self: { principalId: string };
beforeAll(async () => {
  lw = await startLinkwright({ databases: true });
  self = lw.te.emulator.seedResult!.linkwrightIdentity;
}, 60_000);
afterAll(async () => { await lw?.stop(); });

/** Every write renews etags (as in Azure) even where it restores the content: compare without them. */
const withoutEtags = (state: string) => JSON.stringify(JSON.parse(state, (k, v) => (k === "etag" ? undefined : v)));
const settingsOf = (id: string) => ((lw.te.emulator.store.get(id) as { appSettings?: Record<string, string> }).appSettings ?? {});
const webPrincipal = () => (lw.te.emulator.store.get(lw.ids.webApp!)!.identity as { principalId?: string } | undefined)?.principalId;
const db = () => lw.databases!.emulators;
const body = (id: string) => ({ targetService: { type: "AzureResource" as const, id }, authInfo: { authType: "systemAssignedIdentity" as const }, clientType: "nodejs" });

describe("database user through the connection saga", () => {
  it("without linkwright as the Entra admin the linker fails with the prerequisite and the statements; nothing changes", async () => {
    const before = lw.comparableState();
    const failed = await lw.client.linker.beginCreateOrUpdateAndWait(lw.ids.webApp!, "pgnoadmin", body(lw.ids.postgresDatabase!)).catch((e: unknown) => e);
    const message = String((failed as Error).message);
    expect(message).toContain("DatabaseUserPrerequisiteNotMet");
    expect(message).toContain("Prerequisite:");
    expect(message).toContain("pgaadauth_create_principal_with_oid");
    expect(message).toContain("az postgres flexible-server");
    const linker = await lw.client.linker.get(lw.ids.webApp!, "pgnoadmin");
    expect(linker.provisioningState).toBe("Failed");
    expect(db().principals(PG_FQDN)).toEqual([]);
    expect(db().executed(PG_FQDN).filter((x) => !x.sql.startsWith("SELECT 1"))).toEqual([]);
    expect(lw.diff(withoutEtags(before), withoutEtags(lw.comparableState()))).toEqual([]);
    await lw.client.linker.beginDeleteAndWait(lw.ids.webApp!, "pgnoadmin");
  });

  it("PostgreSQL flexible: creates the user for the web app's identity, validates, and delete drops it", async () => {
    // As npm start does: linkwright becomes the Entra admin of the three demo servers through ARM.
    const granted = await grantLinkwrightPlatformAccess(lw.te.emulator);
    expect(granted.filter((g) => g.startsWith("Microsoft Entra admin"))).toHaveLength(3);
    const before = lw.comparableState();
    const created = await lw.client.linker.beginCreateOrUpdateAndWait(lw.ids.webApp!, "pgconn", body(lw.ids.postgresDatabase!));
    expect(created.provisioningState).toBe("Succeeded");
    const principalId = webPrincipal()!;
    expect(db().principals(PG_FQDN)).toEqual([expect.objectContaining({ name: "aad_pgconn", externalId: principalId })]);
    const ran = db().executed(PG_FQDN).filter((x) => x.ok && !x.sql.startsWith("SELECT 1"));
    expect(ran.length).toBeGreaterThan(0);
    expect(ran.every((x) => x.oid === self.principalId && x.user === LINKWRIGHT_ADMIN_LOGIN)).toBe(true);
    const settings = settingsOf(lw.ids.webApp!);
    expect(Object.keys(settings).filter((k) => k.startsWith("AZURE_POSTGRESQL_")).length).toBeGreaterThan(0);
    expect(JSON.stringify(settings)).toContain("aad_pgconn");

    const validated = await lw.client.linker.beginValidateAndWait(lw.ids.webApp!, "pgconn");
    expect(validated.isConnectionAvailable, JSON.stringify(validated.validationDetail)).toBe(true);
    expect(validated.validationDetail?.find((d) => d.name === "Database user")?.result, JSON.stringify(validated.validationDetail)).toBe("success");

    // A second connection to the same database has its own user (aad_<connection>); each delete drops only its own.
    expect((await lw.client.linker.beginCreateOrUpdateAndWait(lw.ids.webApp!, "pgconn2", body(lw.ids.postgresDatabase!))).provisioningState).toBe("Succeeded");
    expect(db().principals(PG_FQDN).map((p) => p.name).sort()).toEqual(["aad_pgconn", "aad_pgconn2"]);
    await lw.client.linker.beginDeleteAndWait(lw.ids.webApp!, "pgconn");
    expect(db().principals(PG_FQDN).map((p) => p.name)).toEqual(["aad_pgconn2"]);
    await lw.client.linker.beginDeleteAndWait(lw.ids.webApp!, "pgconn2");
    expect(db().principals(PG_FQDN)).toEqual([]);
    expect(lw.diff(withoutEtags(before), withoutEtags(lw.comparableState()))).toEqual([]);
  });

  it("MySQL flexible and Azure SQL: the user exists after create and is gone after delete", async () => {
    const before = lw.comparableState();

    const my = await lw.client.linker.beginCreateOrUpdateAndWait(lw.ids.webApp!, "myconn", body(lw.ids.mysqlDatabase!));
    expect(my.provisioningState).toBe("Succeeded");
    // CREATE AADUSER names a managed identity by its client id, which only the identity's own resource reports.
    const systemIdentity = await lw.arm("GET", `${lw.ids.webApp}/providers/Microsoft.ManagedIdentity/identities/default?api-version=2023-01-31`);
    expect(systemIdentity.status, systemIdentity.text).toBe(200);
    expect(db().principals(MY_FQDN)).toEqual([expect.objectContaining({ name: "aad_myconn", externalId: systemIdentity.json().properties.clientId })]);
    const sqlLinker = await lw.client.linker.beginCreateOrUpdateAndWait(lw.ids.webApp!, "sqlconn", body(lw.ids.sqlDatabase!));
    expect(sqlLinker.provisioningState).toBe("Succeeded");
    const webName = lw.ids.webApp!.split("/").pop()!;
    expect(db().principals(SQL_FQDN)).toEqual([expect.objectContaining({ name: webName, externalId: webPrincipal() })]);
    const validated = await lw.client.linker.beginValidateAndWait(lw.ids.webApp!, "sqlconn");
    expect(validated.validationDetail?.find((d) => d.name === "Database user")?.result, JSON.stringify(validated.validationDetail)).toBe("success");

    // SQL users are per identity: a second connection shares the user, which goes with the last of them.
    expect((await lw.client.linker.beginCreateOrUpdateAndWait(lw.ids.webApp!, "sqlconn2", body(lw.ids.sqlDatabase!))).provisioningState).toBe("Succeeded");
    expect(db().principals(SQL_FQDN)).toHaveLength(1);

    await lw.client.linker.beginDeleteAndWait(lw.ids.webApp!, "myconn");
    expect(db().principals(MY_FQDN)).toEqual([]);
    await lw.client.linker.beginDeleteAndWait(lw.ids.webApp!, "sqlconn");
    expect(db().principals(SQL_FQDN)).toHaveLength(1);
    await lw.client.linker.beginDeleteAndWait(lw.ids.webApp!, "sqlconn2");
    expect(db().principals(SQL_FQDN)).toEqual([]);
    expect(lw.diff(withoutEtags(before), withoutEtags(lw.comparableState()))).toEqual([]);
  });
});
