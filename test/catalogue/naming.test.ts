// CONN2 rule, customizedKeys, additionalConfigurations, combination errors, missing facts.
import { describe, expect, it } from "vitest";
import { checkCombination, configurationEntries, isCatalogueError, type ConfigurationEntry } from "../../src/catalogue/index.js";
import { FACTS } from "./expected-names.js";

function entries(x: ReturnType<typeof configurationEntries>): ConfigurationEntry[] {
  if (isCatalogueError(x)) throw new Error(`${x.code}: ${x.message}`);
  return x;
}
const blob = { targetKind: "storage-blob", clientType: "python", facts: FACTS.storage! };

describe("CONN2 rule", () => {
  it("first connection of a target type uses <Cloud>_<Type>_<Name>", () => {
    const r = entries(configurationEntries({ ...blob, authType: "userAssignedIdentity", connectionName: "conn2", existingNames: ["OTHER"] }));
    expect(r.map((e) => e.name)).toEqual(["AZURE_STORAGEBLOB_RESOURCEENDPOINT", "AZURE_STORAGEBLOB_CLIENTID"]);
  });
  it("a second connection of the same type uses <Cloud>_<Type>_<ConnectionName>_<Name> for all its names", () => {
    const r = entries(
      configurationEntries({
        ...blob,
        authType: "userAssignedIdentity",
        connectionName: "conn2",
        existingNames: ["AZURE_STORAGEBLOB_RESOURCEENDPOINT"],
      }),
    );
    expect(r.map((e) => e.name)).toEqual(["AZURE_STORAGEBLOB_CONN2_RESOURCEENDPOINT", "AZURE_STORAGEBLOB_CONN2_CLIENTID"]);
    expect(r[0]!.value).toBe("https://acct.blob.core.windows.net/");
  });
  it("matches existing names case-insensitively", () => {
    const r = entries(
      configurationEntries({ ...blob, authType: "systemAssignedIdentity", connectionName: "c3", existingNames: ["azure_storageblob_resourceendpoint"] }),
    );
    expect(r.map((e) => e.name)).toEqual(["AZURE_STORAGEBLOB_C3_RESOURCEENDPOINT"]);
  });
  it("needs the connection name to apply the rule", () => {
    const r = configurationEntries({ ...blob, authType: "systemAssignedIdentity", existingNames: ["AZURE_STORAGEBLOB_RESOURCEENDPOINT"] });
    expect(isCatalogueError(r) && r.message).toMatch(/connection name/);
  });
  it("Spring property names are not renamed; a clash is a Conflict that points at customizedKeys", () => {
    const r = configurationEntries({
      ...blob,
      clientType: "springBoot",
      authType: "systemAssignedIdentity",
      connectionName: "c2",
      existingNames: ["spring.cloud.azure.storage.blob.endpoint"],
    });
    expect(isCatalogueError(r) && r.code).toBe("Conflict");
    expect(isCatalogueError(r) && r.message).toMatch(/customizedKeys/);
  });
});

describe("customizedKeys and additionalConfigurations", () => {
  it("renames a default key and keeps the value", () => {
    const r = entries(
      configurationEntries({
        ...blob,
        authType: "secret",
        customizedKeys: { AZURE_STORAGEBLOB_CONNECTIONSTRING: "MyStorage" },
      }),
    );
    expect(r).toHaveLength(1);
    expect(r[0]!.name).toBe("MyStorage");
    expect(r[0]!.value).toContain("AccountName=acct;AccountKey=KEY==");
    expect(r[0]!.isSecret).toBe(true);
  });
  it("applies to the CONN2 form too, by default name or by CONN2 name", () => {
    for (const k of ["AZURE_STORAGEBLOB_RESOURCEENDPOINT", "AZURE_STORAGEBLOB_C2_RESOURCEENDPOINT"]) {
      const r = entries(
        configurationEntries({
          ...blob,
          authType: "systemAssignedIdentity",
          connectionName: "c2",
          existingNames: ["AZURE_STORAGEBLOB_RESOURCEENDPOINT"],
          customizedKeys: { [k]: "BLOB_URL" },
        }),
      );
      expect(r.map((e) => e.name)).toEqual(["BLOB_URL"]);
    }
  });
  it("appends additionalConfigurations after the defaults and drops linkwright options", () => {
    const r = entries(
      configurationEntries({
        ...blob,
        authType: "systemAssignedIdentity",
        additionalConfigurations: { FEATURE_X: "on", "linkwright.functionsConnection": "Images" },
      }),
    );
    expect(r.map((e) => [e.name, e.value])).toEqual([
      ["AZURE_STORAGEBLOB_RESOURCEENDPOINT", "https://acct.blob.core.windows.net/"],
      ["FEATURE_X", "on"],
    ]);
  });
  it("refuses to write one name twice", () => {
    const r = configurationEntries({
      ...blob,
      authType: "userAssignedIdentity",
      customizedKeys: { AZURE_STORAGEBLOB_CLIENTID: "AZURE_STORAGEBLOB_RESOURCEENDPOINT" },
    });
    expect(isCatalogueError(r) && r.message).toMatch(/twice/);
  });
});

