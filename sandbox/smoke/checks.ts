// The smoke's checks: every README feature, through a running `npm start` (the ARM endpoint, its principals, the
// function app, Azurite), as a user of the sandbox would see it. Run as its own process (it must trust the sandbox
// CA from its start): `tsx sandbox/smoke/checks.ts --phase main|before-restart|after-restart|after-interrupt`, forked
// by sandbox/smoke.ts, which sends it NODE_EXTRA_CA_CERTS and receives one result per check over IPC.
// Each check prints `smoke: <feature> … ok (1.8 s): <what it saw>` or `… FAILED (…): <why>` and cleans up after itself.
import { readFileSync, existsSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import { AppConfigurationClient } from "@azure/app-configuration";
import { TableClient } from "@azure/data-tables";
import { SecretClient } from "@azure/keyvault-secrets";
import { runDemo } from "../demo.js";
import { linkwrightActivity, shortScope } from "../demo-steps.js";
import { API, SANDBOX_FILE, linkerPath, sandboxClient, shortId, type OperationEnd, type SandboxClient } from "./sandbox-client.js";
import { watchQueue, type QueueWatch, type WatchedMessage } from "./queue-watch.js";

export interface CheckResult { name: string; ok: boolean; ms: number; detail: string }
export type Phase = "main" | "before-restart" | "after-restart" | "after-interrupt";

class Failure extends Error {
  constructor(message: string, readonly lines: string[] = []) { super(message); }
}
const fail = (message: string, lines: string[] = []): never => { throw new Failure(message, lines); };
const firstLine = (s: unknown) => String(s ?? "").split(/\r?\n/)[0]!.slice(0, 400);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const HEALTH_QUEUE = "connection-health";
/** Storage Queue Data Contributor, the catalogue's default role for a queue connection with an identity. */
const QUEUE_DATA_CONTRIBUTOR = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";

interface Ctx {
  c: SandboxClient;
  /** A suffix that makes this run's connection names unique. */
  run: string;
  verbose: boolean;
  /** The `npm start` log the smoke captured (not in --attach mode). */
  hostLog?: string;
}

type Check = { name: string; run(ctx: Ctx): Promise<string> };

const ids = (ctx: Ctx) => ctx.c.s.resources;
const need = (ctx: Ctx, key: string): string => ids(ctx)[key] ?? fail(`.sandbox/sandbox.json has no seeded resource '${key}'`);

async function ensureDeleted(ctx: Ctx, sourceId: string, name: string): Promise<string | undefined> {
  const end = await ctx.c.deleteLinker(sourceId, name).catch((e: unknown) => ({ status: "Failed", error: { message: (e as Error).message } }));
  return end.status === "Succeeded" ? undefined : `delete ${name}: ${end.status} ${firstLine(end.error?.message)}`;
}

/** PUT a linker, run `body` with the operation's end, then delete the linker whatever happened (a failed delete
 *  fails the check only when nothing failed before it). */
async function withLinker<T>(ctx: Ctx, sourceId: string, name: string, properties: Record<string, unknown>, body: (end: OperationEnd) => Promise<T>): Promise<T> {
  const end = await ctx.c.putLinker(sourceId, name, properties);
  let result: T;
  try {
    result = await body(end);
  } catch (e) {
    await ensureDeleted(ctx, sourceId, name);
    throw e;
  }
  const problem = await ensureDeleted(ctx, sourceId, name);
  if (problem) fail(problem);
  return result;
}

const mustSucceed = (end: OperationEnd) => {
  if (end.status !== "Succeeded") {
    fail(`the linker ended ${end.status}: ${end.error?.code ?? ""} ${firstLine(end.error?.message)}`.replace(/\s+/g, " "),
      String(end.error?.message ?? "").split(/\r?\n/).slice(1, 8).filter(Boolean));
  }
};

async function listConfigurations(ctx: Ctx, sourceId: string, name: string): Promise<{ name: string; value?: string }[]> {
  const r = await ctx.c.arm("POST", `${linkerPath(sourceId, name)}/listConfigurations?api-version=${API}`);
  if (r.status !== 200) fail(`listConfigurations: HTTP ${r.status} ${r.text.slice(0, 200)}`);
  return (r.json().configurations ?? []) as { name: string; value?: string }[];
}

/** The function host's log lines (captured by the smoke) that mention `needle`: the last few, for a failure's reason. */
function hostLogLines(ctx: Ctx, needle: RegExp, max = 4): string[] {
  if (!ctx.hostLog || !existsSync(ctx.hostLog)) return [];
  return readFileSync(ctx.hostLog, "utf8").split("\n").filter((l) => needle.test(l)).slice(-max).map((l) => `host log: ${l.slice(0, 400)}`);
}

/** A sandbox principal's name for its client or object id (as the activity log names callers). */
function principalName(ctx: Ctx, id: string | undefined): string {
  const hit = Object.entries(ctx.c.s.principals).find(([, p]) => [p.clientId, p.objectId].some((x) => x && x.toLowerCase() === String(id).toLowerCase()));
  return hit ? `${hit[0]} (${id})` : String(id);
}

/** How the emulator's resource events reach linkwright (the control surface lists the Event Grid subscribers). */
async function eventWiring(ctx: Ctx): Promise<string> {
  const r = await fetch(new URL("/_sandbox/eventSubscriptions", ctx.c.s.armEndpoint)).catch(() => undefined);
  if (!r || r.status !== 200) return "the emulator's Event Grid subscriptions could not be listed";
  const subs = (await r.json()) as { name?: string; kind?: string; queueName?: string; endpoint?: string }[] | { value?: unknown[] };
  const list = (Array.isArray(subs) ? subs : (subs.value ?? [])) as { name?: string; kind?: string; queueName?: string; endpoint?: string }[];
  if (list.length === 0) return "no Event Grid subscription is registered in the emulator: resource events reach neither the health-events queue nor the webhook";
  return `Event Grid subscriptions: ${list.map((x) => `${x.name ?? "?"} → ${x.kind === "queue" ? `queue ${x.queueName}` : (x.endpoint ?? "").replace(/code=[^&]+/, "code=…")}`).join("; ")}`;
}

// ---------------------------------------------------------------------------------------------------------------

const demoAs = (as: "admin" | "team"): Check => ({
  name: as === "admin" ? "create/validate/delete (admin, the demo)" : "least privilege (team): success, then 403 to lwotherstorage",
  async run(ctx) {
    const lines: string[] = [];
    try {
      await runDemo(SANDBOX_FILE, (l) => { lines.push(l); if (ctx.verbose) console.log(`    ${l}`); }, as);
    } catch (e) {
      fail(firstLine((e as Error).message), lines);
    }
    const steps = lines.filter((l) => /^\s+\d+\. \+/.test(l)).length;
    const checks = lines.filter((l) => /^\s+success: /.test(l)).length;
    if (as === "admin") return `created, ${steps} steps from the activity log, ${checks} validation checks succeeded, deleted`;
    const refused = lines.find((l) => l.includes("refused, HTTP 403"));
    const action = /perform action '([^']+)'/.exec(refused ?? "")?.[1];
    return `created, validated and deleted as team; refused to lwotherstorage with 403 naming ${action ?? "?"}`;
  },
});

