// `npm start` wires what a deployment wires (issue 12): sandbox/start.ts run as its own process, as `npm start` runs
// it, then checked from outside the way a newcomer would poke at it. The Event Grid subscriptions of
// infra/event-subscriptions.json are registered with the emulator (and nothing else), linkwright's identity holds the
// platform grants every README feature needs, a resource change reaches the app's queues and the health reactor, a
// health change is announced on `connection-health` naming only the affected connection, and a second start over the
// same state registers the same subscriptions once and grants nothing twice. linkwright's storage is keyless (issue
// 14): its AzureWebJobsStorage is the identity-based form, Azurite runs in OAuth mode over HTTPS, and no account key is
// in the function app's environment.
//
// Differences from `npm start`, none of which touch the wiring: a temporary state directory (SANDBOX_STATE_DIR, with
// the test run's CA copied in so this process trusts it; start.ts itself runs without NODE_EXTRA_CA_CERTS, as from a
// fresh terminal), free ports (SANDBOX_*_PORT=0), and the function app loaded
// from its TypeScript sources (FUNCTIONS_ENTRY=src/functions/*.ts) rather than from the dist/ that `npm run build`
// writes first, so the test needs no 10 s build and never rewrites dist/ under other work.
import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ClientSecretCredential } from "@azure/identity";
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { ServiceLinkerManagementClient } from "@azure/arm-servicelinker";
import { QueueClient } from "@azure/storage-queue";
import { TableClient } from "@azure/data-tables";
import { tableNameFor } from "../../sandbox/host/durable/store.js";
import { BUILTIN_ROLES } from "../../sandbox/arm/core/builtin-roles.js";
import { PLATFORM_ROLE_GRANTS } from "../../sandbox/seed/platform-grants.js";
import { DEV_KEY } from "../../sandbox/azurite.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const wiring = JSON.parse(readFileSync(path.join(ROOT, "infra/event-subscriptions.json"), "utf8")) as {
  subscriptions: { name: string; queueName: string; includedEventTypes: string[]; subjectBeginsWith: string; advancedFilters: unknown[] }[];
};

interface Sandbox {
  armEndpoint: string;
  linkwrightStorage: Record<string, string>;
  subscriptionId: string;
  tenantId: string;
  storageConnectionString: string;
  principals: { admin: { clientId: string; clientSecret: string } };
  resources: Record<string, string>;
  linkwrightIdentity: { principalId: string };
  eventSubscriptions: { name: string; queueName: string }[];
}

interface Started {
  child: ChildProcess;
  banner: string;
  /** Everything the process printed so far (the function host's log lines included). */
  output(): string;
  sandbox: Sandbox;
}

const stateDir = mkdtempSync(path.join(tmpdir(), "lw-sandbox-start-"));
cpSync(inject("armCerts").certDir, path.join(stateDir, "certs"), { recursive: true });

