// The matrix's rows and columns: every step (and linkwright's own record of the connection) × every scenario, each
// cell naming the operation that runs, how the world is brought to its start (fault-free), and which request of the
// step the fault is put on. A step a scenario never writes with is not a cell (n/a in the table).
//
// The world every case starts from (the baseline, see matrix.ts): the function app without identity, both storage
// accounts' firewalls closed (default action Deny, no bypass), the web app integrated with the seeded subnet, and
// linkwright granted what a platform team grants it (Key Vault Secrets Officer, App Configuration Data Owner, Entra
// admin of the database servers), and the caller the data roles to have linkwright undo secrets and keys.
import type { FaultEnv } from "./env.js";
import { armRequest, deleteLinker, heal, putLinker, type Outcome } from "./operations.js";

export const STEP_ROWS = ["identity", "roleAssignment", "firewall", "serviceEndpoint", "secretStore", "configuration", "appConfiguration", "databaseUser", "record"] as const;
export type StepRow = (typeof STEP_ROWS)[number];
export const SCENARIOS = ["create", "secret", "update", "delete", "autoheal"] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** Where a step's faulted request goes: ARM, a data plane (by name), linkwright's table service, a database server. */
export type Target =
  | { plane: "arm"; method: string; path: string }
  | { plane: "keyvault" | "appconfig"; method: string; path: string }
  | { plane: "table"; method: string; path: string; body?: string; /** Put on once the operation was accepted. */ whenAccepted?: boolean }
  | { plane: "database"; sql: string };

export interface Case {
  /** e.g. "update/identity". */
  id: string;
  scenario: Scenario;
  /** The connection the operation is about. */
  linker: (env: FaultEnv) => { source: string; name: string };
  /** The steps this case covers, each with the request its faults go on. */
  targets: Partial<Record<StepRow, Target>>;
  /** Brings the baseline to the cell's start (fault-free). */
  prepare(env: FaultEnv): Promise<void>;
  /** Runs the operation under test; `accepted` is called once linkwright accepted it. */
  operate(env: FaultEnv, accepted: () => void): Promise<Outcome>;
}

const ids = (env: FaultEnv) => env.ids as Record<string, string>;
const blob = (account: string) => `${account}/blobServices/default`;
const queue = (account: string) => `${account}/queueServices/default`;

/** The request bodies (linker properties) the cases use. */
const bodies = {
  /** Function app (identity off) → blob, system identity: identity, firewall, settings, role. */
  blobIdentity: (env: FaultEnv) => ({ targetService: { type: "AzureResource", id: blob(ids(env).storageAccount!) }, authInfo: { authType: "systemAssignedIdentity" }, clientType: "nodejs" }),
  /** Function app → the other account's queue, the seeded user-assigned identity: attach it, open that firewall, role. */
  queueUserIdentity: (env: FaultEnv) => {
    const uami = env.arm.store.get(ids(env).userIdentity!)!.properties as { clientId: string };
    return { targetService: { type: "AzureResource", id: queue(ids(env).otherStorageAccount!) }, authInfo: { authType: "userAssignedIdentity", clientId: uami.clientId, subscriptionId: env.arm.subscriptionId }, clientType: "nodejs" };
  },
  /** Web app (VNet integrated) → blob through a service endpoint: subnet endpoint, account rule, role, settings. */
  blobVnet: (env: FaultEnv, account = ids(env).storageAccount!) => ({ targetService: { type: "AzureResource", id: blob(account) }, authInfo: { authType: "systemAssignedIdentity" }, vNetSolution: { type: "serviceEndpoint" }, clientType: "nodejs" }),
  /** Web app → blob, system identity, settings into App Configuration. */
  appConfig: (env: FaultEnv, target = blob(ids(env).storageAccount!)) => ({ targetService: { type: "AzureResource", id: target }, authInfo: { authType: "systemAssignedIdentity" }, clientType: "nodejs", configurationInfo: { configurationStore: { appConfigurationId: ids(env).appConfig } } }),
  /** Web app → PostgreSQL database, system identity: the database user. */
  postgres: (env: FaultEnv, userName?: string) => ({ targetService: { type: "AzureResource", id: ids(env).postgresDatabase }, authInfo: { authType: "systemAssignedIdentity", ...(userName ? { userName } : {}) }, clientType: "nodejs" }),
  /** Function app → blob, connection string kept in Key Vault (secretStore), firewall, settings. */
  secret: (env: FaultEnv, target = blob(ids(env).storageAccount!)) => ({ targetService: { type: "AzureResource", id: target }, authInfo: { authType: "secret" }, secretStore: { keyVaultId: ids(env).keyVault }, clientType: "nodejs" }),
  /** Web app → blob, connection string in Key Vault, referenced from App Configuration. */
  secretAppConfig: (env: FaultEnv) => ({ ...bodies.secret(env), configurationInfo: { configurationStore: { appConfigurationId: ids(env).appConfig } } }),
};

