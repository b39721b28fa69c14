// generateConfigurations / listConfigurations answer what a create writes, for every catalogue cell. Per (target, auth,
// client) cell — and for the Functions binding-aware form and customized keys — the plan a create makes (planning's
// real reads against the seeded emulator: what the configuration step then writes) is compared with what the API's
// configuration hook computes for the same connection once its run recorded the facts it learnt. They once
// disagreed: with additionalConfigurations["linkwright.functionsConnection"] = "MyConn" the saga wrote
// MyConn__blobServiceUri while generateConfigurations answered AZURE_STORAGEBLOB_RESOURCEENDPOINT.
// Local connections (connectors, source kind `local`) too: their plan writes nothing, and generateConfigurations is
// where their configuration goes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCatalogueHooks } from "../../src/api/catalogueAdapter.js";
import { supportedAuthTypes, supportedClientTypes, TARGET_KINDS, type TargetKind } from "../../src/catalogue/index.js";
import { planConnection } from "../../src/connections/plan.js";
import type { StoredLinker } from "../../src/model/connection.js";
import type { LinkerProperties } from "../../src/model/linker.js";
import type { ConnectionPlan } from "../../src/model/plan.js";
import { buildSite } from "../../sandbox/arm/providers/web/sites.js";
import { startStepsSandbox, type StepsSandbox } from "../steps/support.js";

let sb: StepsSandbox;
let webApp: string;
let functionApp: string;
/** A connector scope (a local connection's source): …/providers/Microsoft.ServiceLinker/locations/{location}. */
let localScope: string;
let uamiClientId: string;

beforeAll(async () => {
  sb = await startStepsSandbox();
  const seed = sb.te.emulator.seedResult!;
  const rg = `/subscriptions/${sb.te.subscriptionId}/resourceGroups/${seed.resourceGroup}`;
  // Fresh sources: no setting on them takes a default name (the CONN2 rule would rename what a create writes).
  webApp = `${rg}/providers/Microsoft.Web/sites/cfg-table-web`;
  functionApp = `${rg}/providers/Microsoft.Web/sites/cfg-table-func`;
  sb.te.emulator.store.put(buildSite({ id: webApp, location: seed.location, kind: "app,linux", properties: {} }));
  sb.te.emulator.store.put(buildSite({ id: functionApp, location: seed.location, kind: "functionapp,linux", properties: { siteConfig: { linuxFxVersion: "Node|20" } } }));
  localScope = `${rg}/providers/Microsoft.ServiceLinker/locations/${seed.location}`;
  const uami = sb.te.emulator.store.get(sb.ids.userIdentity!)!;
  uamiClientId = (uami.properties as { clientId: string }).clientId;
}, 60_000);
afterAll(async () => { await sb?.close(); });

/** A seeded target of each catalogue kind. */
function targetIdOf(kind: TargetKind): string | undefined {
  const ids = sb.ids;
  const byKind: Partial<Record<TargetKind, string | undefined>> = {
    "storage-blob": `${ids.storageAccount}/blobServices/default`,
    "storage-queue": `${ids.storageAccount}/queueServices/default`,
    "storage-table": `${ids.storageAccount}/tableServices/default`,
    "storage-file": `${ids.storageAccount}/fileServices/default`,
    keyvault: ids.keyVault, sql: ids.sqlDatabase, "postgres-flexible": ids.postgresDatabase, "mysql-flexible": ids.mysqlDatabase,
    "cosmos-sql": ids.cosmosSqlDatabase, servicebus: ids.serviceBus, eventhub: ids.eventHubs, signalr: ids.signalR,
    webpubsub: ids.webPubSub, appconfig: ids.appConfig, redis: ids.redis, "app-insights": ids.appInsights, cognitiveservices: ids.cognitiveServices,
  };
  return byKind[kind];
}

function authInfoFor(authType: string): LinkerProperties["authInfo"] {
  switch (authType) {
    case "userAssignedIdentity": return { authType, clientId: uamiClientId, subscriptionId: sb.te.subscriptionId };
    case "servicePrincipalSecret": return { authType, clientId: "11111111-2222-3333-4444-555555555555", principalId: "66666666-7777-8888-9999-000000000000" };
    case "secret": return { authType, name: "appuser", secretInfo: { secretType: "rawValue" } };
    case "userAccount": return { authType, principalId: "12121212-3434-5656-7878-909090909090" };
    default: return { authType };
  }
}