describe("combination errors name what is supported", () => {
  it("auth type not supported by the target", () => {
    expect(checkCombination({ targetKind: "storage-file", sourceKind: "webapp", authType: "systemAssignedIdentity", clientType: "dotnet" })).toEqual({
      field: "authInfo.authType",
      message: "storage-file supports authType secret (from a webapp); got 'systemAssignedIdentity'",
    });
    const kv = checkCombination({ targetKind: "keyvault", sourceKind: "functionapp", authType: "secret", clientType: "dotnet" });
    expect(kv?.message).toMatch(/^keyvault supports authType systemAssignedIdentity, userAssignedIdentity, servicePrincipalSecret/);
  });
  it("client type not supported by the target", () => {
    const p = checkCombination({ targetKind: "storage-table", sourceKind: "webapp", authType: "secret", clientType: "springBoot" });
    expect(p).toEqual({ field: "clientType", message: "storage-table supports clientType dotnet, java, python, nodejs, none; got 'springBoot'" });
  });
  it("unknown target and source kinds", () => {
    expect(checkCombination({ targetKind: "nope", sourceKind: "webapp", authType: "secret", clientType: "dotnet" })?.field).toBe("targetService");
    expect(checkCombination({ targetKind: "keyvault", sourceKind: "aks", authType: "secret", clientType: "dotnet" })?.field).toBe("sourceKind");
  });
  it("configurationEntries returns the same problem as a BadRequest", () => {
    const r = configurationEntries({ targetKind: "keyvault", authType: "secret", clientType: "dotnet", facts: FACTS.keyvault! });
    expect(isCatalogueError(r) && r.code).toBe("BadRequest");
    expect(isCatalogueError(r) && r.target).toBe("properties.authInfo.authType");
  });
  it("a supported combination is undefined", () => {
    expect(checkCombination({ targetKind: "storage-blob", sourceKind: "slot", authType: "secret", clientType: "go" })).toBeUndefined();
  });
});

describe("values", () => {
  it("a missing fact is reported, not rendered as undefined", () => {
    const r = configurationEntries({ ...blob, authType: "secret", facts: { ...FACTS.storage!, accountKey: undefined } });
    expect(isCatalogueError(r) && r.code).toBe("MissingTargetFact");
    expect(isCatalogueError(r) && r.message).toMatch(/accountKey/);
  });
  it("a storage endpoint outside <account>.<service>.<suffix> is written as an explicit endpoint", () => {
    const facts = { ...FACTS.storage!, blobEndpoint: "http://127.0.0.1:10000/acct" };
    const r = entries(configurationEntries({ ...blob, authType: "secret", facts }));
    expect(r[0]!.value).toBe("DefaultEndpointsProtocol=http;AccountName=acct;AccountKey=KEY==;BlobEndpoint=http://127.0.0.1:10000/acct");
  });
  it("a sovereign-cloud suffix is kept", () => {
    const facts = { ...FACTS.storage!, queueEndpoint: "https://acct.queue.core.chinacloudapi.cn/" };
    const r = entries(configurationEntries({ ...blob, targetKind: "storage-queue", authType: "secret", facts }));
    expect(r[0]!.value).toBe("DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=KEY==;EndpointSuffix=core.chinacloudapi.cn");
  });
});
