// Dry runs of createOrUpdate (Microsoft.ServiceLinker/dryruns): what creating a linker would change, from reads only.
// 1. The computation (src/connections/dryRun.ts) with real ARM SDK clients against the seeded ARM emulator, as an
//    Owner and as a Reader (permissionsMissing).
// 2. End to end: the real function app in the dev host (startLinkwright), PUT/GET/list/DELETE on the dryruns route,
//    with the emulator's write counters and state proving nothing changed. Needs the dryruns route in
//    src/api/router.ts; requests go straight to the function host (the emulator does not forward dryruns to it).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createArmClients, type ArmClients } from "../../src/azure/clients.js";
import { dryRunCreateOrUpdate, NEW_SYSTEM_IDENTITY, permitted, type DryRunResult } from "../../src/connections/dryRun.js";
import { createSealer } from "../../src/secrets/seal.js";
import { countMutations } from "../../sandbox/arm/core/control.js";
import { comparableState } from "../support/emulator-state.js";
import { startTestEmulator, type TestEmulator } from "../sandbox-arm/support/emulator.js";
import { rawRequest } from "../sandbox-arm/support/raw.js";
import { startLinkwright, type Linkwright } from "./linkwright.js";

const BLOB_DATA_CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
const sealer = createSealer("dryrun-test-seal-key-0123456789abcdef");
const blobProperties = (blob: string) => ({ targetService: { type: "AzureResource", id: blob }, authInfo: { authType: "systemAssignedIdentity" }, clientType: "nodejs" });
const byName = (r: DryRunResult, name: string) => r.operationPreviews.filter((p) => p.name === name);

/** The seed gives the web app a system-assigned identity; these cases need it off ("the identity that will be
 *  enabled"), so the test turns it off through ARM, as a user would, before it starts counting. */
async function identityOff(endpoint: string, credential: TestEmulator["credential"], siteId: string): Promise<void> {
  const token = (await credential.getToken("https://management.azure.com/.default"))!.token;
  const r = await rawRequest(endpoint, "PATCH", `${siteId}?api-version=2023-12-01`, { token, body: JSON.stringify({ identity: { type: "None" } }) });
  if (r.status !== 200) throw new Error(`turning the identity of ${siteId} off: HTTP ${r.status} ${r.text}`);
}
const identityType = (resource: { identity?: unknown } | undefined) => (resource?.identity as { type?: string } | undefined)?.type ?? "None";

describe("permitted (Azure's action matching)", () => {
  it("matches wildcards case-insensitively and honours notActions", () => {
    expect(permitted([{ actions: ["*"] }], "Microsoft.Web/sites/write")).toBe(true);
    expect(permitted([{ actions: ["*/read"] }], "Microsoft.Web/sites/write")).toBe(false);
    expect(permitted([{ actions: ["microsoft.web/*"] }], "Microsoft.Web/sites/config/write")).toBe(true);
    expect(permitted([{ actions: ["*"], notActions: ["Microsoft.Authorization/*/Write"] }], "Microsoft.Authorization/roleAssignments/write")).toBe(false);
    expect(permitted([{ actions: ["*"], notActions: ["Microsoft.Authorization/*/Write"] }, { actions: ["Microsoft.Authorization/roleAssignments/write"] }],
      "Microsoft.Authorization/roleAssignments/write")).toBe(true);
  });
});

