// How linkwright deploys itself (issue #14, "deploy as it preaches"), checked on the text of infra/ and azure.yaml:
// no storage key or connection string anywhere, every role the running code needs granted to the identity it runs
// as, linkwright's own reach over managed scopes constrained by default, Flex Consumption without the settings it
// rejects, Elastic Premium with what it needs, and an azd layout (azure.yaml, main.parameters.json) that deploys the
// package npm run package builds. Pure: reads files, no network, no Bicep compiler.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { evaluate, modules, objectProperty, outputs, params, resources, stripComments, topLevelProperties, vars, type Scope, type Value } from "./bicep-text.js";
import { typeScriptFiles } from "./code-settings.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), "utf8");
const filesUnder = (dir: string): string[] => readdirSync(join(ROOT, dir), { withFileTypes: true })
  .flatMap((e) => (e.isDirectory() ? filesUnder(`${dir}/${e.name}`) : [`${dir}/${e.name}`]));

const mainText = stripComments(read("infra/main.bicep"));
const apiText = stripComments(read("infra/app/api.bicep"));
const rbacText = stripComments(read("infra/app/rbac.bicep"));
const storageText = stripComments(read("infra/app/storage.bicep"));
const monitoringText = stripComments(read("infra/app/monitoring.bicep"));
const subText = stripComments(read("infra/subscription-roles.bicep"));

/** Settings the Flex Consumption plan rejects or ignores (Learn, "Flex Consumption plan deprecations" in the Functions
 *  app settings reference, and the Flex samples): the runtime, the content share, build and package settings. */
const FLEX_REJECTED_SETTINGS = [
  "FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_WORKER_RUNTIME_VERSION", "FUNCTIONS_EXTENSION_VERSION", "WEBSITE_NODE_DEFAULT_VERSION",
  "WEBSITE_RUN_FROM_PACKAGE", "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING", "WEBSITE_CONTENTSHARE", "WEBSITE_SKIP_CONTENTSHARE_VALIDATION",
  "WEBSITE_CONTENTOVERVNET", "SCM_DO_BUILD_DURING_DEPLOYMENT", "ENABLE_ORYX_BUILD", "WEBSITE_MAX_DYNAMIC_APPLICATION_SCALE_OUT",
  "WEBSITE_USE_PLACEHOLDER", "WEBSITE_USE_PLACEHOLDER_DOTNETISOLATED", "WEBSITE_MOUNT_ENABLED", "WEBSITES_CONTAINER_START_TIME_LIMIT",
  "WEBSITE_TIME_ZONE", "TZ",
];
/** siteConfig properties Flex Consumption takes from functionAppConfig instead (or has no use for). */
const FLEX_REJECTED_SITE_CONFIG = ["linuxFxVersion", "netFrameworkVersion", "javaVersion", "powerShellVersion", "use32BitWorkerProcess",
  "minimumElasticInstanceCount", "functionAppScaleLimit", "alwaysOn", "appSettings"];

const GUID = {
  storageBlobDataOwner: "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
  storageQueueDataContributor: "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
  storageTableDataContributor: "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
  monitoringMetricsPublisher: "3913510d-42f4-4e42-8a64-420c390055eb",
  keyVaultSecretsUser: "4633458b-17de-408a-b874-0445c86b69e6",
  contributor: "b24988ac-6180-42a0-ab88-20f7382dd24c",
  rbacAdministrator: "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
  userAccessAdministrator: "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
};

const moduleOf = (path: string) => {
  const found = modules(mainText).filter((m) => m.path === path);
  expect(found, path).toHaveLength(1);
  return found[0]!;
};
const moduleParams = (path: string) => topLevelProperties(objectProperty(moduleOf(path).body, "params")!);
const objectVar = (text: string, name: string) => topLevelProperties(vars(text).get(name)!.slice(1, -1));

/** app/api.bicep's scope on a plan, with symbolic stand-ins for what only ARM knows. */
function apiScope(hostingPlan: string, overrides: Record<string, Value> = {}): Scope {
  return {
    params: params(apiText), vars: vars(apiText),
    paramValues: {
      name: "linkwright-test", location: "westeurope", hostingPlan, storageAccountName: "stlwtest", deploymentContainerName: "app-package",
      applicationInsightsName: "linkwright-test-ai", identityId: "<identity id>", identityClientId: "<identity client id>", appSettings: {}, ...overrides,
    },
    references: {
      "storage.properties.primaryEndpoints.blob": "https://stlwtest.blob.core.windows.net/",
      "storage.properties.primaryEndpoints.queue": "https://stlwtest.queue.core.windows.net/",
      "storage.properties.primaryEndpoints.table": "https://stlwtest.table.core.windows.net/",
      "appInsights.properties.ConnectionString": "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/",
    },
  };
}

