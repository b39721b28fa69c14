// 50 concurrent PUTs of distinct linkers on one webApp: every connection's settings end up present (app settings
// PUT replaces the whole set, so operations on one source run in its critical section and re-read before writing).
import { afterAll, beforeAll, expect, it } from "vitest";
import { startLinkwright, type Linkwright } from "./linkwright.js";

let lw: Linkwright;
beforeAll(async () => { lw = await startLinkwright(); }, 60_000);
afterAll(async () => { await lw?.stop(); });

it("keeps all 50 connections' settings", async () => {
  const n = 50;
  const blob = `${lw.ids.storageAccount}/blobServices/default`;
  const results = await Promise.all(Array.from({ length: n }, (_, i) =>
    lw.client.linker.beginCreateOrUpdateAndWait(lw.ids.webApp!, `c${i}`, {
      targetService: { type: "AzureResource", id: blob },
      authInfo: { authType: "systemAssignedIdentity" },
      clientType: "none",
    })));
  expect(results.every((r) => r.provisioningState === "Succeeded")).toBe(true);
  // Each connection of the same type gets its own names (the CONN2 rule); all of them must be on the app.
  const settings = (lw.te.emulator.store.get(lw.ids.webApp!) as unknown as { appSettings: Record<string, string> }).appSettings;
  const names = new Set<string>();
  for (let i = 0; i < n; i++) {
    const c = await lw.client.linker.listConfigurations(lw.ids.webApp!, `c${i}`);
    for (const x of c.configurations!) {
      names.add(x.name!);
      expect(settings[x.name!], `${x.name} of c${i}`).toBe(x.value);
    }
  }
  expect(names.size).toBe(n);
}, 240_000);

it("names concurrent connections of one type by the CONN2 rule without collisions", async () => {
  const blob = `${lw.ids.storageAccount}/blobServices/default`;
  const names = ["alpha", "beta", "gamma"];
  await Promise.all(names.map((name) => lw.client.linker.beginCreateOrUpdateAndWait(lw.ids.functionApp!, name, {
    targetService: { type: "AzureResource", id: blob }, authInfo: { authType: "systemAssignedIdentity" }, clientType: "none",
  })));
  const configs = await Promise.all(names.map((n) => lw.client.linker.listConfigurations(lw.ids.functionApp!, n)));
  const all = configs.flatMap((c) => c.configurations!.map((x) => x.name!));
  expect(new Set(all).size).toBe(all.length);
  const settings = (lw.te.emulator.store.get(lw.ids.functionApp!) as unknown as { appSettings: Record<string, string> }).appSettings;
  for (const name of all) expect(settings[name]).toMatch(/^http/);
}, 120_000);