const secretStore: Check = {
  name: "secretStore connection (secret → Key Vault reference)",
  async run(ctx) {
    const webApp = need(ctx, "webApp");
    const vaultId = need(ctx, "keyVault");
    const name = `smokekv${ctx.run}`;
    const settingsBefore = await ctx.c.appSettings(webApp);
    let secrets: SecretClient | undefined;
    const { detail, reference } = await withLinker(ctx, webApp, name, {
      targetService: { type: "AzureResource", id: `${need(ctx, "storageAccount")}/queueServices/default` },
      authInfo: { authType: "secret" }, clientType: "nodejs", secretStore: { keyVaultId: vaultId },
    }, async (end) => {
      mustSucceed(end);
      // listConfigurations leaves secret entries out: the setting is the one the create added or changed.
      const settings = await ctx.c.appSettings(webApp);
      const changed = Object.keys(settings).filter((k) => settings[k] !== settingsBefore[k]);
      const setting = changed.find((n) => /^@Microsoft\.KeyVault\(/i.test(settings[n] ?? ""))
        ?? fail(`none of the settings the create wrote (${changed.join(", ") || "none"}) is a Key Vault reference`);
      const uri = /SecretUri=([^)]+)\)/i.exec(settings[setting]!)?.[1] ?? fail(`${setting} is not a SecretUri reference`);
      const vault = await ctx.c.arm("GET", `${vaultId}?api-version=2023-07-01`);
      const vaultUri = String(vault.json().properties?.vaultUri ?? "");
      if (new URL(uri).origin !== new URL(vaultUri).origin) fail(`${setting} points at ${new URL(uri).origin}, not the demo vault (${vaultUri})`);
      const secretName = /\/secrets\/([^/]+)/.exec(new URL(uri).pathname)?.[1] ?? fail(`no secret name in ${uri}`);
      secrets = new SecretClient(vaultUri, ctx.c.credential("admin"), { disableChallengeResourceVerification: true });
      const secret = await secrets.getSecret(secretName).catch((e: unknown) => fail(`the secret ${secretName} is not in ${shortId(vaultId)}: ${firstLine((e as Error).message)}`));
      if (!secret.value) fail(`the secret ${secretName} in ${shortId(vaultId)} is empty`);
      return { detail: `${setting} = @Microsoft.KeyVault(SecretUri=…/secrets/${secretName}/…), the secret is in ${shortId(vaultId)}`, reference: { setting, secretName } };
    });
    // Delete undoes what the connection did: the setting goes; the secret linkwright wrote goes too.
    const after = await ctx.c.appSettings(webApp);
    if (after[reference.setting] !== undefined) fail(`after delete ${reference.setting} is still set`);
    const left = secrets ? await (secrets as SecretClient).getSecret(reference.secretName).then(() => true, () => false) : false;
    return `${detail}; delete removed the setting${left ? " (the secret stays in the vault)" : " and the secret"}`;
  },
};

