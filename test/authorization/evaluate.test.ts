// The pure parts of caller authorization: how ARM's permission entries and deny assignments are read, what a plan
// requires, and what a saga's later plan may need beyond what was authorized.
import { describe, expect, it } from "vitest";
import { denyingAssignment, EVERYONE, grants, grantsConditionally, isAtOrBelow } from "../../src/authorization/permissions.js";
import { notCovered, permissionKey } from "../../src/authorization/requirements.js";
import { changeRequirements, deleteRequirements } from "../../src/connections/changeRequirements.js";
import type { ConnectionPlan } from "../../src/model/plan.js";

const SUB = "/subscriptions/00000000-0000-0000-0000-0000000000aa";
const RG = `${SUB}/resourceGroups/rg`;
const SITE = `${RG}/providers/Microsoft.Web/sites/app`;
const ACCOUNT = `${RG}/providers/Microsoft.Storage/storageAccounts/sa`;
const BLOB = `${ACCOUNT}/blobServices/default`;
const VAULT = `${RG}/providers/Microsoft.KeyVault/vaults/kv`;
const ME = "11111111-1111-1111-1111-111111111111";

describe("permission entries", () => {
  it("wildcards, notActions within the same entry, data actions apart from actions", () => {
    const contributor = { actions: ["*"], notActions: ["Microsoft.Authorization/*/Write", "Microsoft.Authorization/*/Delete"] };
    expect(grants([contributor], "Microsoft.Web/sites/config/write")).toBe(true);
    expect(grants([contributor], "Microsoft.Authorization/roleAssignments/write")).toBe(false);
    expect(grants([contributor, { actions: ["Microsoft.Authorization/roleAssignments/write"] }], "Microsoft.Authorization/roleAssignments/write")).toBe(true);
    expect(grants([{ actions: ["*"] }], "Microsoft.KeyVault/vaults/secrets/setSecret/action", true)).toBe(false);
    expect(grants([{ dataActions: ["Microsoft.KeyVault/vaults/secrets/*"] }], "Microsoft.KeyVault/vaults/secrets/setSecret/action", true)).toBe(true);
  });

  it("an entry with a condition grants nothing, and is reported as conditional", () => {
    const conditional = { actions: ["Microsoft.Authorization/roleAssignments/write"], condition: "@Request[…] ForAnyOfAnyValues:GuidEquals {…}", conditionVersion: "2.0" };
    expect(grants([conditional], "Microsoft.Authorization/roleAssignments/write")).toBe(false);
    expect(grantsConditionally([conditional], "Microsoft.Authorization/roleAssignments/write")).toBe(true);
  });
});

describe("deny assignments", () => {
  const deny = (over: Partial<Parameters<typeof denyingAssignment>[0][number]>) => ({
    id: "d1", scope: ACCOUNT, permissions: [{ actions: ["Microsoft.Authorization/*"], notActions: ["Microsoft.Authorization/*/read"] }],
    principals: [ME], excludePrincipals: [], ...over,
  });
  it("apply at and below their scope, to listed principals or everyone, minus exclusions and notActions", () => {
    const write = "Microsoft.Authorization/roleAssignments/write";
    expect(denyingAssignment([deny({})], ME, BLOB, write)?.id).toBe("d1");
    expect(denyingAssignment([deny({})], ME, BLOB, "Microsoft.Authorization/roleAssignments/read")).toBeUndefined();
    expect(denyingAssignment([deny({})], ME, SITE, write)).toBeUndefined();
    expect(denyingAssignment([deny({ principals: [EVERYONE] })], ME, BLOB, write)?.id).toBe("d1");
    expect(denyingAssignment([deny({ principals: [EVERYONE], excludePrincipals: [ME] })], ME, BLOB, write)).toBeUndefined();
    expect(denyingAssignment([deny({ doNotApplyToChildScopes: true })], ME, BLOB, write)).toBeUndefined();
    expect(denyingAssignment([deny({ doNotApplyToChildScopes: true })], ME, ACCOUNT, write)?.id).toBe("d1");
  });
});

const plan = (over: Partial<ConnectionPlan> = {}): ConnectionPlan => ({
  sourceId: SITE, sourceKind: "webapp", targetKind: "storage-blob", targetId: BLOB, targetResourceId: ACCOUNT,
  authType: "systemAssignedIdentity", clientType: "nodejs",
  identity: { sourceId: SITE, systemAssigned: true } as never, roles: [{ scope: BLOB, role: "ba92f5b4-2d11-453d-a403-e96b0029c9fe", roleName: "Storage Blob Data Contributor" }],
  firewall: { targetId: ACCOUNT, ips: ["1.2.3.4"] }, secretStore: [],
  settings: { sourceId: SITE, settings: [{ name: "AZURE_STORAGEBLOB_RESOURCEENDPOINT", value: "https://sa.blob.core.windows.net/" }] },
  configurations: [], targetFacts: {}, warnings: [], ...over,
});
const props = { targetService: { type: "AzureResource", id: BLOB }, authInfo: { authType: "systemAssignedIdentity" } };
const pairs = (r: { scope: string; action: string }[]) => r.map((x) => `${x.action} @ ${x.scope}`);

