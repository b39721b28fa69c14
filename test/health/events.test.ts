// Event mapping (which ids to look up), debounce of bursts, auto-heal decisions and change detection — pure.
import { describe, expect, it } from "vitest";
import { lookupIds, parseResourceEvents, deletedResources } from "../../src/health/eventMapping.js";
import { createDebouncer } from "../../src/health/debounce.js";
import { affectedLinkers, decideAutoHeal, reactToEvents } from "../../src/health/events.js";
import { healthChanged, encodeQueueMessage } from "../../src/health/changes.js";
import type { ConnectionHealth } from "../../src/health/types.js";
import type { DependencyIndex, DependencyKind } from "../../src/store/types.js";
import type { StoredLinker } from "../../src/model/connection.js";
import { ACCOUNT, BLOB, SITE, linker } from "./fixtures.js";

const lower = (s: string) => s.toLowerCase();

function event(type: string, resourceUri: string, id = resourceUri + type) {
  return { id, topic: "/subscriptions/s", subject: resourceUri, eventType: `Microsoft.Resources.${type}`, eventTime: "2026-01-01T00:00:00Z",
    data: { resourceUri, operationName: "x/write", claims: { appid: "app-1" } }, dataVersion: "2", metadataVersion: "1" };
}

describe("parseResourceEvents", () => {
  it("reads batches, single events and base64 queue messages, ignoring other event types", () => {
    const batch = [event("ResourceWriteSuccess", SITE), event("ResourceDeleteSuccess", ACCOUNT), { eventType: "Microsoft.Storage.BlobCreated", subject: "x" }];
    expect(parseResourceEvents(batch).map((e) => e.kind)).toEqual(["write", "delete"]);
    expect(parseResourceEvents(event("ResourceActionSuccess", ACCOUNT))[0]).toMatchObject({ kind: "action", resourceId: ACCOUNT, caller: "app-1" });
    expect(parseResourceEvents(encodeQueueMessage(event("ResourceWriteSuccess", SITE)))[0]!.resourceId).toBe(SITE);
  });
});

describe("lookupIds", () => {
  it("maps an app-settings write to the site", () => {
    expect(lookupIds(`${SITE}/config/appsettings`)).toEqual(expect.arrayContaining([lower(`${SITE}/config/appsettings`), lower(SITE)]));
  });
  it("maps a storage account event to its service children (a blob-service target)", () => {
    expect(lookupIds(ACCOUNT)).toEqual(expect.arrayContaining([lower(ACCOUNT), lower(BLOB)]));
  });
  it("maps a role assignment to itself and its scope, not to the scope's parents", () => {
    const ra = `${BLOB}/providers/Microsoft.Authorization/roleAssignments/0d9c6e5c-0000-0000-0000-000000000000`;
    expect(lookupIds(ra).sort()).toEqual([lower(BLOB), lower(ra)].sort());
  });
  it("does not widen a site event to other sites", () => {
    expect(lookupIds(SITE)).toEqual([lower(SITE)]);
  });
});

describe("createDebouncer", () => {
  it("collects a burst into one flush of the union and starts anew afterwards", async () => {
    let t = 0;
    const timers: { fn: () => void; at: number }[] = [];
    const flushed: string[][] = [];
    const d = createDebouncer<string>({
      windowMs: 100, maxWaitMs: 250, now: () => t,
      setTimer: (fn, ms) => { const h = { fn, at: t + ms }; timers.push(h); return h; },
      clearTimer: (h) => { timers.splice(timers.indexOf(h as never), 1); },
      flush: async (batch) => { flushed.push(batch.sort()); },
    });
    const advance = async (ms: number) => {
      t += ms;
      for (const h of timers.filter((x) => x.at <= t)) { timers.splice(timers.indexOf(h), 1); h.fn(); }
      await d.settled();
    };
    d.add(["a", "b"]);
    await advance(50);
    d.add(["b", "c"]);
    await advance(50);
    expect(flushed).toEqual([]);
    await advance(60);
    expect(flushed).toEqual([["a", "b", "c"]]);
    // A continuous stream still flushes within maxWait.
    d.add(["d"]);
    for (let i = 0; i < 5; i++) { await advance(60); d.add([`e${i}`]); }
    expect(flushed.length).toBeGreaterThanOrEqual(2);
    expect(flushed[1]![0]).toBe("d");
  });
});

function health(l: StoredLinker, status: ConnectionHealth["status"], failingChecks: string[]): ConnectionHealth {
  return { linkerId: l.id, status, failingChecks, attribution: [], result: {} as ConnectionHealth["result"] };
}