const appConfiguration: Check = {
  name: "App Configuration destination (keys in the store, not app settings)",
  async run(ctx) {
    const webApp = need(ctx, "webApp");
    const storeId = need(ctx, "appConfig");
    const keys = await ctx.c.arm("POST", `${storeId}/listKeys?api-version=2023-03-01`);
    if (keys.status !== 200) fail(`listKeys of ${shortId(storeId)}: HTTP ${keys.status} ${keys.text.slice(0, 200)}`);
    const cs = (keys.json().value as { connectionString: string; readOnly: boolean }[]).find((k) => !k.readOnly)?.connectionString ?? fail("the store has no read-write key");
    const store = new AppConfigurationClient(cs);
    const storeKeys = async () => {
      const out = new Map<string, string | undefined>();
      for await (const kv of store.listConfigurationSettings()) out.set(kv.key, kv.value);
      return out;
    };
    const before = await storeKeys();
    const settingsBefore = await ctx.c.appSettings(webApp);
    const name = `smokeac${ctx.run}`;
    const written = await withLinker(ctx, webApp, name, {
      targetService: { type: "AzureResource", id: `${need(ctx, "storageAccount")}/blobServices/default` },
      authInfo: { authType: "systemAssignedIdentity" }, clientType: "nodejs",
      configurationInfo: { configurationStore: { appConfigurationId: storeId } },
    }, async (end) => {
      mustSucceed(end);
      const names = (await listConfigurations(ctx, webApp, name)).map((c) => c.name);
      const inStore = await storeKeys();
      const found = names.filter((n) => inStore.has(n));
      if (found.length === 0) fail(`none of the connection's names (${names.join(", ")}) is a key in ${shortId(storeId)}`);
      const settingsAfter = await ctx.c.appSettings(webApp);
      if (!isDeepStrictEqual(settingsAfter, settingsBefore)) {
        const changed = [...new Set([...Object.keys(settingsAfter), ...Object.keys(settingsBefore)])].filter((k) => settingsAfter[k] !== settingsBefore[k]);
        fail(`the app settings changed too: ${changed.join(", ")}`);
      }
      return found;
    });
    const after = await storeKeys();
    const left = written.filter((k) => after.has(k) && !before.has(k));
    if (left.length) fail(`after delete the store still has ${left.join(", ")}`);
    return `${written.join(", ")} written to ${shortId(storeId)}, app settings untouched; delete removed the key${written.length > 1 ? "s" : ""}`;
  },
};

