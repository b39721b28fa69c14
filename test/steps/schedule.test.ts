// Which steps a plan runs, in the saga's order and with their phases: one function for the saga and the dry run.
import { describe, expect, it } from "vitest";
import { PENDING_PRINCIPAL, stepsOf } from "../../src/steps/schedule.js";
import type { ConnectionPlan } from "../../src/model/plan.js";
import type { StepName, StepPhase } from "../../src/model/steps.js";

const SUB = "/subscriptions/00000000-0000-0000-0000-0000000000aa/resourceGroups/rg";
const SITE = `${SUB}/providers/Microsoft.Web/sites/app`;
const SERVER = `${SUB}/providers/Microsoft.Sql/servers/sql1`;
const DATABASE = `${SERVER}/databases/db1`;
const SUBNET = `${SUB}/providers/Microsoft.Network/virtualNetworks/vnet/subnets/apps`;
const STORE = `${SUB}/providers/Microsoft.AppConfiguration/configurationStores/cfg`;
const OTHER_ACCOUNT = `${SUB}/providers/Microsoft.Storage/storageAccounts/other`;
const ROLE = "/providers/Microsoft.Authorization/roleDefinitions/9b7fa17d-e63e-47b0-bb0a-15c516ac86ec";
const PRINCIPAL = "22222222-2222-2222-2222-222222222222";

const plan = (over: Partial<ConnectionPlan> = {}): ConnectionPlan => ({
  sourceId: SITE, sourceKind: "webapp", targetKind: "sql", targetId: DATABASE, targetResourceId: SERVER,
  authType: "systemAssignedIdentity", clientType: "dotnet",
  identity: { sourceId: SITE, systemAssigned: true },
  observedIdentity: { type: "None", userAssigned: {} },
  roles: [{ scope: DATABASE, role: ROLE, roleName: "SQL DB Contributor" }, { scope: SERVER, role: ROLE }],
  firewall: { targetId: SERVER, ips: ["1.2.3.4"] },
  firewallOpen: true,
  serviceEndpoint: { subnetId: SUBNET, targetId: SERVER, serviceName: "Microsoft.Sql" },
  databasePrincipal: { name: "app" },
  secretStore: [
    { vaultUri: "https://kv.vault.azure.net/", secretName: "a", source: { kind: "sealed", value: "x" } },
    { vaultUri: "https://kv.vault.azure.net/", secretName: "b", source: { kind: "sealed", value: "y" } },
  ],
  settings: { sourceId: SITE, settings: [{ name: "AZURE_SQL_SERVER", value: "sql1.database.windows.net" }] },
  appConfiguration: { storeId: STORE, keys: [] },
  configurations: [], targetFacts: { databaseName: "db1" }, warnings: [], ...over,
});
const order = (p: ConnectionPlan) => stepsOf(p, { connectionName: "conn" }).map((s): [StepName, StepPhase] => [s.step, s.phase]);

describe("stepsOf", () => {
  it("identity first, then the independent steps, the principal's steps, and a subnet rule after the firewall of its target", () => {
    expect(order(plan())).toEqual([
      ["identity", "identity"],
      ["firewall", "independent"],
      ["secretStore", "independent"],
      ["secretStore", "independent"],
      ["configuration", "independent"],
      ["appConfiguration", "independent"],
      ["roleAssignment", "afterIdentity"],
      ["roleAssignment", "afterIdentity"],
      ["databaseUser", "afterIdentity"],
      ["serviceEndpoint", "afterFirewall"],
    ]);
  });

  it("a subnet rule on another target starts at once; no settings and nothing to remove is no configuration step", () => {
    const p = plan({ serviceEndpoint: { subnetId: SUBNET, targetId: OTHER_ACCOUNT, serviceName: "Microsoft.Storage" }, settings: { sourceId: SITE, settings: [] } });
    expect(order(p).slice(0, 3)).toEqual([["identity", "identity"], ["firewall", "independent"], ["serviceEndpoint", "independent"]]);
    expect(order(p).map(([s]) => s)).not.toContain("configuration");
    expect(order(plan({ settings: { sourceId: SITE, settings: [], remove: [{ name: "OLD", writtenSealed: "s" }] } })).map(([s]) => s)).toContain("configuration");
  });

  it("hints ride along unrecorded: the observed identity, an open firewall, a role's name", () => {
    const steps = stepsOf(plan(), { connectionName: "conn" });
    expect(steps.find((s) => s.step === "identity")?.hints).toEqual({ observed: { type: "None", userAssigned: {} } });
    expect(steps.find((s) => s.step === "firewall")?.hints).toEqual({ plannedOpen: true });
    expect(steps.filter((s) => s.step === "roleAssignment").map((s) => s.hints)).toEqual([{ roleName: "SQL DB Contributor" }, undefined]);
  });

  it("the principal: a stand-in until the identity step produces it, the plan's for service principal auth, or the one given", () => {
    const principalOf = (p: ConnectionPlan, principalId?: string) => stepsOf(p, { connectionName: "conn", ...(principalId ? { principalId } : {}) })
      .filter((s) => s.phase === "afterIdentity")
      .map((s) => (s.step === "roleAssignment" ? s.input.principalId : s.step === "databaseUser" ? s.input.principal.objectId : undefined));
    expect(principalOf(plan())).toEqual([PENDING_PRINCIPAL, PENDING_PRINCIPAL, PENDING_PRINCIPAL]);
    expect(principalOf(plan(), PRINCIPAL)).toEqual([PRINCIPAL, PRINCIPAL, PRINCIPAL]);
    expect(principalOf(plan({ identity: undefined, principal: { principalId: PRINCIPAL, principalType: "ServicePrincipal" } }))).toEqual([PRINCIPAL, PRINCIPAL, PRINCIPAL]);
  });

  it("a step whose input cannot be made fails the plan, or is reported to onError", () => {
    const bad = plan({ targetFacts: { databaseName: "db1", userName: "u".repeat(300) } });
    expect(() => stepsOf(bad, { connectionName: "conn" })).toThrow();
    const errors: string[] = [];
    const steps = stepsOf(bad, { connectionName: "conn", onError: (step, phase) => errors.push(`${step}/${phase}`) });
    expect(errors).toEqual(["databaseUser/afterIdentity"]);
    expect(steps.map((s) => s.step)).not.toContain("databaseUser");
  });
});
