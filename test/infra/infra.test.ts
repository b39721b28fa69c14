// infra/ against the code: the deployment sets every app setting the code reads (names exactly as read), nothing the
// code does not know, values the code's own readers accept and that equal its defaults; the seal key exists only as a
// Key Vault secret and no storage key exists at all; every role is a real built-in role, and the constrained
// role-assignment condition covers every role the catalogue assigns; linkwright's app registration has the scope and
// app role the code requires and the app's managed identity as its only credential. Pure: reads files, no network,
// no Bicep compiler. (test/infra/deployment.test.ts: keyless storage, the roles the code needs, the hosting plans.)
import { readdirSync } from "node:fs";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { listTargets } from "../../src/catalogue/index.js";
import {
  DEFAULT_HEALTH_SCHEDULE, DEFAULT_LOOP_SCAN_SCHEDULE, HEALTH_SCHEDULE_SETTING, LOOP_SCAN_SCHEDULE_SETTING, healthSchedule, loopScanSchedule, readApiSettings,
  readAuthorizationSettings, readAzureSettings, readConnectionPolicy, readDatabaseSettings, readHealthSettings, readLoopSettings, readStorageSettings,
} from "../../src/config/settings.js";
import { FEDERATED_TOKEN_SCOPE } from "../../src/azure/credential.js";
import { BUILTIN_ROLES } from "../../sandbox/arm/core/builtin-roles.js";
import { arrayObjects, evaluate, modules, objectProperty, outputs, params, resources, stripComments, topLevelProperties, vars, type Scope, type Value } from "./bicep-text.js";
import { codeSettings, settingsGap, settingsReadBy, settingsRequiredBy, typeScriptFiles } from "./code-settings.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), "utf8");

const mainText = stripComments(read("infra/main.bicep"));
const subText = stripComments(read("infra/subscription-roles.bicep"));
const moduleText = stripComments(read("infra/app/manager-roles.bicep"));
const appRegText = stripComments(read("infra/app/app-registration.bicep"));
const apiText = stripComments(read("infra/app/api.bicep"));
const keyVaultText = stripComments(read("infra/app/keyvault.bicep"));
const rbacText = stripComments(read("infra/app/rbac.bicep"));
const BICEP_FILES = {
  "infra/main.bicep": mainText, "infra/subscription-roles.bicep": subText, "infra/app/manager-roles.bicep": moduleText,
  "infra/app/app-registration.bicep": appRegText, "infra/app/api.bicep": apiText, "infra/app/keyvault.bicep": keyVaultText,
  "infra/app/rbac.bicep": rbacText,
  "infra/app/identity.bicep": stripComments(read("infra/app/identity.bicep")),
  "infra/app/monitoring.bicep": stripComments(read("infra/app/monitoring.bicep")),
  "infra/app/storage.bicep": stripComments(read("infra/app/storage.bicep")),
  // The Event Grid wiring (checked in detail by event-subscriptions.test.ts).
  "infra/app/resource-events.bicep": stripComments(read("infra/app/resource-events.bicep")),
  "infra/app/event-queues.bicep": stripComments(read("infra/app/event-queues.bicep")),
};

/** Settings the Functions platform reads (not linkwright's code). */
const PLATFORM_SETTINGS = [
  // The host's (and Durable Functions') storage as the app's identity; linkwright's stores read them too (issue #14).
  "AzureWebJobsStorage__blobServiceUri", "AzureWebJobsStorage__queueServiceUri", "AzureWebJobsStorage__tableServiceUri",
  "AzureWebJobsStorage__credential", "AzureWebJobsStorage__clientId",
  "APPLICATIONINSIGHTS_CONNECTION_STRING", "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
  // Elastic Premium only (Flex Consumption takes them from functionAppConfig).
  "FUNCTIONS_EXTENSION_VERSION", "FUNCTIONS_WORKER_RUNTIME", "WEBSITE_RUN_FROM_PACKAGE", "WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID",
];

/** Settings the code reads that the deployment deliberately does not set, and why. */
const LEFT_OUT: Record<string, string> = {
  LINKWRIGHT_STORAGE: "linkwright's tables share the AzureWebJobsStorage account",
  LINKWRIGHT_REQUEST_TIMEOUT_MS: "no per-request timeout, as the Azure SDKs default to (the fault matrix sets one to fault slow answers)",
  LINKWRIGHT_APP_CERTIFICATE_PATH: "the app registration's credential is linkwright's managed identity (a federated identity credential), no certificate",
  WEBSITE_SITE_NAME: "provided by App Service",
  WEBSITE_OWNER_NAME: "provided by App Service",
  // Keyless: the storage account is named by its identity-based form (AzureWebJobsStorage__*), which the host and the
  // code both read; the connection-string form, and the account-name shorthand (public cloud only), are not used.
  AzureWebJobsStorage: "keyless: the deployment sets the identity-based form (AzureWebJobsStorage__*Uri, __credential, __clientId)",
  AzureWebJobsStorage__accountName: "the deployment names the three service URIs, which hold in every cloud",
};

/** Built-in roles the ARM emulator does not model; GUID and name as published (Azure built-in roles). */
const BUILTIN_NOT_IN_EMULATOR: Record<string, string> = {
  // The Event Grid system topic's identity delivers to linkwright's event queues (app/event-queues.bicep).
  "c6a89b2d-59bc-44d0-9896-0f6e12d7b80a": "Storage Queue Data Message Sender",
  // linkwright's identity sends telemetry to Application Insights with Entra authentication (app/rbac.bicep).
  "3913510d-42f4-4e42-8a64-420c390055eb": "Monitoring Metrics Publisher",
};

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

function resourceOf(text: string, type: string) {
  const found = resources(text).filter((r) => r.type === type);
  expect(found, `exactly one ${type}`).toHaveLength(1);
  return found[0]!;
}

/** An object-literal `var` as name → expression. */
function objectVar(text: string, name: string): Map<string, string> {
  const expr = vars(text).get(name);
  expect(expr, `var ${name}`).toMatch(/^\{[^]*\}$/);
  return topLevelProperties(expr!.slice(1, -1));
}

/** linkwright's own app settings: main.bicep's `appSettings` (name → expression in main.bicep's scope). app/api.bicep
 *  merges them with the platform's into the site's one appsettings resource (deployedSettings). */
function appSettingsBlock(): Map<string, string> {
  const api = apiModule();
  expect(topLevelProperties(objectProperty(api.body, "params")!).get("appSettings")).toBe("appSettings");
  return objectVar(mainText, "appSettings");
}

