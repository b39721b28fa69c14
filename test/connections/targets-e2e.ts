// Shared table and one-case runner for the per-target end-to-end files (targets-*.test.ts): through the official
// @azure/arm-servicelinker client → ARM emulator → dev host → durable saga → emulator, a target is connected from
// the seeded web app with one auth type, its written app settings are checked against listConfigurations,
// generateConfigurations and configurationNames, the connection is validated, deleted, and the emulator must be
// back to its snapshot.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LinkerResource } from "@azure/arm-servicelinker";
import { startLinkwright, type Linkwright } from "./linkwright.js";

export interface TargetCase {
  /** Catalogue kind, for messages. */
  kind: string;
  /** Request body of the PUT (SDK 2.1.0 model). */
  body: (ids: Record<string, string>) => LinkerResource;
  /** configurationNames `$filter` targetService value. */
  targetService: string;
  /**
   * A known defect outside the target's own code that makes validateLinker report a failure: the case then asserts
   * exactly that failure (so it flips to red once the defect is fixed and the entry must be removed).
   */
  validateBlockedBy?: { check: string; errorCode: string; reason: string };
  /** Values some written settings must have exactly (built from the sandbox: ids, endpoints). */
  expectWritten?: (lw: Linkwright) => Record<string, string>;
  /** Secret auth: where the secret the settings must carry comes from (the user's value, or the target's ARM answer). */
  secret?: { value: string } | { armPost: (ids: Record<string, string>) => string; pick: string } | { armGet: (ids: Record<string, string>) => string; pick: string };
}

const DB_PASSWORD = "Db-pa55word-for-linkwright!";
const identity = { authType: "systemAssignedIdentity" } as const;
const dbSecret = { authType: "secret", name: "appuser", secretInfo: { secretType: "rawValue", value: DB_PASSWORD } } as const;
const azure = (id: string) => ({ type: "AzureResource" as const, id });

export const TARGET_CASES: TargetCase[] = [
  { kind: "storage-blob", targetService: "Microsoft.Storage/storageAccounts/blobServices",
    body: (ids) => ({ targetService: azure(`${ids.storageAccount}/blobServices/default`), authInfo: identity, clientType: "dotnet" }) },
  { kind: "storage-queue", targetService: "Microsoft.Storage/storageAccounts/queueServices",
    body: (ids) => ({ targetService: azure(`${ids.storageAccount}/queueServices/default`), authInfo: identity, clientType: "python" }) },
  { kind: "storage-table", targetService: "Microsoft.Storage/storageAccounts/tableServices",
    body: (ids) => ({ targetService: azure(`${ids.storageAccount}/tableServices/default`), authInfo: identity, clientType: "java" }) },
  { kind: "storage-file", targetService: "Microsoft.Storage/storageAccounts/fileServices",
    body: (ids) => ({ targetService: azure(`${ids.storageAccount}/fileServices/default`), authInfo: { authType: "secret" }, clientType: "nodejs" }),
    secret: { armPost: (ids) => `${ids.storageAccount}/listKeys?api-version=2023-05-01`, pick: "keys.0.value" } },
  { kind: "keyvault", targetService: "Microsoft.KeyVault/vaults",
    body: (ids) => ({ targetService: azure(ids.keyVault!), authInfo: identity, clientType: "dotnet" }) },
  { kind: "sql", targetService: "Microsoft.Sql/servers/databases",
    body: (ids) => ({ targetService: azure(ids.sqlDatabase!), authInfo: dbSecret, clientType: "dotnet" }), secret: { value: DB_PASSWORD } },
  { kind: "postgres-flexible", targetService: "Microsoft.DBforPostgreSQL/flexibleServers/databases",
    body: (ids) => ({ targetService: azure(ids.postgresDatabase!), authInfo: dbSecret, clientType: "python" }), secret: { value: DB_PASSWORD } },
  { kind: "mysql-flexible", targetService: "Microsoft.DBforMySQL/flexibleServers/databases",
    body: (ids) => ({ targetService: azure(ids.mysqlDatabase!), authInfo: dbSecret, clientType: "nodejs" }), secret: { value: DB_PASSWORD } },
  { kind: "cosmos-sql", targetService: "Microsoft.DocumentDB/databaseAccounts/sqlDatabases",
    body: (ids) => ({ targetService: azure(ids.cosmosSqlDatabase!), authInfo: identity, clientType: "dotnet" }),
    // The list-key URL points at the ARM endpoint linkwright itself uses (the emulator here, a sovereign cloud's elsewhere).
    expectWritten: (lw) => ({
      AZURE_COSMOS_LISTCONNECTIONSTRINGURL: `${lw.te.endpoint.replace(/\/$/, "")}${lw.ids.cosmosAccount}/listConnectionStrings?api-version=2021-04-15`,
    }) },
  { kind: "servicebus", targetService: "Microsoft.ServiceBus/namespaces",
    body: (ids) => ({ targetService: azure(ids.serviceBus!), authInfo: identity, clientType: "java" }),
    expectWritten: () => ({ AZURE_SERVICEBUS_FULLYQUALIFIEDNAMESPACE: "lw-demo-sb.servicebus.windows.net" }) },
  { kind: "eventhub", targetService: "Microsoft.EventHub/namespaces",
    body: (ids) => ({ targetService: azure(ids.eventHubs!), authInfo: identity, clientType: "python" }) },
  { kind: "signalr", targetService: "Microsoft.SignalRService/SignalR",
    body: (ids) => ({ targetService: azure(ids.signalR!), authInfo: identity, clientType: "dotnet" }) },
  { kind: "webpubsub", targetService: "Microsoft.SignalRService/WebPubSub",
    body: (ids) => ({ targetService: azure(ids.webPubSub!), authInfo: identity, clientType: "nodejs" }) },
  { kind: "appconfig", targetService: "Microsoft.AppConfiguration/configurationStores",
    body: (ids) => ({ targetService: azure(ids.appConfig!), authInfo: identity, clientType: "dotnet" }) },
  { kind: "redis", targetService: "Microsoft.Cache/redis/databases",
    body: (ids) => ({ targetService: azure(ids.redis!), authInfo: { authType: "secret" }, clientType: "python" }),
    secret: { armPost: (ids) => `${ids.redis!.replace(/\/databases\/0$/, "")}/listKeys?api-version=2024-03-01`, pick: "primaryKey" } },
  { kind: "cognitiveservices", targetService: "Microsoft.CognitiveServices/accounts",
    body: (ids) => ({ targetService: azure(ids.cognitiveServices!), authInfo: identity, clientType: "python" }) },
  { kind: "app-insights", targetService: "microsoft.insights/components",
    body: (ids) => ({ targetService: azure(ids.appInsights!), authInfo: { authType: "secret" }, clientType: "dotnet" }),
    secret: { armGet: (ids) => `${ids.appInsights}?api-version=2020-02-02`, pick: "properties.ConnectionString" } },
  { kind: "confluent-kafka", targetService: "ConfluentBootstrapServer",
    body: () => ({
      targetService: { type: "ConfluentBootstrapServer", endpoint: "pkc-lw123.eastus.azure.confluent.cloud:9092" },
      authInfo: { authType: "secret", name: "KAFKAAPIKEY1", secretInfo: { secretType: "rawValue", value: "kafka-api-secret-value-1" } },
      clientType: "java",
    }) as LinkerResource,
    secret: { value: "kafka-api-secret-value-1" } },
];

