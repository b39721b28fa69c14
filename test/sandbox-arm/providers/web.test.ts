// Microsoft.Web through the real @azure/arm-appservice client: sites and slots, identity, app settings,
// connection strings, slot-sticky names, config/web, VNet integration, function listings, publishing profiles, LRO,
// RBAC and errors.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSiteManagementClient } from "@azure/arm-appservice";
import { ManagedServiceIdentityClient } from "@azure/arm-msi";
import { startTestEmulator, type TestEmulator } from "../support/emulator.js";
import { rawRequest } from "../support/raw.js";
import { createResourceGroup, expectRestError } from "./helpers.js";

let t: TestEmulator;
let web: WebSiteManagementClient;
const rg = "rg-web";
const plan = "/subscriptions/s/resourceGroups/rg-web/providers/Microsoft.Web/serverfarms/plan";

beforeAll(async () => {
  t = await startTestEmulator();
  web = new WebSiteManagementClient(t.credential, t.subscriptionId, t.clientOptions);
  await createResourceGroup(t, rg);
});
afterAll(async () => { await t?.close(); });

describe("Microsoft.Web sites", () => {
  it("creates a Linux function app, reads it back with outbound IPs, lists it", async () => {
    const site = await web.webApps.createOrUpdate(rg, "func1", {
      location: "westeurope", kind: "functionapp,linux", serverFarmId: plan,
      siteConfig: { linuxFxVersion: "Node|20", appSettings: [{ name: "FUNCTIONS_WORKER_RUNTIME", value: "node" }] },
    });
    expect(site.id).toBe(`/subscriptions/${t.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Web/sites/func1`);
    expect(site.kind).toBe("functionapp,linux");
    expect(site.defaultHostName).toBe("func1.azurewebsites.net");
    const got = await web.webApps.get(rg, "FUNC1");
    expect(got.name).toBe("func1");
    expect(got.outboundIpAddresses!.split(",")).toHaveLength(2);
    expect(got.possibleOutboundIpAddresses!.split(",")).toEqual(expect.arrayContaining(got.outboundIpAddresses!.split(",")));
    const settings = await web.webApps.listApplicationSettings(rg, "func1");
    expect(settings.properties).toEqual({ FUNCTIONS_WORKER_RUNTIME: "node" });
    const names: string[] = [];
    for await (const s of web.webApps.listByResourceGroup(rg)) names.push(s.name!);
    expect(names).toContain("func1");
  });

  it("replaces the whole app-settings set on PUT (keys missing from the body are deleted)", async () => {
    await web.webApps.createOrUpdate(rg, "app-settings", { location: "westeurope", kind: "app,linux", serverFarmId: plan });
    await web.webApps.updateApplicationSettings(rg, "app-settings", { properties: { A: "1", B: "2" } });
    await web.webApps.updateApplicationSettings(rg, "app-settings", { properties: { B: "3", C: "4" } });
    const listed = await web.webApps.listApplicationSettings(rg, "app-settings");
    expect(listed.properties).toEqual({ B: "3", C: "4" });
    expect(listed.id).toBe(`/subscriptions/${t.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Web/sites/app-settings/config/appsettings`);
  });

  it("stores connection strings and slot-sticky names", async () => {
    await web.webApps.createOrUpdate(rg, "app-cs", { location: "westeurope", serverFarmId: plan });
    await web.webApps.updateConnectionStrings(rg, "app-cs", { properties: { Db: { value: "Server=x", type: "SQLAzure" } } });
    const cs = await web.webApps.listConnectionStrings(rg, "app-cs");
    expect(cs.properties).toEqual({ Db: { value: "Server=x", type: "SQLAzure" } });
    await expectRestError(web.webApps.updateConnectionStrings(rg, "app-cs", { properties: { Db: { value: "x", type: "Nope" as never } } }), 400, "BadRequest");
    await web.webApps.updateSlotConfigurationNames(rg, "app-cs", { appSettingNames: ["STICKY"], connectionStringNames: ["Db"] });
    const names = await web.webApps.listSlotConfigurationNames(rg, "app-cs");
    expect(names.appSettingNames).toEqual(["STICKY"]);
    expect(names.connectionStringNames).toEqual(["Db"]);
  });

  it("serves config/web with the default rule, and keeps vnetRouteAllEnabled and outboundVnetRouting in sync", async () => {
    await web.webApps.createOrUpdate(rg, "app-net", { location: "westeurope", serverFarmId: plan });
    const cfg = await web.webApps.getConfiguration(rg, "app-net");
    expect(cfg.ipSecurityRestrictions).toEqual([expect.objectContaining({ ipAddress: "Any", action: "Allow", name: "Allow all" })]);
    expect(cfg.vnetRouteAllEnabled).toBe(false);
    const rules = [{ ipAddress: "20.1.2.3/32", action: "Allow", priority: 100, name: "lw-allow" }];
    const patched = await web.webApps.updateConfiguration(rg, "app-net", { ipSecurityRestrictions: rules, vnetRouteAllEnabled: true });
    expect(patched.ipSecurityRestrictions).toEqual([expect.objectContaining(rules[0])]);
    const subnetId = `/subscriptions/${t.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Network/virtualNetworks/v/subnets/apps`;
    const site = await web.webApps.update(rg, "app-net", { virtualNetworkSubnetId: subnetId });
    expect(site.virtualNetworkSubnetId).toBe(subnetId);
    expect(site.outboundVnetRouting?.allTraffic).toBe(true);
    const again = await web.webApps.getConfiguration(rg, "app-net");
    expect(again.vnetRouteAllEnabled).toBe(true);
    expect(again.ipSecurityRestrictions).toHaveLength(1);
    await web.webApps.updateConfiguration(rg, "app-net", { vnetRouteAllEnabled: false });
    expect((await web.webApps.get(rg, "app-net")).outboundVnetRouting?.allTraffic).toBe(false);
    await expectRestError(web.webApps.update(rg, "app-net", { virtualNetworkSubnetId: "not-an-id" }), 400, "LinkedInvalidPropertyId");
    // A PUT on the existing app keeps what the body does not mention (App Service update semantics).
    const reput = await web.webApps.createOrUpdate(rg, "app-net", { location: "westeurope", serverFarmId: plan, httpsOnly: true });
    expect(reput.virtualNetworkSubnetId).toBe(subnetId);
    expect((await web.webApps.getConfiguration(rg, "app-net")).ipSecurityRestrictions).toEqual([expect.objectContaining(rules[0])]);
  });

  it("integrates with a subnet through networkConfig/virtualNetwork and lists it as a VNet connection", async () => {
    await web.webApps.createOrUpdate(rg, "app-swift", { location: "westeurope", serverFarmId: plan });
    expect(await web.webApps.listVnetConnections(rg, "app-swift")).toEqual([]);
    const subnetId = `/subscriptions/${t.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Network/virtualNetworks/vnet9/subnets/apps`;
    const swift = await web.webApps.createOrUpdateSwiftVirtualNetworkConnectionWithCheck(rg, "app-swift", { subnetResourceId: subnetId });
    expect(swift.subnetResourceId).toBe(subnetId);
    expect((await web.webApps.get(rg, "app-swift")).virtualNetworkSubnetId).toBe(subnetId);
    const connections = await web.webApps.listVnetConnections(rg, "app-swift");
    expect(connections.map((c) => ({ name: c.name, vnetResourceId: c.vnetResourceId, isSwift: c.isSwift }))).toEqual([{ name: "vnet9", vnetResourceId: subnetId, isSwift: true }]);
    await web.webApps.deleteSwiftVirtualNetwork(rg, "app-swift");
    expect((await web.webApps.getSwiftVirtualNetworkConnection(rg, "app-swift")).subnetResourceId).toBe("");
  });

  it("resets config/web to defaults on PUT except for the fields given", async () => {
    await web.webApps.createOrUpdate(rg, "app-webcfg", { location: "westeurope", serverFarmId: plan });
    await web.webApps.updateConfiguration(rg, "app-webcfg", { alwaysOn: true, http20Enabled: true });
    const put = await web.webApps.createOrUpdateConfiguration(rg, "app-webcfg", { http20Enabled: true });
    expect(put.alwaysOn).toBe(false);
    expect(put.http20Enabled).toBe(true);
    expect(put.name).toBe("web");
    expect(put.id).toBe(`/subscriptions/${t.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Web/sites/app-webcfg/config/web`);
  });

  it("deletes a site with its slots, functions and system-assigned principal", async () => {
    const site = await web.webApps.createOrUpdate(rg, "app-del", { location: "westeurope", kind: "functionapp,linux", serverFarmId: plan, identity: { type: "SystemAssigned" } });
    await web.webApps.createOrUpdateSlot(rg, "app-del", "stage", { location: "westeurope", serverFarmId: plan });
    await web.webApps.createFunction(rg, "app-del", "fn", { config: { bindings: [] } });
    await web.webApps.delete(rg, "app-del");
    expect(t.emulator.principals.get(site.identity!.principalId!)).toBeUndefined();
    await expectRestError(web.webApps.get(rg, "app-del"), 404, "ResourceNotFound");
    expect(t.emulator.store.list(site.id!)).toEqual([]);
    await web.webApps.delete(rg, "app-del");
  });

  it("issues and removes system- and user-assigned identities", async () => {
    const msi = new ManagedServiceIdentityClient(t.credential, t.subscriptionId, { endpoint: t.endpoint });
    const uami = await msi.userAssignedIdentities.createOrUpdate(rg, "uami-web", { location: "westeurope" });
    await web.webApps.createOrUpdate(rg, "app-id", { location: "westeurope", serverFarmId: plan, identity: { type: "SystemAssigned" } });
    const sys = await web.webApps.get(rg, "app-id");
    expect(sys.identity?.type).toBe("SystemAssigned");
    expect(sys.identity?.principalId).toMatch(/^[0-9a-f-]{36}$/);
    expect(sys.identity?.tenantId).toBe(t.tenantId);
    expect(t.emulator.principals.get(sys.identity!.principalId!)).toBeDefined();

    const both = await web.webApps.update(rg, "app-id", { identity: { type: "SystemAssigned, UserAssigned", userAssignedIdentities: { [uami.id!]: {} } } });
    expect(both.identity?.type).toBe("SystemAssigned, UserAssigned");
    expect(both.identity?.principalId).toBe(sys.identity?.principalId);
    const entry = Object.entries(both.identity!.userAssignedIdentities!)[0];
    expect(entry[0].toLowerCase()).toBe(uami.id!.toLowerCase());
    expect(entry[1]).toEqual({ principalId: uami.principalId, clientId: uami.clientId });

    const userOnly = await web.webApps.update(rg, "app-id", { identity: { type: "UserAssigned" } });
    expect(userOnly.identity?.principalId).toBeUndefined();
    expect(Object.keys(userOnly.identity!.userAssignedIdentities!)).toHaveLength(1);
    expect(t.emulator.principals.get(sys.identity!.principalId!)).toBeUndefined();

    const none = await web.webApps.update(rg, "app-id", { identity: { type: "None" } });
    expect(none.identity?.userAssignedIdentities).toBeUndefined();
    await expectRestError(web.webApps.update(rg, "app-id", {
      identity: { type: "UserAssigned", userAssignedIdentities: { [`${uami.id!}-missing`]: {} } },
    }), 400, "FailedIdentityOperation");
  });

  it("creates slots and serves their settings separately", async () => {
    await web.webApps.createOrUpdate(rg, "app-slot", { location: "westeurope", kind: "app,linux", serverFarmId: plan });
    const slot = await web.webApps.createOrUpdateSlot(rg, "app-slot", "staging", { location: "westeurope", serverFarmId: plan });
    expect(slot.name).toBe("app-slot/staging");
    expect(slot.type).toBe("Microsoft.Web/sites/slots");
    expect(slot.defaultHostName).toBe("app-slot-staging.azurewebsites.net");
    await web.webApps.updateApplicationSettingsSlot(rg, "app-slot", "staging", { properties: { ONLY_SLOT: "1" } });
    expect((await web.webApps.listApplicationSettingsSlot(rg, "app-slot", "staging")).properties).toEqual({ ONLY_SLOT: "1" });
    expect((await web.webApps.listApplicationSettings(rg, "app-slot")).properties).toEqual({});
    const slots: string[] = [];
    for await (const s of web.webApps.listSlots(rg, "app-slot")) slots.push(s.name!);
    expect(slots).toEqual(["app-slot/staging"]);
    await expectRestError(web.webApps.getSlot(rg, "app-slot", "nope"), 404, "ResourceNotFound");
  });

  it("lists functions with their bindings across nextLink pages, and gets one", async () => {
    await web.webApps.createOrUpdate(rg, "func-many", { location: "westeurope", kind: "functionapp,linux", serverFarmId: plan });
    const bindings = [
      { name: "image", type: "blobTrigger", direction: "in", path: "images/{name}", connection: "AzureWebJobsStorage" },
      { name: "thumb", type: "blob", direction: "out", path: "images/thumbs/{name}", connection: "AzureWebJobsStorage" },
    ];
    for (let i = 0; i < 105; i++) {
      await web.webApps.createFunction(rg, "func-many", `fn${String(i).padStart(3, "0")}`, { config: { bindings } });
    }
    const seen: { name?: string; bindings?: unknown }[] = [];
    for await (const f of web.webApps.listFunctions(rg, "func-many")) seen.push({ name: f.name, bindings: (f.config as { bindings: unknown }).bindings });
    expect(seen).toHaveLength(105);
    expect(seen[0]).toEqual({ name: "func-many/fn000", bindings });
    const one = await web.webApps.getFunction(rg, "func-many", "fn104");
    expect(one.functionAppId).toBe(`/subscriptions/${t.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Web/sites/func-many`);
    await expectRestError(web.webApps.getFunction(rg, "func-many", "nope"), 404, "ResourceNotFound");
  });

  it("completes createOrUpdate through the SDK poller when the emulator answers asynchronously", async () => {
    const rule = t.emulator.control.addLroRule({ method: "PUT", path: "/sites/lro-app$", pollsUntilDone: 2 });
    try {
      const poller = await web.webApps.beginCreateOrUpdate(rg, "lro-app", { location: "westeurope", serverFarmId: plan }, { updateIntervalInMs: 10 });
      const states: string[] = [];
      poller.onProgress((s) => states.push(s.status));
      const site = await poller.pollUntilDone();
      expect(states).toContain("running");
      expect(site.name).toBe("lro-app");
      expect(site.state).toBe("Running");
      expect(t.emulator.control.rules().lro).toEqual([rule]);
    } finally {
      t.emulator.control.clearRules();
    }
  });

  it("lists publishing profiles as App Service's XML (what `az webapp show` reads for ftpPublishingUrl), for sites and slots", async () => {
    const text = async (body: NodeJS.ReadableStream | undefined) => {
      const chunks: Buffer[] = [];
      for await (const c of body!) chunks.push(Buffer.from(c as Buffer));
      return Buffer.concat(chunks).toString("utf8");
    };
    const xml = await text((await web.webApps.listPublishingProfileXmlWithSecrets(rg, "func1", { format: "WebDeploy" })).readableStreamBody);
    expect(xml).toMatch(/^<publishData>.*<\/publishData>$/s);
    const methods = [...xml.matchAll(/publishMethod="([^"]+)"/g)].map((m) => m[1]);
    expect(methods).toEqual(["MSDeploy", "FTP", "ZipDeploy"]);
    expect(xml).toContain('publishUrl="func1.scm.azurewebsites.net:443"');
    expect(xml).toMatch(/publishMethod="FTP" publishUrl="ftps:\/\/[^"]+\/site\/wwwroot"/);
    expect(xml).toContain('userName="$func1"');
    // Stable per site (a second call gives the same credentials), not echoed anywhere else.
    expect(await text((await web.webApps.listPublishingProfileXmlWithSecrets(rg, "func1", {})).readableStreamBody)).toBe(xml);
    await web.webApps.createOrUpdateSlot(rg, "func1", "blue", { location: "westeurope", serverFarmId: plan });
    const slotXml = await text((await web.webApps.listPublishingProfileXmlWithSecretsSlot(rg, "func1", "blue", { format: "Ftp" })).readableStreamBody);
    expect(slotXml).toContain('msdeploySite="func1__blue"');
    expect(slotXml).toContain('publishUrl="func1-blue.scm.azurewebsites.net:443"');
    // Secrets: a Reader may not list them (Microsoft.Web/sites/publishxml/action); an unknown format is a 400. (The SDK
    // reads a stream operation's error body as a stream, so the wire codes are checked raw.)
    const asReader = new WebSiteManagementClient(t.readerCredential, t.subscriptionId, t.clientOptions);
    await expect(asReader.webApps.listPublishingProfileXmlWithSecrets(rg, "func1", {})).rejects.toMatchObject({ statusCode: 403 });
    const site = `/subscriptions/${t.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Web/sites`;
    const raw = async (p: string, body: unknown) => {
      const token = (await t.credential.getToken("https://management.azure.com/.default"))!.token;
      const r = await rawRequest(t.endpoint, "POST", `${site}/${p}/publishxml?api-version=2024-04-01`, { token, body: JSON.stringify(body) });
      return { status: r.status, code: r.json().error.code };
    };
    expect(await raw("func1", { format: "Zip" })).toEqual({ status: 400, code: "BadRequest" });
    expect(await raw("missing-app", {})).toEqual({ status: 404, code: "ResourceNotFound" });
  });

  it("denies writes to a Reader and rejects bad input with Azure's codes", async () => {
    const asReader = new WebSiteManagementClient(t.readerCredential, t.subscriptionId, t.clientOptions);
    expect((await asReader.webApps.get(rg, "func1")).name).toBe("func1");
    await expectRestError(asReader.webApps.updateApplicationSettings(rg, "func1", { properties: { X: "1" } }), 403, "AuthorizationFailed");
    await expectRestError(asReader.webApps.listApplicationSettings(rg, "func1"), 403, "AuthorizationFailed");
    await expectRestError(web.webApps.get(rg, "missing-app"), 404, "ResourceNotFound");
    await expectRestError(web.webApps.get("rg-missing", "x"), 404, "ResourceGroupNotFound");
    await expectRestError(web.webApps.createOrUpdate(rg, "no-location", { serverFarmId: plan } as never), 400, "LocationRequired");
    await expectRestError(web.webApps.getSiteExtension(rg, "func1", "ext"), 400, "InvalidResourceType");
  });
});