// ---------------------------------------------------------------------------------------------------------------
// Evaluating the deployed settings the way the platform would hand them to the code
// ---------------------------------------------------------------------------------------------------------------

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
/** The app registration's appId, known only once Microsoft Graph created it. */
const APP_CLIENT_ID = "3f6a1c2e-5b7d-4e8f-9a0b-1c2d3e4f5a6b";
const SEAL_KEY_VALUE = "k".repeat(24) + "-test-seal-key-0123456789";
/** linkwright's user-assigned identity, known once ARM created it. */
const IDENTITY_CLIENT_ID = "5d1f0c3a-8e2b-4a6c-9f7d-2b3c4d5e6f70";
const IDENTITY_ID = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-test/providers/Microsoft.ManagedIdentity/userAssignedIdentities/linkwright-test";

function moduleOf(path: string) {
  const found = modules(mainText).filter((m) => m.path === path);
  expect(found, `main.bicep composes ${path} once`).toHaveLength(1);
  return found[0]!;
}

function mainScope(): Scope {
  const p = params(mainText);
  const v = vars(mainText);
  const scope: Scope = {
    params: p, vars: v, paramValues: { sealKey: SEAL_KEY_VALUE, environmentName: "test", location: "westeurope" },
    references: {
      "tenant().tenantId": TENANT,
      "subscription().tenantId": TENANT,
      "subscription().id": "/subscriptions/00000000-0000-0000-0000-000000000001",
      "environment().resourceManager": "https://management.azure.com/",
      "environment().suffixes.storage": "core.windows.net",
    },
  };
  // uniqueString() is not evaluated: names that use it get fixed test values.
  scope.paramValues = { ...scope.paramValues, functionAppName: "linkwright-test", storageAccountName: "stlwtest", keyVaultName: "kv-lw-test" };
  // What the identity and the vault modules answer once ARM created them.
  const identity = moduleOf("app/identity.bicep");
  scope.references[`${identity.symbol}.outputs.clientId`] = IDENTITY_CLIENT_ID;
  scope.references[`${identity.symbol}.outputs.id`] = IDENTITY_ID;
  scope.references[`${identity.symbol}.outputs.name`] = evaluate(topLevelProperties(objectProperty(identity.body, "params")!).get("name")!, scope);
  const vault = moduleOf("app/keyvault.bicep");
  const vaultName = String(evaluate(topLevelProperties(objectProperty(vault.body, "params")!).get("name")!, scope));
  scope.references[`${vault.symbol}.outputs.name`] = vaultName;
  scope.references[`${vault.symbol}.outputs.uri`] = `https://${vaultName}.vault.azure.net/`;
  const storage = moduleOf("app/storage.bicep");
  scope.references[`${storage.symbol}.outputs.name`] = evaluate(topLevelProperties(objectProperty(storage.body, "params")!).get("name")!, scope);
  const monitoring = moduleOf("app/monitoring.bicep");
  scope.references[`${monitoring.symbol}.outputs.applicationInsightsName`] = evaluate(topLevelProperties(objectProperty(monitoring.body, "params")!).get("applicationInsightsName")!, scope);
  // The app registration module's outputs, evaluated from the parameters main.bicep passes it.
  const appRegistration = appRegistrationModule();
  for (const [name, value] of Object.entries(appRegistrationOutputs(scope))) scope.references[`${appRegistration.symbol}.outputs.${name}`] = value;
  return scope;
}

function appRegistrationModule() {
  return moduleOf("app/app-registration.bicep");
}

function apiModule() {
  return moduleOf("app/api.bicep");
}

/** app/api.bicep's scope: its parameters as main.bicep passes them, its storage account and Application Insights. */
function apiScope(main: Scope): Scope {
  const paramValues: Record<string, Value> = {};
  for (const [name, expr] of topLevelProperties(objectProperty(apiModule().body, "params")!)) paramValues[name] = evaluate(expr, main);
  const account = String(paramValues["storageAccountName"]);
  return {
    params: params(apiText), vars: vars(apiText), paramValues,
    references: {
      "storage.properties.primaryEndpoints.blob": `https://${account}.blob.core.windows.net/`,
      "storage.properties.primaryEndpoints.queue": `https://${account}.queue.core.windows.net/`,
      "storage.properties.primaryEndpoints.table": `https://${account}.table.core.windows.net/`,
      "appInsights.properties.ConnectionString": "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/",
    },
  };
}

/** Every app setting the site gets on a hosting plan: app/api.bicep's appsettings resource, evaluated. */
function deployedSettings(hostingPlan: "FlexConsumption" | "ElasticPremium", main: Scope = mainScope()): Record<string, string> {
  const config = resources(apiText).filter((r) => r.type === "Microsoft.Web/sites/config");
  expect(config).toHaveLength(1);
  expect(topLevelProperties(config[0]!.body).get("name")).toBe("'appsettings'");
  const scope = apiScope({ ...main, paramValues: { ...main.paramValues, hostingPlan } });
  const settings = evaluate(topLevelProperties(config[0]!.body).get("properties")!, scope);
  for (const [name, value] of Object.entries(settings as Record<string, Value>)) {
    if (typeof value !== "string") throw new Error(`${name} evaluates to a ${typeof value}, not a string`);
  }
  return settings as Record<string, string>;
}

/** The module's scope: its parameters as main.bicep passes them (those main can evaluate offline). */
function appRegistrationScope(main: Scope): Scope {
  const paramValues: Record<string, Value> = {};
  for (const [name, expr] of topLevelProperties(objectProperty(appRegistrationModule().body, "params")!)) {
    try {
      paramValues[name] = evaluate(expr, main);
    } catch {
      // Deployment-time values (the identity's principal id) stay unknown: using one fails loudly.
    }
  }
  return {
    params: params(appRegText), vars: vars(appRegText), paramValues,
    references: {
      "tenant().tenantId": TENANT,
      "environment().authentication.loginEndpoint": "https://login.microsoftonline.com/",
      [`${applicationResource().symbol}.appId`]: APP_CLIENT_ID,
    },
  };
}

function applicationResource() {
  return resourceOf(appRegText, "Microsoft.Graph/applications");
}

/** The outputs of the app registration module that can be known offline (the client id stands in as APP_CLIENT_ID). */
function appRegistrationOutputs(main: Scope): Record<string, Value> {
  const scope = appRegistrationScope(main);
  const values: Record<string, Value> = {};
  for (const [name, expr] of outputs(appRegText)) {
    try {
      values[name] = evaluate(expr, scope);
    } catch {
      // e.g. the service principal's object id
    }
  }
  return values;
}