describe("dryRunCreateOrUpdate against the ARM emulator", () => {
  let t: TestEmulator;
  let owner: ArmClients;
  let contributor: ArmClients;
  let contributorId: string;
  let ids: Record<string, string>;
  const clientsFor = (credential: TestEmulator["credential"]) => createArmClients({
    credential, armEndpoint: t.endpoint, armAudience: "https://management.azure.com/", maxRetries: 2, maxRetryDelayInMs: 100,
    disableKeyVaultChallengeResourceVerification: true, // the sandbox's vault is served on 127.0.0.1
  });
  beforeAll(async () => {
    t = await startTestEmulator({ seed: true, withAzurite: true });
    ids = t.emulator.seedResult!.resources;
    owner = clientsFor(t.credential);
    // Contributor: reads everything (app settings included) and writes everything but role assignments.
    const sp = t.emulator.principals.addServicePrincipal("dryrun-contributor");
    t.emulator.assignRole(sp.objectId, "Contributor", `/subscriptions/${t.subscriptionId}`);
    contributorId = sp.objectId;
    const contributorCredential = t.credentialFor(sp.clientId!, sp.clientSecret!);
    contributor = clientsFor(contributorCredential);
    await identityOff(t.endpoint, t.credential, ids.webApp!);
    // Token requests are not ARM calls, but fetch them before the counters matter.
    await Promise.all([t.credential.getToken("https://management.azure.com/.default"), contributorCredential.getToken("https://management.azure.com/.default")]);
  }, 60_000);
  afterAll(async () => { await t?.close(); });

  const run = (clients: ArmClients, linkerName: string, properties: Record<string, unknown>, sourceId = ids.webApp!) =>
    dryRunCreateOrUpdate({ sourceId, linkerName, properties: properties as never, tenantId: t.tenantId }, { clients, sealer });
  const writes = () => countMutations(t.emulator.control.calls().byOperation);

  it("storage-blob, system identity (off) on the web app: identity, role and settings previews; no write; nothing changes", async () => {
    const webApp = ids.webApp!;
    const blob = `${ids.storageAccount}/blobServices/default`;
    expect(identityType(t.emulator.store.get(webApp))).toBe("None");
    const before = comparableState(t.emulator);
    t.emulator.control.resetCalls();

    const result = await run(owner, "blobdry", blobProperties(blob));
    expect(result.prerequisiteResults).toEqual([]);
    expect(byName(result, "identity")).toEqual([{
      name: "identity", operationType: "configAuth", description: "Enable the system-assigned managed identity.",
      action: "Microsoft.Web/sites/write", scope: webApp,
    }]);
    const roles = byName(result, "roleAssignment");
    expect(roles).toHaveLength(1);
    expect(roles[0]).toMatchObject({ operationType: "configAuth", action: "Microsoft.Authorization/roleAssignments/write", scope: blob });
    expect(roles[0]!.description).toContain(BLOB_DATA_CONTRIBUTOR);
    expect(roles[0]!.description).toContain(NEW_SYSTEM_IDENTITY);
    const settings = byName(result, "configuration");
    expect(settings.length).toBeGreaterThan(0);
    expect(settings.every((s) => s.operationType === "configConnection" && s.action === "Microsoft.Web/sites/config/write" && s.scope === webApp)).toBe(true);
    expect(settings.map((s) => s.description)).toContain("Set AZURE_STORAGEBLOB_RESOURCEENDPOINT.");
    expect(result.operationPreviews.every((p) => ["identity", "roleAssignment", "configuration", "firewall"].includes(p.name))).toBe(true);

    expect(writes()).toBe(0);
    expect(comparableState(t.emulator)).toBe(before);
  });

  it("as a Contributor: the same previews, and permissionsMissing for the role assignment at its scope", async () => {
    const blob = `${ids.storageAccount}/blobServices/default`;
    const result = await run(contributor, "blobdry", blobProperties(blob));
    expect(result.operationPreviews.map((p) => p.name)).toEqual(expect.arrayContaining(["identity", "roleAssignment", "configuration"]));
    expect(result.prerequisiteResults).toEqual([
      { type: "permissionsMissing", scope: blob, permissions: ["Microsoft.Authorization/roleAssignments/write"], recommendedRole: "Role Based Access Control Administrator" },
    ]);
  });

  it("with the identity already on, the role preview names its principal (and is empty when assigned)", async () => {
    const functionApp = ids.functionApp!;
    const principalId = (t.emulator.store.get(functionApp)!.identity as { principalId: string }).principalId;
    const blob = `${ids.storageAccount}/blobServices/default`;
    const result = await run(owner, "fndry", blobProperties(blob), functionApp);
    expect(byName(result, "identity")).toEqual([]);
    const roles = byName(result, "roleAssignment");
    expect(roles.map((r) => r.description)).toEqual([`Assign role ${BLOB_DATA_CONTRIBUTOR} (Storage Blob Data Contributor) to principal ${principalId} at ${blob}.`]);
  });

  it("an unsupported combination (storage-file with a managed identity) is a basicError with no previews", async () => {
    const files = `${ids.storageAccount}/fileServices/default`;
    const result = await run(owner, "filedry", blobProperties(files));
    expect(result.operationPreviews).toEqual([]);
    expect(result.prerequisiteResults).toEqual([{ type: "basicError", code: "InvalidConnection", message: expect.stringMatching(/secret|not supported|support/i) }]);
  });

  it("serviceEndpoint on a source without VNet integration is a basicError naming the fix", async () => {
    const blob = `${ids.storageAccount}/blobServices/default`;
    const result = await run(owner, "vnetdry", { ...blobProperties(blob), vNetSolution: { type: "serviceEndpoint" } });
    expect(result.operationPreviews).toEqual([]);
    expect(result.prerequisiteResults).toEqual([{ type: "basicError", code: "InvalidConnection", message: expect.stringContaining("integrated with a virtual network") }]);
  });

  it("secret auth with a Key Vault secret store: a vault linkwright cannot read is a basicError; with access, secretStore previews; no write", async () => {
    const blob = `${ids.storageAccount}/blobServices/default`;
    const properties = { targetService: { type: "AzureResource", id: blob }, authInfo: { authType: "secret" }, clientType: "nodejs", secretStore: { keyVaultId: ids.keyVault } };
    t.emulator.control.resetCalls();
    // The demo vault uses Azure RBAC: without a data-plane role the secret cannot even be read.
    const denied = await run(contributor, "kvdry", properties);
    expect(denied.prerequisiteResults).toEqual([expect.objectContaining({ type: "basicError", code: "Forbidden", message: expect.stringMatching(/^secretStore: /) })]);
    expect(byName(denied, "configuration").map((p) => p.description)).toEqual(["Set AZURE_STORAGEBLOB_CONNECTIONSTRING."]);
    expect(writes()).toBe(0);

    t.emulator.assignRole(contributorId, "Key Vault Secrets Officer", ids.keyVault!);
    const before = comparableState(t.emulator);
    t.emulator.control.resetCalls();
    const result = await run(contributor, "kvdry", properties);
    expect(result.prerequisiteResults).toEqual([]);
    expect(byName(result, "secretStore")).toEqual([{
      name: "secretStore", operationType: "configConnection", description: expect.stringContaining("kvdry-AZURE-STORAGEBLOB-CONNECTIONSTRING"),
      action: "Microsoft.KeyVault/vaults/secrets/write", scope: ids.keyVault,
    }]);
    const keys = ((t.emulator.store.get(ids.storageAccount!) as { properties?: { keys?: { value?: string }[] }; keys?: { value?: string }[] }));
    const values = [...(keys.keys ?? []), ...(keys.properties?.keys ?? [])].map((k) => k.value).filter((v): v is string => Boolean(v));
    for (const v of values) expect(JSON.stringify(result)).not.toContain(v);
    expect(writes()).toBe(0);
    expect(comparableState(t.emulator)).toBe(before);
  });

  it("a target that does not exist is a basicError", async () => {
    const gone = `${ids.storageAccount!.replace(/[^/]+$/, "nosuchaccount1")}/blobServices/default`;
    const result = await run(owner, "gonedry", blobProperties(gone));
    expect(result.operationPreviews).toEqual([]);
    expect(result.prerequisiteResults).toEqual([expect.objectContaining({ type: "basicError", code: expect.stringMatching(/NotFound/) })]);
  });

  it("PostgreSQL with a system identity: the database-user preview names the identity to be enabled and carries the statements", async () => {
    const result = await run(owner, "pgdry", blobProperties(ids.postgresDatabase!));
    const users = byName(result, "databaseUser");
    expect(users).toHaveLength(1);
    expect(users[0]).toMatchObject({ operationType: "configAuth", scope: ids.postgresDatabase });
    expect(users[0]!.description).toContain("aad_pgdry");
    expect(users[0]!.description).toContain("pgaadauth_create_principal_with_oid");
    expect(users[0]!.description).toContain(NEW_SYSTEM_IDENTITY);
    expect(users[0]!.description).not.toContain("00000000-0000-0000-0000-000000000000");
    expect(byName(result, "identity")).toHaveLength(1);
  });
});