// ── the requests faults go on ──────────────────────────────────────────────────────────────────────────────────────
const arm = (method: string, path: string): Target => ({ plane: "arm", method, path });
const SITE = (name: string) => arm("PATCH", `/providers/Microsoft\\.Web/sites/${name}$`);
const SETTINGS = (name: string) => arm("PUT", `/providers/Microsoft\\.Web/sites/${name}/config/appsettings$`);
const ROLE_PUT = arm("PUT", "/providers/Microsoft\\.Authorization/roleAssignments/[0-9a-f-]+$");
const ROLE_DELETE = arm("DELETE", "/providers/Microsoft\\.Authorization/roleAssignments/[0-9a-f-]+$");
/** The previous run's assignment (on the first account's blobs), not the one this run makes (and would compensate). */
const OLD_ROLE_DELETE = arm("DELETE", "/storageAccounts/lwdemostorage/blobServices/default/providers/Microsoft\\.Authorization/roleAssignments/[0-9a-f-]+$");
const ACCOUNT = (name: string) => arm("PATCH", `/providers/Microsoft\\.Storage/storageAccounts/${name}$`);
const SUBNET = arm("PUT", "/providers/Microsoft\\.Network/virtualNetworks/lw-demo-vnet/subnets/apps$");
const SECRET_PUT: Target = { plane: "keyvault", method: "PUT", path: "^/secrets/[^/]+$" };
const SECRET_DELETE: Target = { plane: "keyvault", method: "DELETE", path: "^/secrets/[^/]+$" };
const KV_PUT: Target = { plane: "appconfig", method: "PUT", path: "^/kv/" };
const KV_DELETE: Target = { plane: "appconfig", method: "DELETE", path: "^/kv/" };
/** The record activity's write of the linker's end (the API's acceptance writes it too, as Accepted). */
const RECORD: Target = { plane: "table", method: "PUT", path: "/lwfaultslinkers\\(", body: '"provisioningState":"(Succeeded|Failed)"' };
/** A delete's record: the linker removed. */
const RECORD_DELETE: Target = { plane: "table", method: "DELETE", path: "/lwfaultslinkers\\(" };
const CREATE_USER: Target = { plane: "database", sql: "pgaadauth_create_principal_with_oid" };
const DROP_USER = (name = ""): Target => ({ plane: "database", sql: `^\\s*DROP ROLE IF EXISTS "${name}` });

const create = (name: string, body: (env: FaultEnv) => Record<string, unknown>, source: (env: FaultEnv) => string) =>
  (env: FaultEnv, accepted: () => void) => putLinker(env, source(env), name, body(env), accepted);
const prepared = (name: string, body: (env: FaultEnv) => Record<string, unknown>, source: (env: FaultEnv) => string) => async (env: FaultEnv) => {
  const o = await putLinker(env, source(env), name, body(env));
  if (o.status !== "Succeeded") throw new Error(`preparing ${name}: ${o.status} ${JSON.stringify(o.error)}`);
};
const fn = (env: FaultEnv) => ids(env).functionApp!;
const web = (env: FaultEnv) => ids(env).webApp!;
const on = (source: (env: FaultEnv) => string, name: string) => (env: FaultEnv) => ({ source: source(env), name });
const nothing = async () => undefined;

