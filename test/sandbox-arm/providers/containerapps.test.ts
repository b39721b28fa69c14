// Microsoft.App/containerApps through the real @azure/arm-appcontainers client: create, identity, secrets
// (hidden on GET, listed by listSecrets), env, merge-patch updates, both LRO styles, RBAC and errors.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ContainerAppsAPIClient } from "@azure/arm-appcontainers";
import { ManagedServiceIdentityClient } from "@azure/arm-msi";
import { startTestEmulator, type TestEmulator } from "../support/emulator.js";
import { createResourceGroup, expectRestError } from "./helpers.js";

let t: TestEmulator;
let aca: ContainerAppsAPIClient;
const rg = "rg-aca";
let envId: string;

beforeAll(async () => {
  t = await startTestEmulator();
  aca = new ContainerAppsAPIClient(t.credential, t.subscriptionId, t.clientOptions);
  await createResourceGroup(t, rg);
  envId = `/subscriptions/${t.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.App/managedEnvironments/env1`;
});
afterAll(async () => { await t?.close(); });

const app = (env: { name: string; value?: string; secretRef?: string }[], secrets: { name: string; value?: string }[]) => ({
  location: "westeurope", managedEnvironmentId: envId,
  configuration: { secrets },
  template: { containers: [{ name: "main", image: "mcr.microsoft.com/k8se/quickstart:latest", env }] },
});

describe("Microsoft.App containerApps", () => {
  it("creates an app whose GET hides secret values and whose listSecrets returns them", async () => {
    const created = await aca.containerApps.createOrUpdate(rg, "ca1", {
      ...app([{ name: "PLAIN", value: "1" }, { name: "DB_PASSWORD", secretRef: "db-pass" }], [{ name: "db-pass", value: "p@ss" }]),
      identity: { type: "SystemAssigned" },
    });
    expect(created.provisioningState).toBe("Succeeded");
    expect(created.identity?.principalId).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.outboundIpAddresses?.length).toBeGreaterThan(0);
    const got = await aca.containerApps.get(rg, "ca1");
    expect(got.configuration?.secrets).toEqual([{ name: "db-pass" }]);
    expect(got.template?.containers?.[0].env).toEqual([{ name: "PLAIN", value: "1" }, { name: "DB_PASSWORD", secretRef: "db-pass" }]);
    const secrets = await aca.containerApps.listSecrets(rg, "ca1");
    expect(secrets.value).toEqual([{ name: "db-pass", value: "p@ss" }]);
  });

  it("updates with merge-patch semantics (arrays replace) and keeps unchanged secret values", async () => {
    const msi = new ManagedServiceIdentityClient(t.credential, t.subscriptionId, { endpoint: t.endpoint });
    const uami = await msi.userAssignedIdentities.createOrUpdate(rg, "uami-aca", { location: "westeurope" });
    const updated = await aca.containerApps.update(rg, "ca1", {
      location: "westeurope",
      identity: { type: "SystemAssigned,UserAssigned", userAssignedIdentities: { [uami.id!]: {} } },
      configuration: { secrets: [{ name: "db-pass" }, { name: "api-key", value: "k1" }] },
      template: { containers: [{ name: "main", image: "mcr.microsoft.com/k8se/quickstart:latest", env: [{ name: "API_KEY", secretRef: "api-key" }] }] },
    });
    expect(updated.identity?.type).toBe("SystemAssigned,UserAssigned");
    expect(Object.values(updated.identity!.userAssignedIdentities!)[0]).toEqual({ principalId: uami.principalId, clientId: uami.clientId });
    expect(updated.template?.containers?.[0].env).toEqual([{ name: "API_KEY", secretRef: "api-key" }]);
    expect(updated.managedEnvironmentId).toBe(envId);
    const secrets = await aca.containerApps.listSecrets(rg, "ca1");
    expect(secrets.value).toEqual([{ name: "db-pass", value: "p@ss" }, { name: "api-key", value: "k1" }]);
  });

  it("runs createOrUpdate (Azure-AsyncOperation) and update (Location) through the SDK pollers", async () => {
    t.emulator.control.addLroRule({ method: "PUT", path: "/containerApps/ca-lro$" });
    t.emulator.control.addLroRule({ method: "PATCH", path: "/containerApps/ca-lro$" });
    try {
      const states: string[] = [];
      const p1 = await aca.containerApps.beginCreateOrUpdate(rg, "ca-lro", app([], []), { updateIntervalInMs: 10 });
      p1.onProgress((s) => states.push(s.status));
      expect((await p1.pollUntilDone()).name).toBe("ca-lro");
      const p2 = await aca.containerApps.beginUpdate(rg, "ca-lro", { location: "westeurope", tags: { v: "2" } }, { updateIntervalInMs: 10 });
      p2.onProgress((s) => states.push(s.status));
      expect((await p2.pollUntilDone()).tags).toEqual({ v: "2" });
      expect(states.filter((s) => s === "running").length).toBeGreaterThanOrEqual(2);
    } finally {
      t.emulator.control.clearRules();
    }
  });

  it("rejects dangling secretRefs, Reader writes, missing apps and unknown types", async () => {
    await expectRestError(aca.containerApps.createOrUpdate(rg, "ca-bad", app([{ name: "X", secretRef: "nope" }], [])), 400, "ContainerAppSecretRefNotFound");
    const asReader = new ContainerAppsAPIClient(t.readerCredential, t.subscriptionId, t.clientOptions);
    expect((await asReader.containerApps.get(rg, "ca1")).name).toBe("ca1");
    await expectRestError(asReader.containerApps.listSecrets(rg, "ca1"), 403, "AuthorizationFailed");
    await expectRestError(asReader.containerApps.createOrUpdate(rg, "ca-r", app([], [])), 403, "AuthorizationFailed");
    await expectRestError(aca.containerApps.get(rg, "ca-missing"), 404, "ResourceNotFound");
    await expectRestError(aca.containerAppsRevisions.getRevision(rg, "ca1", "r1"), 400, "InvalidResourceType");
  });
});
