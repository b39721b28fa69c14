// `linkwright local` / `connect` / `status` end to end: the CLI as a process (tsx src/cli/main.ts) against the sandbox
// (startLinkwright: the seeded ARM emulator forwarding Microsoft.ServiceLinker to linkwright in the dev host), signed in
// as the sandbox's user `dev` (LINKWRIGHT_ACCESS_TOKEN: a user token for ARM, so the local connections are userAccount
// connections for dev), trusting the sandbox CA through NODE_EXTRA_CA_CERTS. The sample project
// (test/fixtures/functions-sample) is copied to a temp folder; its SamplesStorage connection goes to the demo storage
// account, OrdersBus to the demo Service Bus namespace.
// The same calls are pinned against a stand-in API in local.fakeApi.test.ts.
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startLinkwright, type Linkwright } from "../connections/linkwright.js";
import { copySample, runCli } from "./support/runCli.js";

const RESOURCE_GROUP = "linkwright-demo";
const CLI_MS = 120_000;

let lw: Linkwright;
let project: string;
let env: Record<string, string>;
let ids: { storageAccount: string; serviceBus: string };
let devObjectId: string;

/** `/subscriptions/…/resourceGroups/linkwright-demo/providers/Microsoft.ServiceLinker/locations/<its location>/connectors` */
let connectors: string;
const local = (...extra: string[]) => runCli([
  "local", "--project", project, "--endpoint", lw.te.endpoint, "--resource-group", RESOURCE_GROUP,
  "--target", `SamplesStorage=${ids.storageAccount}`, "--target", `OrdersBus=${ids.serviceBus}`, "--yes", ...extra,
], env, CLI_MS);
const values = () => JSON.parse(readFileSync(path.join(project, "local.settings.json"), "utf8")).Values as Record<string, string>;
const accountEndpoints = () => (lw.te.emulator.store.get(ids.storageAccount)!.properties as { primaryEndpoints: Record<"blob" | "queue" | "table", string> }).primaryEndpoints;

describe("linkwright local against the sandbox", () => {
  beforeAll(async () => {
    lw = await startLinkwright();
    const emulator = lw.te.emulator;
    const seed = emulator.seedResult!;
    ids = { storageAccount: lw.ids.storageAccount!, serviceBus: lw.ids.serviceBus! };
    devObjectId = seed.dev.objectId;
    // dev administers the demo resource group here (the seed gives it only the web app and the storage account).
    emulator.assignRole(devObjectId, "Owner", `/subscriptions/${lw.te.subscriptionId}/resourceGroups/${RESOURCE_GROUP}`);
    env = { LINKWRIGHT_ACCESS_TOKEN: await emulator.tokenFor("dev"), NODE_EXTRA_CA_CERTS: inject("armCerts").caCertFile };
    const rg = await lw.arm("GET", `/subscriptions/${lw.te.subscriptionId}/resourcegroups/${RESOURCE_GROUP}?api-version=2021-04-01`);
    connectors = `/subscriptions/${lw.te.subscriptionId}/resourceGroups/${RESOURCE_GROUP}/providers/Microsoft.ServiceLinker/locations/${String(rg.json().location)}/connectors`;
    project = copySample();
  }, 240_000);

  afterAll(async () => {
    await lw?.stop();
    if (project) rmSync(project, { recursive: true, force: true });
  });

  it("--dry-run changes nothing and calls nothing", async () => {
    const before = readFileSync(path.join(project, "local.settings.json"), "utf8");
    const r = await local("--dry-run");
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("would add");
    expect(readFileSync(path.join(project, "local.settings.json"), "utf8")).toBe(before);
    const list = await lw.arm("GET", `${connectors}?api-version=2024-04-01`);
    expect(list.json().value ?? []).toEqual([]);
  }, CLI_MS);

  it("creates dev's local connections and writes the identity-based binding settings, keeping the other values", async () => {
    const r = await local();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    for (const name of ["OrdersBus", "SamplesStorage_blob", "SamplesStorage_queue"]) {
      expect(r.stdout).toMatch(new RegExp(`  ${name}: creating`));
      const got = await lw.arm("GET", `${connectors}/${name}?api-version=2024-04-01`);
      expect(got.status, name).toBe(200);
      expect(got.json().properties, name).toMatchObject({
        provisioningState: "Succeeded",
        authInfo: { authType: "userAccount", principalId: devObjectId },
        clientType: "nodejs",
        publicNetworkSolution: { firewallRules: { callerClientIP: "true" } },
      });
    }
    expect(r.stdout).toMatch(/operation: Succeeded/);
    const v = values();
    expect(v).toMatchObject({ AzureWebJobsStorage: "UseDevelopmentStorage=true", FUNCTIONS_WORKER_RUNTIME: "node", THUMBNAIL_WIDTH: "128" });
    // The demo account's endpoints as it reports them (the sandbox's are on Azurite).
    const endpoints = accountEndpoints();
    expect(v["SamplesStorage__blobServiceUri"]?.replace(/\/$/, "")).toBe(endpoints.blob.replace(/\/$/, ""));
    expect(v["SamplesStorage__queueServiceUri"]?.replace(/\/$/, "")).toBe(endpoints.queue.replace(/\/$/, ""));
    expect(v["OrdersBus__fullyQualifiedNamespace"]).toContain("lw-demo-sb");
    expect(Object.keys(v).filter((k) => /__credential$|__clientSecret$/i.test(k))).toEqual([]);
    expect(r.stdout).toMatch(/\[certain\] resizeImage .* storage account lwdemostorage/);
  }, CLI_MS);

  it("a second run changes nothing", async () => {
    const before = readFileSync(path.join(project, "local.settings.json"), "utf8");
    const r = await local();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).not.toContain("PUT ");
    expect(r.stdout.trimEnd().endsWith("nothing to change")).toBe(true);
    expect(readFileSync(path.join(project, "local.settings.json"), "utf8")).toBe(before);
  }, CLI_MS);

  it("status shows a local connection's state and last operation", async () => {
    const r = await runCli(["status", `${connectors}/SamplesStorage_blob`, "--endpoint", lw.te.endpoint], env, CLI_MS);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^state +Succeeded$/m);
    expect(r.stdout).toMatch(/^last operation +\S+ by \S+ \(Succeeded\)$/m);
  }, CLI_MS);

  it("connect creates one local connection, printing its steps and configuration", async () => {
    const r = await runCli(["connect", "storage-table", "--connection", "lw_e2e_table", "--target", ids.storageAccount,
      "--resource-group", RESOURCE_GROUP, "--client-type", "nodejs", "--endpoint", lw.te.endpoint], env, CLI_MS);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain(`connector ${connectors}/lw_e2e_table`);
    expect(r.stdout).toMatch(/ {2}operation: Succeeded\n {2}state: Succeeded\n/);
    expect(r.stdout).toContain(`  AZURE_STORAGETABLE_RESOURCEENDPOINT=${accountEndpoints().table}\n`);
  }, CLI_MS);
});