const database: Check = {
  name: "database connection (PostgreSQL flexible, system identity)",
  async run(ctx) {
    const webApp = need(ctx, "webApp");
    const db = need(ctx, "postgresDatabase");
    const name = `smokepg${ctx.run}`;
    return withLinker(ctx, webApp, name, {
      targetService: { type: "AzureResource", id: db }, authInfo: { authType: "systemAssignedIdentity" }, clientType: "nodejs",
    }, async (end) => {
      mustSucceed(end);
      const { end: v, result } = await ctx.c.validateLinker(webApp, name);
      if (v.status !== "Succeeded" || !result) fail(`validate ended ${v.status}: ${firstLine(v.error?.message)}`);
      const item = result!.validationDetail?.find((d) => /database user/i.test(d.name ?? ""))
        ?? fail(`validate has no "Database user" item: ${(result!.validationDetail ?? []).map((d) => d.name).join(", ")}`);
      if (item.result !== "success") fail(`Database user: ${item.result} ${firstLine(item.errorMessage)}`);
      if (!result!.isConnectionAvailable) {
        fail(`validate: not available: ${(result!.validationDetail ?? []).filter((d) => d.result === "failure").map((d) => `${d.name}: ${firstLine(d.errorMessage)}`).join("; ")}`);
      }
      const settings = await ctx.c.appSettings(webApp);
      const user = Object.entries(settings).filter(([k]) => k.startsWith("AZURE_POSTGRESQL_")).map(([, v]) => /aad_[A-Za-z0-9_]+/.exec(v)?.[0]).find(Boolean);
      return `Succeeded; database user ${user ?? `for ${name}`} exists on ${db.split("/")[8]} (validate: Database user ${item.result}); deleted`;
    });
  },
};

