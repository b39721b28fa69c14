// Never overwrite a setting that exists and is not this connection's (issue #11 §4): a name the caller chose
// (customizedKeys value, additionalConfigurations key, binding-aware names) that is already on the source — set
// outside linkwright or written by ANOTHER connection — is refused with SettingExists instead of overwritten.
// `existingNames` is what the planner passes: the source's current settings minus the names this same connection
// wrote before (so a re-run or an update of the connection may rewrite its own).
import { describe, expect, it } from "vitest";
import { configurationEntries, isCatalogueError, type ConfigurationRequest } from "../../src/catalogue/index.js";
import { FACTS } from "../catalogue/expected-names.js";

const blob = { targetKind: "storage-blob", clientType: "python", authType: "systemAssignedIdentity", facts: FACTS.storage!, connectionName: "c2" };

function run(req: Partial<ConfigurationRequest>) {
  return configurationEntries({ ...blob, ...req } as ConfigurationRequest);
}

describe("caller-chosen names that already exist on the source", () => {
  it("an additionalConfigurations key naming an existing setting (another connection's, or the app's own) is refused, naming it", () => {
    // e.g. DATABASE_URL set by the app's deployment, or AZURE_STORAGEBLOB_RESOURCEENDPOINT written by connection c1.
    for (const name of ["DATABASE_URL", "AZURE_STORAGEBLOB_RESOURCEENDPOINT"]) {
      const r = run({ existingNames: [name.toLowerCase()], additionalConfigurations: { [name]: "https://attacker.example/" } });
      expect(isCatalogueError(r) && r, name).toMatchObject({ code: "SettingExists", target: `properties.configurationInfo.additionalConfigurations.${name}` });
      expect(isCatalogueError(r) && r.message).toContain(`'${name}'`);
      expect(isCatalogueError(r) && r.message).toMatch(/never overwrites/);
    }
  });

  it("a customizedKeys value naming an existing setting is refused", () => {
    const r = run({ existingNames: ["DATABASE_URL"], customizedKeys: { AZURE_STORAGEBLOB_RESOURCEENDPOINT: "DATABASE_URL" } });
    expect(isCatalogueError(r) && r).toMatchObject({ code: "SettingExists", target: "properties.configurationInfo.customizedKeys.AZURE_STORAGEBLOB_RESOURCEENDPOINT" });
  });

  it("binding-aware names already on the source are refused", () => {
    const r = run({ existingNames: ["Images__blobServiceUri"], binding: { prefix: "Images", separator: "__" } });
    expect(isCatalogueError(r) && r).toMatchObject({ code: "SettingExists", target: "properties.configurationInfo.additionalConfigurations.linkwright.functionsConnection" });
    expect(isCatalogueError(r) && r.message).toContain("Images__blobServiceUri");
  });

  it("compares the forms a host reads as the same variable: case, '.'/'-' as '_', ':' as '__'", () => {
    for (const [existing, chosen] of [["MY_SETTING", "my.setting"], ["MY_SETTING", "My-Setting"], ["Images:queueServiceUri", "Images__queueServiceUri"]]) {
      const r = run({ existingNames: [existing!], additionalConfigurations: { [chosen!]: "x" } });
      expect(isCatalogueError(r) && r.code, `${existing} / ${chosen}`).toBe("SettingExists");
    }
  });

  it("the connection's own earlier names are not in existingNames, so an update rewrites them", () => {
    const r = run({ existingNames: ["OTHER"], additionalConfigurations: { MY_FLAG: "2" } });
    expect(isCatalogueError(r) ? r : r.map((e) => e.name)).toEqual(["AZURE_STORAGEBLOB_RESOURCEENDPOINT", "MY_FLAG"]);
  });

  it("default names keep the CONN2 rule (renamed) and, for library names, the Conflict that points at customizedKeys", () => {
    const renamed = run({ existingNames: ["AZURE_STORAGEBLOB_RESOURCEENDPOINT"] });
    expect(isCatalogueError(renamed) ? renamed : renamed.map((e) => e.name)).toEqual(["AZURE_STORAGEBLOB_C2_RESOURCEENDPOINT"]);
    const spring = run({ clientType: "springBoot", existingNames: ["spring.cloud.azure.storage.blob.endpoint"] });
    expect(isCatalogueError(spring) && spring.code).toBe("Conflict");
  });
});