/** The Key Vault secrets app/keyvault.bicep creates (versionless SecretUri → value), with main.bicep's parameters. */
function vaultSecrets(main: Scope): Record<string, string> {
  const vault = moduleOf("app/keyvault.bicep");
  const paramValues: Record<string, Value> = {};
  for (const [name, expr] of topLevelProperties(objectProperty(vault.body, "params")!)) paramValues[name] = evaluate(expr, main);
  const scope: Scope = { params: params(keyVaultText), vars: vars(keyVaultText), paramValues, references: {} };
  const out: Record<string, string> = {};
  for (const secret of resources(keyVaultText).filter((r) => r.type === "Microsoft.KeyVault/vaults/secrets")) {
    const name = String(evaluate(topLevelProperties(secret.body).get("name")!, scope));
    const value = String(evaluate(topLevelProperties(objectProperty(secret.body, "properties")!).get("value")!, scope));
    out[`${String(main.references[`${vault.symbol}.outputs.uri`])}secrets/${name}/`] = value;
  }
  return out;
}

/** The deployed app settings (Flex Consumption, default parameters), Key Vault references resolved to the secrets'
 *  values, with what App Service itself provides. */
function deployedEnvironment(): Record<string, string> {
  const scope = mainScope();
  const secretValues = vaultSecrets(scope);
  const env: Record<string, string> = {
    // What App Service itself provides.
    WEBSITE_SITE_NAME: "linkwright-test",
    WEBSITE_OWNER_NAME: "00000000-0000-0000-0000-000000000001+rg-linkwright-westeuropewebspace",
  };
  for (const [name, value] of Object.entries(deployedSettings("FlexConsumption", scope))) {
    const ref = /^@Microsoft\.KeyVault\(SecretUri=([^)]+)\)$/.exec(value);
    if (ref && !(ref[1]! in secretValues)) throw new Error(`${name} references ${ref[1]}, which app/keyvault.bicep does not create`);
    env[name] = ref ? secretValues[ref[1]!]! : value;
  }
  return env;
}

// ---------------------------------------------------------------------------------------------------------------

describe("the text tools the infra checks rely on", () => {
  it("strips comments but not // inside strings", () => {
    expect(stripComments("param a string = 'https://x/y' // note\n/* block */var b = 1")).toBe("param a string = 'https://x/y' \nvar b = 1");
  });

  it("evaluates the expression forms the settings use, and refuses others", () => {
    const scope: Scope = { params: params("param n int = 0\nparam list string[] = []\nparam flag bool = false"), vars: vars("var x = 'a-${string(n)}'"), references: {} };
    expect(evaluate("n == 0 ? '' : string(n)", scope)).toBe("");
    expect(evaluate("n == 0 ? '' : string(n)", { ...scope, paramValues: { n: 480 } })).toBe("480");
    expect(evaluate("join(list, ',')", { ...scope, paramValues: { list: ["a", "b"] } })).toBe("a,b");
    expect(evaluate("flag ? 'true' : 'false'", scope)).toBe("false");
    expect(evaluate("x", scope)).toBe("a-0");
    expect(() => evaluate("uniqueString(n)", scope)).toThrow(/unsupported function/);
    expect(() => evaluate("someResource.properties.x", scope)).toThrow(/unknown reference/);
  });

  it("reads modules, outputs and arrays of objects", () => {
    const text = "module m 'modules/x.bicep' = {\n  name: 'n'\n  params: {\n    a: b.c\n  }\n}\noutput o string = m.outputs.v\noutput list string[] = []";
    expect(modules(text)).toEqual([{ symbol: "m", path: "modules/x.bicep", body: "\n  name: 'n'\n  params: {\n    a: b.c\n  }\n" }]);
    expect([...outputs(text)]).toEqual([["o", "m.outputs.v"], ["list", "[]"]]);
    expect(arrayObjects("[\n  {\n    a: 1\n  }\n  { b: '}' }\n]").map((o) => o.trim())).toEqual(["a: 1", "b: '}'"]);
    expect(() => arrayObjects("[ 'a' ]")).toThrow(/not an object/);
  });

  it("finds settings however the code reads them, and which are required", () => {
    const src = `const a = env["LINKWRIGHT_A"]; const b = env.LINKWRIGHT_B; required(env, "LINKWRIGHT_C");
      positiveInt(env, "LINKWRIGHT_D", 1); export const E_SETTING = "LINKWRIGHT_E"; env.push(x); env.names;
      throw new Error("App setting LINKWRIGHT_F is required by the loop scan.");`;
    expect([...settingsReadBy(src)].sort()).toEqual(["LINKWRIGHT_A", "LINKWRIGHT_B", "LINKWRIGHT_C", "LINKWRIGHT_D", "LINKWRIGHT_E"]);
    expect([...settingsRequiredBy(src)].sort()).toEqual(["LINKWRIGHT_C", "LINKWRIGHT_F"]);
  });

  it("reports a newly required setting the deployment forgot", () => {
    const gap = settingsGap({
      read: ["LINKWRIGHT_OLD", "LINKWRIGHT_NEW"], required: ["LINKWRIGHT_NEW"], deployed: ["LINKWRIGHT_OLD", "FUNCTIONS_WORKER_RUNTIME", "LINKWRIGHT_GONE"],
      leftOut: [], platform: ["FUNCTIONS_WORKER_RUNTIME"],
    });
    expect(gap).toEqual({ unaccounted: ["LINKWRIGHT_NEW"], requiredMissing: ["LINKWRIGHT_NEW"], unknown: ["LINKWRIGHT_GONE"], staleExemptions: [] });
  });
});