/** An ARM write as the sandbox's admin (drift made outside linkwright); throws unless it succeeded. */
async function adminWrite(env: FaultEnv, method: string, path: string, body?: unknown): Promise<void> {
  const r = await armRequest(env, method, path, body);
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.json)}`);
}

export const CASES: Case[] = [
  // ── create with a system identity ──
  {
    id: "create/blob", scenario: "create", linker: on(fn, "blob"),
    targets: { identity: SITE("lw-demo-func"), roleAssignment: ROLE_PUT, firewall: ACCOUNT("lwdemostorage"), configuration: SETTINGS("lw-demo-func"), record: RECORD },
    prepare: nothing, operate: create("blob", bodies.blobIdentity, fn),
  },
  {
    id: "create/vnet", scenario: "create", linker: on(web, "vnet"), targets: { serviceEndpoint: ACCOUNT("lwdemostorage") },
    prepare: nothing, operate: create("vnet", (env) => bodies.blobVnet(env), web),
  },
  {
    id: "create/appconfig", scenario: "create", linker: on(web, "appcfg"), targets: { appConfiguration: KV_PUT },
    prepare: nothing, operate: create("appcfg", (env) => bodies.appConfig(env), web),
  },
  {
    id: "create/postgres", scenario: "create", linker: on(web, "pg"), targets: { databaseUser: CREATE_USER },
    prepare: nothing, operate: create("pg", (env) => bodies.postgres(env), web),
  },
  // ── secret auth with secretStore ──
  {
    id: "secret/keyvault", scenario: "secret", linker: on(fn, "kvsecret"),
    targets: { secretStore: SECRET_PUT, firewall: ACCOUNT("lwdemostorage"), configuration: SETTINGS("lw-demo-func"), record: RECORD },
    prepare: nothing, operate: create("kvsecret", (env) => bodies.secret(env), fn),
  },
  {
    id: "secret/appconfig", scenario: "secret", linker: on(web, "kvappcfg"), targets: { appConfiguration: KV_PUT },
    prepare: nothing, operate: create("kvappcfg", bodies.secretAppConfig, web),
  },
  // ── an update whose previous run is partly undone ──
  {
    // blob with the system identity ⇒ the other account's queue with the user-assigned identity: the identity is
    // attached, the new role assigned and the old one undone, the new firewall opened and the old rule removed, the
    // settings renamed.
    id: "update/identity", scenario: "update", linker: on(fn, "upd"),
    targets: { identity: SITE("lw-demo-func"), roleAssignment: OLD_ROLE_DELETE, firewall: ACCOUNT("lwdemostorage"), configuration: SETTINGS("lw-demo-func"), record: RECORD },
    prepare: prepared("upd", bodies.blobIdentity, fn), operate: create("upd", bodies.queueUserIdentity, fn),
  },
  {
    // service endpoint to one account ⇒ to the other: the old account's subnet rule is undone.
    id: "update/vnet", scenario: "update", linker: on(web, "updvnet"), targets: { serviceEndpoint: ACCOUNT("lwdemostorage") },
    prepare: prepared("updvnet", (env) => bodies.blobVnet(env), web), operate: create("updvnet", (env) => bodies.blobVnet(env, ids(env).otherStorageAccount!), web),
  },
  {
    // the blob connection string in Key Vault ⇒ the queue's: the old secret is deleted.
    id: "update/keyvault", scenario: "update", linker: on(fn, "updkv"), targets: { secretStore: { ...SECRET_DELETE, path: "^/secrets/updkv-AZURE-STORAGEBLOB-" } },
    prepare: prepared("updkv", (env) => bodies.secret(env), fn), operate: create("updkv", (env) => bodies.secret(env, queue(ids(env).storageAccount!)), fn),
  },
  {
    // App Configuration keys for blob ⇒ for queue: the old keys are removed.
    id: "update/appconfig", scenario: "update", linker: on(web, "updcfg"), targets: { appConfiguration: { ...KV_DELETE, path: "^/kv/AZURE_STORAGEBLOB_" } },
    prepare: prepared("updcfg", (env) => bodies.appConfig(env), web), operate: create("updcfg", (env) => bodies.appConfig(env, queue(ids(env).storageAccount!)), web),
  },
  {
    // another database user name: the old user is dropped.
    id: "update/postgres", scenario: "update", linker: on(web, "updpg"), targets: { databaseUser: DROP_USER("aad_updpg") },
    prepare: prepared("updpg", (env) => bodies.postgres(env), web), operate: create("updpg", (env) => bodies.postgres(env, "aad_renamed"), web),
  },
  // ── delete ──
  {
    id: "delete/blob", scenario: "delete", linker: on(fn, "del"),
    targets: { identity: SITE("lw-demo-func"), roleAssignment: ROLE_DELETE, firewall: ACCOUNT("lwdemostorage"), configuration: SETTINGS("lw-demo-func"), record: RECORD_DELETE },
    prepare: prepared("del", bodies.blobIdentity, fn), operate: (env, accepted) => deleteLinker(env, fn(env), "del", accepted),
  },
  {
    id: "delete/vnet", scenario: "delete", linker: on(web, "delvnet"), targets: { serviceEndpoint: SUBNET },
    prepare: prepared("delvnet", (env) => bodies.blobVnet(env), web), operate: (env, accepted) => deleteLinker(env, web(env), "delvnet", accepted),
  },
  {
    id: "delete/keyvault", scenario: "delete", linker: on(fn, "delkv"), targets: { secretStore: SECRET_DELETE },
    prepare: prepared("delkv", (env) => bodies.secret(env), fn), operate: (env, accepted) => deleteLinker(env, fn(env), "delkv", accepted),
  },
  {
    id: "delete/appconfig", scenario: "delete", linker: on(web, "delcfg"), targets: { appConfiguration: KV_DELETE },
    prepare: prepared("delcfg", (env) => bodies.appConfig(env), web), operate: (env, accepted) => deleteLinker(env, web(env), "delcfg", accepted),
  },
  {
    id: "delete/postgres", scenario: "delete", linker: on(web, "delpg"), targets: { databaseUser: DROP_USER() },
    prepare: prepared("delpg", (env) => bodies.postgres(env), web), operate: (env, accepted) => deleteLinker(env, web(env), "delpg", accepted),
  },
  // ── auto-heal re-apply (a subset: the drift auto-heal is built for) ──
  {
    // the role assignment deleted outside linkwright: the heal assigns it again.
    // The heal's record is faulted once the heal started: the health recorded before it writes the linker too.
    id: "autoheal/role", scenario: "autoheal", linker: on(fn, "heal"), targets: { roleAssignment: ROLE_PUT, record: { ...RECORD, whenAccepted: true } },
    async prepare(env) {
      await prepared("heal", bodies.blobIdentity, fn)(env);
      const assignment = env.arm.store.all().find((r) => /roleAssignments/i.test(r.type) && (r.properties as { description?: string }).description === "Created by linkwright");
      if (!assignment) throw new Error("no role assignment to delete");
      await adminWrite(env, "DELETE", `${assignment.id}?api-version=2022-04-01`);
    },
    operate: (env, accepted) => heal(env, fn(env), "heal", /roleAssignments/i, accepted),
  },
  {
    // a deployment replaced the app settings: the heal writes linkwright's back.
    id: "autoheal/settings", scenario: "autoheal", linker: on(fn, "heal"), targets: { configuration: SETTINGS("lw-demo-func") },
    async prepare(env) {
      await prepared("heal", bodies.blobIdentity, fn)(env);
      await adminWrite(env, "PUT", `${fn(env)}/config/appsettings?api-version=2024-04-01`, { properties: { DEPLOYED_BY: "pipeline" } });
    },
    operate: (env, accepted) => heal(env, fn(env), "heal", /\/config\/appsettings$/i, accepted),
  },
  {
    // someone removed the firewall's IP rules: the heal opens it again.
    id: "autoheal/firewall", scenario: "autoheal", linker: on(fn, "heal"), targets: { firewall: ACCOUNT("lwdemostorage") },
    async prepare(env) {
      await prepared("heal", bodies.blobIdentity, fn)(env);
      await adminWrite(env, "PATCH", `${ids(env).storageAccount}?api-version=2023-05-01`, { properties: { networkAcls: { defaultAction: "Deny", bypass: "None", ipRules: [] } } });
    },
    operate: (env, accepted) => heal(env, fn(env), "heal", /storageAccounts\/lwdemostorage$/i, accepted),
  },
  {
    // someone turned the source's managed identity off: the heal turns it on again (a new principal) and assigns the
    // role to it.
    id: "autoheal/identity", scenario: "autoheal", linker: on(fn, "heal"), targets: { identity: SITE("lw-demo-func") },
    async prepare(env) {
      await prepared("heal", bodies.blobIdentity, fn)(env);
      await adminWrite(env, "PATCH", `${fn(env)}?api-version=2024-04-01`, { identity: { type: "None" } });
    },
    operate: (env, accepted) => heal(env, fn(env), "heal", /sites\/lw-demo-func$/i, accepted),
  },
  {
    // someone removed the storage account's rule for the web app's subnet: the heal adds it again.
    id: "autoheal/vnet", scenario: "autoheal", linker: on(web, "healvnet"), targets: { serviceEndpoint: ACCOUNT("lwdemostorage") },
    async prepare(env) {
      await prepared("healvnet", (e) => bodies.blobVnet(e), web)(env);
      await adminWrite(env, "PATCH", `${ids(env).storageAccount}?api-version=2023-05-01`, { properties: { networkAcls: { defaultAction: "Deny", bypass: "None", virtualNetworkRules: [] } } });
    },
    operate: (env, accepted) => heal(env, web(env), "healvnet", /storageAccounts\/lwdemostorage$/i, accepted),
  },
];

/** The baseline's changes to the seed (see the header). */
export async function prepareBaseline(env: FaultEnv): Promise<void> {
  await adminWrite(env, "PATCH", `${fn(env)}?api-version=2024-04-01`, { identity: { type: "None" } });
  for (const account of [ids(env).storageAccount!, ids(env).otherStorageAccount!]) {
    await adminWrite(env, "PATCH", `${account}?api-version=2023-05-01`, { properties: { networkAcls: { defaultAction: "Deny", bypass: "None" } } });
  }
  await adminWrite(env, "PATCH", `${web(env)}?api-version=2024-04-01`, { properties: { virtualNetworkSubnetId: ids(env).subnet } });
  // The caller (admin, Owner) holds the data roles an update needs to have linkwright undo the previous run's secret
  // and keys (without them those are kept, as the caller could not have removed them).
  env.arm.assignRole(env.arm.credentials.admin.objectId, "Key Vault Secrets Officer", ids(env).keyVault!);
  env.arm.assignRole(env.arm.credentials.admin.objectId, "App Configuration Data Owner", ids(env).appConfig!);
}