function siteSettings(hostingPlan: string): Record<string, string> {
  const config = resources(apiText).find((r) => r.type === "Microsoft.Web/sites/config")!;
  return evaluate(topLevelProperties(config.body).get("properties")!, apiScope(hostingPlan)) as Record<string, string>;
}

function siteProperty(hostingPlan: string, name: string): Value {
  const site = resources(apiText).find((r) => r.type === "Microsoft.Web/sites")!;
  return evaluate(topLevelProperties(objectProperty(site.body, "properties")!).get(name)!, apiScope(hostingPlan));
}

describe("keyless", () => {
  it("no storage key, account key, SAS or connection string anywhere in infra/", () => {
    const files = filesUnder("infra").filter((f) => !f.endsWith(".md"));
    expect(files).toEqual(expect.arrayContaining(["infra/main.bicep", "infra/app/api.bicep", "infra/app/storage.bicep", "infra/main.parameters.json"]));
    for (const file of files) {
      expect(read(file), file).not.toMatch(/listKeys\(|listAccountSas|listServiceSas|AccountKey|DefaultEndpointsProtocol|SharedAccessKey|StorageAccountConnectionString|connectionStrings/i);
    }
  });

  it("the storage account refuses shared keys; nothing depends on an Azure Files share", () => {
    const account = resources(storageText).find((r) => r.type === "Microsoft.Storage/storageAccounts")!;
    const props = topLevelProperties(objectProperty(account.body, "properties")!);
    expect(props.get("allowSharedKeyAccess")).toBe("false");
    expect(props.get("defaultToOAuthAuthentication")).toBe("true");
    for (const text of [storageText, apiText, mainText]) expect(text).not.toMatch(/fileServices|shares@/);
  });

  it("the host and Durable Functions reach storage as linkwright's identity, on both plans", () => {
    for (const plan of ["FlexConsumption", "ElasticPremium"]) {
      const settings = siteSettings(plan);
      expect(settings, plan).toMatchObject({
        AzureWebJobsStorage__blobServiceUri: "https://stlwtest.blob.core.windows.net/",
        AzureWebJobsStorage__queueServiceUri: "https://stlwtest.queue.core.windows.net/",
        AzureWebJobsStorage__tableServiceUri: "https://stlwtest.table.core.windows.net/",
        AzureWebJobsStorage__credential: "managedidentity",
        AzureWebJobsStorage__clientId: "<identity client id>",
      });
      expect(settings.AzureWebJobsStorage, plan).toBeUndefined();
    }
    // main.bicep passes the identity the app runs as, and the account the storage module created.
    const api = moduleParams("app/api.bicep");
    const identity = moduleOf("app/identity.bicep").symbol;
    expect(api.get("identityClientId")).toBe(`${identity}.outputs.clientId`);
    expect(api.get("identityId")).toBe(`${identity}.outputs.id`);
    expect(api.get("storageAccountName")).toBe(`${moduleOf("app/storage.bicep").symbol}.outputs.name`);
  });

  it("the package is fetched as the identity: Flex deployment storage, Elastic Premium's package URL", () => {
    const config = siteProperty("FlexConsumption", "functionAppConfig") as Record<string, Record<string, Record<string, unknown>>>;
    expect(config.deployment!.storage).toEqual({
      type: "blobContainer", value: "https://stlwtest.blob.core.windows.net/app-package",
      authentication: { type: "UserAssignedIdentity", userAssignedIdentityResourceId: "<identity id>" },
    });
    const premium = siteSettings("ElasticPremium");
    expect(premium.WEBSITE_RUN_FROM_PACKAGE).toBe("https://stlwtest.blob.core.windows.net/app-package/linkwright.zip");
    expect(premium.WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID).toBe("<identity id>");
    expect(moduleParams("app/storage.bicep").get("deploymentContainerName")).toBe(moduleParams("app/api.bicep").get("deploymentContainerName"));
  });

  it("Application Insights takes Entra-authenticated telemetry only: local auth off, the identity in the authentication string", () => {
    const ai = resources(monitoringText).find((r) => r.type === "Microsoft.Insights/components")!;
    expect(topLevelProperties(objectProperty(ai.body, "properties")!).get("DisableLocalAuth")).toBe("true");
    for (const plan of ["FlexConsumption", "ElasticPremium"]) {
      const settings = siteSettings(plan);
      expect(settings.APPLICATIONINSIGHTS_AUTHENTICATION_STRING).toBe("ClientId=<identity client id>;Authorization=AAD");
      expect(settings.APPLICATIONINSIGHTS_CONNECTION_STRING).toMatch(/^InstrumentationKey=[^;]+;IngestionEndpoint=/);
      expect(Object.keys(settings)).not.toContain("APPINSIGHTS_INSTRUMENTATIONKEY");
    }
  });

  it("the seal key's only copy in Azure is the Key Vault secret; azd takes it from its environment, never a literal", () => {
    const parameters = JSON.parse(read("infra/main.parameters.json")) as { parameters: Record<string, { value: string }> };
    expect(parameters.parameters.sealKey!.value).toBe("${LINKWRIGHT_SEAL_KEY}");
    const hook = read("infra/seal-key.mjs");
    expect(hook).toMatch(/randomBytes\(32\)/);
    // It refuses to invent a new key for an environment provisioned before (keyVaultName is main.bicep's output).
    expect(hook).toMatch(/process\.env\.keyVaultName/);
    expect(outputs(mainText).get("keyVaultName")).toBeDefined();
  });
});

describe("every role the running code needs", () => {
  const srcText = typeScriptFiles(join(ROOT, "src")).map((f) => readFileSync(f, "utf8")).join("\n");
  const grants = resources(rbacText).filter((r) => r.type === "Microsoft.Authorization/roleAssignments").map((r) => {
    const props = topLevelProperties(objectProperty(r.body, "properties")!);
    const role = /roleIds\.(\w+)\)$/.exec(props.get("roleDefinitionId")!)![1]!;
    return { scope: topLevelProperties(r.body).get("scope")!, role, roleId: /'([0-9a-f-]{36})'/.exec(objectVar(rbacText, "roleIds").get(role)!)![1]!, principal: props.get("principalId")! };
  });
  const granted = (roleId: string, scope: string) => grants.some((g) => g.roleId === roleId && g.scope === scope && g.principal === "principalId");

  it("goes to the identity the app runs as", () => {
    expect(moduleParams("app/rbac.bicep").get("principalId")).toBe(`${moduleOf("app/identity.bicep").symbol}.outputs.principalId`);
    const site = resources(apiText).find((r) => r.type === "Microsoft.Web/sites")!;
    expect(topLevelProperties(objectProperty(site.body, "identity")!).get("type")).toBe("'UserAssigned'");
    expect(topLevelProperties(moduleOf("app/api.bicep").body).get("dependsOn")).toMatch(new RegExp(`\\[\\s*${moduleOf("app/rbac.bicep").symbol}\\s*\\]`));
  });

  it("storage: blobs for the host and the package, queues and tables for Durable Functions and linkwright's own stores", () => {
    // What in the code needs which data role (and the Functions host / Durable Functions need all three).
    expect(srcText).toMatch(/from "@azure\/data-tables"/);
    expect(srcText).toMatch(/from "@azure\/storage-queue"/);
    expect(srcText).toMatch(/from "durable-functions"/);
    expect(granted(GUID.storageBlobDataOwner, "storage")).toBe(true);
    expect(granted(GUID.storageQueueDataContributor, "storage")).toBe(true);
    expect(granted(GUID.storageTableDataContributor, "storage")).toBe(true);
    expect(resources(rbacText).find((r) => r.symbol === "storage")!.body).toMatch(/name: storageAccountName/);
    expect(moduleParams("app/rbac.bicep").get("storageAccountName")).toBe(`${moduleOf("app/storage.bicep").symbol}.outputs.name`);
  });

  it("Monitoring Metrics Publisher on Application Insights (APPLICATIONINSIGHTS_AUTHENTICATION_STRING)", () => {
    expect(granted(GUID.monitoringMetricsPublisher, "appInsights")).toBe(true);
    expect(moduleParams("app/rbac.bicep").get("applicationInsightsName")).toBe(moduleParams("app/api.bicep").get("applicationInsightsName"));
  });

  it("Key Vault Secrets User on its vault (the LINKWRIGHT_SEAL_KEY reference)", () => {
    expect(granted(GUID.keyVaultSecretsUser, "vault")).toBe(true);
    expect(moduleParams("app/rbac.bicep").get("keyVaultName")).toBe(`${moduleOf("app/keyvault.bicep").symbol}.outputs.name`);
  });

  it("on managed scopes: Contributor and, by default, Role Based Access Control Administrator constrained to the catalogue's roles, assigned to service principals (an app's identity) or users (a developer's own local connection)", () => {
    const scope: Scope = { params: params(subText), vars: vars(subText), paramValues: { principalId: "p" }, references: {} };
    expect(evaluate("accessRoleId", scope)).toBe(GUID.rbacAdministrator);
    const condition = String(evaluate("accessCondition", scope));
    expect(condition).toMatch(/ActionMatches\{'Microsoft\.Authorization\/roleAssignments\/write'\}/);
    expect(condition).toMatch(/ActionMatches\{'Microsoft\.Authorization\/roleAssignments\/delete'\}/);
    expect(condition).toMatch(/PrincipalType\] ForAnyOfAnyValues:StringEqualsIgnoreCase \{'ServicePrincipal', 'User'\}/);
    for (const r of resources(subText).filter((x) => x.type === "Microsoft.Authorization/roleAssignments" && x.symbol === "access")) {
      expect(topLevelProperties(objectProperty(r.body, "properties")!).get("condition")).toBe("constrained ? accessCondition : null");
    }
    expect(vars(subText).get("roleIds")).toContain(GUID.contributor);
    // User Access Administrator only as the opt-in.
    expect(evaluate("accessRoleId", { ...scope, paramValues: { principalId: "p", accessRole: "UserAccessAdministrator" } })).toBe(GUID.userAccessAdministrator);
  });
});