describe("main.bicep app settings against the code", () => {
  // The app's code (the developer's CLI in src/cli is a separate program with its own environment).
  const code = codeSettings(typeScriptFiles(join(ROOT, "src")).filter((f) => !f.includes(`${join(ROOT, "src", "cli")}`)));
  // On either hosting plan: linkwright's own settings (main.bicep) and the platform's (app/api.bicep).
  const deployed = new Set([...Object.keys(deployedSettings("FlexConsumption")), ...Object.keys(deployedSettings("ElasticPremium"))]);

  it("the scan sees the settings the listed readers read", () => {
    for (const name of ["AzureWebJobsStorage", "LINKWRIGHT_OPENID_ISSUER", "LINKWRIGHT_SEAL_KEY", "LINKWRIGHT_ARM_ENDPOINT", "LINKWRIGHT_HEALTH_SCHEDULE",
      "LINKWRIGHT_LOOP_SCAN_SCHEDULE", "LINKWRIGHT_LOOP_ALLOWLIST", "LINKWRIGHT_DATABASE_ENDPOINTS", "LINKWRIGHT_DATABASE_TIMEOUT_MS"]) {
      expect(code.read.has(name), name).toBe(true);
    }
    expect([...code.required.keys()].sort()).toEqual(expect.arrayContaining(["LINKWRIGHT_OPENID_ISSUER", "LINKWRIGHT_SEAL_KEY"]));
    // Storage is required in one of two forms (a connection string, or the identity-based one): no single name is.
    for (const name of ["AzureWebJobsStorage__blobServiceUri", "AzureWebJobsStorage__queueServiceUri", "AzureWebJobsStorage__tableServiceUri",
      "AzureWebJobsStorage__credential", "AzureWebJobsStorage__clientId", "AzureWebJobsStorage__accountName"]) expect(code.read.has(name), name).toBe(true);
  });

  it("sets every setting the code reads (or says why not), every required one, and nothing the code does not know", () => {
    const gap = settingsGap({ read: code.read.keys(), required: code.required.keys(), deployed: deployed.keys(), leftOut: Object.keys(LEFT_OUT), platform: PLATFORM_SETTINGS });
    expect(gap).toEqual({ unaccounted: [], requiredMissing: [], unknown: [], staleExemptions: [] });
  });

  it("fails when the code gains a required setting the deployment lacks", () => {
    const added = settingsRequiredBy('const x = required(env, "LINKWRIGHT_SOMETHING_NEW");');
    const gap = settingsGap({
      read: [...code.read.keys(), ...added], required: [...code.required.keys(), ...added], deployed: deployed.keys(),
      leftOut: Object.keys(LEFT_OUT), platform: PLATFORM_SETTINGS,
    });
    expect(gap.unaccounted).toEqual(["LINKWRIGHT_SOMETHING_NEW"]);
    expect(gap.requiredMissing).toEqual(["LINKWRIGHT_SOMETHING_NEW"]);
  });

  it("the code's readers accept the deployed settings, and the defaults are the code's own", () => {
    const env = deployedEnvironment();
    // Keyless: the account is named by its service URIs and reached as linkwright's identity; no connection string.
    expect(env.AzureWebJobsStorage).toBeUndefined();
    expect(env).toMatchObject({
      AzureWebJobsStorage__blobServiceUri: "https://stlwtest.blob.core.windows.net/", AzureWebJobsStorage__queueServiceUri: "https://stlwtest.queue.core.windows.net/",
      AzureWebJobsStorage__tableServiceUri: "https://stlwtest.table.core.windows.net/", AzureWebJobsStorage__credential: "managedidentity",
      AzureWebJobsStorage__clientId: IDENTITY_CLIENT_ID,
    });
    // linkwright's own stores read that same form: the tables and queues on the account's URIs, as its identity.
    expect(readStorageSettings(env)).toEqual({
      host: { kind: "identity", blobServiceUri: "https://stlwtest.blob.core.windows.net", queueServiceUri: "https://stlwtest.queue.core.windows.net",
        tableServiceUri: "https://stlwtest.table.core.windows.net", clientId: IDENTITY_CLIENT_ID },
      tables: { kind: "identity", blobServiceUri: "https://stlwtest.blob.core.windows.net", queueServiceUri: "https://stlwtest.queue.core.windows.net",
        tableServiceUri: "https://stlwtest.table.core.windows.net", clientId: IDENTITY_CLIENT_ID },
      allowInsecure: false, tablePrefix: "",
    });
    const required = { LINKWRIGHT_OPENID_ISSUER: env.LINKWRIGHT_OPENID_ISSUER, LINKWRIGHT_SEAL_KEY: env.LINKWRIGHT_SEAL_KEY,
      WEBSITE_SITE_NAME: env.WEBSITE_SITE_NAME, WEBSITE_OWNER_NAME: env.WEBSITE_OWNER_NAME,
      // linkwright runs as its user-assigned identity, named to the code (its ARM calls, its name in fix commands).
      LINKWRIGHT_IDENTITY_CLIENT_ID: env.LINKWRIGHT_IDENTITY_CLIENT_ID, LINKWRIGHT_IDENTITY_NAME: env.LINKWRIGHT_IDENTITY_NAME };
    for (const [name, value] of Object.entries(required)) expect(value, name).toBeTruthy();
    expect(env.LINKWRIGHT_OPENID_ISSUER).toBe(`https://login.microsoftonline.com/${TENANT}/v2.0`);
    expect(env.LINKWRIGHT_SEAL_KEY).toBe(SEAL_KEY_VALUE);
    expect(env.LINKWRIGHT_IDENTITY_CLIENT_ID).toBe(IDENTITY_CLIENT_ID);
    expect(readAzureSettings(env).managedIdentityClientId).toBe(IDENTITY_CLIENT_ID);
    expect(readDatabaseSettings(env).selfDisplayName).toBe("linkwright-test");

    expect(readApiSettings(env)).toEqual(readApiSettings(required));
    expect(readAzureSettings(env)).toEqual(readAzureSettings(required));
    expect(readHealthSettings(env)).toEqual(readHealthSettings(required));
    expect(readLoopSettings(env)).toEqual(readLoopSettings(required));
    expect(readDatabaseSettings(env)).toEqual(readDatabaseSettings(required));
    // Callers: the app registration's audience and client id; everything else the code's defaults, ARM tokens refused.
    expect(env.LINKWRIGHT_AUDIENCE).toBe(`api://${TENANT}/linkwright-test`);
    expect(env.LINKWRIGHT_APP_CLIENT_ID).toBe(APP_CLIENT_ID);
    const auth = readAuthorizationSettings(env);
    expect(auth).toEqual(readAuthorizationSettings({ ...required, LINKWRIGHT_AUDIENCE: env.LINKWRIGHT_AUDIENCE, LINKWRIGHT_APP_CLIENT_ID: APP_CLIENT_ID }));
    expect(auth).toMatchObject({ appAudience: env.LINKWRIGHT_AUDIENCE, appClientId: APP_CLIENT_ID, acceptArmTokens: false, armAudiences: [] });
    expect(auth.appCertificatePath).toBeUndefined();
    expect(env.LINKWRIGHT_ACCEPT_ARM_TOKENS).toBe("false");
    expect(readConnectionPolicy(env)).toEqual(readConnectionPolicy({}));
    // Timers: the deployed schedules (bound by %NAME%) are the code's defaults.
    expect(healthSchedule(env)).toBe(`%${HEALTH_SCHEDULE_SETTING}%`);
    expect(env[HEALTH_SCHEDULE_SETTING]).toBe(DEFAULT_HEALTH_SCHEDULE);
    expect(loopScanSchedule(env)).toBe(`%${LOOP_SCAN_SCHEDULE_SETTING}%`);
    expect(env[LOOP_SCAN_SCHEDULE_SETTING]).toBe(DEFAULT_LOOP_SCAN_SCHEDULE);
    // Sandbox-only switches are off.
    expect(env.LINKWRIGHT_STORAGE_ALLOW_INSECURE).toBe("false");
    expect(env.LINKWRIGHT_KEYVAULT_DISABLE_CHALLENGE_VERIFICATION).toBe("false");
  });

  it("non-default parameters reach the code as the code expects them", () => {
    const scope = mainScope();
    scope.paramValues = {
      ...scope.paramValues, autoHealDefault: true, rolePropagationSeconds: 300, loopScanSubscriptions: ["11111111-1111-1111-1111-111111111111", "22222222-2222-2222-2222-222222222222"],
      loopAllowList: [{ linkerId: "/subscriptions/s/resourceGroups/r/providers/Microsoft.Web/sites/a/providers/Microsoft.ServiceLinker/linkers/l" }],
      databaseEndpoints: { "srv.postgres.database.azure.com": "10.0.0.4:5432" }, pageSize: 25, appIdentifierUri: "api://linkwright",
      acceptArmTokens: true, permissionCacheSeconds: 0, allowedRoles: ["ba92f5b4-2d11-453d-a403-e96b0029c9fe", "974c5e8b-45b9-4653-ba55-5f855dd0fb88"],
      deniedSettings: ["CUSTOM_*", "SECRET_SAUCE"],
    };
    for (const [name, value] of Object.entries(appRegistrationOutputs(scope))) scope.references[`${appRegistrationModule().symbol}.outputs.${name}`] = value;
    const env: Record<string, string> = { LINKWRIGHT_SEAL_KEY: SEAL_KEY_VALUE };
    for (const [name, expr] of appSettingsBlock()) {
      const value = String(evaluate(expr, scope));
      if (!value.startsWith("@Microsoft.KeyVault(")) env[name] = value;
    }
    const health = readHealthSettings(env);
    expect(health.autoHealDefault).toBe(true);
    expect(health.propagationWindowMs).toBe(300_000);
    const loops = readLoopSettings(env);
    expect(loops.subscriptions).toEqual(["11111111-1111-1111-1111-111111111111", "22222222-2222-2222-2222-222222222222"]);
    expect(loops.allowList).toHaveLength(1);
    expect(readDatabaseSettings(env).routes.get("srv.postgres.database.azure.com")).toEqual({ host: "10.0.0.4", port: 5432 });
    const api = readApiSettings(env);
    expect(api.pageSize).toBe(25);
    expect(readAuthorizationSettings(env).appAudience).toBe("api://linkwright");
    const auth = readAuthorizationSettings(env);
    expect(auth.appClientId).toBe(APP_CLIENT_ID);
    expect(auth.acceptArmTokens).toBe(true);
    expect(auth.armAudiences).toContain("https://management.azure.com/");
    expect(auth.permissionCacheSeconds).toBe(0);
    const policy = readConnectionPolicy(env);
    expect(policy).not.toEqual(readConnectionPolicy({}));
    expect(policy).toEqual(readConnectionPolicy({ LINKWRIGHT_ALLOWED_ROLES: "ba92f5b4-2d11-453d-a403-e96b0029c9fe,974c5e8b-45b9-4653-ba55-5f855dd0fb88", LINKWRIGHT_DENIED_SETTINGS: "CUSTOM_*,SECRET_SAUCE" }));
  });
});