interface Cell { label: string; sourceId: string; linkerName: string; properties: LinkerProperties }

function cells(): Cell[] {
  const out: Cell[] = [];
  for (const kind of TARGET_KINDS) {
    const id = targetIdOf(kind);
    if (!id) continue;
    for (const authType of supportedAuthTypes(kind, "webapp")) {
      for (const clientType of supportedClientTypes(kind)) {
        const base = { targetService: { type: "AzureResource", id }, authInfo: authInfoFor(authType), clientType };
        out.push({ label: `${kind} ${authType} ${clientType}`, sourceId: webApp, linkerName: `c_${kind.replace(/-/g, "")}`, properties: base });
      }
      // Customized keys: the first default name renamed (whatever the cell's first name is, from its own plan below).
      out.push({ label: `${kind} ${authType} customizedKeys`, sourceId: webApp, linkerName: "custom", properties: {
        targetService: { type: "AzureResource", id }, authInfo: authInfoFor(authType), clientType: "none",
        configurationInfo: { customizedKeys: { "*": "" } },
      } });
      // The Functions binding-aware form, on a function app.
      out.push({ label: `${kind} ${authType} binding-aware`, sourceId: functionApp, linkerName: "bound", properties: {
        targetService: { type: "AzureResource", id }, authInfo: authInfoFor(authType), clientType: "none",
        configurationInfo: { additionalConfigurations: { "linkwright.functionsConnection": "MyConn" } },
      } });
    }
    // Local connections: every auth type of the `local` source kind, and the binding-aware form (local.settings.json).
    for (const authType of supportedAuthTypes(kind, "local")) {
      for (const clientType of supportedClientTypes(kind)) {
        out.push({ label: `${kind} ${authType} ${clientType} local`, sourceId: localScope, linkerName: `l_${kind.replace(/-/g, "")}`,
          properties: { targetService: { type: "AzureResource", id }, authInfo: authInfoFor(authType), clientType } });
      }
      out.push({ label: `${kind} ${authType} binding-aware local`, sourceId: localScope, linkerName: "boundlocal", properties: {
        targetService: { type: "AzureResource", id }, authInfo: authInfoFor(authType), clientType: "none",
        configurationInfo: { additionalConfigurations: { "linkwright.functionsConnection": "MyConn" } },
      } });
    }
  }
  return out;
}

type Outcome = { entries: { name: string; value?: string | null; isSecret: boolean }[] } | { refused: string };

async function planned(cell: Cell): Promise<{ outcome: Outcome; plan?: ConnectionPlan }> {
  try {
    const plan = await planConnection({
      linkerName: cell.linkerName,
      sourceId: cell.sourceId, properties: cell.properties, tenantId: sb.te.emulator.tenantId, ownedNames: [],
    }, sb.ctx);
    return { plan, outcome: { entries: plan.configurations.map((c) => ({ name: c.name, ...(c.isSecret ? {} : { value: c.value ?? null }), isSecret: c.isSecret })) } };
  } catch (e) {
    return { outcome: { refused: (e as { code?: string }).code ?? String(e) } };
  }
}

async function generated(cell: Cell, plan: ConnectionPlan | undefined): Promise<Outcome> {
  // The connection as its run recorded it, without the recorded configuration: the hook computes it again.
  const linker: StoredLinker = {
    id: `${cell.sourceId}/providers/Microsoft.ServiceLinker/linkers/${cell.linkerName}`, sourceId: cell.sourceId, name: cell.linkerName,
    properties: cell.properties, provisioningState: "Succeeded", systemData: {}, secretPaths: [],
    ...(plan ? { state: { targetFacts: plan.targetFacts, sourceKind: plan.sourceKind, targetKind: plan.targetKind } } : {}),
  };
  try {
    const entries = await createCatalogueHooks().configurations({ linker, configurationInfo: cell.properties.configurationInfo ?? {} });
    return { entries: entries.map((e) => ({ name: e.name, ...(e.isSecret ? {} : { value: e.value ?? null }), isSecret: Boolean(e.isSecret) })) };
  } catch (e) {
    return { refused: (e as { code?: string }).code ?? String(e) };
  }
}