describe("hosting", () => {
  it("Flex Consumption by default: FC1, node 20, always-ready instances for the HTTP function group", () => {
    expect(params(mainText).get("hostingPlan")!.defaultExpr).toBe("'FlexConsumption'");
    expect(moduleParams("app/api.bicep").get("hostingPlan")).toBe("hostingPlan");
    expect(evaluate("flexPlanSku", apiScope("FlexConsumption"))).toEqual({ name: "FC1", tier: "FlexConsumption" });
    const config = siteProperty("FlexConsumption", "functionAppConfig") as { runtime: unknown; scaleAndConcurrency: Record<string, unknown> };
    expect(config.runtime).toEqual({ name: "node", version: "20" });
    expect(config.scaleAndConcurrency).toEqual({ alwaysReady: [{ name: "http", instanceCount: 1 }], maximumInstanceCount: 100, instanceMemoryMB: 2048 });
    // "http" is the group of the app's HTTP functions: it has some.
    const functions = readdirSync(join(ROOT, "src/functions")).map((f) => read(`src/functions/${f}`)).join("\n");
    expect(functions).toMatch(/\bapp\.http\(/);
    // Scale to zero when asked.
    const idle = evaluate("functionAppConfig", apiScope("FlexConsumption", { alwaysReadyInstances: 0 })) as { scaleAndConcurrency: { alwaysReady: unknown[] } };
    expect(idle.scaleAndConcurrency.alwaysReady).toEqual([]);
  });

  it("sends Flex Consumption none of the settings and siteConfig properties it rejects", () => {
    const settings = siteSettings("FlexConsumption");
    expect(Object.keys(settings).filter((n) => FLEX_REJECTED_SETTINGS.includes(n))).toEqual([]);
    const siteConfig = siteProperty("FlexConsumption", "siteConfig") as Record<string, unknown>;
    expect(Object.keys(siteConfig).filter((n) => FLEX_REJECTED_SITE_CONFIG.includes(n))).toEqual([]);
    // The list is not vacuous: Elastic Premium does get some of them.
    expect(Object.keys(siteSettings("ElasticPremium")).filter((n) => FLEX_REJECTED_SETTINGS.includes(n)).sort())
      .toEqual(["FUNCTIONS_EXTENSION_VERSION", "FUNCTIONS_WORKER_RUNTIME", "WEBSITE_RUN_FROM_PACKAGE"]);
    expect(siteProperty("FlexConsumption", "functionAppConfig")).not.toBeNull();
  });

  it("Elastic Premium on request: EP plan, Node 20 through siteConfig, no functionAppConfig, at least one always-ready instance", () => {
    expect(vars(mainText).has("hostingPlan")).toBe(false);
    expect(params(mainText).get("hostingPlan")!.decorators.join(" ")).toMatch(/'ElasticPremium'/);
    expect(evaluate("elasticPremiumPlanSku", apiScope("ElasticPremium"))).toEqual({ name: "EP1", tier: "ElasticPremium" });
    expect(siteProperty("ElasticPremium", "functionAppConfig")).toBeNull();
    const siteConfig = siteProperty("ElasticPremium", "siteConfig") as Record<string, unknown>;
    expect(siteConfig).toMatchObject({ linuxFxVersion: "Node|20", minimumElasticInstanceCount: 1, functionAppScaleLimit: 100 });
    expect((evaluate("elasticPremiumSiteConfig", apiScope("ElasticPremium", { alwaysReadyInstances: 0 })) as Record<string, unknown>).minimumElasticInstanceCount).toBe(1);
  });

  it("Key Vault references resolve as the user-assigned identity on either plan", () => {
    for (const plan of ["FlexConsumption", "ElasticPremium"]) expect(siteProperty(plan, "keyVaultReferenceIdentity")).toBe("<identity id>");
  });
});

describe("azd layout", () => {
  const yaml = read("azure.yaml");

  it("azure.yaml: one service, api, a TypeScript function app built by npm run package", () => {
    expect(yaml).toMatch(/^name: linkwright$/m);
    const service = /^services:\n {2}api:\n((?: {4}.+\n)+)/m.exec(yaml);
    expect(service, "services.api").not.toBeNull();
    const fields = Object.fromEntries(service![1]!.trim().split("\n").map((l) => l.trim().split(/:\s*/) as [string, string]));
    expect(fields).toEqual({ project: ".", language: "ts", host: "function", dist: ".package", remoteBuild: "false" });
    // azd runs `npm run package` for a js/ts service and deploys `dist`: that script builds exactly that folder.
    const pkg = JSON.parse(read("package.json")) as { scripts: Record<string, string> };
    expect(pkg.scripts.package).toBe("tsx infra/package.ts");
    expect(read("infra/package.ts")).toMatch(/path\.join\(root, "\.package"\)/);
    expect(read(".gitignore").split("\n")).toEqual(expect.arrayContaining([".package/", "linkwright.zip", ".azure/"]));
    // The app is tagged for azd as that service.
    const site = resources(apiText).find((r) => r.type === "Microsoft.Web/sites")!;
    expect(topLevelProperties(site.body).get("tags")).toMatch(/'azd-service-name': 'api'/);
    expect(yaml).toMatch(/preprovision:[^]*run: node infra\/seal-key\.mjs/);
  });

  it("main.parameters.json names main.bicep's parameters from the azd environment, and covers every one without a default", () => {
    const parameters = JSON.parse(read("infra/main.parameters.json")) as { parameters: Record<string, { value: string }> };
    const declared = params(mainText);
    for (const name of Object.keys(parameters.parameters)) expect(declared.has(name), name).toBe(true);
    for (const [name, decl] of declared) if (decl.defaultExpr === undefined) expect(Object.keys(parameters.parameters), name).toContain(name);
    expect(parameters.parameters.environmentName!.value).toBe("${AZURE_ENV_NAME}");
    expect(parameters.parameters.location!.value).toBe("${AZURE_LOCATION}");
    expect(parameters.parameters.hostingPlan!.value).toBe("${LINKWRIGHT_HOSTING_PLAN=FlexConsumption}");
    expect(mainText).toMatch(/^targetScope = 'subscription'$/m);
  });

  it("laid out as the Functions azd templates: main.bicep composing infra/app/*.bicep", () => {
    const composed = modules(mainText).map((m) => m.path).sort();
    expect(composed).toEqual(["app/api.bicep", "app/app-registration.bicep", "app/identity.bicep", "app/keyvault.bicep", "app/monitoring.bicep",
      "app/rbac.bicep", "app/resource-events.bicep", "app/storage.bicep"]);
    expect(filesUnder("infra/app").sort()).toEqual([...composed.map((p) => `infra/${p}`), "infra/app/event-queues.bicep", "infra/app/manager-roles.bicep"].sort());
  });
});