describe("secrets", () => {
  it("the seal key is a @secure() parameter without a default, stored only as a Key Vault secret", () => {
    for (const text of [mainText, keyVaultText]) {
      const sealKey = params(text).get("sealKey")!;
      expect(sealKey.decorators).toContain("@secure()");
      expect(sealKey.decorators.some((d) => /^@minLength\((\d+)\)$/.exec(d) && Number(/\d+/.exec(d)![0]) >= 32)).toBe(true);
      expect(sealKey.defaultExpr).toBeUndefined();
    }
    // main.bicep hands it to app/keyvault.bicep only, which writes it into the vault and nowhere else.
    expect(modules(mainText).filter((m) => /\bsealKey\b/.test(m.body)).map((m) => [m.path, topLevelProperties(objectProperty(m.body, "params")!).get("sealKey")]))
      .toEqual([["app/keyvault.bicep", "sealKey"]]);
    expect(resources(mainText).filter((r) => /\bsealKey\b/.test(r.body))).toEqual([]);
    expect(mainText.split("\n").filter((l) => /\bsealKey\b/.test(l) && !/^\s*(param|@)/.test(l))).toHaveLength(1);
    const holders = resources(keyVaultText).filter((r) => /\bsealKey\b/.test(r.body));
    expect(holders.map((r) => r.type)).toEqual(["Microsoft.KeyVault/vaults/secrets"]);
    expect(topLevelProperties(objectProperty(holders[0]!.body, "properties")!).get("value")).toBe("sealKey");
    expect(keyVaultText.split("\n").filter((l) => /\bsealKey\b/.test(l) && !/^\s*(param|@)/.test(l))).toHaveLength(1);
  });

  it("LINKWRIGHT_SEAL_KEY is a Key Vault reference, never a value; no setting carries a storage key or connection string", () => {
    const settings = appSettingsBlock();
    const vault = moduleOf("app/keyvault.bicep");
    expect(settings.get("LINKWRIGHT_SEAL_KEY")).toBe(`'@Microsoft.KeyVault(SecretUri=\${${vault.symbol}.outputs.uri}secrets/\${sealKeySecretName}/)'`);
    expect(topLevelProperties(objectProperty(vault.body, "params")!).get("sealKeySecretName")).toBe("sealKeySecretName");
    expect(deployedEnvironment().LINKWRIGHT_SEAL_KEY).toBe(SEAL_KEY_VALUE);
    for (const plan of ["FlexConsumption", "ElasticPremium"] as const) {
      const all = deployedSettings(plan);
      for (const name of ["AzureWebJobsStorage", "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING", "WEBSITE_CONTENTSHARE"]) expect(all[name], `${plan} ${name}`).toBeUndefined();
      for (const [name, value] of Object.entries(all)) expect(value, `${plan} ${name}`).not.toMatch(/AccountKey|DefaultEndpointsProtocol|SharedAccessKey|-test-seal-key-/);
    }
    for (const text of [mainText, apiText]) expect(text).not.toMatch(/listKeys|AccountKey/);
  });

  it("no output exposes a secret", () => {
    for (const [file, text] of Object.entries(BICEP_FILES)) {
      for (const line of text.split("\n").filter((l) => /^output\s/.test(l))) expect(line, file).not.toMatch(/listKeys|sealKey|secret/i);
    }
  });
});