describe("generateConfigurations equals what a create writes", () => {
  it("for every catalogue cell, with customized keys and in the Functions binding-aware form", async () => {
    const all = cells();
    expect(all.length).toBeGreaterThan(200);
    const mismatches: string[] = [];
    let compared = 0;
    let refusedAlike = 0;
    for (const cell of all) {
      if (cell.label.endsWith("customizedKeys")) {
        // Rename the cell's first default name to a custom one.
        const first = await planned({ ...cell, properties: { ...cell.properties, configurationInfo: null } });
        const name = "entries" in first.outcome ? first.outcome.entries[0]?.name : undefined;
        if (!name) continue;
        cell.properties = { ...cell.properties, configurationInfo: { customizedKeys: { [name]: "MY_CUSTOM_NAME" } } };
      }
      const { outcome, plan } = await planned(cell);
      const answer = await generated(cell, plan);
      if ("refused" in outcome) {
        // A cell the plan refuses (e.g. binding-aware names for a target without a Functions binding) is refused alike.
        if (!("refused" in answer)) mismatches.push(`${cell.label}: create refuses (${outcome.refused}) but generateConfigurations answers`);
        else refusedAlike++;
        continue;
      }
      compared++;
      // A local connection writes nothing: no setting, no Key Vault secret, no identity; its principal is known.
      if (cell.sourceId === localScope && plan && (plan.settings.settings.length || plan.secretStore.length || plan.identity || plan.appConfiguration)) {
        mismatches.push(`${cell.label}: a local connection's plan writes ${JSON.stringify({ settings: plan.settings.settings.map((x) => x.name), secretStore: plan.secretStore.length, identity: plan.identity })}`);
      }
      if (JSON.stringify(answer) !== JSON.stringify(outcome)) {
        mismatches.push(`${cell.label}:\n  create writes          ${JSON.stringify(outcome)}\n  generateConfigurations ${JSON.stringify(answer)}`);
      }
    }
    expect(mismatches).toEqual([]);
    console.info(`configurations table: ${compared} cells compared, ${refusedAlike} refused alike by create and generateConfigurations`);
    expect(compared).toBeGreaterThan(200);
    expect(refusedAlike).toBeGreaterThan(0);
  }, 240_000);

  it("a local userAccount storage connection: the developer's principal and role, nothing written, the names returned", async () => {
    const cell = cells().find((c) => c.label === "storage-blob userAccount nodejs local")!;
    const { plan } = await planned(cell);
    expect(plan).toMatchObject({ sourceKind: "local", principal: { principalId: "12121212-3434-5656-7878-909090909090", principalType: "User" }, settings: { settings: [] } });
    expect(plan!.roles.map((r) => r.roleName)).toEqual(["Storage Blob Data Contributor"]);
    expect(plan!.configurations.map((c) => c.name)).toEqual(["AZURE_STORAGEBLOB_RESOURCEENDPOINT"]);
    const bound = cells().find((c) => c.label === "storage-blob userAccount binding-aware local")!;
    const answer = await generated(bound, (await planned(bound)).plan);
    // Locally the developer's sign-in is the credential: no __credential.
    expect("entries" in answer && answer.entries.map((e) => e.name)).toEqual(["MyConn__blobServiceUri", "MyConn__queueServiceUri"]);
  });

  it("the binding-aware storage connection: MyConn__blobServiceUri, MyConn__queueServiceUri, MyConn__credential", async () => {
    const cell = cells().find((c) => c.label === "storage-blob systemAssignedIdentity binding-aware")!;
    const { plan } = await planned(cell);
    const answer = await generated(cell, plan);
    expect("entries" in answer && answer.entries.map((e) => e.name)).toEqual(expect.arrayContaining(["MyConn__blobServiceUri", "MyConn__queueServiceUri", "MyConn__credential"]));
    expect(plan!.configurations.map((c) => c.name)).toEqual(expect.arrayContaining(["MyConn__blobServiceUri", "MyConn__queueServiceUri", "MyConn__credential"]));
  });
});