async function startSandbox(): Promise<Started> {
  const { NODE_EXTRA_CA_CERTS: _trusted, ...terminal } = process.env;
  const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "sandbox/start.ts")], {
    cwd: ROOT,
    env: {
      ...terminal, SANDBOX_STATE_DIR: stateDir, SANDBOX_ARM_PORT: "0", SANDBOX_FUNCTIONS_PORT: "0", SANDBOX_AZURITE_PORT: "0",
      FUNCTIONS_ENTRY: "src/functions/*.ts",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout!.on("data", (d: Buffer) => { out += d.toString(); });
  child.stderr!.on("data", (d: Buffer) => { err += d.toString(); });
  const banner = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sandbox/start.ts did not come up within 45 s:\n${out}\n${err}`)), 45_000);
    const poll = setInterval(() => {
      const at = out.indexOf("linkwright sandbox up");
      const end = out.indexOf("Ctrl-C to stop.", at);
      if (at >= 0 && end > at) { clearInterval(poll); clearTimeout(timer); resolve(out.slice(at, end)); }
    }, 50);
    child.once("exit", (code) => { clearInterval(poll); clearTimeout(timer); reject(new Error(`sandbox/start.ts exited with ${code}:\n${out}\n${err}`)); });
  });
  const sandbox = JSON.parse(readFileSync(path.join(stateDir, "sandbox.json"), "utf8")) as Sandbox;
  return { child, banner, output: () => out, sandbox };
}

async function stopSandbox(s: Started | undefined): Promise<void> {
  if (!s || s.child.exitCode !== null) return;
  await new Promise<void>((resolve) => { s.child.once("exit", () => resolve()); s.child.kill("SIGTERM"); });
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The function app's environment as its process started with it (Linux: /proc/<pid>/environ), from <state>/pids.json. */
function functionHostEnvironment(): Record<string, string> | undefined {
  const recorded = JSON.parse(readFileSync(path.join(stateDir, "pids.json"), "utf8")) as { role: string; pid: number }[];
  const pid = recorded.find((p) => p.role === "function host")!.pid;
  if (!existsSync(`/proc/${pid}/environ`)) return undefined;
  return Object.fromEntries(readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]));
}

interface EmulatorSubscription { name: string; kind: string; queueName: string; connectionString?: string; includedEventTypes?: string[];
  subjectBeginsWith?: string; advancedFilters?: unknown[]; delivered: number; failed: number }
const emulatorSubscriptions = async (s: Sandbox) =>
  (await (await fetch(`${s.armEndpoint}/_sandbox/eventSubscriptions`)).json()) as EmulatorSubscription[];
const delivered = async (s: Sandbox) => Object.fromEntries((await emulatorSubscriptions(s)).map((x) => [x.name, x.delivered]));

let first: Started | undefined;
let second: Started | undefined;

beforeAll(async () => { first = await startSandbox(); }, 60_000);
afterAll(async () => {
  await stopSandbox(first);
  await stopSandbox(second);
  rmSync(stateDir, { recursive: true, force: true });
}, 30_000);

describe("npm start wires what a deployment wires", () => {
  let credential: ClientSecretCredential;
  let authz: AuthorizationManagementClient;
  const s = () => first!.sandbox;
  const bearer = async () => `Bearer ${(await credential.getToken(`${s().armEndpoint}/.default`))!.token}`;
  const arm = async (method: string, p: string, body?: unknown) => {
    const res = await fetch(`${s().armEndpoint}${p}`, {
      method, headers: { authorization: await bearer(), "content-type": "application/json" }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, json: (await res.text().then((t) => (t ? JSON.parse(t) : undefined))) as any };
  };

  beforeAll(() => {
    credential = new ClientSecretCredential(s().tenantId, s().principals.admin.clientId, s().principals.admin.clientSecret,
      { authorityHost: s().armEndpoint, disableInstanceDiscovery: true });
    authz = new AuthorizationManagementClient(credential, s().subscriptionId, { endpoint: s().armEndpoint, credentialScopes: [`${s().armEndpoint}/.default`] } as never);
  });

  it("runs linkwright keyless: identity-based AzureWebJobsStorage over Azurite's HTTPS OAuth mode, no key in its settings; the banner says so", async () => {
    expect(first!.banner).toContain("linkwright's storage: keyless (managed identity → Azurite OAuth)");
    const uris = {
      AzureWebJobsStorage__blobServiceUri: expect.stringMatching(/^https:\/\/127\.0\.0\.1:\d+\/devstoreaccount1$/),
      AzureWebJobsStorage__queueServiceUri: expect.stringMatching(/^https:\/\/127\.0\.0\.1:\d+\/devstoreaccount1$/),
      AzureWebJobsStorage__tableServiceUri: expect.stringMatching(/^https:\/\/127\.0\.0\.1:\d+\/devstoreaccount1$/),
      AzureWebJobsStorage__credential: "managedidentity",
    };
    expect(s().linkwrightStorage).toEqual(uris);
    const env = functionHostEnvironment();
    if (!env) return; // not Linux: the process environment cannot be read from outside
    expect(env).toMatchObject({ ...s().linkwrightStorage, IDENTITY_ENDPOINT: expect.stringContaining(s().armEndpoint) });
    expect(env).not.toHaveProperty("AzureWebJobsStorage");
    expect(env).not.toHaveProperty("LINKWRIGHT_STORAGE");
    expect(env).not.toHaveProperty("LINKWRIGHT_STORAGE_ALLOW_INSECURE");
    expect(Object.entries(env).filter(([, v]) => v.includes(DEV_KEY) || /AccountKey=/i.test(v)).map(([k]) => k)).toEqual([]);
    // The dev host opened the Durable hub's table at startup the same way (the wiring below exercises the rest).
    const hub = TableClient.fromConnectionString(s().storageConnectionString, tableNameFor("linkwright"));
    await expect(hub.listEntities().next()).resolves.toBeDefined();
  });

  it("registers exactly the Event Grid subscriptions of infra/event-subscriptions.json, delivering to the app's storage, and lists them", async () => {
    const registered = await emulatorSubscriptions(s());
    expect(registered.map((x) => x.name).sort()).toEqual(wiring.subscriptions.map((x) => x.name).sort());
    for (const want of wiring.subscriptions) {
      const got = registered.find((x) => x.name === want.name)!;
      expect(got).toMatchObject({ kind: "queue", queueName: want.queueName, includedEventTypes: want.includedEventTypes, advancedFilters: want.advancedFilters });
      expect(got.subjectBeginsWith ?? "").toBe(want.subjectBeginsWith);
      // The function app's AzureWebJobsStorage, which its queue triggers read.
      expect(got.connectionString).toBe(s().storageConnectionString);
      expect(first!.banner).toContain(`${want.name} → queue ${want.queueName}`);
    }
    expect(s().eventSubscriptions).toEqual(wiring.subscriptions.map((x) => ({ name: x.name, queueName: x.queueName })));
  });

  it("linkwright's identity holds the platform grants the README's features need, and the banner lists them", async () => {
    const oid = s().linkwrightIdentity.principalId;
    const held: { scope: string; role: string }[] = [];
    for await (const ra of authz.roleAssignments.listForSubscription({ filter: `principalId eq '${oid}'` })) {
      const role = BUILTIN_ROLES.find((r) => ra.roleDefinitionId!.toLowerCase().endsWith(r.name))?.roleName ?? ra.roleDefinitionId!;
      held.push({ scope: ra.scope!.toLowerCase(), role });
    }
    for (const grant of PLATFORM_ROLE_GRANTS) {
      const scope = s().resources[grant.resource]!;
      expect(held, `${grant.role} for ${grant.feature}`).toContainEqual({ scope: scope.toLowerCase(), role: grant.role });
      expect(first!.banner).toContain(`${grant.role} on ${scope.split("/").pop()}`);
    }
    expect(held).toContainEqual({ scope: `/subscriptions/${s().subscriptionId}`, role: "Contributor" });
    expect(held).toContainEqual({ scope: `/subscriptions/${s().subscriptionId}`, role: "User Access Administrator" });
    // Database users: linkwright is the Microsoft Entra admin of the demo servers.
    const sqlServer = s().resources.sqlDatabase!.replace(/\/databases\/[^/]+$/, "");
    const admin = await arm("GET", `${sqlServer}/administrators/ActiveDirectory?api-version=2023-08-01`);
    expect(admin.json?.properties?.sid).toBe(oid);
    expect(first!.banner.match(/Microsoft Entra admin of/g)).toHaveLength(3);
  });

  it("a resource change reaches health-events and the health reactor; a health change names only the affected connection", async () => {
    const { webApp, functionApp, storageAccount } = s().resources;
    const clients = new ServiceLinkerManagementClient(credential, { endpoint: s().armEndpoint, updateIntervalInMs: 50 } as never);
    const body = { targetService: { type: "AzureResource", id: `${storageAccount}/blobServices/default` }, authInfo: { authType: "systemAssignedIdentity" }, clientType: "nodejs" } as never;
    const [affected, other] = await Promise.all([
      clients.linker.beginCreateOrUpdateAndWait(webApp!, "wiringblob", body),
      clients.linker.beginCreateOrUpdateAndWait(functionApp!, "wiringblob", body),
    ]);
    expect([affected.provisioningState, other.provisioningState]).toEqual(["Succeeded", "Succeeded"]);
    const healthQueue = new QueueClient(s().storageConnectionString, "connection-health");
    const healthChanges = async (): Promise<{ linkerId: string; current: { status: string } }[]> => {
      const out: { kind?: string; linkerId: string; current: { status: string } }[] = [];
      if (!(await healthQueue.exists())) return out;
      for (;;) {
        const r = await healthQueue.receiveMessages({ numberOfMessages: 32, visibilityTimeout: 60 });
        if (r.receivedMessageItems.length === 0) return out.filter((m) => m.kind === "healthChanged");
        for (const m of r.receivedMessageItems) out.push(JSON.parse(Buffer.from(m.messageText, "base64").toString("utf8")));
      }
    };
    await healthChanges(); // whatever creating the connections announced (nothing for a healthy new connection)

    // 1. The role assignment behind the web app's connection, deleted outside linkwright.
    const web = await arm("GET", `${webApp}?api-version=2023-12-01`);
    const principal = web.json.identity.principalId as string;
    let assignment: string | undefined;
    for await (const ra of authz.roleAssignments.listForSubscription({ filter: `principalId eq '${principal}'` })) assignment ??= ra.id;
    expect(assignment).toBeDefined();
    const before = await delivered(s());
    const handledBefore = first!.output().split("resource event(s) handled").length;
    expect((await arm("DELETE", `${assignment}?api-version=2022-04-01`)).status).toBe(200);
    await until("the role-assignment deletion on health-events", async () => ((await delivered(s()))["linkwright-health"]! > before["linkwright-health"]! ? true : undefined), 5_000);
    // The health reactor's queue trigger took it (the host logs each batch it handled).
    await until("the health reactor to handle it", async () => (first!.output().split("resource event(s) handled").length > handledBefore ? true : undefined), 10_000);
    // Not a site change: the loop subscription's advanced filter kept it from loop-scan-events.
    expect((await delivered(s()))["linkwright-loops"]).toBe(before["linkwright-loops"]);

    // 2. The web app's settings wiped by a whole-set PUT: a site change, on both queues.
    const mid = await delivered(s());
    expect((await arm("PUT", `${webApp}/config/appsettings?api-version=2023-12-01`, { properties: {} })).status).toBe(200);
    const changes = await until("a healthChanged message on connection-health", async () => {
      const m = await healthChanges();
      return m.length > 0 ? m : undefined;
    }, 10_000);
    const affectedId = `${webApp}/providers/Microsoft.ServiceLinker/linkers/wiringblob`.toLowerCase();
    expect(changes.map((c) => c.linkerId.toLowerCase())).toEqual(changes.map(() => affectedId));
    expect(changes.at(-1)!.current.status).toBe("Unhealthy");
    // Event Grid delivers to the two subscriptions independently: the loop queue's delivery may land after the health
    // change was already reported, so it is waited for (not assumed).
    const after = await until("the site change on loop-scan-events", async () => {
      const now = await delivered(s());
      return now["linkwright-loops"]! > mid["linkwright-loops"]! ? now : undefined;
    }, 5_000);
    expect(after["linkwright-health"]).toBeGreaterThan(mid["linkwright-health"]!);
    expect(after["linkwright-loops"]).toBeGreaterThan(mid["linkwright-loops"]!);
    expect((await emulatorSubscriptions(s())).every((x) => x.failed === 0)).toBe(true);
    // Nothing about the function app's connection followed.
    await new Promise((r) => setTimeout(r, 500));
    expect((await healthChanges()).filter((c) => c.linkerId.toLowerCase() !== affectedId)).toEqual([]);
  });

  it("a second start over the same state registers the same subscriptions once and grants nothing twice", async () => {
    const oid = s().linkwrightIdentity.principalId;
    await stopSandbox(first);
    second = await startSandbox();
    const again = second.sandbox;
    expect(again.linkwrightIdentity.principalId).toBe(oid);
    const registered = await emulatorSubscriptions(again);
    expect(registered.map((x) => x.name).sort()).toEqual(wiring.subscriptions.map((x) => x.name).sort());
    expect(registered.every((x) => x.connectionString === again.storageConnectionString)).toBe(true);
    const c2 = new ClientSecretCredential(again.tenantId, again.principals.admin.clientId, again.principals.admin.clientSecret,
      { authorityHost: again.armEndpoint, disableInstanceDiscovery: true });
    const authz2 = new AuthorizationManagementClient(c2, again.subscriptionId, { endpoint: again.armEndpoint, credentialScopes: [`${again.armEndpoint}/.default`] } as never);
    const seen = new Map<string, number>();
    for await (const ra of authz2.roleAssignments.listForSubscription({ filter: `principalId eq '${oid}'` })) {
      const key = `${ra.scope!.toLowerCase()}|${ra.roleDefinitionId!.toLowerCase()}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    expect(seen.size).toBeGreaterThanOrEqual(2 + PLATFORM_ROLE_GRANTS.length);
  }, 60_000);
});