describe("roles", () => {
  const builtin = new Map(BUILTIN_ROLES.map((r) => [r.name, r.roleName]));

  it("every role GUID in infra/ is a real built-in role, and its comment names it", () => {
    // Every file but the app registration's (its GUIDs are application ids: ARM's, the Azure CLI's).
    for (const file of Object.keys(BICEP_FILES).filter((f) => f !== "infra/app/app-registration.bicep")) {
      const raw = read(file);
      for (const line of raw.split("\n")) {
        for (const guid of line.match(GUID) ?? []) {
          const name = builtin.get(guid.toLowerCase()) ?? BUILTIN_NOT_IN_EMULATOR[guid.toLowerCase()];
          expect(name, `${file}: ${guid} is not a built-in role`).toBeDefined();
          const comment = /\/\/\s*(.+)$/.exec(line);
          if (comment) expect(comment[1]!.trim(), `${file}: ${guid}`).toBe(name);
        }
      }
    }
    for (const guid of Object.keys(BUILTIN_NOT_IN_EMULATOR)) expect(builtin.has(guid), `${guid} is modelled now: drop the exemption`).toBe(false);
  });

  it("grants Contributor and, by default, the constrained RBAC Administrator; User Access Administrator only when asked", () => {
    const v = vars(subText);
    const roleIds = v.get("roleIds")!;
    expect(roleIds).toContain("b24988ac-6180-42a0-ab88-20f7382dd24c");
    expect(roleIds).toContain("18d7d88d-d35e-4fb5-a5c3-7773c20a72d9");
    expect(roleIds).toContain("f58310d9-a9f6-439a-9e8d-f62e7b41a168");
    expect(params(subText).get("accessRole")!.defaultExpr).toBe("'RoleBasedAccessControlAdministrator'");
    const scope: Scope = { params: params(subText), vars: vars(subText), paramValues: { principalId: "p" }, references: {} };
    expect(evaluate("accessRoleId", scope)).toBe("f58310d9-a9f6-439a-9e8d-f62e7b41a168");
    expect(String(evaluate("accessCondition", scope))).toContain("@Request[Microsoft.Authorization/roleAssignments:PrincipalType] ForAnyOfAnyValues:StringEqualsIgnoreCase {'ServicePrincipal', 'User'}");
    expect(evaluate("accessRoleId", { ...scope, paramValues: { principalId: "p", accessRole: "UserAccessAdministrator" } })).toBe("18d7d88d-d35e-4fb5-a5c3-7773c20a72d9");
    expect(moduleText).toContain("b24988ac-6180-42a0-ab88-20f7382dd24c");
  });

  it("the constrained condition allows every role the catalogue assigns, on write and on delete", () => {
    const catalogueRoles = new Set<string>();
    for (const target of listTargets()) {
      for (const role of target.defaultRoles) catalogueRoles.add(role.id.toLowerCase());
      for (const extra of target.binding?.extraRoles ?? []) catalogueRoles.add(extra.role.id.toLowerCase());
    }
    expect(catalogueRoles.size).toBeGreaterThan(5);
    const scope: Scope = { params: params(subText), vars: vars(subText), paramValues: { principalId: "p", accessRole: "RoleBasedAccessControlAdministrator" }, references: {} };
    const allowed = evaluate("assignableRoleIds", scope) as string[];
    expect([...catalogueRoles].filter((id) => !allowed.includes(id))).toEqual([]);
    const condition = String(evaluate("accessCondition", scope));
    const write = /ActionMatches\{'Microsoft\.Authorization\/roleAssignments\/write'\}\)\) OR \(@Request\[Microsoft\.Authorization\/roleAssignments:RoleDefinitionId\] ForAnyOfAnyValues:GuidEquals \{([^}]*)\}/.exec(condition);
    const del = /ActionMatches\{'Microsoft\.Authorization\/roleAssignments\/delete'\}\)\) OR \(@Resource\[Microsoft\.Authorization\/roleAssignments:RoleDefinitionId\] ForAnyOfAnyValues:GuidEquals \{([^}]*)\}/.exec(condition);
    for (const m of [write, del]) expect(m?.[1]!.split(",").map((s) => s.trim()).sort()).toEqual([...allowed].sort());
    expect(evaluate("accessRoleId", scope)).toBe("f58310d9-a9f6-439a-9e8d-f62e7b41a168");
    expect(evaluate("accessCondition", { ...scope, paramValues: { principalId: "p", accessRole: "UserAccessAdministrator" } })).toBe("");
  });

  it("role assignments have deterministic guid() names over scope, principal and role", () => {
    for (const [file, text] of Object.entries(BICEP_FILES)) {
      for (const r of resources(text).filter((x) => x.type === "Microsoft.Authorization/roleAssignments")) {
        expect(r.apiVersion, `${file} ${r.symbol}`).toBe("2022-04-01");
        const props = topLevelProperties(r.body);
        expect(props.get("name"), `${file} ${r.symbol}`).toMatch(/^guid\(.+,.+,.+\)$/);
        const inner = topLevelProperties(objectProperty(r.body, "properties")!);
        expect(inner.get("principalType")).toBe("'ServicePrincipal'");
        expect(inner.get("roleDefinitionId")).toMatch(/^subscriptionResourceId\('Microsoft\.Authorization\/roleDefinitions', \w+(\.\w+)?\)$/);
      }
    }
  });

  it("the app's identity can read its own Key Vault references before the settings are written", () => {
    const kvRole = resources(rbacText).find((r) => r.type === "Microsoft.Authorization/roleAssignments" && /keyVaultSecretsUser/.test(r.body))!;
    expect(topLevelProperties(kvRole.body).get("scope")).toBe("vault");
    expect(topLevelProperties(objectProperty(kvRole.body, "properties")!).get("principalId")).toBe("principalId");
    const identity = moduleOf("app/identity.bicep");
    const rbac = moduleOf("app/rbac.bicep");
    expect(topLevelProperties(objectProperty(rbac.body, "params")!).get("principalId")).toBe(`${identity.symbol}.outputs.principalId`);
    // The app (and its settings) come after the roles, and resolve references as that identity.
    expect(topLevelProperties(apiModule().body).get("dependsOn")).toMatch(new RegExp(`\\[\\s*${rbac.symbol}\\s*\\]`));
    expect(topLevelProperties(objectProperty(apiModule().body, "params")!).get("identityId")).toBe(`${identity.symbol}.outputs.id`);
    const site = resourceOf(apiText, "Microsoft.Web/sites");
    expect(topLevelProperties(objectProperty(site.body, "properties")!).get("keyVaultReferenceIdentity")).toBe("identityId");
  });
});

