// Key Vault references in health checks (issue #11 §4): a setting value `@Microsoft.KeyVault(SecretUri=https://<any
// host>/…)` must not make linkwright read that host with its identity. A reference (and a secretStore secret) is read
// only when its host is exactly the `properties.vaultUri` host of a vault ARM reports; anything else fails the check
// ("not a Key Vault that ARM reports") and no request goes out. The vault lookup rides in the Resource Graph query the
// run already makes (no extra ARM call). Loopback is where the sandbox serves vaults, so the "arbitrary host" here
// is a second HTTPS listener on 127.0.0.1 that no vault reports.
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { createArmClients, type ArmClients } from "../../src/azure/clients.js";
import { parseResourceId } from "../../src/azure/resourceId.js";
import { checkConnection, revalidateConnections } from "../../src/health/index.js";
import { keyVaultReference } from "../../src/steps/secretStore.js";
import type { StoredLinker } from "../../src/model/connection.js";
import { identityLinker, mergeSettings, startHarness, type Harness } from "../health/harness.js";

let h: Harness;
let clients: ArmClients;
let vaultUri: string;
let rogue: Server;
let rogueUri: string;
const rogueRequests: string[] = [];

beforeAll(async () => {
  h = await startHarness("healthkvref");
  // linkwright as the sandbox runs it: its own principal, the challenge check off for the (loopback) vault data plane.
  const own = h.t.emulator.principals.addServicePrincipal("linkwright-kvref");
  h.t.emulator.assignRole(own.objectId, "Owner", `/subscriptions/${h.t.subscriptionId}`);
  const vaultId = h.t.emulator.seeded!.keyVault!;
  h.t.emulator.assignRole(own.objectId, "Key Vault Secrets Officer", vaultId);
  clients = createArmClients({
    credential: h.t.credentialFor(own.clientId!, own.clientSecret!), armEndpoint: h.t.endpoint, armAudience: "https://management.azure.com/",
    maxRetries: 1, maxRetryDelayInMs: 50, disableKeyVaultChallengeResourceVerification: true,
  });
  const p = parseResourceId(vaultId)!;
  vaultUri = (await clients.keyVault(p.subscriptionId).vaults.get(p.resourceGroup, p.names[0]!)).properties.vaultUri!;
  await clients.secrets(vaultUri).setSecret("conn-real", "value");

  const { certDir } = inject("armCerts");
  rogue = createServer({ cert: readFileSync(`${certDir}/server.pem`), key: readFileSync(`${certDir}/server-key.pem`) }, (req, res) => {
    rogueRequests.push(`${req.method} ${req.url} ${req.headers.authorization ? "with token" : "no token"}`);
    res.writeHead(401, { "www-authenticate": `Bearer authorization="${h.t.endpoint}/${h.t.tenantId}", resource="https://vault.azure.net"` }).end();
  });
  await new Promise<void>((resolve) => rogue.listen(0, "127.0.0.1", resolve));
  rogueUri = `https://127.0.0.1:${(rogue.address() as AddressInfo).port}/`;
}, 60_000);

afterAll(async () => {
  await new Promise((resolve) => rogue?.close(resolve));
  await h?.t.close();
});

/** The identity connection of the harness plus one more setting holding `value`, on the web app as written. */
async function withReference(name: string, setting: string, value: string): Promise<StoredLinker> {
  const linker = identityLinker(h, name);
  const applied = linker.state!.applied!.filter((a) => a.step !== "roleAssignment");
  const config = applied.find((a) => a.step === "configuration")!;
  (config.input as { settings?: { name: string; value: string }[] }).settings = [{ name: setting, value }];
  await mergeSettings(h, { [setting]: value });
  return { ...linker, state: { ...linker.state, applied } };
}

const item = (r: { validationDetail: { name: string }[] }, name: string) => r.validationDetail.find((d) => d.name === name) as
  { result: string; errorCode?: string; errorMessage?: string } | undefined;

describe("Key Vault references in health checks", () => {
  it("a reference to a vault ARM reports is read and resolves", async () => {
    const linker = await withReference("kv-real", "REAL_REF", keyVaultReference(vaultUri, "conn-real"));
    const { result } = await checkConnection(linker, { clients, attribution: false, functionsBindings: false });
    expect(item(result, "KeyVaultReference")).toMatchObject({ result: "success" });
  });

  it("a reference to any other host fails as unrecognized and that host receives no request", async () => {
    const linker = await withReference("kv-rogue", "ROGUE_REF", `@Microsoft.KeyVault(SecretUri=${rogueUri}secrets/stolen/)`);
    const { result } = await checkConnection(linker, { clients, attribution: false, functionsBindings: false });
    const ref = item(result, "KeyVaultReference")!;
    expect(ref).toMatchObject({ result: "failure", errorCode: "KeyVaultNotRecognized" });
    expect(ref.errorMessage).toContain("not a Key Vault that ARM reports");
    expect(ref.errorMessage).toContain("ROGUE_REF");

    const run = await revalidateConnections([linker], { clients, attribution: false });
    expect(run.results[0]!.result.validationDetail.find((d) => d.name === "KeyVaultReference")).toMatchObject({ errorCode: "KeyVaultNotRecognized" });
    expect(rogueRequests).toEqual([]);
  });

  it("a secretStore secret on a host no vault reports is not read either", async () => {
    const linker = identityLinker(h, "kv-store");
    const applied = [...linker.state!.applied!, { step: "secretStore" as const, changed: true, input: {
      vaultUri: rogueUri, secretName: "stolen", source: { kind: "storageAccountKey", storageAccountId: h.account },
    } }];
    const { result } = await checkConnection({ ...linker, state: { ...linker.state, applied } }, { clients, attribution: false, functionsBindings: false });
    expect(item(result, "KeyVaultSecret")).toMatchObject({ result: "failure", errorCode: "KeyVaultNotRecognized" });
    expect(rogueRequests).toEqual([]);
  });

  it("looking the vaults up costs no ARM call of its own", async () => {
    const plain = identityLinker(h, "kv-plain");
    const referencing = await withReference("kv-both", "REAL_REF2", keyVaultReference(vaultUri, "conn-real"));
    const without = await revalidateConnections([plain], { clients, attribution: false });
    const withRefs = await revalidateConnections([plain, referencing], { clients, attribution: false });
    expect(withRefs.stats.graphQueries).toBe(without.stats.graphQueries);
    expect(withRefs.stats.armCalls).toBe(without.stats.armCalls);
    expect(withRefs.stats.secretReads).toBe(1);
  });
});
