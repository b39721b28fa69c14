// What an update must be authorized for to undo what the previous run applied and this one no longer wants
// (updateCleanupRequirements): everything whose action the new plan does not already require at that scope.
import { describe, expect, it } from "vitest";
import { updateCleanupRequirements } from "../../src/connections/changeRequirements.js";
import type { AppliedStepRecord } from "../../src/model/plan.js";
import type { LinkerProperties } from "../../src/model/linker.js";

const vault = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv";
const account = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/sa";
const properties = { targetService: { type: "AzureResource", id: `${account}/blobServices/default` }, authInfo: { authType: "secret" }, secretStore: { keyVaultId: vault } } as unknown as LinkerProperties;

describe("updateCleanupRequirements", () => {
  it("needs the delete of a previous secret in a vault the new plan writes another secret to", () => {
    const previous: AppliedStepRecord[] = [{
      step: "secretStore", changed: true, prior: { existed: false },
      input: { vaultUri: "https://kv.vault.azure.net/", vaultId: vault, secretName: "c-AZURE-STORAGEBLOB-CONNECTIONSTRING", source: { kind: "storageConnectionString", storageAccountId: account } },
    }];
    const planned = [{ scope: vault, action: "Microsoft.KeyVault/vaults/secrets/setSecret/action", dataAction: true, why: "store" }];
    expect(updateCleanupRequirements(previous, properties, planned)).toEqual([
      expect.objectContaining({ scope: vault, action: "Microsoft.KeyVault/vaults/secrets/delete", dataAction: true }),
    ]);
  });

  it("needs the delete of a previous role assignment at a scope where the new plan assigns another role", () => {
    const scope = `${account}/blobServices/default`;
    const previous: AppliedStepRecord[] = [{
      step: "roleAssignment", changed: true, prior: { createdName: "n" },
      input: { scope, role: "ba92f5b4-2d11-453d-a403-e96b0029c9fe", principalId: "p", principalType: "ServicePrincipal" },
    }];
    const planned = [{ scope, action: "Microsoft.Authorization/roleAssignments/write", why: "assign" }];
    expect(updateCleanupRequirements(previous, properties, planned)).toEqual([
      expect.objectContaining({ scope, action: "Microsoft.Authorization/roleAssignments/delete" }),
    ]);
  });

  it("needs nothing the new plan requires already", () => {
    const previous: AppliedStepRecord[] = [{
      step: "configuration", changed: true, prior: { changed: [] },
      input: { sourceId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/app", settings: [] },
    }];
    const planned = [{ scope: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/app", action: "Microsoft.Web/sites/config/write", why: "settings" }];
    expect(updateCleanupRequirements(previous, properties, planned)).toEqual([]);
  });
});