describe("resource shape", () => {
  const minimum: Record<string, string> = {
    "Microsoft.Web/sites": "2023-12-01", "Microsoft.Web/sites/config": "2023-12-01", "Microsoft.Web/serverfarms": "2023-12-01",
    "Microsoft.Storage/storageAccounts": "2023-05-01", "Microsoft.Storage/storageAccounts/blobServices": "2023-05-01",
    "Microsoft.Storage/storageAccounts/blobServices/containers": "2023-05-01", "Microsoft.ManagedIdentity/userAssignedIdentities": "2023-01-31",
    "Microsoft.KeyVault/vaults": "2023-07-01", "Microsoft.KeyVault/vaults/secrets": "2023-07-01",
    "Microsoft.Authorization/roleAssignments": "2022-04-01",
    "Microsoft.Storage/storageAccounts/queueServices": "2023-05-01", "Microsoft.Storage/storageAccounts/queueServices/queues": "2023-05-01",
    "Microsoft.EventGrid/systemTopics": "2022-06-15", "Microsoft.EventGrid/systemTopics/eventSubscriptions": "2022-06-15",
  };

  it("uses current API versions", () => {
    for (const [file, text] of Object.entries(BICEP_FILES)) {
      for (const r of resources(text)) {
        if (minimum[r.type]) expect(r.apiVersion >= minimum[r.type]!, `${file} ${r.type}@${r.apiVersion}`).toBe(true);
      }
    }
  });

  it("deploys a Linux Node 20 Functions v4 app running as linkwright's user-assigned identity, HTTPS only", () => {
    const site = resourceOf(apiText, "Microsoft.Web/sites");
    const props = topLevelProperties(site.body);
    expect(props.get("kind")).toBe("'functionapp,linux'");
    const identity = objectProperty(site.body, "identity")!;
    expect(topLevelProperties(identity).get("type")).toBe("'UserAssigned'");
    expect([...topLevelProperties(objectProperty(identity, "userAssignedIdentities")!).keys()]).toEqual(["${identityId}"]);
    const siteProps = objectProperty(site.body, "properties")!;
    expect(topLevelProperties(siteProps).get("httpsOnly")).toBe("true");
    // Node 20 and Functions v4: functionAppConfig on Flex Consumption, siteConfig and settings on Elastic Premium.
    expect(topLevelProperties(siteProps).get("functionAppConfig")).toBe("flex ? functionAppConfig : null");
    expect(Object.fromEntries(topLevelProperties(objectVar(apiText, "functionAppConfig").get("runtime")!.slice(1, -1)))).toEqual({ name: "'node'", version: "'20'" });
    expect(topLevelProperties(siteProps).get("siteConfig")).toBe("flex ? flexSiteConfig : elasticPremiumSiteConfig");
    expect(objectVar(apiText, "elasticPremiumSiteConfig").get("linuxFxVersion")).toBe("'Node|20'");
    const premium = deployedSettings("ElasticPremium");
    expect(premium.FUNCTIONS_EXTENSION_VERSION).toBe("~4");
    expect(premium.FUNCTIONS_WORKER_RUNTIME).toBe("node");
    const plan = topLevelProperties(resourceOf(apiText, "Microsoft.Web/serverfarms").body);
    expect(plan.get("kind")).toBe("flex ? 'functionapp' : 'elastic'");
    expect(params(mainText).get("hostingPlan")!.defaultExpr).toBe("'FlexConsumption'");
  });

  it("hardens the storage account and puts the vault in RBAC mode", () => {
    const storage = topLevelProperties(objectProperty(resourceOf(BICEP_FILES["infra/app/storage.bicep"], "Microsoft.Storage/storageAccounts").body, "properties")!);
    expect(storage.get("supportsHttpsTrafficOnly")).toBe("true");
    expect(storage.get("minimumTlsVersion")).toBe("'TLS1_2'");
    expect(storage.get("allowBlobPublicAccess")).toBe("false");
    expect(storage.get("allowSharedKeyAccess")).toBe("false");
    const vault = topLevelProperties(objectProperty(resourceOf(keyVaultText, "Microsoft.KeyVault/vaults").body, "properties")!);
    expect(vault.get("enableRbacAuthorization")).toBe("true");
    expect(vault.has("accessPolicies")).toBe(false);
  });

  it("has monitoring and the outputs the next step needs", () => {
    const monitoring = BICEP_FILES["infra/app/monitoring.bicep"];
    resourceOf(monitoring, "Microsoft.OperationalInsights/workspaces");
    const ai = objectProperty(resourceOf(monitoring, "Microsoft.Insights/components").body, "properties")!;
    expect(topLevelProperties(ai).get("WorkspaceResourceId")).toMatch(/\.id$/);
    const api = apiModule().symbol;
    const identity = moduleOf("app/identity.bicep").symbol;
    expect(Object.fromEntries(outputs(mainText))).toMatchObject({
      functionAppName: `${api}.outputs.name`, hostname: `${api}.outputs.hostname`, principalId: `${identity}.outputs.principalId`,
      SERVICE_API_NAME: `${api}.outputs.name`, AZURE_LOCATION: "location",
    });
    expect(outputs(apiText).get("hostname")).toBe("site.properties.defaultHostName");
    expect(outputs(BICEP_FILES["infra/app/identity.bicep"]).get("principalId")).toBe("identity.properties.principalId");
  });

  it("targets the right scopes", () => {
    expect(mainText).toMatch(/^targetScope = 'subscription'$/m);
    expect(subText).toMatch(/^targetScope = 'subscription'$/m);
    expect(moduleText).toMatch(/^targetScope = 'resourceGroup'$/m);
    for (const [file, text] of Object.entries(BICEP_FILES).filter(([f]) => f.startsWith("infra/app/") && f !== "infra/app/app-registration.bicep")) {
      expect(text, file).toMatch(/^targetScope = 'resourceGroup'$/m);
    }
    // main.bicep creates the resource group and puts every module into it.
    const rg = resourceOf(mainText, "Microsoft.Resources/resourceGroups");
    for (const m of modules(mainText)) expect(topLevelProperties(m.body).get("scope"), m.path).toBe(rg.symbol);
  });
});