const resourceChange: Check = {
  name: "resource change: role assignment deleted → connection-health within 2 s",
  async run(ctx) {
    const source = need(ctx, "slot");
    const storage = need(ctx, "storageAccount");
    const name = `smokerc${ctx.run}`;
    const linkerId = linkerPath(source, name);
    const aboutMe = (m: WatchedMessage) => String(m.body?.linkerId ?? "").toLowerCase() === linkerId.toLowerCase();
    const queue = ctx.c.queue(HEALTH_QUEUE);
    let watch: QueueWatch | undefined;
    let createdAt = 0;
    try {
      return await withLinker(ctx, source, name, {
        targetService: { type: "AzureResource", id: `${storage}/queueServices/default` },
        authInfo: { authType: "systemAssignedIdentity" }, clientType: "nodejs",
      }, async (end) => {
        createdAt = Date.now();
        mustSucceed(end);
        const site = await ctx.c.arm("GET", `${source}?api-version=2023-12-01`);
        const principalId = String(site.json().identity?.principalId ?? "") || fail(`${shortId(source)} has no system-assigned identity after the create`);
        const list = await ctx.c.arm("GET", `${storage}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01&$filter=${encodeURIComponent(`assignedTo('${principalId}')`)}`);
        const assignment = ((list.json().value ?? []) as { id: string; properties: { roleDefinitionId: string; scope: string } }[])
          .find((a) => a.properties.roleDefinitionId.toLowerCase().endsWith(QUEUE_DATA_CONTRIBUTOR) && a.properties.scope.toLowerCase().startsWith(storage.toLowerCase()))
          ?? fail(`no Storage Queue Data Contributor assignment for ${principalId} under ${shortId(storage)}`);
        // Other connections of this source on the same target rely on the same assignment: they may be named too.
        const linkers = await ctx.c.arm("GET", `${source}/providers/Microsoft.ServiceLinker/linkers?api-version=${API}`);
        const dependents = new Set(((linkers.json().value ?? []) as { id: string; properties?: { targetService?: { id?: string }; authInfo?: { authType?: string } } }[])
          .filter((l) => String(l.properties?.targetService?.id ?? "").toLowerCase().startsWith(storage.toLowerCase()) && /identity/i.test(l.properties?.authInfo?.authType ?? ""))
          .map((l) => l.id.toLowerCase()));
        // A missing role assignment younger than LINKWRIGHT_ROLE_PROPAGATION_SECONDS is "maybe still propagating": give
        // a sandbox that sets it to 1 s its second.
        await sleep(Math.max(0, 1100 - (Date.now() - createdAt)));
        watch = await watchQueue(queue, new Date());
        await watch.poll();
        const deletedAt = Date.now();
        const del = await ctx.c.arm("DELETE", `${assignment.id}?api-version=2022-04-01`);
        if (del.status >= 300) fail(`DELETE role assignment: HTTP ${del.status} ${del.text.slice(0, 200)}`);
        const hit = await watch.waitFor(aboutMe, 6000);
        // Whatever else arrives in the same window must be about connections relying on that assignment.
        await sleep(Math.max(0, deletedAt + 2500 - Date.now()));
        await watch.poll();
        const healthMessages = watch.seen().filter((m) => m.body?.kind !== "loopDetected" && m.seenAt - deletedAt <= 2500);
        if (!hit) {
          const history = await ctx.c.armOrDirect("GET", `${linkerId}/healthHistory?api-version=${API}&$top=3`);
          const rows = history.status === 200 ? (history.json().value ?? []) as { checkedAt: string; status: string; validationDetail?: { name?: string; result?: string; errorMessage?: string }[] }[] : [];
          fail(`no connection-health message for ${name} within 6 s of the delete`, [
            await eventWiring(ctx),
            rows.length
              ? `health history of ${name}: ${rows.map((h) => `${h.checkedAt} ${h.status}${(h.validationDetail ?? []).filter((d) => d.name === "RoleAssignment").map((d) => ` (RoleAssignment ${d.result}: ${firstLine(d.errorMessage).slice(0, 160)})`).join("")}`).join(" | ")}`
              : `health history of ${name}: no revalidation recorded (HTTP ${history.status})`,
            ...hostLogLines(ctx, /health|healthOnResourceChange/i),
          ]);
        }
        const latency = hit!.seenAt - deletedAt;
        const others = [...new Set(healthMessages.filter((m) => !aboutMe(m)).map((m) => String(m.body?.linkerId ?? m.text.slice(0, 80))))];
        const unexpected = others.filter((id) => !dependents.has(id.toLowerCase()));
        const body = hit!.body!;
        const said = `${body.previous?.status ?? "new"} → ${body.current?.status}, failing ${(body.failingChecks ?? []).join(", ") || "-"}` +
          ((body.attribution ?? []).length ? `, attributed to ${(body.attribution as { caller?: string; operationName?: string }[]).map((x) => `${principalName(ctx, x.caller)} (${x.operationName})`).join(", ")}` : "");
        if (unexpected.length) fail(`the change also named ${unexpected.map((id) => shortId(id)).join(", ")}, which do not rely on that assignment (message for ${name} after ${latency} ms: ${said})`);
        if (latency > 2000) fail(`the message for ${name} came ${latency} ms after the delete (more than 2 s): ${said}`, [await eventWiring(ctx)]);
        return `message for ${name} (and no other connection) ${latency} ms after the delete: ${said}`;
      });
    } finally {
      const w = watch as QueueWatch | undefined;
      if (w) { await w.poll(); await w.consume(w.seen().filter(aboutMe)); }
    }
  },
};