describe("decideAutoHeal", () => {
  it("heals drift only when enabled, and never a connection whose source or target was deleted", () => {
    const on = linker({ state: { ...linker().state, autoHeal: true } });
    expect(decideAutoHeal(on, health(on, "Unhealthy", ["RoleAssignment"]), new Set())).toEqual({ heal: true });
    expect(decideAutoHeal(linker(), health(linker(), "Unhealthy", ["RoleAssignment"]), new Set())).toMatchObject({ heal: false });
    expect(decideAutoHeal(linker(), health(linker(), "Unhealthy", ["RoleAssignment"]), new Set(), { defaultEnabled: true })).toEqual({ heal: true });
    expect(decideAutoHeal(on, health(on, "Unhealthy", ["Configuration"]), deletedResources(parseResourceEvents([event("ResourceDeleteSuccess", ACCOUNT)]))))
      .toMatchObject({ heal: false, reason: expect.stringContaining("deleted") });
    expect(decideAutoHeal(on, health(on, "Unhealthy", ["SourceExistence"]), new Set())).toMatchObject({ heal: false });
    expect(decideAutoHeal(on, health(on, "Healthy", []), new Set())).toMatchObject({ heal: false });
  });

  it("never re-applies a connection whose last change did not succeed (its properties were never seen to succeed)", () => {
    const failed = linker({ provisioningState: "Failed", state: { ...linker().state, autoHeal: true } });
    expect(decideAutoHeal(failed, health(failed, "Unhealthy", ["Configuration"]), new Set())).toMatchObject({ heal: false, reason: expect.stringContaining("did not succeed") });
  });
});

describe("healthChanged", () => {
  it("is a status change or a change of failing checks; Unknown never is; never-checked counts as Healthy", () => {
    const h = (status: "Healthy" | "Unhealthy" | "Unknown", failingChecks: string[] = []) => ({ status, checkedAt: "t", failingChecks });
    expect(healthChanged(undefined, h("Healthy"))).toBe(false);
    expect(healthChanged(undefined, h("Unhealthy", ["Configuration"]))).toBe(true);
    expect(healthChanged(h("Healthy"), h("Healthy"))).toBe(false);
    expect(healthChanged(h("Healthy"), h("Unhealthy", ["RoleAssignment"]))).toBe(true);
    expect(healthChanged(h("Unhealthy", ["RoleAssignment"]), h("Unhealthy", ["RoleAssignment"]))).toBe(false);
    expect(healthChanged(h("Unhealthy", ["RoleAssignment"]), h("Unhealthy", ["Configuration", "RoleAssignment"]))).toBe(true);
    expect(healthChanged(h("Healthy"), h("Unknown"))).toBe(false);
  });
});

describe("reactToEvents", () => {
  it("revalidates the union of affected connections once and heals only the allowed ones", async () => {
    const a = linker({ state: { ...linker().state, autoHeal: true } });
    const b = linker({ id: `${SITE}/providers/Microsoft.ServiceLinker/linkers/other`, name: "other", properties: { targetService: { type: "AzureResource", id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv" }, authInfo: { authType: "secret" } } });
    const deps: Record<string, { linkerId: string; kind: DependencyKind }[]> = {
      [lower(SITE)]: [{ linkerId: a.id, kind: "source" }, { linkerId: b.id, kind: "source" }],
      [lower(BLOB)]: [{ linkerId: a.id, kind: "target" }],
    };
    const index = { linkersDependingOn: async (id: string) => deps[lower(id)] ?? [] } as unknown as DependencyIndex;
    const store = { dependencies: index, linkers: { get: async (_s: string, name: string) => [a, b].find((l) => l.name === name) } } as never;
    expect((await affectedLinkers(parseResourceEvents([event("ResourceWriteSuccess", ACCOUNT)]), store))).toEqual([a.id]);
    const calls: string[][] = [];
    const healed: string[] = [];
    const reaction = await reactToEvents(parseResourceEvents([event("ResourceWriteSuccess", `${SITE}/config/appsettings`), event("ResourceWriteSuccess", ACCOUNT)]), {
      store,
      revalidate: async (ls) => { calls.push(ls.map((l) => l.name)); return ls.map((l) => health(l, "Unhealthy", ["Configuration"])); },
      startHeal: async (l) => { healed.push(l.name); },
    });
    expect(calls).toEqual([["blob1", "other"]]);
    expect(healed).toEqual(["blob1"]);
    expect(reaction.notHealed).toEqual([{ linkerId: b.id, reason: "auto-heal is off for this connection" }]);
  });
});