describe("dry runs end to end through linkwright (dryruns route)", () => {
  let lw: Linkwright;
  beforeAll(async () => {
    lw = await startLinkwright({ databases: true });
    await identityOff(lw.te.endpoint, lw.te.credential, lw.ids.webApp!);
  }, 90_000);
  afterAll(async () => { await lw?.stop(); });

  async function request(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
    const token = (await lw.te.credential.getToken("https://management.azure.com/.default"))!.token;
    const sep = path.includes("?") ? "&" : "?";
    const response = await fetch(`${lw.host.baseUrl.replace(/\/+$/, "")}${path}${sep}api-version=2024-04-01`, {
      method, headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}), signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : undefined };
  }
  const dryruns = (source: string) => `${source}/providers/Microsoft.ServiceLinker/dryruns`;
  const put = (source: string, name: string, parameters: Record<string, unknown>) =>
    request("PUT", `${dryruns(source)}/${name}`, { properties: { parameters: { actionName: "createOrUpdate", ...parameters } } });

  it("storage-blob with a system identity: previews with scopes and actions, 0 ARM writes, nothing changed; GET/list/DELETE", async () => {
    const webApp = lw.ids.webApp!;
    const blob = `${lw.ids.storageAccount}/blobServices/default`;
    const before = lw.comparableState();
    lw.resetCalls();
    const created = await put(webApp, "blobdry", blobProperties(blob));
    expect(created.status).toBe(200);
    const props = created.json.properties;
    expect(props.provisioningState).toBe("Succeeded");
    expect(props.operationPreviews).toEqual(expect.arrayContaining([
      expect.objectContaining({ name: "identity", operationType: "configAuth", action: "Microsoft.Web/sites/write", scope: webApp }),
      expect.objectContaining({ name: "roleAssignment", operationType: "configAuth", action: "Microsoft.Authorization/roleAssignments/write", scope: blob, description: expect.stringContaining(NEW_SYSTEM_IDENTITY) }),
      expect.objectContaining({ name: "configuration", operationType: "configConnection", action: "Microsoft.Web/sites/config/write", scope: webApp, description: "Set AZURE_STORAGEBLOB_RESOURCEENDPOINT." }),
    ]));
    expect(props.prerequisiteResults.filter((r: { type: string }) => r.type === "basicError")).toEqual([]);
    expect(lw.armWrites()).toBe(0);
    expect(lw.diff(before, lw.comparableState())).toEqual([]);

    const got = await request("GET", `${dryruns(webApp)}/blobdry`);
    expect(got.status).toBe(200);
    expect(got.json).toEqual(created.json);
    const list = await request("GET", dryruns(webApp));
    expect(list.json.value.map((d: { name: string }) => d.name)).toContain("blobdry");
    expect((await request("DELETE", `${dryruns(webApp)}/blobdry`)).status).toBe(200);
    expect((await request("DELETE", `${dryruns(webApp)}/blobdry`)).status).toBe(204);
    expect((await request("GET", `${dryruns(webApp)}/blobdry`)).status).toBe(404);
    // No linker came of it.
    expect((await request("GET", `${webApp}/providers/Microsoft.ServiceLinker/linkers/blobdry`)).status).toBe(404);
  });

  it("an unsupported combination returns a basicError; an unsupported actionName is 400", async () => {
    const files = `${lw.ids.storageAccount}/fileServices/default`;
    const r = await put(lw.ids.webApp!, "filedry", blobProperties(files));
    expect(r.status).toBe(200);
    expect(r.json.properties.prerequisiteResults).toEqual([expect.objectContaining({ type: "basicError", code: "InvalidConnection" })]);
    expect(r.json.properties.operationPreviews).toEqual([]);
    const bad = await request("PUT", `${dryruns(lw.ids.webApp!)}/bad`, { properties: { parameters: { actionName: "delete" } } });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatchObject({ code: "InvalidRequestContent", target: "properties.parameters.actionName", message: expect.stringContaining("createOrUpdate") });
  });

  it("PostgreSQL with a system identity: the database-user preview carries the statements; nothing runs", async () => {
    const before = lw.comparableState();
    lw.resetCalls();
    const r = await put(lw.ids.webApp!, "pgdry", blobProperties(lw.ids.postgresDatabase!));
    expect(r.status).toBe(200);
    const user = r.json.properties.operationPreviews.find((p: { name: string }) => p.name === "databaseUser");
    expect(user).toMatchObject({ operationType: "configAuth", scope: lw.ids.postgresDatabase });
    expect(user.description).toContain("pgaadauth_create_principal_with_oid");
    expect(user.description).toContain(NEW_SYSTEM_IDENTITY);
    expect(lw.databases!.emulators.principals("lw-demo-pg.postgres.database.azure.com")).toEqual([]);
    expect(lw.armWrites()).toBe(0);
    expect(lw.diff(before, lw.comparableState())).toEqual([]);
  });
});