const loopScan: Check = {
  name: "loop-scan timer reports the seeded blob-trigger loop",
  async run(ctx) {
    const app = need(ctx, "functionApp");
    const health = TableClient.fromConnectionString(ctx.c.s.storageConnectionString, "loophealth", { allowInsecureConnection: true });
    const checkedAt = async () => {
      try {
        for await (const e of health.listEntities<{ appId?: string; checkedAt?: string }>()) {
          if (String(e.appId ?? "").toLowerCase() === app.toLowerCase()) return e.checkedAt ? Date.parse(e.checkedAt) : 0;
        }
      } catch { /* the table does not exist before the first scan */ }
      return 0;
    };
    const watch = await watchQueue(ctx.c.queue(HEALTH_QUEUE), new Date());
    await watch.poll();
    const invokedAt = Date.now();
    const invoke = await fetch(new URL("/admin/functions/loopScanTimer", ctx.c.s.functionsEndpoint), {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ input: "" }),
    });
    if (invoke.status !== 202) fail(`POST /admin/functions/loopScanTimer: HTTP ${invoke.status} ${(await invoke.text()).slice(0, 200)}`);
    const aboutApp = (m: WatchedMessage) => m.body?.kind === "loopDetected" && ((m.body.functions ?? []) as { appId?: string }[]).some((f) => String(f.appId).toLowerCase() === app.toLowerCase());
    let posted: WatchedMessage | undefined;
    let scanned = false;
    const deadline = Date.now() + 10_000;
    while (!posted && !scanned && Date.now() < deadline) {
      posted = (await watch.poll()).find(aboutApp);
      scanned = (await checkedAt()) >= invokedAt;
      if (!posted && !scanned) await sleep(100);
    }
    const seconds = ((Date.now() - invokedAt) / 1000).toFixed(1);
    if (!posted && !scanned) {
      fail("the timer recorded no scan of lw-demo-func within 10 s", hostLogLines(ctx, /loop ?scan|loopScanTimer|No subscription to scan/i));
    }
    const r = await ctx.c.armOrDirect("GET", `${app}/providers/Microsoft.ServiceLinker/loopFindings?api-version=${API}`);
    if (r.status !== 200) fail(`GET loopFindings (${r.via}): HTTP ${r.status} ${r.text.slice(0, 200)}`);
    const via = r.via === "ARM" ? "" : ` (GET loopFindings straight to the function app: the ARM endpoint answered ${r.armRefused}, it does not forward loopFindings)`;
    const findings = (r.json().value ?? []) as { id: string; severity: string; cycle?: { function: string; trigger?: { pattern?: string }; output?: { pattern?: string } }[] }[];
    const f = findings[0] ?? fail(`the scan ran but GET ${shortId(app)}/…/loopFindings is empty`);
    const step = f.cycle?.[0];
    if (posted) await watch.consume([posted]);
    return `${f.id} (${f.severity}): ${step?.function} triggered by ${step?.trigger?.pattern} writes ${step?.output?.pattern}; ` +
      (posted ? `posted to connection-health ${((posted.seenAt - invokedAt) / 1000).toFixed(1)} s after the invocation` : `scan recorded after ${seconds} s (already reported earlier: only new findings are posted)`) + via;
  },
};

const dryRun: Check = {
  name: "dry run (operation previews, nothing written)",
  async run(ctx) {
    const webApp = need(ctx, "webApp");
    const name = `smokedry${ctx.run}`;
    const settingsBefore = await ctx.c.appSettings(webApp);
    const from = new Date(Date.now() - 50);
    const put = await ctx.c.arm("PUT", `${webApp}/providers/Microsoft.ServiceLinker/dryruns/${name}?api-version=${API}`, {
      properties: { parameters: {
        actionName: "createOrUpdate",
        targetService: { type: "AzureResource", id: `${need(ctx, "storageAccount")}/queueServices/default` },
        authInfo: { authType: "systemAssignedIdentity" }, clientType: "nodejs",
      } },
    });
    try {
      if (put.status >= 300) fail(`PUT dryruns/${name}: HTTP ${put.status} ${put.text.slice(0, 300)}`);
      const props = put.json().properties ?? {};
      const previews = (props.operationPreviews ?? []) as { name?: string; action?: string; scope?: string }[];
      if (previews.length === 0) fail(`no operationPreviews (prerequisiteResults: ${JSON.stringify(props.prerequisiteResults ?? []).slice(0, 300)})`);
      await sleep(200);
      const to = new Date(Date.now() + 50);
      const self = ctx.c.s.linkwrightIdentity?.clientId ?? fail(".sandbox/sandbox.json names no linkwright identity");
      const entries = await linkwrightActivity({ credential: ctx.c.credential("admin"), armEndpoint: ctx.c.s.armEndpoint, subscriptionId: ctx.c.s.subscriptionId, linkwrightClientId: self, from, to });
      const writes = entries.filter((e) => /\/(write|delete)$/i.test(e.operationName?.value ?? ""));
      if (writes.length) fail(`linkwright wrote during the dry run: ${writes.map((e) => `${e.operationName?.value} ${shortId(e.resourceId ?? "")}`).join(", ")}`);
      if (!isDeepStrictEqual(await ctx.c.appSettings(webApp), settingsBefore)) fail("the app settings changed during the dry run");
      const linker = await ctx.c.arm("GET", `${linkerPath(webApp, name)}?api-version=${API}`);
      if (linker.status !== 404) fail(`a linker named ${name} exists after the dry run (HTTP ${linker.status})`);
      return `${previews.length} previews (${previews.map((p) => `${p.name}: ${p.action} at ${shortScope(p.scope ?? "")}`).join("; ")}); ` +
        `no ARM write by linkwright, no linker, settings unchanged`;
    } finally {
      await ctx.c.arm("DELETE", `${webApp}/providers/Microsoft.ServiceLinker/dryruns/${name}?api-version=${API}`).catch(() => undefined);
    }
  },
};

