// Setting-name deny list (issue #11 §4): the names a caller chooses (customizedKeys values, additionalConfigurations
// keys, the binding-aware connection prefix) never name platform or code-loading settings; the catalogue's own
// default names are not checked.
import { describe, expect, it } from "vitest";
import {
  checkConnectionGuards, configurationEntries, deniedSettingPattern, DENIED_SETTING_PATTERNS, isCatalogueError, parseBindingAwareRequest,
  parseDeniedSettings, type ConfigurationRequest,
} from "../../src/catalogue/index.js";
import { FACTS } from "../catalogue/expected-names.js";

const blob = { targetKind: "storage-blob", clientType: "python", authType: "systemAssignedIdentity", facts: FACTS.storage!, connectionName: "c1" };

function refusal(req: Partial<ConfigurationRequest>, deniedSettings?: string[]) {
  const r = configurationEntries({ ...blob, ...req, ...(deniedSettings ? { deniedSettings } : {}) } as ConfigurationRequest);
  if (!isCatalogueError(r)) throw new Error(`not refused: ${JSON.stringify(r.map((e) => e.name))}`);
  return r;
}

describe("caller-chosen setting names", () => {
  it("refuses platform and code-loading names as additionalConfigurations keys, naming the field, the name and the pattern", () => {
    for (const [name, pattern] of [
      ["WEBSITE_RUN_FROM_PACKAGE", "WEBSITE_*"], ["website_node_default_version", "WEBSITE_*"], ["WEBSITES_PORT", "WEBSITES_*"],
      ["FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_*"], ["AzureWebJobsScriptRoot", "AzureWebJobs*"], ["AZUREWEBJOBSSTORAGE", "AzureWebJobs*"],
      ["AzureWebJobsSecretStorageType", "AzureWebJobs*"], ["SCM_DO_BUILD_DURING_DEPLOYMENT", "SCM_*"], ["NODE_OPTIONS", "NODE_OPTIONS"],
      ["node.options", "NODE_OPTIONS"], ["JAVA_TOOL_OPTIONS", "JAVA_TOOL_OPTIONS"], ["_JAVA_OPTIONS", "_JAVA_OPTIONS"], ["PYTHONPATH", "PYTHONPATH"],
      ["LD_PRELOAD", "LD_PRELOAD"], ["DOTNET_STARTUP_HOOKS", "DOTNET_STARTUP_HOOKS"], ["CORECLR_PROFILER", "CORECLR_*"],
      ["COR_PROFILER_PATH", "COR_PROFILER*"], ["ASPNETCORE_HOSTINGSTARTUPASSEMBLIES", "ASPNETCORE_HOSTINGSTARTUPASSEMBLIES"], ["PATH", "PATH"],
      ["BASH_ENV", "BASH_ENV"], ["ENV", "ENV"], ["PERL5OPT", "PERL5OPT"], ["RUBYOPT", "RUBYOPT"], ["PHPRC", "PHPRC"],
      ["APPLICATIONINSIGHTS_CONNECTION_STRING", "APPLICATIONINSIGHTS_*"], ["XDT_MicrosoftApplicationInsights_Mode", "XDT_*"],
      ["DiagnosticServices_EXTENSION_VERSION", "DiagnosticServices_*"], ["InstrumentationEngine_EXTENSION_VERSION", "InstrumentationEngine_*"],
      ["SnapshotDebugger_EXTENSION_VERSION", "SnapshotDebugger_*"], ["ApplicationInsightsAgent_EXTENSION_VERSION", "ApplicationInsightsAgent_*"],
      ["APPSETTING_X", "APPSETTING_*"], ["MACHINEKEY_DecryptionKey", "MACHINEKEY_*"],
    ] as const) {
      const r = refusal({ additionalConfigurations: { [name]: "x" } });
      expect(r.code, name).toBe("SettingNameNotAllowed");
      expect(r.target).toBe(`properties.configurationInfo.additionalConfigurations.${name}`);
      expect(r.message).toContain(`'${name}'`);
      expect(r.message).toContain(`'${pattern}'`);
    }
  });

  it("refuses them as customizedKeys values", () => {
    const r = refusal({ customizedKeys: { AZURE_STORAGEBLOB_RESOURCEENDPOINT: "NODE_OPTIONS" } });
    expect(r).toMatchObject({ code: "SettingNameNotAllowed", target: "properties.configurationInfo.customizedKeys.AZURE_STORAGEBLOB_RESOURCEENDPOINT" });
  });

  it("refuses a binding-aware connection prefix whose names would be denied (but the host storage's identity form is a connection)", () => {
    expect(() => refusal({ binding: { prefix: "AzureWebJobsStorage", separator: "__" } })).toThrow();
    for (const prefix of ["AzureWebJobsScriptRoot", "WEBSITE_X"]) {
      const r = refusal({ binding: { prefix, separator: "__" } });
      expect(r).toMatchObject({ code: "SettingNameNotAllowed", target: "properties.configurationInfo.additionalConfigurations.linkwright.functionsConnection" });
      expect(r.message).toContain(`${prefix}__blobServiceUri`);
    }
    // Secret auth writes the prefix itself.
    expect(refusal({ authType: "secret", binding: { prefix: "PATH", separator: "__" } }).code).toBe("SettingNameNotAllowed");
  });

  it("keeps the catalogue's own default names, e.g. App Insights' APPLICATIONINSIGHTS_CONNECTION_STRING", () => {
    const r = configurationEntries({
      targetKind: "app-insights", clientType: "none", authType: "secret", facts: { connectionString: "InstrumentationKey=k" },
      customizedKeys: { APPLICATIONINSIGHTS_CONNECTION_STRING: "APPLICATIONINSIGHTS_CONNECTION_STRING" },
    });
    expect(isCatalogueError(r) ? r : r.map((e) => e.name)).toEqual(["APPLICATIONINSIGHTS_CONNECTION_STRING"]);
    const ok = configurationEntries({ ...blob, additionalConfigurations: { MY_WEBSITE_FLAG: "1", PATHS: "x" }, binding: { prefix: "Images", separator: "__" } });
    expect(isCatalogueError(ok) ? ok : ok.map((e) => e.name)).toEqual(["Images__blobServiceUri", "Images__queueServiceUri", "Images__credential", "MY_WEBSITE_FLAG", "PATHS"]);
  });

  it("extra platform patterns (LINKWRIGHT_DENIED_SETTINGS) with * wildcards", () => {
    const extra = parseDeniedSettings(" CONTOSO_* , Secret*Key ,");
    expect(extra).toEqual(["CONTOSO_*", "Secret*Key"]);
    expect(refusal({ additionalConfigurations: { contoso_feature: "1" } }, extra)).toMatchObject({ code: "SettingNameNotAllowed" });
    expect(refusal({ additionalConfigurations: { SECRET_SIGNING_KEY: "1" } }, extra).message).toContain("'Secret*Key'");
    expect(deniedSettingPattern("CONTOSO", extra)).toBeUndefined();
    expect(() => parseDeniedSettings("OK_*,bad pattern")).toThrow(/LINKWRIGHT_DENIED_SETTINGS.*'bad pattern'/);
  });

  it("the deny list is documented in the catalogue README, every pattern", async () => {
    const { readFile } = await import("node:fs/promises");
    const readme = await readFile(new URL("../../src/catalogue/README.md", import.meta.url), "utf8");
    for (const p of DENIED_SETTING_PATTERNS) expect(readme, p).toContain(`\`${p}\``);
  });

  it("checkConnectionGuards reports them from the wire configurationInfo (before any read)", () => {
    const issues = checkConnectionGuards({
      targetKind: "storage-blob", authInfo: { authType: "systemAssignedIdentity" },
      configurationInfo: {
        customizedKeys: { AZURE_STORAGEBLOB_RESOURCEENDPOINT: "WEBSITE_RUN_FROM_PACKAGE" },
        additionalConfigurations: { "linkwright.functionsConnection": "AzureWebJobsSecretStorage", FINE: "1", LD_PRELOAD: "/tmp/x.so" },
      },
    });
    expect(issues.map((i) => [i.code, i.field])).toEqual([
      ["SettingNameNotAllowed", "properties.configurationInfo.customizedKeys.AZURE_STORAGEBLOB_RESOURCEENDPOINT"],
      ["SettingNameNotAllowed", "properties.configurationInfo.additionalConfigurations.linkwright.functionsConnection"],
      ["SettingNameNotAllowed", "properties.configurationInfo.additionalConfigurations.LD_PRELOAD"],
    ]);
    expect(checkConnectionGuards({ targetKind: "storage-blob", configurationInfo: { additionalConfigurations: { CONTOSO_X: "1" } } }, { deniedSettings: ["CONTOSO_*"] }))
      .toHaveLength(1);
    expect(isCatalogueError(parseBindingAwareRequest({ additionalConfigurations: { "linkwright.functionsConnection": "Images" } }))).toBe(false);
  });
});
