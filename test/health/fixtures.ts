// Test data for the pure health tests: a connection with every step applied, and a snapshot where all holds.
import type { StoredLinker } from "../../src/model/connection.js";
import type { AppliedStepRecord } from "../../src/model/plan.js";
import { emptySnapshot, existenceId, type HealthSnapshot } from "../../src/health/snapshot.js";

export const SUB = "00000000-0000-0000-0000-000000000001";
export const RG = `/subscriptions/${SUB}/resourceGroups/rg`;
export const SITE = `${RG}/providers/Microsoft.Web/sites/app1`;
export const ACCOUNT = `${RG}/providers/Microsoft.Storage/storageAccounts/acct1`;
export const BLOB = `${ACCOUNT}/blobServices/default`;
export const PRINCIPAL = "11111111-1111-1111-1111-111111111111";
export const ROLE = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
export const KEY1 = "a2V5LW9uZQ==";
export const KEY2 = "a2V5LXR3bw==";
export const CS = (key: string) => `DefaultEndpointsProtocol=https;AccountName=acct1;AccountKey=${key};EndpointSuffix=core.windows.net`;

export function linker(overrides: Partial<StoredLinker> = {}, applied?: { step: string; input: unknown }[]): StoredLinker {
  return {
    id: `${SITE}/providers/Microsoft.ServiceLinker/linkers/blob1`,
    sourceId: SITE,
    name: "blob1",
    properties: { targetService: { type: "AzureResource", id: BLOB }, authInfo: { authType: "systemAssignedIdentity" } },
    provisioningState: "Succeeded",
    systemData: { createdAt: "2026-01-01T00:00:00Z", lastModifiedAt: "2026-01-01T00:00:00Z" },
    secretPaths: [],
    state: {
      principalId: PRINCIPAL,
      applied: applied ? asRecords(applied) : [
        { step: "identity", changed: true, input: { sourceId: SITE, systemAssigned: true } },
        { step: "roleAssignment", changed: true, input: { scope: BLOB, principalId: PRINCIPAL, principalType: "ServicePrincipal", role: ROLE } },
        { step: "firewall", changed: true, input: { targetId: BLOB, ips: ["20.1.1.1", "20.1.1.2"] } },
        { step: "configuration", changed: true, input: { sourceId: SITE, settings: [{ name: "AZURE_STORAGEBLOB_RESOURCEENDPOINT", value: "https://acct1.blob.core.windows.net/" }] } },
      ],
    },
    ...overrides,
  };
}

export function healthySnapshot(): HealthSnapshot {
  const snap = emptySnapshot();
  snap.resources.set(existenceId(SITE), { ok: true, value: { id: SITE, type: "microsoft.web/sites", properties: {}, identity: { type: "SystemAssigned", principalId: PRINCIPAL } } });
  snap.resources.set(existenceId(ACCOUNT), {
    ok: true,
    value: { id: ACCOUNT, type: "microsoft.storage/storageaccounts", identity: null,
      properties: { networkAcls: { defaultAction: "Deny", bypass: "AzureServices", ipRules: [{ value: "20.1.1.1", action: "Allow" }, { value: "20.1.1.2/32", action: "Allow" }] } } },
  });
  snap.settings.set(`${SITE.toLowerCase()}|`, { ok: true, value: { AZURE_STORAGEBLOB_RESOURCEENDPOINT: "https://acct1.blob.core.windows.net/", OTHER: "x" } });
  snap.roleAssignments.set(SUB, { ok: true, value: [{ scope: ACCOUNT, principalId: PRINCIPAL, roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${ROLE}` }] });
  snap.storageKeys.set(existenceId(ACCOUNT), { ok: true, value: [KEY1, KEY2] });
  return snap;
}

/** Step records as the saga stores them, from test shorthand ({step, input}; a test may name a step that does not exist). */
export function asRecords(applied: { step: string; input: unknown; changed?: boolean }[]): AppliedStepRecord[] {
  return applied.map((a) => ({ changed: true, ...a }) as AppliedStepRecord);
}