describe("linkwright's app registration (app/app-registration.bicep)", () => {
  const app = applicationResource();
  const appProps = topLevelProperties(app.body);
  const moduleScope = () => appRegistrationScope(mainScope());
  const valueOf = (expr: string | undefined) => evaluate(expr!, moduleScope());
  const defaults = readAuthorizationSettings({ LINKWRIGHT_OPENID_ISSUER: `https://login.microsoftonline.com/${TENANT}/v2.0`, LINKWRIGHT_AUDIENCE: "api://x" });

  it("uses the Microsoft Graph extension that infra/bicepconfig.json names, v1.0 types only", () => {
    expect(appRegText).toMatch(/^extension microsoftGraphV1$/m);
    const config = JSON.parse(read("infra/bicepconfig.json").split("\n").filter((l) => !/^\s*\/\//.test(l)).join("\n")) as { extensions: Record<string, string> };
    expect(config.extensions.microsoftGraphV1).toMatch(/^br:mcr\.microsoft\.com\/bicep\/extensions\/microsoftgraph\/v1\.0:\d+\.\d+\.\d+/);
    const graph = resources(appRegText).filter((r) => r.type.startsWith("Microsoft.Graph/"));
    expect(graph.length).toBeGreaterThanOrEqual(4);
    for (const r of graph) expect(r.apiVersion, `${r.symbol} ${r.type}`).toBe("v1.0");
    expect(appRegText).not.toMatch(/@beta'/);
    // Only the module talks to Graph.
    for (const [file, text] of Object.entries(BICEP_FILES)) if (file !== "infra/app/app-registration.bicep") expect(text, file).not.toMatch(/Microsoft\.Graph\//);
  });

  it("declares the delegated scope the code requires of users, with a stable id", () => {
    const scopes = arrayObjects(topLevelProperties(objectProperty(app.body, "api")!).get("oauth2PermissionScopes")!).map((o) => topLevelProperties(o));
    expect(scopes).toHaveLength(1);
    expect(valueOf(scopes[0]!.get("value"))).toBe("user_impersonation");
    expect(valueOf(scopes[0]!.get("value"))).toBe(defaults.requiredScope);
    expect(scopes[0]!.get("isEnabled")).toBe("true");
    expect(vars(appRegText).get(scopes[0]!.get("id")!)).toMatch(/^guid\(uniqueName, .+\)$/);
    // Pre-authorized clients are given exactly that scope.
    expect(topLevelProperties(objectProperty(app.body, "api")!).get("preAuthorizedApplications")).toMatch(new RegExp(`delegatedPermissionIds: \\[\\s*${scopes[0]!.get("id")}\\s*\\]`));
  });

  it("declares the app role the code requires of applications, for applications only, with a stable id", () => {
    const roles = arrayObjects(appProps.get("appRoles")!).map((o) => topLevelProperties(o));
    expect(roles).toHaveLength(1);
    expect(valueOf(roles[0]!.get("value"))).toBe("Connections.ReadWrite");
    expect(valueOf(roles[0]!.get("value"))).toBe(defaults.appRole);
    expect(valueOf(roles[0]!.get("allowedMemberTypes"))).toEqual(["Application"]);
    expect(roles[0]!.get("isEnabled")).toBe("true");
    expect(vars(appRegText).get(roles[0]!.get("id")!)).toMatch(/^guid\(uniqueName, .+\)$/);
    // CI service principals get that role.
    expect(appRegText).toMatch(/'Microsoft\.Graph\/appRoleAssignedTo@v1\.0' = \[\s*for \w+ in appRoleAssignees: \{\s*appRoleId: appRoleId\b/);
  });

  it("deploys the scope, role, audience and client id the registration has", () => {
    const env = deployedEnvironment();
    const scope = moduleScope();
    expect(env.LINKWRIGHT_REQUIRED_SCOPE).toBe("user_impersonation");
    expect(env.LINKWRIGHT_APP_ROLE).toBe("Connections.ReadWrite");
    expect(valueOf(appProps.get("identifierUris"))).toEqual([env.LINKWRIGHT_AUDIENCE]);
    expect(env.LINKWRIGHT_APP_CLIENT_ID).toBe(evaluate(outputs(appRegText).get("clientId")!, scope));
    expect(outputs(appRegText).get("clientId")).toBe(`${app.symbol}.appId`);
    // v1.0 access tokens: aud is the identifier URI the caller asked for, i.e. LINKWRIGHT_AUDIENCE.
    expect(topLevelProperties(objectProperty(app.body, "api")!).get("requestedAccessTokenVersion")).toBe("1");
    expect(valueOf(appProps.get("signInAudience"))).toBe("AzureADMyOrg");
    const sp = resources(appRegText).filter((r) => r.type === "Microsoft.Graph/servicePrincipals" && topLevelProperties(r.body).get("appId") === `${app.symbol}.appId`);
    expect(sp).toHaveLength(1);
  });

  it("has linkwright's managed identity as a federated identity credential, the credential the code uses", () => {
    const fic = resourceOf(appRegText, "Microsoft.Graph/applications/federatedIdentityCredentials");
    const props = topLevelProperties(fic.body);
    expect(props.get("name")).toMatch(new RegExp(`^'\\$\\{${app.symbol}\\.uniqueName\\}/[\\w-]+'$`));
    expect(valueOf(props.get("audiences"))).toEqual(["api://AzureADTokenExchange"]);
    expect(`${(valueOf(props.get("audiences")) as string[])[0]}/.default`).toBe(FEDERATED_TOKEN_SCOPE);
    expect(valueOf(props.get("issuer"))).toBe(`https://login.microsoftonline.com/${TENANT}/v2.0`);
    // The subject is linkwright's user-assigned identity's principal (object) id: the identity the app runs as.
    const subject = props.get("subject")!;
    expect(params(appRegText).has(subject)).toBe(true);
    const identity = moduleOf("app/identity.bicep");
    expect(topLevelProperties(objectProperty(appRegistrationModule().body, "params")!).get(subject)).toBe(`${identity.symbol}.outputs.principalId`);
    expect(topLevelProperties(objectProperty(apiModule().body, "params")!).get("identityId")).toBe(`${identity.symbol}.outputs.id`);
  });

  it("consents to ARM's user_impersonation for on-behalf-of exchanges", () => {
    const access = arrayObjects(appProps.get("requiredResourceAccess")!).map((o) => topLevelProperties(o));
    expect(access.map((a) => valueOf(a.get("resourceAppId")))).toEqual(["797f4846-ba00-4fd7-ba43-dac1f8f63013"]);
    const grant = topLevelProperties(resourceOf(appRegText, "Microsoft.Graph/oauth2PermissionGrants").body);
    expect(grant.get("consentType")).toBe("'AllPrincipals'");
    expect(grant.get("scope")).toBe("'user_impersonation'");
    const arm = resources(appRegText).find((r) => r.symbol === grant.get("resourceId")!.replace(/\.id$/, ""))!;
    expect(valueOf(topLevelProperties(arm.body).get("appId"))).toBe("797f4846-ba00-4fd7-ba43-dac1f8f63013");
  });

  it("no client secret or certificate anywhere in infra/", () => {
    const files = (dir: string): string[] => readdirSync(join(ROOT, dir), { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? files(`${dir}/${e.name}`) : [`${dir}/${e.name}`]));
    const all = files("infra");
    expect(all).toContain("infra/app/app-registration.bicep");
    for (const file of all) expect(read(file), file).not.toMatch(/passwordCredentials|addPassword|clientSecret|client_secret|keyCredentials/i);
  });
});

// Keeps the LEFT_OUT reasons honest documentation: every reason is non-empty.
it("every left-out setting says why", () => {
  for (const [name, why] of Object.entries(LEFT_OUT)) expect(why.length, name).toBeGreaterThan(10);
});
