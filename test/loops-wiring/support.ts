// A seeded ARM emulator and linkwright's own managed identity (as test/steps/support.ts), plus helpers to add
// function apps and linkwright connections for the loop-scan tests.
import { WebSiteManagementClient } from "@azure/arm-appservice";
import { QueueClient } from "@azure/storage-queue";
import { startTestEmulator, type TestEmulator } from "../sandbox-arm/support/emulator.js";
import { ownArmClients } from "../../src/azure/ownClients.js";
import { readAzureSettings } from "../../src/config/settings.js";
import type { ArmClients } from "../../src/azure/clients.js";
import { buildSite } from "../../sandbox/arm/providers/web/sites.js";
import { buildFunction } from "../../sandbox/arm/providers/web/functions.js";
import type { LinkerRepository } from "../../src/store/types.js";

export interface LoopSandbox {
  te: TestEmulator;
  /** Clients as production builds them: linkwright's managed identity over the App Service MSI protocol. */
  clients: ArmClients;
  /** Settings that give code in this process (or a dev host in it) linkwright's identity and the emulator. */
  armEnv: Record<string, string>;
  ids: Record<string, string>;
  rg: string;
  /** The admin's SDK client (for test setup writes). */
  admin: WebSiteManagementClient;
  /** Adds a function app and its functions straight into the emulator's store (no events). */
  addFunctionApp(name: string, functions: Record<string, Record<string, unknown>[]>, appSettings?: Record<string, string>): string;
  /** Calls of one ARM operation since the last resetCalls (operation names as the emulator records them). */
  callsOf(pattern: RegExp): number;
  close(): Promise<void>;
}

export async function startLoopSandbox(): Promise<LoopSandbox> {
  const te = await startTestEmulator({ seed: true, withAzurite: true });
  const seed = te.emulator.seedResult!;
  const identity = te.emulator.managedIdentityEnvironment(seed.linkwrightIdentity.principalId);
  process.env.IDENTITY_ENDPOINT = identity.IDENTITY_ENDPOINT;
  process.env.IDENTITY_HEADER = identity.IDENTITY_HEADER;
  const armEnv = { LINKWRIGHT_ARM_ENDPOINT: te.endpoint, IDENTITY_ENDPOINT: identity.IDENTITY_ENDPOINT, IDENTITY_HEADER: identity.IDENTITY_HEADER };
  const clients = ownArmClients(readAzureSettings(armEnv));
  const rg = `/subscriptions/${te.subscriptionId}/resourceGroups/${seed.resourceGroup}`;
  const admin = new WebSiteManagementClient(te.credential, te.subscriptionId, te.clientOptions);
  return {
    te, clients, armEnv, ids: seed.resources, rg, admin,
    addFunctionApp(name, functions, appSettings = {}) {
      const id = `${rg}/providers/Microsoft.Web/sites/${name}`;
      const site = buildSite({ id, location: seed.location, kind: "functionapp,linux", properties: { siteConfig: { linuxFxVersion: "Node|20" } } });
      site.appSettings = { FUNCTIONS_WORKER_RUNTIME: "node", ...appSettings };
      const stored = te.emulator.store.put(site);
      for (const [fn, bindings] of Object.entries(functions)) te.emulator.store.put(buildFunction(stored, fn, { bindings }));
      return id;
    },
    callsOf: (pattern) => te.emulator.control.calls().byOperation.filter((c) => pattern.test(c.operation)).reduce((n, c) => n + c.count, 0),
    close: () => te.close(),
  };
}

/** Saves a linkwright connection from `sourceId` to `targetId` (as the API + orchestration would leave it). */
export async function saveLinker(linkers: LinkerRepository, sourceId: string, name: string, targetId: string): Promise<string> {
  const id = `${sourceId}/providers/Microsoft.ServiceLinker/linkers/${name}`;
  await linkers.save({
    id, sourceId, name, provisioningState: "Succeeded", secretPaths: [], systemData: {},
    properties: { targetService: { type: "AzureResource", id: targetId }, authInfo: { authType: "systemAssignedIdentity" } },
  }, { expectedEtag: null });
  return id;
}

/** Every message on the queue (base64 JSON), removed; polls until `atLeast` arrived or the timeout. */
export async function drainQueue(queue: QueueClient, options: { atLeast?: number; timeoutMs?: number } = {}): Promise<unknown[]> {
  const out: unknown[] = [];
  const deadline = Date.now() + (options.timeoutMs ?? 5_000);
  for (;;) {
    if (await queue.exists()) {
      const r = await queue.receiveMessages({ numberOfMessages: 32, visibilityTimeout: 30 });
      for (const m of r.receivedMessageItems) {
        out.push(JSON.parse(Buffer.from(m.messageText, "base64").toString("utf8")));
        await queue.deleteMessage(m.messageId, m.popReceipt);
      }
      if (r.receivedMessageItems.length > 0) continue;
    }
    if (out.length >= (options.atLeast ?? 0) || Date.now() > deadline) return out;
    await new Promise((r) => setTimeout(r, 50));
  }
}