/** Connections kept across a restart (made before it, validated and deleted after it): one of each kind whose
 *  configuration names something the sandbox serves (a storage endpoint, a Key Vault reference, App Configuration keys). */
const KEPT = (ctx: Ctx): { name: string; what: string; properties: Record<string, unknown> }[] => [
  { name: `smokekeep${ctx.run}`, what: "blob, identity", properties: {
    targetService: { type: "AzureResource", id: `${need(ctx, "storageAccount")}/blobServices/default` },
    authInfo: { authType: "systemAssignedIdentity" }, clientType: "nodejs" } },
  { name: `smokekeepkv${ctx.run}`, what: "queue secret in Key Vault", properties: {
    targetService: { type: "AzureResource", id: `${need(ctx, "storageAccount")}/queueServices/default` },
    authInfo: { authType: "secret" }, clientType: "nodejs", secretStore: { keyVaultId: need(ctx, "keyVault") } } },
  { name: `smokekeepac${ctx.run}`, what: "table endpoint in App Configuration", properties: {
    targetService: { type: "AzureResource", id: `${need(ctx, "storageAccount")}/tableServices/default` },
    authInfo: { authType: "systemAssignedIdentity" }, clientType: "nodejs",
    configurationInfo: { configurationStore: { appConfigurationId: need(ctx, "appConfig") } } } },
];
const keepBefore: Check = {
  name: "connections made before the restart",
  async run(ctx) {
    const webApp = need(ctx, "webApp");
    const made: string[] = [];
    for (const k of KEPT(ctx)) {
      const end = await ctx.c.putLinker(webApp, k.name, k.properties);
      if (end.status !== "Succeeded") fail(`${k.name} (${k.what}) ended ${end.status}: ${firstLine(end.error?.message)}`);
      made.push(`${k.name} (${k.what})`);
    }
    return `${made.join(", ")} Succeeded`;
  },
};
const keepAfter: Check = {
  name: "connections made before the restart still valid after it",
  async run(ctx) {
    const webApp = need(ctx, "webApp");
    const outcomes = await Promise.all(KEPT(ctx).map(async (k) => {
      const problems: string[] = [];
      const got = await ctx.c.arm("GET", `${linkerPath(webApp, k.name)}?api-version=${API}`);
      if (got.status !== 200) return { k, valid: false, problems: [`${k.name}: GET HTTP ${got.status} (the linker did not survive the restart)`] };
      const { end, result } = await ctx.c.validateLinker(webApp, k.name);
      const failing = (result?.validationDetail ?? []).filter((d) => d.result === "failure").map((d) => `${d.name}: ${firstLine(d.errorMessage).slice(0, 300)}`);
      const valid = end.status === "Succeeded" && !!result?.isConnectionAvailable;
      if (!valid) problems.push(`${k.name} (${k.what}) validate: ${failing.join("; ") || `${end.status} ${firstLine(end.error?.message)}`}`);
      const problem = await ensureDeleted(ctx, webApp, k.name);
      if (problem) problems.push(`${k.name} (${k.what}) ${problem}`);
      return { k, valid, problems };
    }));
    const bad = outcomes.filter((o) => o.problems.length);
    if (bad.length) {
      fail(`${bad.map((o) => o.k.name).join(", ")} did not survive the restart (validate or delete failed)` +
        `${outcomes.some((o) => !o.problems.length) ? `; ${outcomes.filter((o) => !o.problems.length).map((o) => o.k.name).join(", ")} did` : ""}`, bad.flatMap((o) => o.problems));
    }
    return `${outcomes.map((o) => o.k.name).join(", ")} validated and deleted`;
  },
};
const createDelete = (after: string, tag: string): Check => ({
  name: `create/delete after ${after}`,
  async run(ctx) {
    const webApp = need(ctx, "webApp");
    const name = `smoke${tag}${ctx.run}`;
    const end = await ctx.c.putLinker(webApp, name, {
      targetService: { type: "AzureResource", id: `${need(ctx, "storageAccount")}/blobServices/default` },
      authInfo: { authType: "systemAssignedIdentity" }, clientType: "nodejs",
    });
    const problem = await ensureDeleted(ctx, webApp, name);
    if (end.status !== "Succeeded") fail(`the linker ended ${end.status}: ${firstLine(end.error?.message)}`);
    if (problem) fail(problem);
    return `${name} Succeeded and deleted`;
  },
});