describe("what a plan requires of its caller", () => {
  it("the linker write, the identity, the role where it goes, the settings; the firewall only when closed", () => {
    expect(pairs(changeRequirements(plan(), props as never))).toEqual([
      `Microsoft.ServiceLinker/linkers/write @ ${SITE}`,
      `Microsoft.Web/sites/write @ ${SITE}`,
      `Microsoft.Authorization/roleAssignments/write @ ${BLOB}`,
      `Microsoft.Storage/storageAccounts/write @ ${ACCOUNT}`,
      `Microsoft.Web/sites/config/write @ ${SITE}`,
    ]);
    expect(pairs(changeRequirements(plan({ firewallOpen: true }), props as never))).not.toContain(`Microsoft.Storage/storageAccounts/write @ ${ACCOUNT}`);
  });

  it("secret auth: the target's listKeys; a secret store: setSecret as a data action on the vault", () => {
    const source = { kind: "template" as const, template: "{{lw-secret:key}}", fetch: { resourceId: ACCOUNT, action: "listKeys", pick: [] } };
    const r = changeRequirements(plan({ identity: undefined, roles: [], secretStore: [{ vaultUri: "https://kv.vault.azure.net/", secretName: "s", source }] }),
      { ...props, secretStore: { keyVaultId: VAULT } } as never);
    expect(pairs(r)).toContain(`Microsoft.Storage/storageAccounts/listKeys/action @ ${ACCOUNT}`);
    expect(r.find((x) => x.action === "Microsoft.KeyVault/vaults/secrets/setSecret/action")).toMatchObject({ scope: VAULT, dataAction: true });
  });

  it("delete: what undoing each applied step needs", () => {
    const r = deleteRequirements(SITE, props as never, [
      { step: "roleAssignment", input: { scope: BLOB }, changed: true },
      { step: "configuration", input: { sourceId: SITE }, changed: true },
      { step: "identity", input: { sourceId: SITE }, changed: false },
    ]);
    expect(pairs(r)).toEqual([`Microsoft.ServiceLinker/linkers/delete @ ${SITE}`, `Microsoft.Authorization/roleAssignments/delete @ ${BLOB}`, `Microsoft.Web/sites/config/write @ ${SITE}`]);
  });
});

describe("a later plan against what was authorized", () => {
  it("needs nothing beyond it; an action granted at a scope covers it below; anything else is named", () => {
    const authorized = changeRequirements(plan(), props as never);
    expect(notCovered(authorized, changeRequirements(plan(), props as never))).toEqual([]);
    const more = notCovered(authorized, changeRequirements(plan({ roles: [{ scope: VAULT, role: "4633458b-17de-408a-b874-0445c86b69e6" }] }), props as never));
    expect(pairs(more)).toEqual([`Microsoft.Authorization/roleAssignments/write @ ${VAULT}`]);
    expect(notCovered([{ scope: RG, action: "Microsoft.Authorization/*" }], [{ scope: BLOB, action: "Microsoft.Authorization/roleAssignments/write", why: "" }])).toEqual([]);
    expect(notCovered([{ scope: RG, action: "*" }], [{ scope: VAULT, action: "Microsoft.KeyVault/vaults/secrets/setSecret/action", dataAction: true, why: "" }])).toHaveLength(1);
  });
});

describe("linkwright's own refusals", () => {
  it("name the action, the scope, linkwright's principal and the grant that fixes them (ARM and Key Vault)", async () => {
    const { describeOwnPermissionGap, ownPermissionGap } = await import("../../src/authorization/ownPermissions.js");
    const arm = Object.assign(new Error(`The client 'x' with object id '${ME}' does not have authorization to perform action 'Microsoft.Storage/storageAccounts/listKeys/action' over scope '${ACCOUNT}' or the scope is invalid.`), { statusCode: 403 });
    expect(describeOwnPermissionGap(ownPermissionGap(arm)!)).toBe(
      `linkwright's identity (principal ${ME}) lacks action 'Microsoft.Storage/storageAccounts/listKeys/action' over scope '${ACCOUNT}'. ` +
      `A platform administrator grants it with: az role assignment create --assignee-object-id ${ME} --assignee-principal-type ServicePrincipal --role "Storage Account Contributor" --scope ${ACCOUNT}`);
    const kv = Object.assign(new Error(`Caller is not authorized to perform action on resource.\r\nCaller: appid=a;oid=${ME};iss=https://sts.windows.net/t/\r\nAction: 'Microsoft.KeyVault/vaults/secrets/getSecret/action'\r\nResource: '${VAULT.toLowerCase()}/secrets/s1'\r\nAssignment: (not found)`), { statusCode: 403 });
    expect(ownPermissionGap(kv)).toMatchObject({ action: "Microsoft.KeyVault/vaults/secrets/getSecret/action", scope: VAULT.toLowerCase(), dataAction: true, recommendedRole: "Key Vault Secrets Officer", principalId: ME });
    expect(ownPermissionGap(Object.assign(new Error("Not found"), { statusCode: 404 }))).toBeUndefined();
  });
});

describe("scopes compare with the one case folding (ASCII letters only, as ARM)", () => {
  // JavaScript's toLowerCase folds the Kelvin sign (U+212A) to "k": two names ARM tells apart were one scope here.
  const KELVIN = `${RG}/providers/Microsoft.Web/sites/\u212Aapp`;
  const PLAIN = `${RG}/providers/Microsoft.Web/sites/kapp`;

  it("a scope is not at or below another that differs but for Unicode case", () => {
    expect(isAtOrBelow(KELVIN, PLAIN)).toBe(false);
    expect(isAtOrBelow(`${KELVIN}/config/appsettings`, PLAIN)).toBe(false);
    expect(isAtOrBelow(`${RG.toUpperCase()}/providers/Microsoft.Web/sites/KAPP`, PLAIN)).toBe(true);
  });

  it("what was authorized on one does not cover the other", () => {
    const needed = [{ scope: KELVIN, action: "Microsoft.Web/sites/write", why: "x" }];
    expect(notCovered([{ scope: PLAIN, action: "Microsoft.Web/sites/write" }], needed)).toHaveLength(1);
    expect(permissionKey(needed[0]!)).not.toBe(permissionKey({ scope: PLAIN, action: "Microsoft.Web/sites/write" }));
  });
});