type Settings = Record<string, string>;
const settingsOf = (lw: Linkwright, id: string): Settings => ((lw.te.emulator.store.get(id) as { appSettings?: Settings }).appSettings ?? {});

/** A raw call at the ARM endpoint as the test's admin (for what SDK 2.1.0 does not model). */
async function arm(lw: Linkwright, method: "GET" | "POST", path: string): Promise<{ status: number; json: unknown }> {
  const token = await lw.te.credential.getToken(`${lw.te.endpoint}/.default`);
  const res = await fetch(`${lw.te.endpoint}${path}`, {
    method,
    headers: { authorization: `Bearer ${token!.token}` },
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

/** The configurationNames cell, asked of the function app itself: the ARM emulator's Microsoft.ServiceLinker
 *  forwarding (sandbox/arm/providers/forwarding.ts) has no route for that tenant-level GET yet. */
async function configurationNamesOf(lw: Linkwright, c: TargetCase, clientType: string, authType: string): Promise<{ value: string; required: boolean }[]> {
  const token = await lw.te.credential.getToken(`${lw.te.endpoint}/.default`);
  const filter = `targetService eq '${c.targetService}' and clientType eq '${clientType}' and authType eq '${authType}'`;
  const res = await fetch(`${lw.host.baseUrl}/providers/Microsoft.ServiceLinker/configurationNames?api-version=2024-07-01-preview&$filter=${encodeURIComponent(filter)}`, {
    headers: { authorization: `Bearer ${token!.token}` },
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { value: { properties: { names: { value: string; required: boolean }[] } }[] };
  expect(body.value.length, `${c.kind} ${clientType} ${authType} in configurationNames`).toBe(1);
  return body.value[0]!.properties.names;
}

function pick(body: unknown, path: string): string {
  const v = path.split(".").reduce<unknown>((o, k) => (o && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined), body);
  if (typeof v !== "string" || !v) throw new Error(`no string at ${path} in ${JSON.stringify(body).slice(0, 200)}`);
  return v;
}

async function expectedSecret(lw: Linkwright, c: TargetCase): Promise<string | undefined> {
  const s = c.secret;
  if (!s) return undefined;
  if ("value" in s) return s.value;
  const res = "armPost" in s ? await arm(lw, "POST", s.armPost(lw.ids)) : await arm(lw, "GET", s.armGet(lw.ids));
  expect(res.status).toBe(200);
  return pick(res.json, s.pick);
}

/** Create → checks → validate → delete → snapshot, for one target on the web app. */
export async function connectValidateDelete(lw: Linkwright, c: TargetCase): Promise<void> {
  const webApp = lw.ids.webApp!;
  const name = `e2e${c.kind.replace(/[^a-z0-9]/g, "")}`;
  const body = c.body(lw.ids);
  const before = lw.comparableState();
  const settingsBefore = settingsOf(lw, webApp);

  const created = await lw.client.linker.beginCreateOrUpdateAndWait(webApp, name, body);
  expect(created.provisioningState, `${c.kind} create`).toBe("Succeeded");

  // What was written: the new app settings (none changed), against listConfigurations and generateConfigurations.
  const after = settingsOf(lw, webApp);
  for (const [k, v] of Object.entries(settingsBefore)) expect(after[k], `${k} kept`).toBe(v);
  const written = Object.fromEntries(Object.entries(after).filter(([k]) => !(k in settingsBefore)));
  expect(Object.keys(written).length, `${c.kind} wrote settings`).toBeGreaterThan(0);
  for (const v of Object.values(written)) expect(v).not.toMatch(/\{\{lw-secret:|undefined/);
  for (const [k, v] of Object.entries(c.expectWritten?.(lw) ?? {})) expect(written[k], `${c.kind}: ${k}`).toBe(v);

  const listed = (await lw.client.linker.listConfigurations(webApp, name)).configurations ?? [];
  for (const item of listed) expect(written[item.name!], `${c.kind} listed ${item.name}`).toBe(item.value);
  const secretNames = Object.keys(written).filter((k) => !listed.some((i) => i.name === k));
  if (body.authInfo!.authType !== "secret") expect(secretNames, `${c.kind}: identity auth writes no secret`).toEqual([]);
  else {
    expect(secretNames.length, `${c.kind}: secret auth writes a secret`).toBeGreaterThan(0);
    const secret = await expectedSecret(lw, c);
    expect(secret, `${c.kind}: the table names where its secret comes from`).toBeTruthy();
    expect(secretNames.some((k) => written[k]!.includes(secret!)), `${c.kind}: a secret setting carries the secret`).toBe(true);
    expect(JSON.stringify([created, listed]), `${c.kind}: responses never carry the secret`).not.toContain(secret!);
    expect(lw.logs(), `${c.kind}: logs never carry the secret`).not.toContain(secret!);
  }

  const generated = await arm(lw, "POST", `${webApp}/providers/Microsoft.ServiceLinker/linkers/${name}/generateConfigurations?api-version=2024-04-01`);
  expect(generated.status).toBe(200);
  const genItems = (generated.json as { configurations: { name: string; value: string | null }[] }).configurations;
  expect(genItems.map((i) => [i.name, i.value]).sort(), `${c.kind} generateConfigurations`).toEqual(listed.map((i) => [i.name, i.value]).sort());

  const names = await configurationNamesOf(lw, c, body.clientType!, body.authInfo!.authType);
  for (const k of Object.keys(written)) expect(names.map((n) => n.value), `${c.kind}: ${k} is a documented name`).toContain(k);
  for (const n of names.filter((x) => x.required)) expect(Object.keys(written), `${c.kind}: required ${n.value}`).toContain(n.value);

  const validated = await lw.client.linker.beginValidateAndWait(webApp, name, { updateIntervalInMs: 50 } as never);
  const blocked = c.validateBlockedBy;
  if (!blocked) {
    expect(validated.isConnectionAvailable, `${c.kind} validate: ${JSON.stringify(validated.validationDetail)}`).toBe(true);
  } else {
    const failing = (validated.validationDetail ?? []).filter((d) => d.result !== "success").map((d) => [d.name, d.errorCode]);
    expect(failing, `${c.kind} validate is expected to fail only because ${blocked.reason}; if it passes now, remove validateBlockedBy`)
      .toEqual([[blocked.check, blocked.errorCode]]);
  }

  await lw.client.linker.beginDeleteAndWait(webApp, name);
  expect(lw.diff(before, lw.comparableState()), `${c.kind} delete restores the snapshot`).toEqual([]);
}

/** One stack for the given cases, run one after another: create, configurations, validate, delete. */
export function describeTargetCases(cases: TargetCase[]): void {
  let lw: Linkwright;
  beforeAll(async () => { lw = await startLinkwright(); }, 60_000);
  afterAll(async () => { await lw?.stop(); });
  describe("create, configurations, validate, delete", () => {
    it.each(cases.map((c) => [c.kind, c] as const))("%s", async (_kind, c) => {
      await connectValidateDelete(lw, c);
    }, 30_000);
  });
}