export const PHASES: Record<Phase, Check[]> = {
  main: [demoAs("admin"), demoAs("team"), secretStore, appConfiguration, database, resourceChange, loopScan, dryRun],
  "before-restart": [keepBefore],
  "after-restart": [keepAfter, createDelete("the restart", "rst")],
  "after-interrupt": [createDelete("the interrupted run", "kill")],
};

export function resultLine(r: CheckResult): string {
  return `smoke: ${r.name} … ${r.ok ? "ok" : "FAILED"} (${(r.ms / 1000).toFixed(1)} s)${r.detail ? `: ${r.detail}` : ""}`;
}

export async function runPhase(phase: Phase, options: { verbose?: boolean; hostLog?: string; only?: string; report?: (r: CheckResult) => void } = {}): Promise<CheckResult[]> {
  // SMOKE_RUN: one suffix for the phases of one smoke (the restart checks find what the phase before made).
  const ctx: Ctx = { c: sandboxClient(), run: process.env["SMOKE_RUN"] || Date.now().toString(36), verbose: options.verbose ?? false, ...(options.hostLog ? { hostLog: options.hostLog } : {}) };
  const results: CheckResult[] = [];
  for (const check of PHASES[phase].filter((c) => !options.only || c.name.toLowerCase().includes(options.only.toLowerCase()))) {
    const t0 = Date.now();
    let result: CheckResult;
    try {
      result = { name: check.name, ok: true, ms: 0, detail: await check.run(ctx) };
    } catch (e) {
      const lines = e instanceof Failure ? e.lines : String((e as Error).stack ?? e).split("\n").slice(1, 4);
      result = { name: check.name, ok: false, ms: 0, detail: [firstLine((e as Error).message), ...lines.map((l) => `    ${l}`)].join("\n") };
    }
    result.ms = Date.now() - t0;
    console.log(resultLine(result));
    options.report?.(result);
    results.push(result);
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (flag: string) => (process.argv.includes(flag) ? process.argv[process.argv.indexOf(flag) + 1] : undefined);
  const phase = (arg("--phase") ?? "main") as Phase;
  if (!PHASES[phase]) throw new Error(`--phase takes ${Object.keys(PHASES).join(", ")}`);
  runPhase(phase, {
    verbose: process.argv.includes("--verbose"),
    ...(arg("--only") ? { only: arg("--only")! } : {}),
    ...(process.env["SMOKE_HOST_LOG"] ? { hostLog: process.env["SMOKE_HOST_LOG"] } : {}),
    report: (r) => process.send?.({ type: "result", result: r }),
  }).then((results) => process.exit(results.every((r) => r.ok) ? 0 : 1), (e: unknown) => { console.error(e); process.exit(2); });
}
